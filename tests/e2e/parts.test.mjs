// End-to-end: the rarely used parts (src/ui/parts.rs, split out by .ci/split-wasm.mjs). A first
// visit downloads none of them before its first save (then the stored data's reader follows, in
// the background), nor does its service worker precache them; the summary's part
// is fetched when the client opens the summary; a later visit keeps every part for use
// offline; and a part that cannot be had offline is named in the widget, with a way back,
// while the check-in itself never needs one. The reader of a practice's questionnaire is a
// part too: only a page configured with one loads it, before its form; one that cannot be had
// is named in place of the widget, never replaced by the built-in check-in. The backup panel's
// buttons are a part too: fetched when the client opens "Keep a copy", while the reminder and
// what the panel is for show without it.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DIST,
  answerAll,
  axeViolations,
  checkIn,
  HISTORY_KEY,
  holdRequests,
  launchBrowser,
  openPage,
  phoneContext,
  screenshot,
  seedStorage,
  serveSwappableBuild,
  widgetReady,
} from './harness.mjs';

let browser;
const servers = [];
const temporary = [];
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.stop()));
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A server for one test (each its own origin, so no worker or cache is shared). */
async function serve() {
  const server = await serveSwappableBuild(DIST);
  servers.push(server);
  return server;
}

const PARTS = readdirSync(join(DIST, 'parts')).map((file) => `parts/${file}`);
const partRequests = (server) => server.requests.filter((path) => path.startsWith('/parts/'));

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** The parts in this origin's caches. */
const cachedParts = (page) =>
  page.evaluate(async () => {
    const kept = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) {
        const path = new URL(request.url).pathname;
        if (path.startsWith('/parts/')) kept.push(path.slice(1));
      }
    }
    return kept.sort();
  });

async function finishCheckIn(page) {
  await answerAll(page, [70, 80, 90, 80]);
  await page.locator('button[type=submit]').click();
  await page.locator('.aci-result h2').waitFor();
  assert.equal(await page.locator('.aci-saved').textContent(), 'Saved on this device.');
}

const shareButton = (page) => page.getByRole('button', { name: 'Share with my therapist' });

describe('the rarely used parts', () => {
  it('are not part of a first visit, and the summary fetches its own when opened', async () => {
    assert.ok(PARTS.some((file) => file.startsWith('parts/split_summary-')), `parts: ${PARTS}`);
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await answerAll(page, [70, 80, 90, 80]);
    assert.deepEqual(partRequests(server), [], 'a part was fetched before it was used');
    assert.deepEqual(await cachedParts(page), [], 'the worker precached a part');
    // The first save fetches the stored data's reader in the background (for the next visit),
    // and the worker keeps it; nothing else.
    await page.locator('button[type=submit]').click();
    await page.locator('.aci-result h2').waitFor();
    assert.equal(await page.locator('.aci-saved').textContent(), 'Saved on this device.');
    await page.waitForFunction(() =>
      performance.getEntriesByType('resource').some((entry) => entry.name.includes('/parts/split_stored-')),
    );
    const reader = partRequests(server);
    assert.deepEqual(
      reader.filter((path) => path.startsWith('/parts/split_')).map((path) => path.replace(/-[0-9a-f]+\.wasm$/, '')),
      ['/parts/split_stored'],
    );

    await shareButton(page).click();
    await page.locator('.aci-summary h2').waitFor();
    // Focus moves to the heading once it is in the page (a frame or more after it shows).
    await page.waitForFunction(() => window.__widget()?.querySelector('.aci-summary h2')?.matches(':focus'), null, {
      timeout: 5_000,
    });
    const fetched = partRequests(server).filter((path) => !reader.includes(path));
    assert.ok(
      fetched.some((path) => path.startsWith('/parts/split_summary-')),
      `opening the summary fetched ${fetched}`,
    );
    assert.ok(fetched.length < PARTS.length, 'opening the summary fetched every part');
    assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
    await context.close();
  });

  it('are all kept by a later visit, and work offline after that', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await page.reload();
    await widgetReady(page);
    const deadline = Date.now() + 10_000;
    while ((await cachedParts(page)).length < PARTS.length) {
      assert.ok(Date.now() < deadline, `kept only ${await cachedParts(page)} of ${PARTS}`);
      await page.waitForTimeout(50);
    }
    assert.deepEqual(await cachedParts(page), [...PARTS].sort());

    await server.stop();
    await page.reload();
    await widgetReady(page);
    await finishCheckIn(page);
    await shareButton(page).click();
    await page.locator('.aci-summary textarea').waitFor();
    assert.match(await page.locator('.aci-summary textarea').inputValue(), /Total 32 of 40/);
    assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
    await context.close();
  });

  it('says so when a part cannot be had offline, and the client can go back', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await server.stop();
    await page.reload();
    await widgetReady(page);
    // The check-in, its saving and its result need no part.
    await finishCheckIn(page);
    await shareButton(page).click();
    const notice = page.locator('.aci [role=alert]');
    await notice.waitFor();
    assert.equal(
      await notice.textContent(),
      'This part of the check-in could not be loaded. Connect to the internet and try again.',
    );
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('.aci-result h2').waitFor();
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '32 of 40');
    await context.close();
  });
});

const BACKUP = /^\/parts\/split_backup-/;
/** The backup part's requests, for `page.route` (which matches whole URLs). */
const BACKUP_URL = /\/parts\/split_backup-[0-9a-f]+\.wasm$/;
const CSV_URL = /\/parts\/split_csv-[0-9a-f]+\.wasm$/;
const backupPanel = (page) => page.locator('details.aci-backup__more');
/** The page's problems but Playwright's own warning that it blocked the worker. */
const problemsBut = (page, allowed = /^$/) =>
  page.problems.filter((problem) => !/Service Worker registration blocked/.test(problem) && !allowed.test(problem));
const UNAVAILABLE = 'This part of the check-in could not be loaded. Connect to the internet and try again.';

describe('the backup panel', () => {
  it('is closed on a first visit and fetches its buttons only when opened, keeping the focus on its heading', async () => {
    assert.ok(PARTS.some((file) => file.startsWith('parts/split_backup-')), `parts: ${PARTS}`);
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await finishCheckIn(page);
    const summary = backupPanel(page).locator('summary');
    assert.equal(await summary.textContent(), 'Keep a copy');
    assert.equal(await page.getByRole('heading', { name: 'Keep a copy', level: 3 }).count(), 1, 'still a heading');
    assert.equal(await backupPanel(page).evaluate((details) => details.open), false);
    assert.equal(await page.getByRole('button', { name: 'Download a backup' }).count(), 0);
    // What the panel is for shows without opening it.
    assert.match(await page.locator('.aci-backup').textContent(), /Your check-ins live only in this browser/);
    assert.deepEqual(partRequests(server).filter((path) => BACKUP.test(path)), [], 'fetched before it was opened');

    await summary.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Download a backup' }).waitFor();
    assert.equal(await page.getByText('Loading…').isVisible(), false, 'the loading words go once the buttons show');
    assert.ok(partRequests(server).some((path) => BACKUP.test(path)), 'the part came from the server');
    assert.equal(
      await page.evaluate(() => window.__deepActive()?.matches('summary.aci-backup__summary')),
      true,
      'the focus stays on the heading',
    );
    for (const name of ['Copy the backup', 'Download for a spreadsheet (CSV)', 'Restore from a backup file', 'Delete all my data']) {
      assert.equal(await page.getByRole('button', { name }).count(), 1, name);
    }
    await page.locator('.aci-backup').scrollIntoViewIfNeeded();
    assert.deepEqual(await axeViolations(page), [], 'axe with the panel open');
    await screenshot(page, 'backup-panel-open');
    // Closed and opened again: no second request, the buttons at once.
    const requests = partRequests(server).length;
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Delete all my data' }).waitFor();
    assert.equal(partRequests(server).length, requests);
    assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
    await context.close();
  });

  // Without a service worker: Playwright's routes do not see the worker's requests.
  it('says it is loading, and stays open in the new language when the language changes meanwhile', async () => {
    const server = await serve();
    const context = await phoneContext(browser, { serviceWorkers: 'block' });
    const page = await openPage(context, server.url);
    await finishCheckIn(page);
    const release = await holdRequests(page, BACKUP_URL);
    await backupPanel(page).locator('summary').click();
    await page.getByText('Loading…').waitFor();
    await screenshot(page, 'backup-panel-loading');
    await page.locator('.aci-settings__summary').click();
    await page.getByLabel('Language').selectOption('es');
    await page.locator('.aci[lang=es]').waitFor();
    release();
    await page.getByRole('button', { name: 'Eliminar todos mis datos' }).waitFor();
    assert.equal(await backupPanel(page).evaluate((details) => details.open), true);
    assert.deepEqual(problemsBut(page), [], 'console errors, warnings or page errors');
    await context.close();
  });

  it('says so when its part cannot be had offline, keeps the backup reminder working, and loads once online', async () => {
    const server = await serve();
    const context = await phoneContext(browser, { serviceWorkers: 'block' });
    const page = await openPage(context);
    // Three check-ins, the first six weeks ago, and no backup yet: the reminder is due.
    const day = 24 * 60 * 60 * 1000;
    const entries = [6, 5, 4].map((weeks, index) => ({
      id: `seed-${index}`,
      completed_at: Date.now() - weeks * 7 * day,
      instrument: { id: 'builtin.alliance-checkin', version: 1 },
      answers: [80, 80, 80, 80].map((value, item) => ({ item: ['connection', 'focus', 'way-of-working', 'overall'][item], value })),
      note: '',
    }));
    await seedStorage(context, {
      [HISTORY_KEY]: JSON.stringify({ format: 'alliance-checkin/history', version: 2, entries, deleted: [] }),
    });
    await page.route(BACKUP_URL, (route) => route.abort('internetdisconnected'));
    await page.goto(server.url);
    await widgetReady(page);
    await backupPanel(page).locator('summary').click();
    const notice = backupPanel(page).locator('[role=alert]');
    await notice.waitFor();
    assert.equal(await notice.textContent(), UNAVAILABLE);
    assert.equal(await page.getByText('Loading…').isVisible(), false);
    await page.locator('.aci-backup').scrollIntoViewIfNeeded();
    await screenshot(page, 'backup-panel-unavailable');
    assert.deepEqual(await axeViolations(page), [], 'axe with the notice');
    // The reminder's Download needs no part.
    const reminder = page.locator('.aci-backup .aci-banner', { hasText: 'since your last backup' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      reminder.getByRole('button', { name: 'Download a backup' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^alliance-checkin-backup-/);
    // Online again: closing and opening the panel tries again.
    await page.unroute(BACKUP_URL);
    await backupPanel(page).locator('summary').click();
    await backupPanel(page).locator('summary').click();
    await page.getByRole('button', { name: 'Delete all my data' }).waitFor();
    assert.equal(await notice.count(), 0);
    assert.deepEqual(problemsBut(page, /net::ERR_INTERNET_DISCONNECTED|Failed to fetch/), [], 'only the failed fetch is reported');
    await context.close();
  });
});

describe('the CSV export', () => {
  it('says its part cannot be had offline, not that the browser cannot download', async () => {
    const server = await serve();
    const context = await phoneContext(browser, { serviceWorkers: 'block' });
    const page = await openPage(context);
    await page.route(CSV_URL, (route) => route.abort('internetdisconnected'));
    await page.goto(server.url);
    await widgetReady(page);
    await checkIn(page, [70, 70, 70, 70]);
    await backupPanel(page).locator('summary').click();
    await page.getByRole('button', { name: 'Download for a spreadsheet (CSV)' }).click();
    const status = page.locator('.aci-backup .aci-status');
    await page.waitForFunction(() => __widget().querySelector('.aci-backup .aci-status')?.textContent !== '');
    assert.equal(await status.textContent(), UNAVAILABLE);
    // Online again, the same button downloads.
    await page.unroute(CSV_URL);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download for a spreadsheet (CSV)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^alliance-checkin-.*\.csv$/);
    assert.deepEqual(problemsBut(page, /net::ERR_INTERNET_DISCONNECTED|Failed to fetch/), []);
    await context.close();
  });
});

/** A copy of dist/ with `configs/practice.json` setting the 12-item example questionnaire. */
function buildWithPracticeQuestionnaire() {
  const dir = mkdtempSync(join(tmpdir(), 'aci-practice-'));
  temporary.push(dir);
  cpSync(DIST, dir, { recursive: true });
  mkdirSync(join(dir, 'configs'));
  const definition = JSON.parse(readFileSync(join(DIST, 'instruments/example-12-item-5-point.json'), 'utf8'));
  writeFileSync(join(dir, 'configs/practice.json'), JSON.stringify({ questionnaire: definition }));
  return dir;
}

const READER = /^\/parts\/split_definition-/;
/** The reader's requests, for `page.route` (which matches whole URLs). */
const READER_URL = /\/parts\/split_definition-[0-9a-f]+\.wasm$/;
const PRACTICE_PAGE = '?config=practice';
/** What the widget's container holds (the loader shows no first screen for this page). */
const containerChildren = (page) =>
  page.evaluate(() => document.querySelector('[data-alliance-checkin]').shadowRoot.querySelector('.aci-root').childElementCount);

/** Whether this origin's caches hold the configuration file. */
const cachedConfig = (page) =>
  page.evaluate(async () => {
    for (const name of await caches.keys()) {
      if (await (await caches.open(name)).match('/configs/practice.json')) return true;
    }
    return false;
  });

describe("a practice's questionnaire reader", () => {
  it('is fetched only by a page with a practice questionnaire, before its form, and kept for offline', async () => {
    assert.ok(PARTS.some((file) => file.startsWith('parts/split_definition-')), `parts: ${PARTS}`);
    const server = await serve();
    server.deploy(buildWithPracticeQuestionnaire());
    // The built-in check-in never needs it.
    const plain = await phoneContext(browser);
    await openPage(plain, server.url);
    assert.equal(partRequests(server).filter((path) => READER.test(path)).length, 0);
    await plain.close();

    // A first visit (a new browser context: no worker yet) of a page with a practice questionnaire.
    const context = await phoneContext(browser);
    const page = await openPage(context);
    const release = await holdRequests(page, READER_URL);
    await page.goto(`${server.url}${PRACTICE_PAGE}`);
    await page.waitForFunction(() => document.querySelector('[data-alliance-checkin]')?.shadowRoot?.querySelector('.aci-root'));
    await page.waitForTimeout(500);
    assert.equal(await containerChildren(page), 0, 'nothing is shown while the reader loads');
    release();
    await widgetReady(page);
    assert.equal(await page.locator('fieldset.aci-likert__group').count(), 12, "the practice's twelve items");
    assert.equal(await page.locator('input.aci-range').count(), 0);
    assert.ok(partRequests(server).some((path) => READER.test(path)), 'the reader came from the server');
    // Loaded before the worker answered the page, the reader and the configuration file are kept
    // for the next visit anyway: with the server gone, the same questionnaire.
    await controlled(page);
    const deadline = Date.now() + 10_000;
    while (!(await cachedParts(page)).some((file) => file.startsWith('parts/split_definition-')) || !(await cachedConfig(page))) {
      assert.ok(Date.now() < deadline, `kept only ${await cachedParts(page)}`);
      await page.waitForTimeout(50);
    }
    await page.unroute(READER_URL);
    await server.stop();
    await page.reload();
    await widgetReady(page);
    assert.equal(await page.locator('fieldset.aci-likert__group').count(), 12, 'offline, the same questionnaire');
    assert.equal(await page.locator('.aci-notices--setup .aci-notice').count(), 0);
    assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
    await context.close();
  });

  it('says so in place of the widget when it cannot be had offline, never showing the built-in check-in', async () => {
    const server = await serve();
    server.deploy(buildWithPracticeQuestionnaire());
    const context = await phoneContext(browser);
    const page = await openPage(context);
    await page.route(READER_URL, (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}${PRACTICE_PAGE}`);
    const notice = page.locator('.aci [role=alert]');
    await notice.waitFor();
    assert.equal(
      await notice.textContent(),
      'This part of the check-in could not be loaded. Connect to the internet and try again.',
    );
    assert.equal(await page.locator('form').count(), 0, 'no check-in to answer under another questionnaire');
    assert.equal(await page.locator('input.aci-range').count(), 0);
    assert.deepEqual(
      await page.evaluate(() => Object.keys(localStorage).filter((key) => /:(history|draft)/.test(key))),
      [],
    );
    await context.close();
  });

  it('offers a reload when a new version went live and the server no longer has it', async () => {
    const server = await serve();
    server.deploy(buildWithPracticeQuestionnaire());
    const context = await phoneContext(browser);
    const page = await openPage(context);
    await page.route(READER_URL, (route) => route.fulfill({ status: 404, contentType: 'text/html', body: 'gone' }));
    await page.goto(`${server.url}${PRACTICE_PAGE}`);
    const notice = page.locator('.aci [role=alert]');
    await notice.waitFor();
    assert.match(await notice.textContent(), /^The check-in was updated while this page was open/);
    assert.equal(await page.locator('form').count(), 0);
    await page.unroute(READER_URL);
    await notice.getByRole('button', { name: 'Reload' }).click();
    await page.locator('fieldset.aci-likert__group').first().waitFor();
    assert.equal(await page.locator('fieldset.aci-likert__group').count(), 12);
    await context.close();
  });
});
