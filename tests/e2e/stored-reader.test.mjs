// End-to-end: the reader of stored data (the history, drafts and backup files) is a part of
// its own (src/ui/parts.rs, `stored`), so a first visit downloads no reader. Covered: a first
// visit that saves, reads its own saves back and returns to the tab fetches no part; a
// returning visitor's widget starts with the reader already loaded (history and draft shown at
// once), answers given on the first screen meanwhile carry over; another tab's save during a
// first visit (with and without Web Locks) is read once the part arrives, and a check-in
// saved meanwhile is saved then, with neither lost; and a reader that cannot be had is named,
// nothing stored is written over, and the next sync after the network returns saves what
// waited. Screenshots go to tests/e2e/screenshots/stored-reader-*.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DIST,
  HISTORY_KEY,
  LIVE_WIDGET,
  answerAll,
  checkIn,
  holdRequests,
  launchBrowser,
  openPage,
  phoneContext,
  screenshot,
  seedStorage,
  serveSwappableBuild,
  storedHistory,
  widgetReady,
  STORED_PART,
  expectCount,
  problemsBesidesBlockedWorker,
  switchAwayAndBack,
} from './harness.mjs';

let browser;
const servers = [];
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.stop()));
});

/** A server for one test (its own origin: no storage, worker or cache shared). */
async function serve() {
  const server = await serveSwappableBuild(DIST);
  servers.push(server);
  return server;
}

const storedPartRequests = (server) => server.requests.filter((path) => STORED_PART.test(path));
const partRequests = (server) => server.requests.filter((path) => path.startsWith('/parts/'));

/** A phone without a service worker (its requests would bypass Playwright's routes). */
async function phone({ locks = true } = {}) {
  const context = await phoneContext(browser, { serviceWorkers: 'block' });
  if (!locks) {
    await context.addInitScript(() => {
      delete Navigator.prototype.locks;
    });
  }
  return context;
}

const historyCount = (page) =>
  page.evaluate(() => __widget().querySelector('.aci-history__count')?.textContent ?? null);



/**
 * What an earlier visit of this version left on the device (key -> text): two check-ins, and
 * with `draftNote` a check-in in progress with that note.
 */
async function earlierVisit(server, draftNote) {
  const context = await phone();
  const page = await openPage(context, server.url);
  await checkIn(page, [70, 60, 80, 75], 'first');
  await checkIn(page, [80, 70, 85, 80], 'second');
  if (draftNote) {
    await page.locator('form textarea').fill(draftNote);
    await page.waitForFunction(
      (note) => Object.values(localStorage).some((text) => text.includes(note) && text.includes('/draft')),
      draftNote,
    );
  }
  const stored = await page.evaluate(() => ({ ...localStorage }));
  await context.close();
  return stored;
}

describe('the reader of stored data', () => {
  it('is fetched by a first visit only after its first save, which never waits for it', async () => {
    const server = await serve();
    const context = await phone();
    const page = await openPage(context, server.url);
    // Answering (a draft is written) and switching away fetch nothing.
    await answerAll(page, [70, 60, 80, 75]);
    await page.locator('form textarea').fill('one');
    await switchAwayAndBack(page);
    assert.deepEqual(partRequests(server), [], 'a first visit fetched a part before saving');
    // The saves read their own writes back without it; it follows in the background, for the
    // next visit (the worker keeps it).
    const release = await holdRequests(page, STORED_PART);
    await page.locator('button[type=submit]').click();
    await page.locator('.aci-result h2').waitFor();
    assert.equal(await page.locator('.aci-saved').textContent(), 'Saved on this device.');
    await page.getByRole('button', { name: 'Back to the start' }).click();
    await checkIn(page, [80, 70, 85, 80], 'two');
    await switchAwayAndBack(page);
    await expectCount(page, 2);
    release();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((entry) => /split_stored-/.test(entry.name)));
    assert.equal(storedPartRequests(server).length, 1);
    assert.equal((await storedHistory(page)).entries.length, 2);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await context.close();
  });

  it("is loaded before a returning visitor's widget starts, which shows the history and the draft at once", async () => {
    const server = await serve();
    const context = await phone();
    await seedStorage(context, await earlierVisit(server, 'typed before'));
    const fetchedBefore = storedPartRequests(server).length;
    const page = await openPage(context);
    const release = await holdRequests(page, STORED_PART);
    await page.goto(server.url);
    // While the part is on its way the first screen shows, and can be answered.
    await page.locator('[data-first-screen]').waitFor();
    assert.equal(await page.locator(LIVE_WIDGET).count(), 0, 'the widget started before its reader');
    await screenshot(page, 'stored-reader-waiting-first-screen');
    release();
    await widgetReady(page);
    // No frame without the history: it is there as soon as the widget is.
    assert.equal(await historyCount(page), '2');
    assert.equal(await page.locator('form textarea').inputValue(), 'typed before');
    assert.equal(storedPartRequests(server).length, fetchedBefore + 1);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await screenshot(page, 'stored-reader-returning-visitor');
    await context.close();
  });

  for (const locks of [true, false]) {
    it(`reads another tab's save during a first visit, and loses neither tab's check-in (${locks ? 'with' : 'without'} Web Locks)`, async () => {
      const server = await serve();
      const context = await phone({ locks });
      const first = await openPage(context, server.url);
      const second = await openPage(context, server.url);
      // Both tabs are first visits: neither has the reader.
      assert.deepEqual(partRequests(server), []);
      await checkIn(second, [70, 60, 80, 75], 'from the second tab');
      // The first tab cannot read what the second wrote until the part arrives; then it shows it.
      await expectCount(first, 1);
      assert.ok(storedPartRequests(server).length >= 1);
      await checkIn(first, [80, 70, 85, 80], 'from the first tab');
      await expectCount(first, 2);
      await switchAwayAndBack(second);
      await expectCount(second, 2);
      const notes = (await storedHistory(first)).entries.map((entry) => entry.note).sort();
      assert.deepEqual(notes, ['from the first tab', 'from the second tab']);
      assert.deepEqual([...problemsBesidesBlockedWorker(first), ...problemsBesidesBlockedWorker(second)], []);
      await context.close();
    });
  }

  it('that cannot be had is named, nothing stored is written over, and what waited is saved once it can be', async () => {
    const server = await serve();
    const stored = await earlierVisit(server);
    const history = stored[HISTORY_KEY];
    const context = await phone();
    await seedStorage(context, stored);
    // Offline for the part alone (the page itself came from the cache, say).
    await context.route(STORED_PART, (route) => route.abort('internetdisconnected'));
    const page = await openPage(context, server.url);
    const notice = page.locator('.aci-notices', { hasText: 'cannot be read yet' });
    await notice.waitFor();
    await answerAll(page, [60, 60, 60, 60]);
    await page.locator('button[type=submit]').click();
    await page.locator('.aci-result h2').waitFor();
    const saved = await page.locator('.aci-result [role=alert]').textContent();
    assert.match(saved, /cannot be read yet/, `the result said: ${saved}`);
    await screenshot(page, 'stored-reader-unavailable');
    assert.equal(
      await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY),
      history,
      'the stored history was written over without being read',
    );
    // The network is back: the next sync loads the part and saves what waited.
    await context.unroute(STORED_PART);
    await switchAwayAndBack(page);
    await page.waitForFunction(
      (key) => JSON.parse(localStorage.getItem(key)).entries.length === 3,
      HISTORY_KEY,
      { timeout: 5000 },
    );
    await page.getByRole('button', { name: 'Back to the start' }).click();
    await expectCount(page, 3);
    assert.deepEqual(
      problemsBesidesBlockedWorker(page).filter((problem) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|Failed to fetch/.test(problem)),
      [],
    );
    await context.close();
  });
});
