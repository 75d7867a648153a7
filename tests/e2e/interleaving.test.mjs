// End-to-end: the history's promises under interleaving (issue #11). Two tabs of one phone
// share localStorage; each test runs with the Web Lock and, where the promise must not depend
// on it, with `navigator.locks` removed (Safari before 15.4, some embedded browsers). Covered:
// saves, a deletion and a correction in one tab against a save in the other (and against a
// stale write, which is what a lockless tab whose read-merge-write straddled ours leaves);
// "delete all my data" with a second tab open; a correction of a check-in another tab deleted;
// impossible times in a backup and in stored history; damaged history written by another tab
// (rescue panel: copy, download, remove); and a check-in an older build's tab saved beside the
// newer history. Screenshots of every new message go to tests/e2e/screenshots/interleaving-*.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  checkIn,
  downloaded,
  tempFile,
  BESIDE_NEWER_KEY,
  HISTORY_KEY,
  SCREENSHOTS,
  clipboardContents,
  grantClipboard,
  openPage,
  phoneContext,
  screenshot,
  storedHistory,
  widgetReady,
  withServerAndBrowser,
  openBackup,
  expectCount,
} from './harness.mjs';

const env = withServerAndBrowser();

const DAY = 24 * 60 * 60 * 1000;
const PREFIX = 'alliance-checkin:default:';
const ERASED_KEY = `${PREFIX}erased`;
/** A time after the year 9999 (the codec's limit is 253402300799999). */
const IMPOSSIBLE = 17638000000000000;
const WITH_AND_WITHOUT_LOCKS = [
  { locks: true, label: 'with Web Locks' },
  { locks: false, label: 'without Web Locks' },
];

const rows = (page) => page.locator('.aci-history__entry');
const notices = (page) => page.locator('.aci-notices');
const rescuePanel = (page) =>
  page.locator('.aci-rescue', { hasText: 'Some check-ins saved on this device could not be read' });

/**
 * A phone. Service workers are blocked (they are not under test, and they would answer the
 * writer page's navigation with the widget). `/__writer` is a plain page of the same origin:
 * "tab B" when B only needs to write storage, as another build or a script would.
 */
async function phone({ locks = true, clipboard = false } = {}) {
  const context = await phoneContext(env.browser, { serviceWorkers: 'block' });
  await context.route('**/__writer', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html lang="en"><title>Another page of the site</title><p>writer</p></html>',
    }),
  );
  if (!locks) {
    await context.addInitScript(() => {
      delete Navigator.prototype.locks;
    });
  }
  if (clipboard) await grantClipboard(context, env.server.url);
  context.locks = locks;
  return context;
}

/** Opens the widget in a new tab of `context`, and checks the Web Lock is there or really gone. */
async function tab(context) {
  const page = await openPage(context, env.server.url);
  const hasLocks = await page.evaluate(
    () => 'locks' in navigator && typeof navigator.locks?.request === 'function',
  );
  assert.equal(hasLocks, context.locks, `navigator.locks should ${context.locks ? '' : 'not '}exist`);
  return page;
}

/** A plain page of the widget's origin (shares localStorage, fires `storage` events). */
async function writer(context) {
  const page = await openPage(context);
  await page.goto(`${env.server.url}__writer`);
  return page;
}

async function reload(page) {
  await page.reload();
  await widgetReady(page);
}


/** The notes of the check-ins the history list shows, in the order shown. */
async function shownNotes(page) {
  return rows(page).evaluateAll((entries) =>
    entries.map((entry) => {
      const note = entry.querySelector('.aci-history__note');
      if (!note) return '';
      const label = note.querySelector('.aci-history__label')?.textContent ?? '';
      return note.textContent.replace(label, '').trim();
    }),
  );
}

/** Corrects the latest check-in's note in `page` (the correction form is opened first). */
async function openCorrection(page) {
  await page.getByRole('button', { name: /^Correct it: the check-in from/ }).click();
  await page.locator('form h2', { hasText: 'Correct your latest check-in' }).waitFor();
}

async function saveCorrection(page, note) {
  await page.locator('form textarea').fill(note);
  await page.getByRole('button', { name: 'Save the correction' }).click();
}

/** Every key of the widget's namespace with its text. */
async function namespaceItems(page) {
  return page.evaluate(
    (prefix) =>
      Object.fromEntries(
        Object.keys(localStorage)
          .filter((key) => key.startsWith(prefix))
          .sort()
          .map((key) => [key, localStorage.getItem(key)]),
      ),
    PREFIX,
  );
}

/** Everything localStorage holds, keys and values, as one text. */
async function allStorageText(page) {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .map((key) => `${key}=${localStorage.getItem(key)}`)
      .join('\n'),
  );
}

async function setAsideItems(page) {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.includes(':history:unreadable:'))
      .sort()
      .map((key) => [key, localStorage.getItem(key)]),
  );
}

/** Playwright's own note that it blocked the service worker (see `phone`): not the widget's. */
const BLOCKED_WORKER = 'console warning: Service Worker registration blocked by Playwright';

function expectNoProblems(...pages) {
  for (const page of pages) {
    const problems = page.problems.filter((problem) => problem !== BLOCKED_WORKER);
    assert.deepEqual(problems, [], `console errors or page errors on ${page.url()}`);
  }
}

/** Clicks `button` and returns the text of the file it downloads. */
/** A close-up of one message (the full-page screenshots are long on a phone). */
async function closeUp(locator, name) {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** One check-in as versions 2 and 3 store it. */
function entry(id, completedAt, note, extra = {}) {
  return {
    id,
    completed_at: completedAt,
    instrument: { id: 'builtin.alliance-checkin', version: 1 },
    answers: [
      { item: 'connection', value: 80 },
      { item: 'focus', value: 70 },
      { item: 'way-of-working', value: 90 },
      { item: 'overall', value: 85 },
    ],
    note,
    ...extra,
  };
}

function historyV2(entries, deleted = []) {
  return JSON.stringify({ format: 'alliance-checkin/history', version: 2, entries, deleted });
}

describe('two tabs without Web Locks (the existing scenarios, lock removed)', () => {
  it('keeps both tabs’ check-ins, in both tabs and after a reload', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    const b = await tab(context);
    await checkIn(a, [90, 90, 90, 90], 'from tab A');
    await expectCount(b, 1);
    await checkIn(b, [60, 60, 60, 60], 'from tab B');
    await expectCount(a, 2);
    await expectCount(b, 2);
    assert.deepEqual(
      (await storedHistory(a)).entries.map((saved) => saved.note).sort(),
      ['from tab A', 'from tab B'],
    );
    await reload(a);
    await reload(b);
    await expectCount(a, 2);
    await expectCount(b, 2);
    expectNoProblems(a, b);
    await context.close();
  });

  it('never brings back a check-in deleted in tab A when tab B saves', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    await checkIn(a, [90, 90, 90, 90], 'to be deleted');
    const b = await tab(context);
    await expectCount(b, 1);
    await a.getByRole('button', { name: /^Delete the check-in from/ }).click();
    await expectCount(a, 0);
    await checkIn(b, [60, 60, 60, 60], 'from tab B');
    const stored = await storedHistory(b);
    assert.deepEqual(stored.entries.map((saved) => saved.note), ['from tab B']);
    assert.equal(stored.deleted.length, 1);
    await expectCount(a, 1);
    await reload(a);
    await reload(b);
    assert.deepEqual(await shownNotes(a), ['from tab B']);
    assert.deepEqual(await shownNotes(b), ['from tab B']);
    expectNoProblems(a, b);
    await context.close();
  });

  it('keeps a correction made in tab A when tab B saves', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'typo hre');
    const b = await tab(context);
    await expectCount(b, 1);
    await openCorrection(a);
    await saveCorrection(a, 'typo here');
    await a.locator('.aci-result h2').waitFor();
    await checkIn(b, [70, 70, 70, 70], 'from tab B');
    await expectCount(a, 2);
    const stored = await storedHistory(b);
    const notes = stored.entries.map((saved) => saved.note);
    assert.deepEqual(notes, ['typo here', 'from tab B']);
    assert.equal(typeof stored.entries[0].edited_at, 'number');
    await reload(b);
    assert.deepEqual(await shownNotes(b), ['from tab B', 'typo here']);
    expectNoProblems(a, b);
    await context.close();
  });

  // Without the lock, tab B can read the history, tab A can write its change, and B can then
  // write what it read plus its own check-in: A's change is gone from storage. The promise is
  // that A's next sync (the storage event B's write fires) puts it back.
  it('puts back a deletion, a correction and a save that a stale write from another tab lost', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'will be deleted');
    await checkIn(a, [55, 55, 55, 55], 'will be corrected');
    const stale = await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY);
    const other = await writer(context);

    await a.getByRole('button', { name: /^Delete the check-in from/ }).last().click();
    await expectCount(a, 1);
    await openCorrection(a);
    await saveCorrection(a, 'corrected in A');
    await a.locator('.aci-result h2').waitFor();
    await a.getByRole('button', { name: 'Back to the start' }).click();
    await checkIn(a, [65, 65, 65, 65], 'saved in A');
    await expectCount(a, 2);

    // What B writes: the history as it read it before A's three changes.
    await other.evaluate(([key, text]) => localStorage.setItem(key, text), [HISTORY_KEY, stale]);
    await a.waitForFunction(
      (key) => JSON.parse(localStorage.getItem(key)).entries.some((saved) => saved.note === 'saved in A'),
      HISTORY_KEY,
      { timeout: 5000 },
    );
    const stored = await storedHistory(a);
    assert.deepEqual(stored.entries.map((saved) => saved.note), ['corrected in A', 'saved in A']);
    assert.equal(stored.deleted.length, 1);
    await expectCount(a, 2);
    const fresh = await tab(context);
    assert.deepEqual(await shownNotes(fresh), ['saved in A', 'corrected in A']);
    expectNoProblems(a, fresh);
    await context.close();
  });
  it('puts back an undo and a restore that a stale write from another tab lost', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'deleted, then brought back');
    await a.getByRole('button', { name: /^Delete the check-in from/ }).click();
    await expectCount(a, 0);
    const staleAfterDelete = await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY);
    await a.getByRole('button', { name: 'Undo' }).click();
    await expectCount(a, 1);
    const now = Date.now();
    const backup = JSON.stringify({
      format: 'alliance-checkin/backup',
      version: 2,
      exported_at: now,
      entries: [entry('19aa4a-0001', now - 7 * DAY, 'restored from a file')],
      deleted: [],
    });
    await openBackup(a);
    await a.getByLabel('Restore from a backup file').setInputFiles(tempFile('stale.json', backup));
    await a.getByText('Restored: 1 added, 0 already here, 0 could not be read.').waitFor({ timeout: 5000 });
    await expectCount(a, 2);

    const other = await writer(context);
    await other.evaluate(([key, text]) => localStorage.setItem(key, text), [HISTORY_KEY, staleAfterDelete]);
    await a.waitForFunction(
      (key) => JSON.parse(localStorage.getItem(key)).entries.length === 2,
      HISTORY_KEY,
      { timeout: 5000 },
    );
    await expectCount(a, 2);
    const fresh = await tab(context);
    assert.deepEqual(await shownNotes(fresh), ['deleted, then brought back', 'restored from a file']);
    expectNoProblems(a, fresh);
    await context.close();
  });

  it('never brings back what "delete everything" removed when a stale write of it lands after', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'OLD-NOTE erased');
    const stale = await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY);
    await openBackup(a);
    await a.getByRole('button', { name: 'Delete all my data' }).click();
    await a.getByRole('button', { name: 'Yes, delete everything' }).click();
    await expectCount(a, 0);
    const other = await writer(context);
    await other.evaluate(([key, text]) => localStorage.setItem(key, text), [HISTORY_KEY, stale]);
    await a.waitForFunction(
      (key) => !(localStorage.getItem(key) ?? '').includes('OLD-NOTE'),
      HISTORY_KEY,
      { timeout: 5000 },
    );
    await expectCount(a, 0);
    const fresh = await tab(context);
    await expectCount(fresh, 0);
    assert.doesNotMatch(await allStorageText(fresh), /OLD-NOTE/);
    expectNoProblems(a, fresh);
    await context.close();
  });
});

describe('the choice not to keep check-ins, made in another tab', () => {
  it('stops an open tab from keeping its next check-in', async () => {
    const context = await phone({ locks: false });
    const a = await tab(context);
    const b = await tab(context);
    await a.locator('details.aci-settings summary').click();
    await a.getByRole('checkbox', { name: 'Keep my check-ins on this device' }).uncheck();
    // Tab B was open all along, with the old choice on screen until the storage event came.
    await b.waitForFunction(() =>
      [...__widget().querySelectorAll('label.aci-switch')].some(
        (label) => label.textContent.includes('Keep my check-ins') && !label.querySelector('input').checked,
      ),
    );
    await checkIn(b, [60, 60, 60, 60], 'private, from tab B');
    assert.match(await b.locator('.aci-history__entry').first().textContent(), /Not kept on this device/);
    const keys = await b.evaluate(() => Object.keys(localStorage));
    assert.deepEqual(keys, ['alliance-checkin:default:keep-history'], 'nothing of it was written');
    expectNoProblems(a, b);
    await context.close();
  });
});

describe('"Delete all my data" with a second tab open', () => {
  for (const { locks, label } of WITH_AND_WITHOUT_LOCKS) {
    it(`clears the other tab too, and only what was saved after it remains (${label})`, async () => {
      const context = await phone({ locks });
      const a = await tab(context);
      const b = await tab(context);
      await checkIn(b, [40, 40, 40, 40], 'OLD-NOTE-one from B');
      await checkIn(b, [45, 45, 45, 45], 'OLD-NOTE-two from B');
      await expectCount(a, 2);
      // A check-in in progress in tab B (its draft is on the device too).
      await b.locator('form textarea').fill('OLD-NOTE-draft in progress');
      await b.waitForFunction(
        () => Object.keys(localStorage).some((key) => key.includes(':draft:')),
        null,
        { timeout: 5000 },
      );

      await openBackup(a);
      await a.getByRole('button', { name: 'Delete all my data' }).click();
      await a.getByRole('button', { name: 'Yes, delete everything' }).click();
      await expectCount(a, 0);
      await expectCount(b, 0);
      await b
        .getByText('Everything this check-in kept on this device was deleted in another tab or window, so it is gone here too.')
        .waitFor({ timeout: 5000 });
      assert.equal(await b.locator('form textarea').inputValue(), '', 'the check-in in progress is gone too');
      await screenshot(b, `interleaving-erased-elsewhere-${locks ? 'locks' : 'no-locks'}`);
      await closeUp(notices(b).first(), `interleaving-erased-elsewhere-${locks ? 'locks' : 'no-locks'}-close-up`);

      await checkIn(b, [95, 95, 95, 95], 'NEW after the erasure');
      await expectCount(a, 1);
      await reload(a);
      await reload(b);
      assert.deepEqual(await shownNotes(a), ['NEW after the erasure']);
      assert.deepEqual(await shownNotes(b), ['NEW after the erasure']);

      const items = await namespaceItems(a);
      const preferences = ['language', 'answer-style', 'keep-history', 'last-backup'].map((name) => PREFIX + name);
      const unexpected = Object.keys(items).filter(
        (key) => key !== ERASED_KEY && key !== HISTORY_KEY && !preferences.includes(key),
      );
      assert.deepEqual(unexpected, [], 'nothing of the namespace but the marker, the history and preferences');
      const mark = JSON.parse(items[ERASED_KEY]);
      assert.deepEqual(Object.keys(mark).sort(), ['erased_at', 'generation']);
      const history = JSON.parse(items[HISTORY_KEY]);
      assert.equal(history.version, 3);
      assert.equal(history.generation, mark.generation);
      assert.deepEqual(history.entries.map((saved) => saved.note), ['NEW after the erasure']);
      assert.deepEqual(history.deleted, []);
      assert.doesNotMatch(await allStorageText(a), /OLD-NOTE/, 'no old note anywhere in localStorage');
      expectNoProblems(a, b);
      await context.close();
    });
  }
  // A phone freezes background tabs: their storage events arrive late or never. A tab that
  // missed the erasure must learn of it at its next action, drop the old check-ins, and keep
  // the one the client just finished (it was made after the erasure).
  for (const { locks, label } of WITH_AND_WITHOUT_LOCKS) {
    it(`reaches a tab that missed the storage events, at its next save (${label})`, async () => {
      const context = await phone({ locks });
      const a = await tab(context);
      const b = await openPage(context);
      await b.addInitScript(() => {
        window.__frozen = false;
        const hold = (event) => {
          if (window.__frozen) event.stopImmediatePropagation();
        };
        window.addEventListener('storage', hold, true);
        window.addEventListener('visibilitychange', hold, true);
      });
      await b.goto(env.server.url);
      await widgetReady(b);
      await checkIn(b, [40, 40, 40, 40], 'OLD-NOTE from B');
      await expectCount(a, 1);
      await b.evaluate(() => {
        window.__frozen = true;
      });

      await openBackup(a);
      await a.getByRole('button', { name: 'Delete all my data' }).click();
      await a.getByRole('button', { name: 'Yes, delete everything' }).click();
      await expectCount(a, 0);
      await expectCount(b, 1); // B has not heard of it

      await b.evaluate(() => {
        window.__frozen = false;
      });
      // B finishes a check-in: the sync that saves it is the one that learns of the erasure.
      await b.locator('input.aci-range').evaluateAll((lines) => {
        for (const line of lines) {
          line.value = '95';
          line.dispatchEvent(new Event('input', { bubbles: true }));
        }
      });
      await b.locator('form textarea').fill('NEW from B after the erasure');
      await b.locator('button[type=submit]').click();
      await b.getByText('was deleted in another tab or window').waitFor({ timeout: 5000 });
      await expectCount(b, 1);
      assert.deepEqual(await shownNotes(b), ['NEW from B after the erasure']);
      await expectCount(a, 1);
      await reload(a);
      assert.deepEqual(await shownNotes(a), ['NEW from B after the erasure']);
      assert.doesNotMatch(await allStorageText(a), /OLD-NOTE/);
      // Like every finished check-in, it shows its result (and the way to share it).
      const result = await b
        .locator('.aci-result h2')
        .waitFor({ timeout: 3000 })
        .then(() => true, () => false);
      if (!result) await screenshot(b, `interleaving-missed-erasure-save-${locks ? 'locks' : 'no-locks'}`);
      const heading = await b.evaluate(() => __widget().querySelector('form h2, .aci-result h2')?.textContent);
      assert.ok(result, `the finished check-in's result was not shown; the page shows "${heading}" (an empty form)`);
      expectNoProblems(a, b);
      await context.close();
    });
  }
});

describe('a correction of a check-in deleted in another tab', () => {
  for (const { locks, label } of WITH_AND_WITHOUT_LOCKS) {
    it(`keeps the deletion and says the correction was not kept (${label})`, async () => {
      const context = await phone({ locks });
      const a = await tab(context);
      await checkIn(a, [50, 50, 50, 50], 'first');
      await checkIn(a, [60, 60, 60, 60], 'latest, to correct');
      const b = await tab(context);
      await expectCount(b, 2);
      await openCorrection(a);
      // B deletes the latest check-in while A's correction form is open.
      await b.getByRole('button', { name: /^Delete the check-in from/ }).first().click();
      await expectCount(b, 1);
      await expectCount(a, 1);
      await saveCorrection(a, 'corrected after it was deleted elsewhere');
      await a
        .getByText('That check-in was deleted in another tab or window, so your correction was not kept.')
        .waitFor({ timeout: 5000 });
      await screenshot(a, `interleaving-correction-of-deleted-${locks ? 'locks' : 'no-locks'}`);
      await closeUp(notices(a).first(), `interleaving-correction-of-deleted-${locks ? 'locks' : 'no-locks'}-close-up`);
      assert.deepEqual(await shownNotes(a), ['first']);
      const stored = await storedHistory(a);
      assert.deepEqual(stored.entries.map((saved) => saved.note), ['first']);
      assert.equal(stored.deleted.length, 1);
      await reload(b);
      assert.deepEqual(await shownNotes(b), ['first']);
      expectNoProblems(a, b);
      await context.close();
    });
  }
});

describe('times after the year 9999', () => {
  it('leaves out a restored entry with an impossible time, reports it, and restores the rest', async () => {
    const context = await phone();
    const page = await tab(context);
    const now = Date.now();
    const backup = JSON.stringify({
      format: 'alliance-checkin/backup',
      version: 2,
      exported_at: now,
      entries: [
        entry('19aa4a-1f3c', now - 14 * DAY, 'good one', { life: 1 }),
        entry('19ab00-0007', IMPOSSIBLE, 'from the far future'),
        entry('19ab10-beef', now - 7 * DAY, 'good two', { edited_at: now - 7 * DAY + 60000, edits: 1 }),
      ],
      deleted: [],
    });
    await openBackup(page);
    await page.getByLabel('Restore from a backup file').setInputFiles(tempFile('impossible.json', backup));
    await page.getByText('Restored: 2 added, 0 already here, 1 could not be read.').waitFor({ timeout: 5000 });
    const report = await page.locator('.aci-backup').textContent();
    assert.match(report, /Check-in 2 in the file could not be read \(the part named “completed_at”\), so it was left out\./);
    await expectCount(page, 2);
    assert.deepEqual(await shownNotes(page), ['good two', 'good one']);
    await page.locator('.aci-backup').scrollIntoViewIfNeeded();
    await screenshot(page, 'interleaving-restore-impossible-time');
    await closeUp(page.locator('.aci-backup'), 'interleaving-restore-impossible-time-close-up');
    // The widget keeps working: a new check-in is saved next to the restored ones.
    await checkIn(page, [70, 70, 70, 70], 'after the restore');
    await expectCount(page, 3);
    assert.doesNotMatch(await allStorageText(page), /17638000000000000|far future/);
    await reload(page);
    assert.deepEqual(await shownNotes(page), ['after the restore', 'good two', 'good one']);
    expectNoProblems(page);
    await context.close();
  });

  for (const [field, make] of [
    ['completed_at', (now) => historyV2([entry('e1', now - DAY, 'kept note'), entry('e2', IMPOSSIBLE, 'future')])],
    ['edited_at', (now) => historyV2([entry('e1', now - DAY, 'kept note', { edited_at: IMPOSSIBLE })])],
    ['deleted_at', (now) => historyV2([entry('e1', now - DAY, 'kept note')], [{ id: 'e0', deleted_at: IMPOSSIBLE }])],
  ]) {
    it(`starts with a stored version-2 history whose ${field} is after 9999, sets it aside and offers rescue`, async () => {
      const text = make(Date.now());
      const context = await phone();
      const other = await writer(context);
      await other.evaluate(([key, value]) => localStorage.setItem(key, value), [HISTORY_KEY, text]);
      const page = await tab(context);
      await rescuePanel(page).waitFor({ timeout: 5000 });
      assert.match(await notices(page).first().textContent(), /could not be read\. They have been set aside unchanged/);
      await page.getByRole('button', { name: 'Copy the data that could not be read' }).waitFor();
      await page.getByRole('button', { name: 'Download it' }).waitFor();
      const aside = await setAsideItems(page);
      assert.equal(aside.length, 1);
      assert.equal(aside[0][1], text, 'set aside byte for byte');
      assert.equal(await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY), null);
      if (field === 'completed_at') {
        await screenshot(page, 'interleaving-rescue-impossible-time');
        await closeUp(rescuePanel(page), 'interleaving-rescue-impossible-time-close-up');
      }
      await checkIn(page, [80, 80, 80, 80], 'a fresh start');
      await expectCount(page, 1);
      expectNoProblems(page);
      await context.close();
    });
  }
});

describe('damaged history written by another tab', () => {
  it('is set aside in the open tab and on a later visit, copied exactly, downloaded, and removed', async () => {
    const context = await phone({ clipboard: true });
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'one');
    await checkIn(a, [60, 60, 60, 60], 'two');
    const intact = await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY);
    const damaged = intact.slice(0, Math.floor(intact.length / 2));

    const b = await writer(context);
    await b.evaluate(([key, value]) => localStorage.setItem(key, value), [HISTORY_KEY, damaged]);
    await rescuePanel(a).waitFor({ timeout: 5000 });
    const aside = await setAsideItems(a);
    assert.equal(aside.length, 1, 'set aside once');
    assert.equal(aside[0][1], damaged, 'set aside byte for byte');
    // A's own two saves are its intents: written again beside the set-aside text.
    await expectCount(a, 2);
    assert.deepEqual((await storedHistory(a)).entries.map((saved) => saved.note), ['one', 'two']);
    await screenshot(a, 'interleaving-rescue-panel-damaged-by-other-tab');
    await closeUp(rescuePanel(a), 'interleaving-rescue-panel-close-up');

    // A later visit finds it too (and does not set it aside a second time).
    const later = await tab(context);
    await rescuePanel(later).waitFor({ timeout: 5000 });
    assert.equal(await later.getByRole('button', { name: 'Copy the data that could not be read' }).count(), 1);
    assert.equal((await setAsideItems(later)).length, 1);
    await expectCount(later, 2);
    const file = await downloaded(later, later.getByRole('button', { name: 'Download it' }));
    assert.equal(file.text, damaged, 'the download holds exactly the damaged text');
    await later.getByRole('button', { name: 'Remove it from this device' }).waitFor();

    // In tab A: no removal before a copy; after it, the clipboard holds exactly the text.
    assert.equal(await a.getByRole('button', { name: 'Remove it from this device' }).count(), 0);
    await a.bringToFront();
    await a.getByRole('button', { name: 'Copy the data that could not be read' }).click();
    await rescuePanel(a).getByText(/^Copied/).waitFor({ timeout: 5000 });
    assert.equal(await clipboardContents(context, env.server.url), damaged);
    await a.bringToFront();
    await closeUp(rescuePanel(a), 'interleaving-rescue-panel-after-copy-close-up');
    await a.getByRole('button', { name: 'Remove it from this device' }).click();
    await rescuePanel(a).waitFor({ state: 'detached', timeout: 5000 });
    assert.deepEqual(await setAsideItems(a), []);
    // The other tab follows the removal.
    await rescuePanel(later).waitFor({ state: 'detached', timeout: 5000 });
    await checkIn(a, [70, 70, 70, 70], 'three');
    await expectCount(a, 3);
    await expectCount(later, 3);
    expectNoProblems(a, later);
    await context.close();
  });

  // Both tabs sync on the same storage event, at the same moment: without the lock they both
  // read the damaged key before either has set it aside. A race: without the lock this failed
  // in about 10 of 14 runs on the 2-core test machine (it is a product bug, not a flaky test).
  for (const { locks, label } of WITH_AND_WITHOUT_LOCKS) {
    it(`is set aside once when two open tabs both see the damage (${label})`, async () => {
      const context = await phone({ locks });
      const a = await tab(context);
      await checkIn(a, [50, 50, 50, 50], 'one');
      const c = await tab(context);
      await expectCount(c, 1);
      const damaged = (await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY)).slice(0, 100);
      const b = await writer(context);
      await b.evaluate(([key, value]) => localStorage.setItem(key, value), [HISTORY_KEY, damaged]);
      await rescuePanel(a).waitFor({ timeout: 5000 });
      await rescuePanel(c).waitFor({ timeout: 5000 });
      await a.waitForTimeout(300); // let both tabs' syncs land
      const aside = await setAsideItems(a);
      const rowsShown = await a.getByRole('button', { name: 'Copy the data that could not be read' }).count();
      if (aside.length !== 1) {
        await closeUp(rescuePanel(a), `interleaving-set-aside-twice-${locks ? 'locks' : 'no-locks'}-close-up`);
      }
      assert.deepEqual(
        aside.map(([, text]) => text),
        [damaged],
        `one copy of the damaged text; found ${aside.length} keys (${aside.map(([key]) => key).join(', ')}), and the panel offers ${rowsShown} copy buttons`,
      );
      for (const page of [a, c]) {
        assert.equal(await page.getByRole('button', { name: 'Copy the data that could not be read' }).count(), 1);
      }
      await expectCount(a, 1);
      expectNoProblems(a, c);
      await context.close();
    });
  }

  // The panel reuses the summary's "Copied" text, which tells the client to paste their raw,
  // unreadable history into a message to their therapist: the opposite of "keep them".
  it('after copying the unreadable data, does not tell the client to send it to their therapist', async () => {
    const context = await phone({ clipboard: true });
    const other = await writer(context);
    const damaged = historyV2([entry('e1', Date.now() - DAY, 'private note')]).slice(0, 120);
    await other.evaluate(([key, value]) => localStorage.setItem(key, value), [HISTORY_KEY, damaged]);
    const page = await tab(context);
    await page.getByRole('button', { name: 'Copy the data that could not be read' }).click();
    await page.getByRole('button', { name: 'Remove it from this device' }).waitFor({ timeout: 5000 });
    assert.equal(await clipboardContents(context, env.server.url), damaged);
    const status = await rescuePanel(page).locator('[role=status]').textContent();
    assert.doesNotMatch(status, /therapist/, `the copy status says: ${status}`);
    expectNoProblems(page);
    await context.close();
  });
});

describe('an older build’s tab saving after an upgrade', () => {
  it('shows the check-in it saved beside the newer history once, after a reload, and in a backup', async () => {
    const context = await phone({ clipboard: true });
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'saved by version 3');
    assert.equal((await storedHistory(a)).version, 3);
    const mine = (await storedHistory(a)).entries[0];

    // The version-2 tab reads version 3 as newer, so it writes its own check-in beside it.
    const old = await writer(context);
    const fromOld = entry('19zz00-0002', Date.now() - 60000, 'saved by the old tab');
    await old.evaluate(([key, value]) => localStorage.setItem(key, value), [BESIDE_NEWER_KEY, historyV2([fromOld])]);
    await expectCount(a, 2);
    assert.deepEqual((await shownNotes(a)).sort(), ['saved by the old tab', 'saved by version 3']);
    await reload(a);
    await expectCount(a, 2);
    assert.deepEqual((await shownNotes(a)).sort(), ['saved by the old tab', 'saved by version 3']);
    assert.equal(await a.locator('.aci-tag', { hasText: 'Saved by a newer version' }).count(), 0);

    await openBackup(a);
    const backup = await downloaded(a, a.getByRole('button', { name: 'Download a backup' }));
    const ids = JSON.parse(backup.text).entries.map((saved) => saved.id).sort();
    assert.deepEqual(ids, [fromOld.id, mine.id].sort(), 'the backup holds both, once each');
    await a.getByRole('button', { name: 'Copy the backup' }).click();
    await a.getByText('The backup is copied.', { exact: false }).waitFor({ timeout: 5000 });
    const copied = JSON.parse(await clipboardContents(context, env.server.url));
    assert.deepEqual(copied.entries.map((saved) => saved.id).sort(), ids);

    // Deleting it here sticks, though the old tab's key still holds it (it is the older one).
    await a.bringToFront();
    await a.getByRole('button', { name: /^Delete the check-in from/ }).last().click();
    await expectCount(a, 1);
    assert.deepEqual(await shownNotes(a), ['saved by version 3']);
    await reload(a);
    assert.deepEqual(await shownNotes(a), ['saved by version 3']);
    expectNoProblems(a);
    await context.close();
  });

  // After "delete everything" the main key is gone, so a version-2 tab that saves writes the
  // main key itself, in its own format (it knows nothing of generations or the marker). The
  // engine's own rule (absorb) is that what an older version saved after the erasure stays.
  it('keeps a check-in an older build’s tab saved after "delete everything" (in the main key)', async () => {
    const context = await phone();
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'OLD-NOTE before the erasure');
    const before = (await storedHistory(a)).entries[0];
    await openBackup(a);
    await a.getByRole('button', { name: 'Delete all my data' }).click();
    await a.getByRole('button', { name: 'Yes, delete everything' }).click();
    await expectCount(a, 0);
    const mark = JSON.parse(await a.evaluate((key) => localStorage.getItem(key), ERASED_KEY));
    assert.equal(await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY), null);

    // The old tab still holds the check-in from before the erasure, and adds a new one.
    const old = await writer(context);
    const fromOld = entry('19zz00-0003', mark.erased_at + 60000, 'saved by the old tab after the erasure');
    const written = historyV2([{ ...before }, fromOld]);
    await old.evaluate(([key, value]) => localStorage.setItem(key, value), [HISTORY_KEY, written]);
    // Tab A syncs on the storage event; whatever it writes must still hold the old tab's save.
    await a
      .waitForFunction(([key, text]) => localStorage.getItem(key) !== text, [HISTORY_KEY, written], { timeout: 2000 })
      .catch(() => {});
    const after = await a.evaluate((key) => localStorage.getItem(key), HISTORY_KEY);
    assert.ok(after?.includes(fromOld.id), `the old tab's check-in is gone: the main key now holds ${after}`);
    await expectCount(a, 1);
    assert.deepEqual(await shownNotes(a), ['saved by the old tab after the erasure']);
    await reload(a);
    assert.deepEqual(await shownNotes(a), ['saved by the old tab after the erasure']);
    assert.doesNotMatch(await allStorageText(a), /OLD-NOTE/, 'what was erased stays erased');
    expectNoProblems(a);
    await context.close();
  });

  it('keeps only what an older build’s tab saved after "delete everything" when it writes beside', async () => {
    const context = await phone();
    const a = await tab(context);
    await checkIn(a, [50, 50, 50, 50], 'OLD-NOTE before the erasure');
    const before = (await storedHistory(a)).entries[0];
    await openBackup(a);
    await a.getByRole('button', { name: 'Delete all my data' }).click();
    await a.getByRole('button', { name: 'Yes, delete everything' }).click();
    await expectCount(a, 0);
    await checkIn(a, [60, 60, 60, 60], 'saved by version 3 after the erasure');
    const mark = JSON.parse(await a.evaluate((key) => localStorage.getItem(key), ERASED_KEY));

    // The old tab still holds the check-in from before the erasure, and adds a new one.
    const old = await writer(context);
    const fromOld = entry('19zz00-0004', mark.erased_at + 60000, 'saved by the old tab after the erasure');
    await old.evaluate(
      ([key, value]) => localStorage.setItem(key, value),
      [BESIDE_NEWER_KEY, historyV2([{ ...before }, fromOld])],
    );
    await expectCount(a, 2);
    const expected = ['saved by the old tab after the erasure', 'saved by version 3 after the erasure'];
    assert.deepEqual((await shownNotes(a)).sort(), expected);
    await reload(a);
    assert.deepEqual((await shownNotes(a)).sort(), expected);
    assert.doesNotMatch(JSON.stringify(await storedHistory(a)), /OLD-NOTE/);
    expectNoProblems(a);
    await context.close();
  });
});
