// End-to-end: the first screen before the WebAssembly arrives, against the release build. The
// server here holds back the `.wasm` until the test lets it go, so the test sees what a client
// on a slow connection sees: the loader's first screen (generated from the catalogues and the
// built-in definition), answered by touch and keyboard, then the widget taking it over.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DIST,
  axeViolations,
  LIVE_WIDGET,
  TYPES,
  draftTexts,
  fileIn,
  launchBrowser,
  openPage,
  phoneContext,
  screenshot,
  storedHistory,
  tapLine,
  valueTexts,
  widgetReady,
} from './harness.mjs';

const EXAMPLE = readFileSync(new URL('../../src/instruments/example-12-item-5-point.json', import.meta.url), 'utf8');
const LOADER = '<script type="module" src="/alliance-checkin.js"></script>';
const hostPage = (body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Practice</title><link rel="icon" href="data:,"></head><body>${body}${LOADER}</body></html>`;
const PAGES = {
  '/spanish.html': hostPage('<h1>Riverside</h1><div data-alliance-checkin data-language="es"></div>'),
  '/named.html': hostPage(
    '<div data-alliance-checkin data-practice-name="&lt;b&gt;Riverside&lt;/b&gt; Practice" data-title="How was today?" data-accent="#7a3e9d"></div>',
  ),
  '/own-questionnaire.html': hostPage(
    `<script type="application/json" id="my-scale">${EXAMPLE}</script>
     <div data-alliance-checkin data-questionnaire="#my-scale"></div>`,
  ),
};

/**
 * Serves dist/ and PAGES; while `hold()` is in force every `.wasm` request waits until
 * `release()` (or 30 s, so a failing test cannot hang).
 */
async function serveHeldBack() {
  let held = Promise.resolve();
  let release = () => {};
  const wasmRequests = [];
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://127.0.0.1');
    const headers = { 'cache-control': 'no-store' };
    if (PAGES[pathname] !== undefined) {
      response.writeHead(200, { ...headers, 'content-type': TYPES['.html'] });
      response.end(PAGES[pathname]);
      return;
    }
    const path = fileIn(DIST, pathname) ?? join(DIST, 'index.html');
    if (path.endsWith('.wasm')) {
      wasmRequests.push(pathname);
      await Promise.race([held, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    }
    response.writeHead(200, { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    response.end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    wasmRequests,
    hold() {
      held = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    close: () =>
      new Promise((resolve) => {
        release();
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

const env = {};
before(async () => {
  env.server = await serveHeldBack();
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

/** A phone with empty storage, recording every layout shift from the start in `window.__shifts`. */
async function phone(options = {}) {
  const context = await phoneContext(env.browser, options);
  await context.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // What moved, for the failure message: each source's node and its old and new place.
        const moved = entry.sources.map(
          ({ node, previousRect: from, currentRect: to }) =>
            `${node?.className || node?.nodeName} (${from.x},${from.y} ${from.width}x${from.height}) -> (${to.x},${to.y} ${to.width}x${to.height})`,
        );
        window.__shifts.push(`${entry.value.toFixed(4)} at ${Math.round(entry.startTime)} ms: ${moved.join('; ')}`);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return { context, page: await openPage(context) };
}

/** Opens `path` with the wasm held back and waits for the first screen to show. */
async function openHeldBack(page, path = '') {
  env.server.hold();
  await page.goto(`${env.server.url}${path}`, { waitUntil: 'commit' });
  const first = page.locator('.aci[data-first-screen]');
  await first.locator('form').waitFor();
  return first;
}

/** The lines of text a reader sees in `root`, in order. */
const shownLines = (root) =>
  root.evaluate((element) => element.innerText.split('\n').map((line) => line.trim()).filter(Boolean));

/** Where every control and heading of the form is on the page (the settings' summary; not the
 * backup panel's, below the history, which the first screen does not show). */
const formBoxes = (page) =>
  page.evaluate(() =>
    [...__widget().querySelectorAll('.aci-settings__summary, form h2, .aci-item__title, .aci-range, textarea, .aci-note__counter')].map(
      (element) => {
        const { x, y, width, height } = element.getBoundingClientRect();
        return { tag: element.localName, x, y, width, height };
      },
    ),
  );

/** Two frames, so layout shifts of the last change have been reported. */
const settled = (page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

const answeredLines = (page) =>
  page.locator('.aci-item').evaluateAll((items) => items.map((item) => item.classList.contains('aci-item--answered')));

function expectCleanConsole(page) {
  assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
}

describe('the first screen before the WebAssembly', () => {
  for (const [locale, language, heading] of [
    ['en-US', 'en', "How did today's session go?"],
    ['es-ES', 'es', '¿Cómo fue la sesión de hoy?'],
  ]) {
    it(`shows the widget's own first screen in its language (${language}), and the widget takes over without a shift`, async () => {
      const { context, page } = await phone({ locale });
      const first = await openHeldBack(page);
      assert.equal(await first.getAttribute('lang'), language);
      const before = await shownLines(first);
      assert.ok(before.includes(heading), before.join(' | '));
      assert.equal(await page.locator('.aci-range').count(), 4);
      assert.ok(env.server.wasmRequests.length > 0, 'the wasm was asked for and is still held back');
      assert.equal(await page.locator(LIVE_WIDGET).count(), 0, 'the widget has not mounted yet');
      const boxes = await formBoxes(page);
      await settled(page);
      assert.deepEqual(await page.evaluate(() => window.__shifts.splice(0)), [], 'no layout shift while loading');
      assert.deepEqual(await axeViolations(page), [], 'the first screen is accessible on its own');
      if (language === 'en') {
        await screenshot(page, 'first-screen-before-wasm');
        // A full-page capture resizes the viewport for a moment: not the page's doing.
        await settled(page);
        await page.evaluate(() => window.__shifts.splice(0));
      }

      env.server.release();
      await widgetReady(page);
      await settled(page);
      const live = await shownLines(page.locator(LIVE_WIDGET));
      // Everything the first screen showed, the widget shows in the same order; it adds the
      // safety line, the finish button and the history below.
      assert.deepEqual(live.slice(0, before.length), before);
      assert.ok(live.length > before.length);
      assert.deepEqual(await formBoxes(page), boxes, 'nothing moved when the widget took over');
      assert.deepEqual(await page.evaluate(() => window.__shifts), [], 'no layout shift when the widget took over (CLS 0)');
      expectCleanConsole(page);
      await context.close();
    });
  }

  it('can be answered before the wasm arrives, and the widget keeps every answer, the focus and the caret', async () => {
    const { context, page } = await phone();
    const first = await openHeldBack(page);
    await tapLine(page, 0, 0.8);
    await tapLine(page, 2, 0.3);
    await page.locator('textarea').tap();
    await page.keyboard.type('Typed before the widget');
    // Shown as answered; the lines not placed still show no thumb.
    assert.deepEqual(await answeredLines(page), [true, false, true, false]);
    assert.deepEqual(await first.locator('.aci-item__value').allTextContents(), [
      '8 of 10',
      'Not answered',
      '3 of 10',
      'Not answered',
    ]);
    assert.match(await first.locator('.aci-note__counter').textContent(), /^23 of 1000/);
    await screenshot(page, 'first-screen-answered-before-wasm');

    env.server.release();
    await widgetReady(page);
    assert.equal(await page.evaluate(() => __deepActive()?.id), await page.locator(`${LIVE_WIDGET} textarea`).getAttribute('id'));
    await page.keyboard.type(' and after.');
    assert.equal(await page.locator('textarea').inputValue(), 'Typed before the widget and after.');
    assert.deepEqual(await answeredLines(page), [true, false, true, false]);
    const texts = await valueTexts(page);
    assert.match(texts[0], /^8 of 10, towards/);
    assert.match(texts[2], /^3 of 10, towards/);
    assert.deepEqual([texts[1], texts[3]], ['not answered yet', 'not answered yet']);
    await screenshot(page, 'first-screen-after-takeover');
    await page.waitForFunction(
      () => Object.keys(localStorage).some((key) => key.includes(':draft') && localStorage.getItem(key).includes('and after.')),
    );
    assert.ok((await draftTexts(page)).some((text) => text.includes('"value":80') && text.includes('"value":30')));

    await tapLine(page, 1, 0.5);
    await tapLine(page, 3, 1);
    await page.locator('button[type=submit]').tap();
    await page.locator('.aci-result h2').waitFor();
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '26 of 40');
    const stored = await storedHistory(page);
    assert.equal(stored.entries.length, 1);
    assert.deepEqual(stored.entries[0].answers.map((answer) => answer.value), [80, 50, 30, 100]);
    assert.equal(stored.entries[0].note, 'Typed before the widget and after.');
    expectCleanConsole(page);
    await context.close();
  });

  it('says the settings are coming when opened before the wasm, then opens the widget\'s own settings', async () => {
    const { context, page } = await phone();
    const first = await openHeldBack(page);
    await first.getByText('Settings', { exact: true }).tap();
    const soon = first.getByText('The settings appear once the check-in has loaded.');
    assert.ok(await soon.isVisible(), 'an opened panel is not empty');
    await screenshot(page, 'first-screen-settings-before-wasm');

    env.server.release();
    await widgetReady(page);
    const live = page.locator(LIVE_WIDGET);
    assert.ok(await live.getByLabel('Language').isVisible(), "the widget's settings are open in its place");
    assert.equal(await live.locator('.aci-settings').getAttribute('open'), '');
    assert.equal(await page.evaluate(() => __deepActive()?.localName), 'summary', 'focus stays on the settings');
    // Closing it is the widget's own disclosure, as always.
    await live.getByText('Settings', { exact: true }).tap();
    assert.equal(await live.getByLabel('Language').isVisible(), false);
    expectCleanConsole(page);
    await context.close();
  });

  it('lets a line placed before the wasm win over the same line of a restored draft', async () => {
    const { context, page } = await phone();
    await page.goto(env.server.url);
    await widgetReady(page);
    await tapLine(page, 0, 0.2);
    await tapLine(page, 1, 0.4);
    await page.waitForFunction(
      () => Object.keys(localStorage).some((key) => key.includes(':draft') && localStorage.getItem(key).includes('"value":40')),
    );

    // The service worker would serve the wasm from its cache: this load goes to the server.
    await page.evaluate(async () => {
      for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    });
    await openHeldBack(page);
    assert.deepEqual(await answeredLines(page), [false, false, false, false], 'nothing is pre-set');
    await tapLine(page, 0, 0.9);
    env.server.release();
    await widgetReady(page);
    const texts = await valueTexts(page);
    assert.match(texts[0], /^9 of 10/, 'the line placed before the wasm');
    assert.match(texts[1], /^4 of 10/, 'the draft, for the line not touched');
    assert.deepEqual(await answeredLines(page), [true, true, false, false]);
    expectCleanConsole(page);
    await context.close();
  });

  it('shows the first screen in an embed as soon as the loader runs, in the practice\'s language', async () => {
    const { context, page } = await phone({ locale: 'en-US' });
    const first = await openHeldBack(page, 'spanish.html');
    assert.equal(await first.getAttribute('lang'), 'es');
    const before = await shownLines(first);
    env.server.release();
    await widgetReady(page);
    assert.equal(await page.locator(LIVE_WIDGET).getAttribute('lang'), 'es');
    const live = await shownLines(page.locator(LIVE_WIDGET));
    assert.deepEqual(live.slice(0, before.length), before);
    expectCleanConsole(page);
    await context.close();
  });

  it('shows the practice\'s header above the first screen, as text, and nothing moves when the widget takes over', async () => {
    const { context, page } = await phone();
    const first = await openHeldBack(page, 'named.html');
    assert.equal(await first.locator('.aci-header__practice').textContent(), '<b>Riverside</b> Practice');
    assert.equal(await first.locator('b').count(), 0, 'the name is text, not markup');
    const before = await shownLines(first);
    const boxes = await formBoxes(page);
    env.server.release();
    await widgetReady(page);
    await settled(page);
    const live = await shownLines(page.locator(LIVE_WIDGET));
    assert.deepEqual(live.slice(0, before.length), before);
    assert.deepEqual(await formBoxes(page), boxes, 'nothing moved when the widget took over');
    assert.deepEqual(await page.evaluate(() => window.__shifts), [], 'no layout shift at all (CLS 0)');
    expectCleanConsole(page);
    await context.close();
  });

  it('shows nothing before the widget when the first screen is not the built-in one (a practice\'s questionnaire)', async () => {
    const { context, page } = await phone();
    env.server.hold();
    await page.goto(`${env.server.url}own-questionnaire.html`, { waitUntil: 'commit' });
    await page.waitForFunction(() => __widget()?.querySelector('.aci-root'));
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => __widget().querySelector('.aci-root').childElementCount), 0);
    env.server.release();
    await widgetReady(page);
    assert.equal(await page.locator('.aci-likert').count(), 12, 'the practice\'s twelve items');
    expectCleanConsole(page);
    await context.close();
  });
});
