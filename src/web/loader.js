// Alliance Check-in loader, published as `alliance-checkin.js` (a stable name a practice can
// reference). .ci/post-build.mjs fills in the hashed file names and the stylesheet's integrity.
//
// Every element with `data-alliance-checkin` gets an open shadow root holding the widget's
// stylesheet and a container the WebAssembly app mounts into: the host page's CSS cannot
// reach the widget and the widget's CSS cannot reach the page. Nothing else on the page is
// touched. A page that adds elements later can call `mountWidget(element)`.
import init, { mount } from './@GLUE@';

const here = import.meta.url;
const stylesheet = new URL('@CSS@', here).href;
const started = init({ module_or_path: new URL('@WASM@', here) });
// Widgets mount one after another in the order mountWidget was called (document order for the
// page's own), so settings that depend on order, such as which of two widgets sharing a
// namespace is told about the clash, never depend on which stylesheet load finished first.
let mountedBefore = Promise.resolve();

// The widget's sizes follow the reader's chosen text size, not the host page's
// `html { font-size }`: CSS multiplies by --aci-rem, registered as a length so the value
// computed on the widget's root (1em of `font-size: medium`) is inherited as pixels.
try {
  CSS.registerProperty({ name: '--aci-rem', syntax: '<length>', inherits: true, initialValue: '16px' });
} catch {
  // Already registered by another copy of the loader, or not supported (then 1em is used).
}

/** Mounts the widget into `host`; resolves to a handle whose `unmount()` removes it. */
export async function mountWidget(host) {
  if (host.shadowRoot) throw new Error('Alliance Check-in is already mounted in this element');
  const root = host.attachShadow({ mode: 'open' });
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.crossOrigin = 'anonymous';
  link.integrity = '@CSS_INTEGRITY@';
  link.href = stylesheet;
  const container = document.createElement('div');
  container.className = 'aci-root';
  root.append(link, container);
  // Wait for the styles so the widget never shows unstyled; a failed load still mounts.
  const styled = new Promise((resolve) => {
    link.onload = link.onerror = resolve;
  });
  const turn = mountedBefore.then(() => Promise.all([started, styled])).then(() => mount(host, container));
  mountedBefore = turn.catch(() => {});
  try {
    return await turn;
  } catch (error) {
    container.textContent =
      'This check-in could not start in this browser. Please update it, or ask your practice for another way to check in.';
    throw error;
  }
}

await Promise.all(
  [...document.querySelectorAll('[data-alliance-checkin]')]
    .filter((host) => !host.shadowRoot)
    .map((host) => mountWidget(host)),
);

// Offline and installable, on the widget's own page only (`data-standalone`, as in index.html):
// never on a practice's page that embeds the widget, whose origin and pages are not ours.
// Registered after every widget has mounted and the page has loaded, so it never slows a first
// visit. A new version's worker installs in the background and waits; once this page has all
// its files, it lets a waiting worker take over: this page runs on from memory, unchanged and
// never reloaded, and the next load gets the new version (the policy is in src/web/sw.js).
// Not awaited: a page importing `mountWidget` never waits for it.
if ('serviceWorker' in navigator && document.querySelector('[data-alliance-checkin][data-standalone]')) {
  const loaded = new Promise((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', resolve, { once: true });
  });
  const takeOver = (worker) => worker?.postMessage('skip-waiting');
  loaded
    .then(() => navigator.serviceWorker.register(new URL('sw.js', here)))
    .then((registration) => {
      takeOver(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const worker = registration.installing;
        worker?.addEventListener('statechange', () => {
          if (worker.state === 'installed') takeOver(worker);
        });
      });
    })
    // No worker (a private window, a host without HTTPS): the check-in works as before, online.
    .catch(() => {});
}

// The widget as a whole page inside a practice's iframe: tell the host page its height so
// the frame never needs a scrollbar (the host snippet in README.md listens for this).
if (window.parent !== window) {
  const origin = new URLSearchParams(location.search).get('host-origin') || '*';
  let reported = 0;
  const report = () => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== reported) {
      reported = height;
      window.parent.postMessage({ type: 'alliance-checkin:height', height }, origin);
    }
  };
  new ResizeObserver(report).observe(document.body);
  report();
}
