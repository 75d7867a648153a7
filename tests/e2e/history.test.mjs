// End-to-end: the history the client can trust. Damaged and newer stored data kept and
// reported (and rescuable); a deletion in one tab never undone by a save in another; delete
// with undo; delete everything; export, clear and restore; a malformed backup changes nothing;
// the CSV neutralises formulas; correcting the latest check-in; not keeping history; and the
// history screen with 1, 12 and 1,000 check-ins (screenshots).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkIn,
  downloaded,
  tempFile,
  HISTORY_KEY,
  axeViolations,
  openBackup,
  openPage,
  phoneContext,
  screenshot,
  storedHistory,
  widgetReady,
  seedStorage,
  withServerAndBrowser,
} from './harness.mjs';

const env = withServerAndBrowser();

const DAY = 24 * 60 * 60 * 1000;
const count = (page) => page.locator('.aci-history__count');
const rows = (page) => page.locator('.aci-history__entry');

/** Waits until the history shows `n` check-ins (saves wait for a Web Lock, so they land a
 * moment after the click). */
async function expectCount(page, n) {
  await page.waitForFunction(
    (expected) => __widget().querySelector('.aci-history__count')?.textContent === expected,
    String(n),
  );
}

/** Waits until the device holds `n` check-ins: the list shows a deletion or an undo at once,
 * and the write lands a moment later, inside the Web Lock. */
async function expectStoredCount(page, n) {
  await page.waitForFunction(
    ([key, expected]) => {
      try {
        return JSON.parse(localStorage.getItem(key)).entries.length === expected;
      } catch {
        return false;
      }
    },
    [HISTORY_KEY, n],
  );
}

/** A version-2 history of `n` weekly check-ins ending a day ago, as the widget stores it. */
function historyOf(n, { version = 2, extra = {} } = {}) {
  const end = Date.now() - DAY;
  const entries = Array.from({ length: n }, (_, index) => {
    const wobble = (index * 37) % 23;
    return {
      id: `seed-${String(index).padStart(5, '0')}`,
      completed_at: end - (n - 1 - index) * 7 * DAY,
      instrument: { id: 'builtin.alliance-checkin', version: 1 },
      answers: [
        { item: 'connection', value: 78 + wobble },
        { item: 'focus', value: 70 + ((wobble * 3) % 31) },
        { item: 'way-of-working', value: 85 + (wobble % 16) },
        { item: 'overall', value: 80 + (wobble % 21) },
      ],
      note: index % 5 === 0 ? `Week ${index}: a note` : '',
      ...extra,
    };
  });
  return JSON.stringify({ format: 'alliance-checkin/history', version, entries, deleted: [] });
}

/** A phone whose storage holds `values` (key -> text) before the widget loads. */
async function seededPhone(values, options) {
  const context = await phoneContext(env.browser, options);
  await seedStorage(context, values);
  const page = await openPage(context, env.server.url);
  return { context, page };
}

async function expectNoAxeViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe found problems on: ${state}`);
}

/** Clicks `button` and returns the text of the file it downloads. */
describe('stored data that cannot be used as it is', () => {
  for (const [name, text] of [
    ['truncated', historyOf(3).slice(0, 200)],
    ['wrong types', historyOf(2).replace('"completed_at":', '"completed_at":"yesterday","x":')],
    ['not ours', '{"hello":"world"}'],
  ]) {
    it(`keeps ${name} data aside, byte for byte, and lets the client copy or download it`, async () => {
      const { context, page } = await seededPhone({ [HISTORY_KEY]: text });
      assert.match(await page.locator('.aci-notices').textContent(), /could not be read/);
      const backups = await page.evaluate(() =>
        Object.keys(localStorage)
          .filter((key) => key.includes(':history:unreadable:'))
          .map((key) => localStorage.getItem(key)),
      );
      assert.deepEqual(backups, [text], 'kept exactly as it was');
      const file = await downloaded(page, page.getByRole('button', { name: 'Download it' }));
      assert.equal(file.text, text);
      await checkIn(page, [80, 80, 80, 80]);
      await expectCount(page, 1);
      await context.close();
    });
  }

  it('shows a newer version’s check-ins read-only and never rewrites them', async () => {
    const newer = historyOf(2, { version: 4, extra: { mood: 'calm' } }).replace(
      '"deleted":[]',
      '"deleted":[],"sync":{"device":"tablet"}',
    );
    const { context, page } = await seededPhone({ [HISTORY_KEY]: newer });
    await expectCount(page, 2);
    assert.equal(await page.locator('.aci-tag', { hasText: 'Saved by a newer version' }).count(), 2);
    assert.equal(await page.locator('.aci-history__delete').count(), 0, 'nothing to delete');
    await checkIn(page, [90, 90, 90, 90]);
    await expectCount(page, 3);
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY), newer);
    await context.close();
  });
});

describe('deleting', () => {
  it('deletes one check-in with undo, and a deletion is kept through a reload', async () => {
    const { context, page } = await seededPhone({ [HISTORY_KEY]: historyOf(3) });
    await page.getByRole('button', { name: /^Delete the check-in from/ }).first().click();
    await expectCount(page, 2);
    assert.match(await page.locator('.aci-history').textContent(), /was deleted/);
    await expectNoAxeViolations(page, 'deleted, with undo');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expectCount(page, 3);
    await expectStoredCount(page, 3);

    await page.getByRole('button', { name: /^Delete the check-in from/ }).first().click();
    await expectCount(page, 2);
    await expectStoredCount(page, 2);
    const stored = await storedHistory(page);
    assert.equal(stored.entries.length, 2);
    assert.deepEqual(stored.deleted.map((gone) => gone.id), ['seed-00002']);
    await page.reload();
    await widgetReady(page);
    await expectCount(page, 2);
    await context.close();
  });

  it('never brings back a check-in deleted in one tab when another tab saves', async () => {
    const context = await phoneContext(env.browser);
    const first = await openPage(context, env.server.url);
    await checkIn(first, [90, 90, 90, 90], 'to be deleted');
    const second = await openPage(context, env.server.url);
    await expectCount(second, 1);
    await first.getByRole('button', { name: /^Delete the check-in from/ }).click();
    await expectCount(first, 0);
    // The second tab still shows it, and now saves a check-in of its own.
    await checkIn(second, [60, 60, 60, 60], 'from the second tab');
    const stored = await storedHistory(second);
    assert.deepEqual(stored.entries.map((entry) => entry.note), ['from the second tab']);
    assert.equal(stored.deleted.length, 1);
    await second.reload();
    await widgetReady(second);
    await expectCount(second, 1);
    await context.close();
  });

  it('deletes everything only after confirming, and leaves other data alone', async () => {
    const { context, page } = await seededPhone({
      [HISTORY_KEY]: historyOf(4),
      'alliance-checkin:default:language': 'en',
      'alliance-checkin:other:history': 'another widget’s data',
      'unrelated-site-key': 'keep me',
    });
    await openBackup(page);
    await page.getByRole('button', { name: 'Delete all my data' }).click();
    assert.match(await page.locator('.aci-backup').textContent(), /cannot be undone/);
    await expectNoAxeViolations(page, 'delete all confirmation');
    await screenshot(page, 'history-delete-all-confirm');
    await page.getByRole('button', { name: 'Yes, delete everything' }).click();
    // Done inside the Web Lock, a moment after the click.
    await page.locator('.aci-notices', { hasText: 'has been deleted' }).waitFor();
    await expectCount(page, 0);
    const keys = await page.evaluate(() => Object.keys(localStorage).sort());
    // Only the marker every other tab honours (a generation count and a time, nothing else).
    assert.deepEqual(keys, [
      'alliance-checkin:default:erased',
      'alliance-checkin:other:history',
      'unrelated-site-key',
    ]);
    const marker = JSON.parse(await page.evaluate(() => localStorage.getItem('alliance-checkin:default:erased')));
    assert.deepEqual(Object.keys(marker).sort(), ['erased_at', 'generation']);
    await context.close();
  });
});

describe('backup and restore', () => {
  it('exports, clears, and restores everything; a second restore adds nothing', async () => {
    const { context, page } = await seededPhone({ [HISTORY_KEY]: historyOf(5) });
    await openBackup(page);
    const backup = await downloaded(page, page.getByRole('button', { name: 'Download a backup' }));
    assert.match(backup.name, /^alliance-checkin-backup-\d{4}-\d{2}-\d{2}\.json$/);
    const parsed = JSON.parse(backup.text);
    assert.equal(parsed.format, 'alliance-checkin/backup');
    assert.equal(parsed.entries.length, 5);
    const before = (await storedHistory(page)).entries;

    await page.getByRole('button', { name: 'Delete all my data' }).click();
    await page.getByRole('button', { name: 'Yes, delete everything' }).click();
    await expectCount(page, 0);

    const file = tempFile('backup.json', backup.text);
    await openBackup(page);
    await page.getByLabel('Restore from a backup file').setInputFiles(file);
    await page.getByText('Restored: 5 added, 0 already here, 0 could not be read.').waitFor();
    await expectCount(page, 5);
    assert.deepEqual((await storedHistory(page)).entries, before, 'exactly what was exported');
    await expectNoAxeViolations(page, 'restore report');

    await page.getByLabel('Restore from a backup file').setInputFiles(file);
    await page.getByText('Restored: 0 added, 5 already here, 0 could not be read.').waitFor();
    await expectCount(page, 5);
    await context.close();
  });

  it('refuses a malformed or foreign file without changing anything, and reports bad entries', async () => {
    const { context, page } = await seededPhone({ [HISTORY_KEY]: historyOf(2) });
    const original = await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY);
    await openBackup(page);
    const picker = page.getByLabel('Restore from a backup file');
    await picker.setInputFiles(tempFile('cut.json', '{"format":"alliance-checkin/backup","version":1,"entr'));
    await page.getByText(/damaged or incomplete, so nothing was changed/).waitFor();
    await picker.setInputFiles(tempFile('photo.json', '{"name":"holiday.jpg"}'));
    await page.getByText(/is not an Alliance Check-in backup, so nothing was changed/).waitFor();
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY), original);

    const mixed = JSON.stringify({
      format: 'alliance-checkin/backup',
      version: 1,
      exported_at: Date.now(),
      entries: [
        JSON.parse(historyOf(1).replace('seed-00000', 'fresh-00001')).entries[0],
        { id: 'broken', completed_at: 'soon' },
      ],
    });
    await picker.setInputFiles(tempFile('mixed.json', mixed));
    await page.getByText('Restored: 1 added, 0 already here, 1 could not be read.').waitFor();
    assert.match(await page.locator('.aci-backup').textContent(), /Check-in 2 in the file could not be read/);
    await expectCount(page, 3);
    await context.close();
  });

  it('downloads a CSV whose cells can never run as formulas', async () => {
    const context = await phoneContext(env.browser);
    const page = await openPage(context, env.server.url);
    await checkIn(page, [75, 80, 90, 100], '=HYPERLINK("http://evil.example","click")');
    await checkIn(page, [60, 70, 80, 90], '+1 and -2, "quoted"');
    await openBackup(page);
    const csv = await downloaded(page, page.getByRole('button', { name: /spreadsheet/ }));
    assert.match(csv.name, /^alliance-checkin-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.ok(csv.text.startsWith('\uFEFF'), 'a byte-order mark, so Excel reads UTF-8');
    const lines = csv.text.slice(1).trim().split('\r\n');
    assert.equal(
      lines[0],
      'id,completed_at,questionnaire,questionnaire_version,practice,therapist,edited_at,item_connection,item_focus,item_way-of-working,item_overall,total,note',
    );
    assert.equal(lines.length, 3);
    assert.match(lines[1], /,7\.5,8,9,10,34\.5,"'=HYPERLINK\(""http:\/\/evil\.example"",""click""\)"$/);
    assert.match(lines[2], /,"'\+1 and -2, ""quoted"""$/);
    await context.close();
  });
});

describe('correcting and choosing not to keep', () => {
  it('corrects the latest check-in, and the correction is noted', async () => {
    const context = await phoneContext(env.browser);
    const page = await openPage(context, env.server.url);
    await checkIn(page, [50, 50, 50, 50], 'typo hre');
    await page.getByRole('button', { name: /^Correct it: the check-in from/ }).click();
    await page.locator('form h2', { hasText: 'Correct your latest check-in' }).waitFor();
    await page.locator('input.aci-range').first().evaluate((line) => {
      line.value = '90';
      line.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator('form textarea').fill('typo here');
    await page.getByRole('button', { name: 'Save the correction' }).click();
    await page.locator('.aci-result h2').waitFor();
    const [entry] = (await storedHistory(page)).entries;
    assert.equal(entry.answers[0].value, 90);
    assert.equal(entry.note, 'typo here');
    assert.equal(typeof entry.edited_at, 'number');
    assert.match(await rows(page).first().textContent(), /Corrected/);
    await context.close();
  });

  it('keeps nothing on the device when the client says so', async () => {
    const context = await phoneContext(env.browser);
    const page = await openPage(context, env.server.url);
    await page.locator('details.aci-settings summary').click();
    await page.getByRole('checkbox', { name: 'Keep my check-ins on this device' }).uncheck();
    await checkIn(page, [70, 70, 70, 70], 'private');
    await expectCount(page, 1);
    assert.match(await rows(page).first().textContent(), /Not kept on this device/);
    const keys = await page.evaluate(() => Object.keys(localStorage));
    assert.deepEqual(keys, ['alliance-checkin:default:keep-history']);
    await openBackup(page);
    const backup = await downloaded(page, page.getByRole('button', { name: 'Download a backup' }));
    assert.equal(JSON.parse(backup.text).entries.length, 1, 'it can still be exported');
    await page.reload();
    await widgetReady(page);
    await expectCount(page, 0);
    await context.close();
  });
});

describe('the history screen', () => {
  for (const n of [1, 12, 1000]) {
    it(`reads well with ${n} check-in${n === 1 ? '' : 's'}`, async () => {
      const { context, page } = await seededPhone({ [HISTORY_KEY]: historyOf(n) });
      assert.equal(await count(page).textContent(), String(n));
      assert.equal(await rows(page).count(), Math.min(n, 20), 'paged twenty at a time');
      if (n > 1) {
        await page.locator('.aci-trend').first().waitFor();
      }
      await page.locator('.aci-history').scrollIntoViewIfNeeded();
      await expectNoAxeViolations(page, `history with ${n}`);
      await screenshot(page, `history-${n}`);
      if (n > 20) {
        await page.getByRole('button', { name: 'Show 20 more' }).click();
        assert.equal(await rows(page).count(), 40);
      }
      assert.deepEqual(page.problems, []);
      await context.close();
    });
  }

  it('reads every character of a long history back as it was stored', async () => {
    // Past 1,024 characters the release's glue hands a string to the wasm through another
    // encoder (.ci/post-build.mjs): text that is not ASCII must come through either way, at
    // the start of the stored text and far past that point.
    const notes = ['Ünterstützung 😀 — 谢谢', 'قالت إنني سُمعت', 'ok', 'Olá, coração ✓'];
    const history = JSON.parse(historyOf(40));
    history.entries.forEach((entry, index) => {
      entry.note = notes[index % notes.length];
    });
    const stored = JSON.stringify(history);
    assert.ok(stored.length > 4 * 1024 && /[^\x00-\x7f]/.test(stored.slice(0, 1024)));
    const { context, page } = await seededPhone({ [HISTORY_KEY]: stored });
    await expectCount(page, 40);
    const shown = await page.locator('.aci-history__note').evaluateAll((found) =>
      found.map((note) => note.textContent.slice(note.firstChild.textContent.length).trim()),
    );
    // Newest first, twenty to a page.
    const expected = Array.from({ length: 20 }, (_, at) => notes[(39 - at) % notes.length]);
    assert.deepEqual(shown, expected);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('passes axe with the chart, the table and every question shown, in the dark theme', async () => {
    const { context, page } = await seededPhone({ [HISTORY_KEY]: historyOf(12) }, { colorScheme: 'dark' });
    await page.getByRole('checkbox', { name: 'Show each question' }).check();
    await page.getByText('Show the numbers as a table').click();
    await page.locator('.aci-trend table').waitFor();
    await expectNoAxeViolations(page, 'dark history with chart, items and table');
    await page.locator('.aci-trend').first().screenshot({ path: 'tests/e2e/screenshots/history-chart-dark.png' });
    await context.close();
  });
});
