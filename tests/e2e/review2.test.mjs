// Review of the `bindings` refactor (class strings, prop:disabled, AnyView, ui::reactive) in the
// release build: every binding that changed shape still follows its state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DRAFT_KEY,
  HISTORY_KEY,
  answerAll,
  checkIn,
  openPage,
  phoneContext,
  tapLine,
  widgetReady,
  withServerAndBrowser,
  holdClipboard,
  holdRequests,
  seedStorage,
  problemsBesidesBlockedWorker,
} from './harness.mjs';

const env = withServerAndBrowser();

const itemClasses = (page) =>
  page.locator('.aci-items > .aci-item').evaluateAll((items) => items.map((item) => item.className));
const finishState = (page) =>
  page.locator('button[type=submit]').evaluate((button) => [button.disabled, button.hasAttribute('disabled')]);
const ANSWERED = 'aci-item aci-item--answered';
const OPEN = 'aci-item';

async function openSettings(page) {
  const details = page.locator('details.aci-settings');
  if (!(await details.evaluate((element) => element.open))) await details.locator('summary').click();
}

async function switchLanguage(page, lang) {
  await openSettings(page);
  await page.locator('select.aci-select').first().selectOption(lang);
}

const DAY = 24 * 60 * 60 * 1000;
function historyOf(n) {
  const end = Date.now() - DAY;
  const entries = Array.from({ length: n }, (_, index) => ({
    id: `seed-${String(index).padStart(5, '0')}`,
    completed_at: end - (n - 1 - index) * 7 * DAY,
    instrument: { id: 'builtin.alliance-checkin', version: 1 },
    answers: ['connection', 'focus', 'way-of-working', 'overall'].map((item) => ({ item, value: 80 - index })),
    note: `note ${index}`,
  }));
  return JSON.stringify({ format: 'alliance-checkin/history', version: 2, entries, deleted: [] });
}
/** A phone without a service worker, its storage seeded; `hold` holds a part from the start. */
async function seeded(values, { hold: held, clipboard = false } = {}) {
  const context = await phoneContext(env.browser, { serviceWorkers: 'block' });
  if (clipboard) await holdClipboard(context);
  await seedStorage(context, values);
  if (held) context.release = await holdRequests(context, held);
  const page = await openPage(context, env.server.url);
  return { context, page };
}
async function checkIn2(page) {
  await answerAll(page, [10, 20, 30, 40]);
  await page.locator('button[type=submit]').click();
  await page.locator('.aci-result h2').waitFor();
}

describe('bindings after the refactor', () => {
  it('the answered mark and Finish follow answers, start over, a language switch and a correction', async () => {
    const context = await phoneContext(env.browser);
    const page = await openPage(context, env.server.url);
    assert.deepEqual(await itemClasses(page), Array(4).fill(OPEN));
    assert.deepEqual(await finishState(page), [true, true]);
    await tapLine(page, 0, 0.3);
    await tapLine(page, 2, 0.6);
    assert.deepEqual(await itemClasses(page), [ANSWERED, OPEN, ANSWERED, OPEN]);
    await page.waitForFunction(
      (prefix) => Object.keys(localStorage).some((key) => key.startsWith(prefix)),
      DRAFT_KEY,
  HISTORY_KEY,
    );
    await page.reload();
    await widgetReady(page);
    assert.deepEqual(await itemClasses(page), [ANSWERED, OPEN, ANSWERED, OPEN]);
    assert.equal(await page.locator('.aci-banner[role=status]').count(), 1);
    // Language switch keeps the marks.
    await switchLanguage(page, 'es');
    await page.locator('.aci[lang=es]').waitFor();
    assert.deepEqual(await itemClasses(page), [ANSWERED, OPEN, ANSWERED, OPEN]);
    assert.equal(await page.locator('.aci-banner[role=status]').count(), 1, 'the banner after a switch');
    await page.getByRole('button', { name: 'Empezar de nuevo' }).click();
    assert.deepEqual(await itemClasses(page), Array(4).fill(OPEN));
    assert.equal(await page.locator('.aci-banner').count(), 0);
    await switchLanguage(page, 'en');
    await page.locator('.aci[lang=en]').waitFor();
    await answerAll(page, [10, 20, 30, 40]);
    assert.deepEqual(await itemClasses(page), Array(4).fill(ANSWERED));
    assert.deepEqual(await finishState(page), [false, false]);
    await page.locator('button[type=submit]').click();
    await page.locator('.aci-result h2').waitFor();
    await page.getByRole('button', { name: 'Back to the start' }).click();
    await page.locator('form h2').waitFor();
    assert.deepEqual(await itemClasses(page), Array(4).fill(OPEN));
    assert.deepEqual(await finishState(page), [true, true]);

    // A correction: all answered, Finish enabled; cancelling gives the empty form back.
    await page.getByRole('button', { name: /^Correct it: the check-in from/ }).click();
    await page.locator('form h2', { hasText: 'Correct your latest check-in' }).waitFor();
    assert.deepEqual(await itemClasses(page), Array(4).fill(ANSWERED));
    assert.deepEqual(await finishState(page), [false, false]);
    await switchLanguage(page, 'es');
    await page.locator('.aci[lang=es]').waitFor();
    assert.deepEqual(await itemClasses(page), Array(4).fill(ANSWERED), 'correction after a switch');
    assert.deepEqual(await finishState(page), [false, false]);
    await switchLanguage(page, 'en');
    await page.locator('.aci[lang=en]').waitFor();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator('form h2', { hasText: 'Correct your latest check-in' }).waitFor({ state: 'detached' });
    assert.deepEqual(await itemClasses(page), Array(4).fill(OPEN));
    assert.deepEqual(await finishState(page), [true, true]);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('the fine-tune buttons and the hint follow the value and the answer style', async () => {
    const context = await phoneContext(env.browser, { hasTouch: false, isMobile: false });
    const page = await openPage(context, env.server.url);
    const hint = () => page.locator('.aci-hint').first().textContent();
    const sliderHint = await hint();
    await openSettings(page);
    await page.getByRole('checkbox', { name: /choosing a number from 0 to 10/ }).check();
    assert.notEqual(await hint(), sliderHint, 'the hint follows the style');
    const group = page.getByRole('group', { name: 'Topics' });
    const down = group.getByRole('button', { name: 'Topics: lower by 0.1' });
    const up = group.getByRole('button', { name: 'Topics: raise by 0.1' });
    const state = async () => [await down.isDisabled(), await up.isDisabled()];
    assert.deepEqual(await state(), [true, true]);
    await group.getByRole('radio', { name: '10', exact: true }).check();
    assert.deepEqual(await state(), [false, true]);
    await down.click();
    assert.deepEqual(await state(), [false, false]);
    assert.equal(await group.locator('output').textContent(), '9.9 of 10');
    await group.getByRole('radio', { name: '0', exact: true }).check();
    assert.deepEqual(await state(), [true, false]);
    assert.equal(await down.evaluate((b) => b.hasAttribute('disabled')), true);
    // A language switch and back, and slider and back: the states are rebuilt right.
    await switchLanguage(page, 'es');
    await page.locator('.aci[lang=es]').waitFor();
    await switchLanguage(page, 'en');
    await page.locator('.aci[lang=en]').waitFor();
    assert.deepEqual(await state(), [true, false]);
    await openSettings(page);
    await page.getByRole('checkbox', { name: /choosing a number from 0 to 10/ }).uncheck();
    assert.equal(await hint(), sliderHint);
    await page.getByRole('checkbox', { name: /choosing a number from 0 to 10/ }).check();
    assert.deepEqual(await state(), [true, false]);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('the note over its limit: aria-invalid, the alert, and back', async () => {
    const context = await phoneContext(env.browser);
    const page = await openPage(context, env.server.url);
    const note = page.locator('form textarea');
    const error = page.locator('.aci-note__error');
    assert.equal(await note.getAttribute('aria-invalid'), 'false');
    assert.equal(await error.textContent(), '');
    await note.fill('x'.repeat(1005));
    assert.equal(await note.getAttribute('aria-invalid'), 'true');
    assert.match(await error.textContent(), /5/);
    await answerAll(page, [10, 20, 30, 40]);
    assert.deepEqual(await finishState(page), [true, true], 'no saving an over-long note');
    await note.fill('x'.repeat(10));
    assert.equal(await note.getAttribute('aria-invalid'), 'false');
    assert.equal(await error.textContent(), '');
    assert.deepEqual(await finishState(page), [false, false]);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('a language switch while the summary part loads, then Back, aborts nothing', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(3) });
    const release = await holdRequests(page, /\/parts\/split_summary-[0-9a-f]+\.wasm$/);
    await page.getByRole('button', { name: /^Share the check-in from/ }).first().click();
    await switchLanguage(page, 'es');
    await switchLanguage(page, 'en');
    await switchLanguage(page, 'es');
    release();
    await page.locator('.aci-summary h2').waitFor();
    await page.getByRole('button', { name: 'Atrás', exact: true }).click();
    await page.locator('form h2').waitFor();
    await answerAll(page, [10, 20, 30, 40]);
    assert.deepEqual(await finishState(page), [false, false]);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await context.close();
  });

  it('a language switch while the chart part loads aborts nothing, and the chart comes in the new language', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(12) }, { hold: /\/parts\/split_chart-[0-9a-f]+\.wasm$/ });
    await switchLanguage(page, 'es');
    await switchLanguage(page, 'en');
    await switchLanguage(page, 'es');
    context.release();
    await page.locator('.aci-trend').first().waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.aci-trend').count(), 1);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    // The chart's own "show more" and a new check-in still work.
    await checkIn2(page);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await context.close();
  });

  it('a language switch while the rescue part loads aborts nothing', async () => {
    const { context, page } = await seeded(
      { [HISTORY_KEY]: '{"format":"alliance-checkin/history","version":2,"entries":[{"broken' },
      { hold: /\/parts\/split_rescue-[0-9a-f]+\.wasm$/ },
    );
    await switchLanguage(page, 'es');
    await switchLanguage(page, 'en');
    context.release();
    await page.waitForTimeout(1500);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await answerAll(page, [10, 20, 30, 40]);
    assert.deepEqual(await finishState(page), [false, false]);
    await context.close();
  });

  it("the rescue row's Copy whose clipboard answers after a language switch aborts nothing", async () => {
    const broken = '{"format":"alliance-checkin/history","version":2,"entries":[{"broken';
    const { context, page } = await seeded({ [HISTORY_KEY]: broken }, { clipboard: true });
    await page.getByRole('button', { name: 'Copy the data that could not be read' }).click();
    await page.waitForFunction(() => window.__copied.length === 1);
    await switchLanguage(page, 'es');
    await page.evaluate(() => window.__releaseClipboard());
    await page.waitForTimeout(500);
    assert.deepEqual(problemsBesidesBlockedWorker(page), [], 'the widget must not abort');
    await answerAll(page, [10, 20, 30, 40]);
    assert.deepEqual(await finishState(page), [false, false]);
    await context.close();
  });

  it("the rescue row's Copy whose clipboard answers after a check-in was saved aborts nothing", async () => {
    const broken = '{"format":"alliance-checkin/history","version":2,"entries":[{"broken';
    const { context, page } = await seeded({ [HISTORY_KEY]: broken }, { clipboard: true });
    await page.getByRole('button', { name: 'Copy the data that could not be read' }).click();
    await page.waitForFunction(() => window.__copied.length === 1);
    await checkIn2(page);
    await page.evaluate(() => window.__releaseClipboard());
    await page.waitForTimeout(500);
    assert.deepEqual(problemsBesidesBlockedWorker(page), [], 'the widget must not abort');
    await page.getByRole('button', { name: 'Back to the start' }).click();
    await page.locator('form h2').waitFor();
    await context.close();
  });

  it("the rescue row's Copy, answered in place, still offers to remove the data", async () => {
    const broken = '{"format":"alliance-checkin/history","version":2,"entries":[{"broken';
    const { context, page } = await seeded({ [HISTORY_KEY]: broken }, { clipboard: true });
    await page.getByRole('button', { name: 'Copy the data that could not be read' }).click();
    await page.waitForFunction(() => window.__copied.length === 1);
    assert.equal(await page.getByRole('button', { name: 'Remove it from this device' }).count(), 0);
    await page.evaluate(() => window.__releaseClipboard());
    await page.getByText(/^Copied. Paste it somewhere safe/).waitFor();
    await page.getByRole('button', { name: 'Remove it from this device' }).waitFor();
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await context.close();
  });

  it('Back from a summary opened over a summary leaves the summaries at once', async () => {
    const { context, page } = await seeded({ [HISTORY_KEY]: historyOf(3) });
    const share = () => page.getByRole('button', { name: /^Share the check-in from/ });
    await share().first().click();
    await page.locator('.aci-summary h2').waitFor();
    await share().first().click(); // the same check-in again
    await page.waitForTimeout(300);
    await share().nth(1).click(); // and another one
    await page.waitForTimeout(300);
    await page.locator('.aci-summary').getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('form h2').waitFor({ timeout: 3000 });
    assert.equal(await page.locator('.aci-summary').count(), 0);
    assert.deepEqual(problemsBesidesBlockedWorker(page), []);
    await context.close();
  });
});
