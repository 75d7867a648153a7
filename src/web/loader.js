// Alliance Check-in loader, published as `alliance-checkin.js` (a stable name a practice can
// reference). .ci/post-build.mjs fills in the hashed file names, the stylesheet's integrity,
// the two texts shown if the widget cannot start, and the first screen in every language.
//
// Every element with `data-alliance-checkin` gets an open shadow root holding the widget's
// stylesheet and a container the WebAssembly app mounts into: the host page's CSS cannot
// reach the widget and the widget's CSS cannot reach the page. Nothing else on the page is
// touched. A page that adds elements later can call `mountWidget(element)`.
//
// Until the WebAssembly arrives the container shows the first screen as plain markup (the
// heading, the four lines, the note), in the language the widget will speak, and it can
// already be answered: the widget starts with what was placed and typed there. What is answered
// there is kept in the tab's sessionStorage until the widget has mounted, so a reload (or a
// discarded tab) before the wasm arrives shows it again; never in localStorage, since nothing
// is written to the device before the widget reads the practice's and the client's choices.
const here = import.meta.url;
const stylesheet = new URL('@CSS@', here).href;
// Imported, not a static import: a glue or wasm that fails to load (a broken deploy, an
// integrity failure) must still let this file show the client what to do, not a blank page.
const started = import('./@GLUE@').then(async (glue) => {
  await glue.default({ module_or_path: new URL('@WASM@', here) });
  // A device that holds check-ins or drafts: their reader (a part of its own) is loaded now,
  // while the first screen shows, so every widget starts with them.
  await new Promise((resolve) => glue.prepare(resolve));
  return glue.mount;
});
started.catch(() => {}); // reported by each widget that waits for it
// Widgets mount one after another in the order mountWidget was called (document order for the
// page's own), so settings that depend on order, such as which of two widgets sharing a
// namespace is told about the clash, never depend on which stylesheet load finished first.
let mountedBefore = Promise.resolve();
const query = new URLSearchParams(location.search);
// Filled in from the catalogues (src/domain/text/): the only words shown without the wasm.
const CANNOT_START = @TEXT.start_failed@;
const RELOAD = @TEXT.start_reload@;
// The built-in check-in's first screen per language tag, generated from the catalogues and the
// built-in definition (src/domain/skeleton.rs), never written here by hand.
const FIRST_SCREENS = @FIRST_SCREENS@;
const LINE_ID = 'aci0-item-';
// Settings a link may not set (NOT_FROM_A_LINK in src/domain/settings.rs, filled in at build
// time): the widget refuses them with a message above the form, so no first screen.
const NOT_FROM_A_LINK = @NOT_FROM_A_LINK@;
// The slider thumb's width (--aci-thumb in style/widget.css, THUMB_WIDTH_PX in line_item.rs).
const THUMB = 32;

/** A tag's primary language if there is a first screen in it. */
const screenLanguage = (tag) => {
  const primary = (tag || '').split('-')[0].toLowerCase();
  return Object.hasOwn(FIRST_SCREENS, primary) ? primary : null;
};

/**
 * What the widget in `host` will show first, when it will be the built-in check-in the way the
 * first screen has it: [language, practice name, title]. Null when it will not (a practice's
 * questionnaire, a configuration this file does not read, a setting the widget will refuse
 * with a message above the form, whole numbers instead of sliders): then nothing is shown
 * before the widget, rather than the wrong words or a screen that moves. The language is
 * picked in the widget's order (src/domain/preferences.rs): the client's stored choice, the
 * practice's setting, the browser's languages, English.
 */
function firstScreenOf(host) {
  const standalone = host.hasAttribute('data-standalone');
  const setting = (name) => host.getAttribute(`data-${name}`) ?? (standalone ? query.get(name) : null);
  const block = [...host.children].some(
    (child) => child.localName === 'script' && child.type.trim().toLowerCase() === 'application/json',
  );
  const [name, title, accent, practice] = ['practice-name', 'title', 'accent', 'language'].map(setting);
  // A name or title the widget refuses (src/domain/settings.rs: one line of at most 80
  // characters), or an empty one, is left to the widget.
  const refused = [name, title].some(
    (text) => text !== null && (!text || [...text].length > 80 || /\p{Cc}/u.test(text)),
  );
  // The widget's rule for a namespace (settings.rs): 1-32 of a-z 0-9 -.
  const namespace = host.getAttribute('data-namespace')?.trim() || 'default';
  if (
    block ||
    refused ||
    (standalone && ['config', ...NOT_FROM_A_LINK].some((name) => query.has(name))) ||
    setting('questionnaire') !== null ||
    !/^[a-z0-9-]{1,32}$/.test(namespace) ||
    (accent !== null && !/^#([0-9a-f]{3}){1,2}$/i.test(accent)) ||
    (practice !== null && !screenLanguage(practice))
  ) {
    return null;
  }
  const prefix = `alliance-checkin:${namespace}:`;
  let stored = null;
  try {
    if (localStorage.getItem(`${prefix}answer-style`) === 'numbers') return null;
    stored = localStorage.getItem(`${prefix}language`);
  } catch {
    // Storage blocked: the widget reads no choice either.
  }
  return [
    [stored, practice, ...(navigator.languages || []), 'en'].map(screenLanguage).find(Boolean),
    `${prefix}first-screen`,
    name,
    title,
  ];
}

/**
 * Puts the first screen (`[language, storage key, practice name, title]`) into `container`,
 * under the practice's header as the widget shows it, and makes it answerable the way the
 * widget's form is: a line shows its thumb only once placed (by a drag, a tap anywhere on it,
 * or a key), with its value in words; the note's counter follows the text. What is answered is
 * kept under the key in sessionStorage as it changes, and shown again (as answered) when the
 * first screen is. Returns `take`, which empties the container and gives what was answered,
 * and `mounted`, which puts the focus (and the note's caret) back on the same control of the
 * widget and drops the kept answers (the widget's own draft keeps them from then on).
 */
function showFirstScreen(container, [language, key, ...header]) {
  container.innerHTML = FIRST_SCREENS[language];
  const screen = container.firstElementChild;
  if (header.some((text) => text !== null)) {
    const box = document.createElement('header');
    box.className = 'aci-header';
    ['practice', 'title'].forEach((part, index) => {
      if (header[index] === null) return;
      const line = document.createElement('p');
      line.className = `aci-header__${part}`;
      line.textContent = header[index];
      box.append(line);
    });
    screen.prepend(box);
  }
  const { value: valueWords, decimal, counter } = screen.dataset;
  const note = screen.querySelector('textarea');
  let noteTyped = false;
  // What the widget starts with: the placed lines (`id=tenths,…`) and the note, if typed.
  const answers = () => [
    [...screen.querySelectorAll('.aci-item--answered .aci-range')]
      .map((line) => `${line.id.slice(LINE_ID.length)}=${line.value}`)
      .join(','),
    noteTyped ? note.value : undefined,
  ];
  // Storage blocked, full or throwing never stops the first screen: it is then just not kept.
  const keep = (kept) => {
    try {
      if (kept) sessionStorage.setItem(key, JSON.stringify(kept));
      else sessionStorage.removeItem(key);
    } catch {
      // Not kept.
    }
  };
  // What was answered here before a reload, if anything: `[lines, note]` as `answers` gives.
  let given = {};
  let text;
  try {
    let lines;
    [lines, text] = JSON.parse(sessionStorage.getItem(key));
    given = Object.fromEntries(lines.split(',').map((pair) => pair.split('=')));
  } catch {
    // Nothing kept, or unreadable: a blank first screen.
  }
  const placed = (line) => {
    const item = line.closest('.aci-item');
    const tenths = Number(line.value);
    const words = valueWords.replace('{score}', `${Math.floor(tenths / 10)}${tenths % 10 ? decimal + (tenths % 10) : ''}`);
    item.classList.add('aci-item--answered');
    item.querySelector('.aci-item__value').textContent = words;
    line.setAttribute('aria-valuetext', words);
    keep(answers());
  };
  for (const line of screen.querySelectorAll('.aci-range')) {
    let moved = false;
    line.onpointerdown = () => {
      moved = false;
    };
    line.oninput = () => {
      moved = true;
      placed(line);
    };
    // A press the browser did not turn into a value (mobile Safari ignores taps on the track;
    // every browser ignores one on the hidden resting thumb) places the line under the finger;
    // a scroll that starts on the line ends in pointercancel and answers nothing.
    line.onpointerup = (event) => {
      if (moved) return;
      const box = line.getBoundingClientRect();
      let fraction = Math.min(1, Math.max(0, (event.clientX - box.left - THUMB / 2) / Math.max(1, box.width - THUMB)));
      if (screen.dir === 'rtl') fraction = 1 - fraction;
      line.value = Math.round(fraction * Number(line.max));
      placed(line);
    };
    const value = given[line.id.slice(LINE_ID.length)];
    if (value) {
      line.value = value;
      placed(line);
    }
  }
  note.oninput = () => {
    noteTyped = true;
    screen.querySelector('.aci-note__counter').textContent = counter.replace('{used}', [...note.value].length);
    keep(answers());
  };
  if (typeof text === 'string') {
    note.value = text;
    note.oninput();
  }
  const CONTROLS = '.aci-range, textarea, summary';
  let focused = -1;
  let caret;
  let settingsOpen = false;
  return {
    take() {
      settingsOpen = screen.querySelector('.aci-settings').open;
      const active = container.getRootNode().activeElement;
      focused = [...screen.querySelectorAll(CONTROLS)].indexOf(active);
      caret = active === note && [note.selectionStart, note.selectionEnd, note.selectionDirection];
      const answered = answers();
      container.replaceChildren();
      return answered;
    },
    mounted() {
      keep();
      // Settings opened before the widget loaded show the widget's own controls now.
      const settings = settingsOpen && container.querySelector('.aci-settings');
      if (settings) settings.open = true;
      const control = container.querySelectorAll(CONTROLS)[focused];
      if (!control) return;
      control.focus({ preventScroll: true });
      if (caret) control.setSelectionRange(...caret);
    },
  };
}

/**
 * The configuration file `?config=<name>` names, on the widget's own page only: read before
 * mounting, so the widget never shows other settings first. Only `configs/<name>.json` beside
 * the page, with a name of 1-32 of a-z 0-9 - (no other folder or origin can be named); the
 * wasm checks the name again and names a missing or unusable file. Resolves to [name, text].
 */
async function configFile(host) {
  const name = host.hasAttribute('data-standalone') ? query.get('config') : null;
  if (name === null) return [];
  let text;
  if (/^[a-z0-9-]{1,32}$/.test(name)) {
    try {
      const response = await fetch(new URL(`configs/${name}.json`, location.href), { redirect: 'error' });
      if (response.ok) text = await response.text();
    } catch {
      // Offline and never cached, or refused: named as missing.
    }
  }
  return [name, text];
}

/**
 * Shows, inside the widget, that it could not start, with a button that reloads the page: above
 * the first screen if it is still there (it stays answerable and kept, so Reload brings back
 * what was answered), else in place of whatever the container holds.
 */
function cannotStart(host, container) {
  const asked = host.dataset.language || (host.hasAttribute('data-standalone') && query.get('language'));
  let language = (asked || navigator.language || '').split('-')[0].toLowerCase();
  if (!Object.hasOwn(RELOAD, language)) language = 'en';
  const pick = (texts) => texts[language];
  const box = document.createElement('div');
  box.className = 'aci';
  box.lang = language;
  const notice = document.createElement('div');
  notice.className = 'aci-notice aci-notice--error';
  notice.setAttribute('role', 'alert');
  const message = document.createElement('p');
  message.textContent = pick(CANNOT_START);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'aci-button aci-button--primary';
  button.textContent = pick(RELOAD);
  button.onclick = () => location.reload();
  notice.append(message, button);
  box.append(notice);
  if (container.querySelector('[data-first-screen]')) container.prepend(box);
  else container.replaceChildren(box);
}

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
  let first;
  try {
    const shown = firstScreenOf(host);
    first = shown && showFirstScreen(container, shown);
  } catch {
    // A host page that refuses markup set from a script (Trusted Types): the widget as before.
    container.replaceChildren();
    first = null;
  }
  // The first screen shows once styled, never as bare controls.
  container.hidden = true;
  root.append(link, container);
  // Wait for the styles so the widget never shows unstyled; a failed load still mounts.
  const styled = new Promise((resolve) => {
    link.onload = link.onerror = resolve;
  }).then(() => {
    container.hidden = false;
  });
  // Read while the wasm loads, not after.
  const config = configFile(host);
  // The widget replaces the first screen in one go (no frame shows neither), starting with
  // what was answered there.
  const turn = mountedBefore
    .then(() => Promise.all([started, config, styled]))
    .then(([mount, [name, text]]) => {
      const widget = mount(host, container, name, text, ...(first ? first.take() : []));
      first?.mounted();
      return widget;
    });
  mountedBefore = turn.catch(() => {});
  try {
    return await turn;
  } catch (error) {
    cannotStart(host, container);
    throw error;
  }
}

// A widget that cannot start shows why (above); the others and the page carry on.
const results = await Promise.allSettled(
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
  // A widget that could not start: no new worker keeps this build, so Reload asks the server
  // again; an existing worker looks for a newer version and lets it take over at once.
  const failed = results.some((result) => result.status === 'rejected');
  loaded
    .then(() =>
      failed
        ? navigator.serviceWorker.getRegistration().then((registration) => registration?.update().then(() => registration))
        : navigator.serviceWorker.register(new URL('sw.js', here)),
    )
    .then((registration) => {
      if (!registration) return;
      const watch = (worker) =>
        worker?.addEventListener('statechange', () => {
          if (worker.state === 'installed') takeOver(worker);
        });
      takeOver(registration.waiting);
      watch(registration.installing);
      registration.addEventListener('updatefound', () => watch(registration.installing));
      // What this page loaded before a worker answered it (the `?config=` file, and a practice's
      // questionnaire reader, which may still be arriving) is kept too, so the next visit has it
      // offline: the worker is told every file the page has loaded and will load (src/web/sw.js).
      return navigator.serviceWorker.ready.then(({ active }) =>
        new PerformanceObserver((files) => active?.postMessage({ keep: files.getEntries().map(({ name }) => name) })).observe({
          type: 'resource',
          buffered: true,
        }),
      );
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
