// Shared end-to-end harness: serves the release build (dist/) on 127.0.0.1, starts Debian's
// Chromium through playwright-core, opens phone-sized pages, collects console and page errors,
// runs axe, and saves screenshots to tests/e2e/screenshots/ for a person to look at.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots');

export const HISTORY_KEY = 'alliance-checkin:default:history';
export const BESIDE_NEWER_KEY = 'alliance-checkin:default:history:v3-beside-newer';
/** The key versions before 3 kept the one draft under (still read). Each tab now keeps its own
 * draft under `DRAFT_KEY + ':' + id`. */
export const DRAFT_KEY = 'alliance-checkin:default:draft';

/** The texts of every draft key (the legacy one and each tab's). */
export function draftTexts(page) {
  return page.evaluate((prefix) =>
    Object.keys(localStorage)
      .filter((key) => key === prefix || key.startsWith(`${prefix}:`))
      .filter((key) => !key.includes(':unreadable:'))
      .map((key) => localStorage.getItem(key)), DRAFT_KEY);
}

/** Content types of the files the widget ships (the test servers send no others). */
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** The file under `root` a request for `pathname` names, or null (missing, a folder, outside). */
export function fileIn(root, pathname) {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const path = join(root, relative);
  return path.startsWith(root) && existsSync(path) && !statSync(path).isDirectory() ? path : null;
}

/** Serves dist/ on a free loopback port; every request is logged in `requests`. */
export async function serveDist() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `trunk build --release` first');
  }
  const { url, requests, stop } = await serveSwappableBuild(DIST);
  return { url, requests, close: stop };
}

/** Debian's Chromium (the benchmark's Lighthouse runs it too). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags that keep Chromium quiet on this closed network (headless mode apart). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium with the flags that keep it quiet on this closed network. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', ...CHROMIUM_FLAGS] });
}

/**
 * A phone: 360x640 CSS px, touch, mobile viewport. Its pages get two helpers for code run in
 * the page, because the widget lives in a shadow root that `document` queries do not enter:
 * `__widget()` is the first widget's shadow root and `__deepActive()` the focused element
 * inside it (`document.activeElement` is only the host element).
 */
export async function phoneContext(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...options,
  });
  await context.addInitScript(() => {
    window.__widget = () => document.querySelector('[data-alliance-checkin]')?.shadowRoot;
    window.__deepActive = () => {
      let element = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      return element;
    };
  });
  return context;
}

/**
 * Sets the browser's default text size (the reader's setting the widget follows; a page's
 * `html { font-size }` no longer reaches it) to `scale` times 16 px.
 */
export async function setTextSize(page, scale) {
  const session = await page.context().newCDPSession(page);
  const fontSizes = { standard: Math.round(16 * scale), fixed: Math.round(13 * scale) };
  // Resizing the viewport resets Chromium's font sizes; `screenshot` puts them back.
  page.restoreTextSize = () => session.send('Page.setFontSizes', { fontSizes });
  await page.restoreTextSize();
}

/**
 * Opens the widget at `url` with the reader's text size at `scale`, and checks the widget's
 * text really is that size (17 px at 100%), so a test of large text cannot pass at 100%.
 */
export async function openAtTextSize(context, url, scale) {
  const page = await openPage(context);
  await setTextSize(page, scale);
  await page.goto(url);
  await widgetReady(page);
  const fontSize = await page.locator('.aci').evaluate((root) => getComputedStyle(root).fontSize);
  if (fontSize !== `${17 * scale}px`) {
    throw new Error(`the widget's text is ${fontSize}, not ${17 * scale}px`);
  }
  return page;
}

/**
 * Opens a page that records console errors and uncaught page errors in `page.problems`
 * (that is how a broken wasm build shows).
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      page.problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  if (url) {
    await page.goto(url);
    await widgetReady(page);
  }
  return page;
}

/** The mounted widget's root; the loader's first screen, shown until then, is `[data-first-screen]`. */
export const LIVE_WIDGET = '.aci:not([data-first-screen])';

export async function widgetReady(page) {
  await page.locator(LIVE_WIDGET).first().waitFor();
}

/** The part that reads stored check-ins, drafts and backup files (src/ui/parts.rs, `stored`). */
export const STORED_PART = /\/parts\/split_stored-[0-9a-f]{16}\.wasm$/;

/** The page's console problems (`openPage`), less the notice that service workers are blocked. */
export const problemsBesidesBlockedWorker = (page) =>
  page.problems.filter((problem) => !/Service Worker registration blocked/.test(problem));

/** The page hides and shows again (a phone switching apps): the widget syncs. */
export async function switchAwayAndBack(page) {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
}

/** Waits until the history shows `n` check-ins (storage events and locks land asynchronously). */
export async function expectCount(page, n) {
  try {
    await page.waitForFunction(
      (expected) => __widget().querySelector('.aci-history__count')?.textContent === expected,
      String(n),
      { timeout: 5000 },
    );
  } catch {
    const shown = await page.evaluate(() => __widget().querySelector('.aci-history__count')?.textContent);
    assert.fail(`expected the history to show ${n} check-ins, it shows ${JSON.stringify(shown ?? null)}`);
  }
}

/** Runs axe with the WCAG 2.0-2.2 A and AA rules and returns the violations. */
export async function axeViolations(page) {
  const before = page.problems?.length ?? 0;
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  // axe itself adds a <style> element, which the page's strict policy blocks (and reports);
  // that report is about the test tool, not the widget, so it is not counted as a problem.
  if (page.problems) {
    const during = page.problems.splice(before);
    page.problems.push(...during.filter((problem) => !problem.includes('Content Security Policy')));
  }
  return results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes
        .map((node) => node.target.join(' '))
        .join(', ')})`,
  );
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  if (!page.restoreTextSize) {
    await page.screenshot({ path, fullPage: true });
    return;
  }
  // Resizing the emulated viewport (which a full-page capture does too) resets Chromium's font
  // sizes: grow the viewport to the whole page by hand, put the text size back, and capture;
  // then restore both, so checks after a screenshot still run at the test's text size.
  const viewport = page.viewportSize();
  const pageHeight = () => page.evaluate(() => document.documentElement.scrollHeight);
  let height = await pageHeight();
  for (let tries = 0; tries < 3; tries += 1) {
    await page.setViewportSize({ width: viewport.width, height });
    await page.restoreTextSize();
    const now = await pageHeight();
    if (now <= height) break;
    height = now;
  }
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
  await page.restoreTextSize();
}

/** Taps a line at `fraction` (0..1) of its thumb's travel, as a finger would. */
export async function tapLine(page, index, fraction) {
  const line = page.locator('input.aci-range').nth(index);
  await line.scrollIntoViewIfNeeded();
  const box = await line.boundingBox();
  const thumb = 32;
  const x = box.x + thumb / 2 + fraction * (box.width - thumb);
  await page.touchscreen.tap(x, box.y + box.height / 2);
}

export async function valueTexts(page) {
  return page
    .locator('input.aci-range')
    .evaluateAll((lines) => lines.map((line) => line.getAttribute('aria-valuetext')));
}

export async function storedHistory(page, key = HISTORY_KEY) {
  const text = await page.evaluate((storageKey) => localStorage.getItem(storageKey), key);
  return text === null ? null : JSON.parse(text);
}

/**
 * Serves dist/ and starts Chromium before a test file's tests, and stops both after them.
 * Returns an object whose `server` and `browser` are set once the tests run.
 */
export function withServerAndBrowser() {
  const shared = { server: undefined, browser: undefined };
  before(async () => {
    shared.server = await serveDist();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

/** Answers every 0-10 line through the DOM the way a drag does (for tests about something else). */
export async function answerAll(page, tenths) {
  await page.locator('input.aci-range').evaluateAll((lines, values) => {
    lines.forEach((line, index) => {
      line.value = String(values[index]);
      line.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }, tenths);
}

/**
 * Makes every page of `context` copy to a clipboard that answers only when the test calls
 * `window.__releaseClipboard()` (a slow or busy system clipboard); what was copied collects in
 * `window.__copied`.
 */
export async function holdClipboard(context) {
  await context.addInitScript(() => {
    window.__copied = [];
    window.__clipboardWaits = [];
    Object.defineProperty(Clipboard.prototype, 'writeText', {
      configurable: true,
      value(text) {
        window.__copied.push(text);
        return new Promise((resolve) => window.__clipboardWaits.push(resolve));
      },
    });
    window.__releaseClipboard = () => window.__clipboardWaits.splice(0).forEach((resolve) => resolve());
  });
}

/**
 * Puts `values` (key -> text) into the context's storage before the widget first loads, once
 * per tab (a reload keeps what the widget wrote since).
 */
export async function seedStorage(context, values) {
  await context.addInitScript((seed) => {
    if (sessionStorage.getItem('seeded')) return;
    sessionStorage.setItem('seeded', '1');
    for (const [key, value] of Object.entries(seed)) localStorage.setItem(key, value);
  }, values);
}

/**
 * Holds every request of `target` (a page or a whole context) that `url` matches until the
 * returned `release()` (a part on a slow network). Playwright's routes do not see a service
 * worker's requests, so the context should block service workers.
 */
export async function holdRequests(target, url) {
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  await target.route(url, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** Finishes a check-in with these line values and note, reads the result, and goes back to
 * the form. */
export async function checkIn(page, tenths, note = '') {
  await answerAll(page, tenths);
  await page.locator('form textarea').fill(note);
  await page.locator('button[type=submit]').click();
  await page.locator('.aci-result h2').waitFor();
  await page.getByRole('button', { name: 'Back to the start' }).click();
  await page.locator('form h2').waitFor();
}

/**
 * Opens the "Keep a copy" disclosure if it is closed and waits for its buttons (a part,
 * fetched the first time the panel opens: src/ui/parts.rs).
 */
export async function openBackup(page) {
  const panel = page.locator('details.aci-backup__more');
  if (!(await panel.evaluate((details) => details.open))) await panel.locator('summary').click();
  await panel.locator('.aci-backup__danger').waitFor();
}

/** Clicks `button` and returns the file it downloads: its suggested name and its text. */
export async function downloaded(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

/** Writes `text` to a temporary file (to pick in a file input) and returns its path. */
export function tempFile(name, text) {
  const path = join(tmpdir(), `aci-${process.pid}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** Lets the context's pages read and write the clipboard (how tests read it back). */
export async function grantClipboard(context, serverUrl) {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: serverUrl.replace(/\/$/, ''),
  });
}

/** What the system clipboard really holds, read from a separate, untouched page. */
export async function clipboardContents(context, serverUrl) {
  const reader = await context.newPage();
  await reader.goto(`${serverUrl}blank`);
  await reader.bringToFront();
  const text = await reader.evaluate(() => navigator.clipboard.readText());
  await reader.close();
  return text;
}

/**
 * For the offline and update tests: serves a build like `serveDist`, but `deploy(directory)`
 * swaps the folder it serves (a new version going live) and `stop()` shuts the server down for
 * good, open connections included (the phone goes offline; Playwright's offline switch does
 * not cover a service worker's own requests).
 */
export async function serveSwappableBuild(directory = DIST) {
  let root = directory;
  const requests = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    requests.push(url.pathname);
    const path = fileIn(root, url.pathname) ?? join(root, 'index.html');
    response.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    response.end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    deploy: (next) => {
      root = next;
    },
    stop: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
