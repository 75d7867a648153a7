// End-to-end: the backup panel as a part (src/ui/backup_panel.rs, `backup_actions` in
// src/ui/parts.rs), under the interleavings a client can cause: the language switched or the
// panel closed while its part, a restore, a CSV or a copy is still pending; another tab
// deleting everything meanwhile; the part missing. A panic in the wasm aborts the widget, which
// shows as a page error (`unreachable`) and a widget that no longer answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HISTORY_KEY,
  openBackup,
  DIST,
  openPage,
  phoneContext,
  serveSwappableBuild,
  storedHistory,
  tempFile,
  widgetReady,
  withServerAndBrowser,
  holdClipboard,
  holdRequests,
  seedStorage,
  problemsBesidesBlockedWorker,
} from './harness.mjs';

const env = withServerAndBrowser();
const DAY = 24 * 60 * 60 * 1000;
const BACKUP_URL = /\/parts\/split_backup-[0-9a-f]+\.wasm$/;
const READER_URL = /\/parts\/split_stored-[0-9a-f]+\.wasm$/;
const CSV_URL = /\/parts\/split_csv-[0-9a-f]+\.wasm$/;
const panel = (page) => page.locator('details.aci-backup__more');

/** A backup file with one check-in not on the device. */
function backupFile() {
  const now = Date.now();
  return JSON.stringify({
    format: 'alliance-checkin/backup',
    version: 2,
    exported_at: now,
    entries: [
      {
        id: '19aa4a-0001',
        completed_at: now - 30 * DAY,
        instrument: { id: 'builtin.alliance-checkin', version: 1 },
        answers: ['connection', 'focus', 'way-of-working', 'overall'].map((item) => ({ item, value: 70 })),
        note: 'from the file',
      },
    ],
    deleted: [],
  });
}

function historyOf(n) {
  const end = Date.now() - DAY;
  const entries = Array.from({ length: n }, (_, index) => ({
    id: `seed-${String(index).padStart(5, '0')}`,
    completed_at: end - (n - 1 - index) * 7 * DAY,
    instrument: { id: 'builtin.alliance-checkin', version: 1 },
    answers: ['connection', 'focus', 'way-of-working', 'overall'].map((item) => ({ item, value: 80 })),
    note: `note ${index}`,
  }));
  return JSON.stringify({ format: 'alliance-checkin/history', version: 2, entries, deleted: [] });
}

/** A phone without a service worker (Playwright's routes do not see a worker's requests). */
async function seeded(values, { clipboard = false } = {}) {
  const context = await phoneContext(env.browser, { serviceWorkers: 'block' });
  await seedStorage(context, values);
  if (clipboard) await holdClipboard(context);
  const page = await openPage(context, env.server.url);
  return { context, page };
}


async function toSpanish(page) {
  await page.locator('.aci-settings__summary').click();
  await page.getByLabel('Language').selectOption('es');
  await page.locator('.aci[lang=es]').waitFor();
}

const count = (page) => page.locator('.aci-history__count').textContent();

/** The widget still answers: the history's count follows a check-in deleted and undone. */
async function stillAlive(page) {
  const before = await count(page);
  await page.locator('.aci-history__delete').first().click();
  await page.waitForFunction((shown) => window.__widget().querySelector('.aci-history__count').textContent !== shown, before, {
    timeout: 3000,
  });
  await page.locator('.aci-history .aci-banner button').first().click();
  await page.waitForFunction((shown) => window.__widget().querySelector('.aci-history__count').textContent === shown, before, {
    timeout: 3000,
  });
}

describe('the backup panel under interleavings', () => {
  it('survives a copy whose clipboard answers after the language changed, and still marks the backup', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(3) }, { clipboard: true });
    await openBackup(page);
    await page.getByRole('button', { name: 'Copy the backup' }).click();
    await page.waitForFunction(() => window.__copied.length === 1);
    await toSpanish(page);
    await page.evaluate(() => window.__releaseClipboard());
    await page.waitForTimeout(300);
    assert.deepEqual(problemsBesidesBlockedWorker(page), [], 'the widget aborted');
    await stillAlive(page);
    const mark = await page.evaluate(() => localStorage.getItem('alliance-checkin:default:last-backup'));
    assert.ok(mark, 'the copy counts as a backup');
    await context.close();
  });

  it('works in the new language when the language changed while its part loaded', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(3) }, { clipboard: true });
    const release = await holdRequests(page, BACKUP_URL);
    await panel(page).locator('summary').click();
    await page.getByText('Loading…').waitFor();
    await toSpanish(page);
    release();
    await page.getByRole('button', { name: 'Eliminar todos mis datos' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel(page).getByRole('button', { name: 'Descargar una copia de seguridad' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^alliance-checkin-backup-/);
    await page.getByRole('button', { name: 'Copiarla como texto' }).click();
    await page.evaluate(() => window.__releaseClipboard());
    await page.getByText(/^Copiada como texto/).waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /hoja de cálculo/ }).click(),
    ]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    const backup = backupFile();
    await page.getByLabel('Restaurar desde una copia de seguridad').setInputFiles(tempFile('b.json', backup));
    await page.getByText(/Valoraciones añadidas: 1/).waitFor();
    await page.getByRole('button', { name: 'Eliminar todos mis datos' }).click();
    await page.getByRole('button', { name: 'Cancelar' }).click();
    assert.equal((await storedHistory(page)).entries.length, 4);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await stillAlive(page);
    await context.close();
  });

  it('finishes a restore when the panel is closed and the language changed while the reader part loads', async () => {
    // Nothing stored yet, so the reader of backup files (and stored data) is not loaded.
    const { context, page } = await seeded({});
    await openBackup(page);
    const release = await holdRequests(page, READER_URL);
    const backup = backupFile();
    await page.getByLabel('Restore from a backup file').setInputFiles(tempFile('b.json', backup));
    await panel(page).locator('summary').click();
    await toSpanish(page);
    release();
    await page.getByText(/Valoraciones añadidas: 1/).waitFor({ timeout: 5000 });
    assert.equal((await storedHistory(page)).entries.length, 1);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await stillAlive(page);
    await context.close();
  });

  it('downloads the CSV when the panel is closed and the language changed while the CSV part loads', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(2) });
    await openBackup(page);
    const release = await holdRequests(page, CSV_URL);
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: /spreadsheet/ }).click();
    await panel(page).locator('summary').click();
    await toSpanish(page);
    release();
    const csv = await downloading;
    assert.match(csv.suggestedFilename(), /\.csv$/);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await stillAlive(page);
    await context.close();
  });

  it('shows an empty device when another tab deleted everything while the part loaded', async () => {
    const context = await phoneContext(env.browser, { serviceWorkers: 'block' });
    await context.addInitScript((seed) => {
      if (localStorage.getItem('seeded-once')) return;
      localStorage.setItem('seeded-once', '1');
      localStorage.setItem('alliance-checkin:default:history', seed);
    }, historyOf(3));
    const a = await openPage(context, env.server.url);
    const b = await openPage(context, env.server.url);
    const release = await holdRequests(a, BACKUP_URL);
    await panel(a).locator('summary').click();
    await a.getByText('Loading…').waitFor();
    await openBackup(b);
    await b.getByRole('button', { name: 'Delete all my data' }).click();
    await b.getByRole('button', { name: 'Yes, delete everything' }).click();
    await a.bringToFront();
    await a.waitForFunction(() => window.__widget().querySelector('.aci-history__count').textContent === '0', null, {
      timeout: 5000,
    });
    release();
    await a.getByRole('button', { name: 'Delete all my data' }).waitFor();
    const [download] = await Promise.all([
      a.waitForEvent('download'),
      panel(a).getByRole('button', { name: 'Download a backup' }).click(),
    ]);
    const text = await (await import('node:fs')).readFileSync(await download.path(), 'utf8');
    assert.equal(JSON.parse(text).entries.length, 0);
    assert.deepEqual(problemsBesidesBlockedWorker(a), []);
    assert.deepEqual(problemsBesidesBlockedWorker(b), []);
    await context.close();
  });

  it('offers a reload when the part is gone after an update, and the reminder still downloads', async () => {
    const context = await phoneContext(env.browser, { serviceWorkers: 'block' });
    await seedStorage(context, {
      [HISTORY_KEY]: JSON.stringify({
        format: 'alliance-checkin/history',
        version: 2,
        entries: [6, 5, 4].map((weeks, index) => ({
          id: `seed-${index}`,
          completed_at: Date.now() - weeks * 7 * DAY,
          instrument: { id: 'builtin.alliance-checkin', version: 1 },
          answers: ['connection', 'focus', 'way-of-working', 'overall'].map((item) => ({ item, value: 80 })),
          note: '',
        })),
        deleted: [],
      }),
    });
    const page = await openPage(context);
    await page.route(BACKUP_URL, (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(env.server.url);
    await widgetReady(page);
    await panel(page).locator('summary').click();
    await panel(page).getByRole('button', { name: 'Reload' }).waitFor();
    const reminder = page.locator('.aci-backup .aci-banner', { hasText: 'since your last backup' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      reminder.getByRole('button', { name: 'Download a backup' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^alliance-checkin-backup-/);
    assert.equal(await reminder.count(), 0, 'the reminder is answered');
    assert.deepEqual(problemsBesidesBlockedWorker(page).filter((problem) => !/HTTP status code is not ok|status of 404/.test(problem)), []);
    await context.close();
  });

  it('deletes nothing on a double click, and closing it from the keyboard cancels an unconfirmed delete-all', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(2) });
    const summary = panel(page).locator('summary');
    await summary.dblclick();
    await summary.click();
    await page.getByRole('button', { name: 'Delete all my data' }).waitFor();
    await page.getByRole('button', { name: 'Delete all my data' }).dblclick();
    // A double click on "Delete all" must not delete anything by itself.
    assert.equal((await storedHistory(page)).entries.length, 2);
    await summary.focus();
    await page.keyboard.press('Enter');
    assert.equal(await panel(page).evaluate((details) => details.open), false);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Delete all my data' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Yes, delete everything' }).count(), 0, 'closing cancelled it');
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await context.close();
  });

  it('opens at once after being closed while its part loaded, with the part instantiated once', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(2) });
    let fetched = 0;
    page.on('request', (request) => {
      if (BACKUP_URL.test(request.url())) fetched += 1;
    });
    const release = await holdRequests(page, BACKUP_URL);
    const summary = panel(page).locator('summary');
    await summary.click();
    await page.getByText('Loading…').waitFor();
    await summary.click();
    release();
    await page.waitForTimeout(500);
    await summary.click();
    await page.getByRole('button', { name: 'Delete all my data' }).waitFor();
    await summary.click();
    await summary.click();
    await page.getByRole('button', { name: 'Delete all my data' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(fetched, 1);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await stillAlive(page);
    await context.close();
  });

  it('is kept by the service worker with its chunks when first opened, and opens offline after that', async () => {
    const server = await serveSwappableBuild(DIST);
    const context = await phoneContext(env.browser);
    try {
      const page = await openPage(context, server.url);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await openBackup(page);
      const fetched = server.requests.filter((path) => path.startsWith('/parts/'));
      assert.ok(fetched.some((path) => path.startsWith('/parts/split_backup-')), `${fetched}`);
      await server.stop();
      await context.setOffline(true);
      await page.reload();
      await widgetReady(page);
      await openBackup(page);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        panel(page).getByRole('button', { name: 'Download a backup' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^alliance-checkin-backup-/);
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
