// End-to-end: the release build in Debian's Chromium on a 360x640 touch phone. A check-in by
// touch and one by keyboard only, reloads, drafts, unreadable and newer stored data, two tabs
// saving at once, axe on every screen and state in both themes, and reflow at 320 px / 200%.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BESIDE_NEWER_KEY,
  DRAFT_KEY,
  draftTexts,
  HISTORY_KEY,
  answerAll,
  axeViolations,
  openPage,
  phoneContext,
  screenshot,
  openAtTextSize,
  storedHistory,
  tapLine,
  valueTexts,
  widgetReady,
  withServerAndBrowser,
} from './harness.mjs';

const env = withServerAndBrowser();

/** A fresh phone with empty storage, and a page on the widget. */
async function freshPhone(options) {
  const context = await phoneContext(env.browser, options);
  const page = await openPage(context, env.server.url);
  return { context, page };
}

async function expectNoAxeViolations(page, state) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe found problems on: ${state}`);
}

function expectCleanConsole(page) {
  assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
}

const finish = (page) => page.locator('button[type=submit]');
const historyCount = (page) => page.locator('.aci-history__count');
const resultHeading = (page) => page.locator('.aci-result h2');


/** The texts kept aside under backup keys because they could not be read. */
function unreadableBackups(page) {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.includes(':history:unreadable:'))
      .map((key) => localStorage.getItem(key)),
  );
}

describe('a check-in on a phone', () => {
  it('is completed by touch, scored right, saved, and kept after a reload', async () => {
    const { context, page } = await freshPhone();
    assert.equal(await page.title(), 'Check-in', 'the tab title says nothing sensitive');
    assert.deepEqual(await valueTexts(page), Array(4).fill('not answered yet'));
    assert.equal(await finish(page).isDisabled(), true);
    await expectNoAxeViolations(page, 'empty form');
    await screenshot(page, 'form-empty');

    await tapLine(page, 0, 0.8);
    await tapLine(page, 1, 0.5); // exactly where the hidden thumb rests
    assert.match((await valueTexts(page))[0], /^8 of 10, towards “I could be open without feeling judged/);
    assert.equal((await valueTexts(page))[1], '5 of 10, midway');
    assert.equal(await finish(page).isDisabled(), true);
    await expectNoAxeViolations(page, 'partly answered form');
    await screenshot(page, 'form-partly-answered');

    await tapLine(page, 2, 1);
    await tapLine(page, 3, 0.95);
    assert.deepEqual((await valueTexts(page)).map((text) => text.split(',')[0]), [
      '8 of 10',
      '5 of 10',
      '10 of 10',
      '9.5 of 10',
    ]);
    await page.locator('textarea').tap();
    await page.keyboard.type('Felt rushed at the end.');
    await finish(page).tap();

    await resultHeading(page).waitFor();
    assert.equal(await resultHeading(page).textContent(), 'Thank you for checking in');
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '32.5 of 40');
    const suggestions = await page.locator('.aci-suggestions').textContent();
    // One warm paragraph: what stood out, a route other than the therapist, and no pass mark.
    assert.equal(await page.locator('.aci-suggestions p').count(), 1);
    assert.doesNotMatch(suggestions, /36/);
    assert.match(suggestions, /You gave “Topics” a lower rating/);
    assert.match(suggestions, /someone else at the practice/);
    assert.match(suggestions, /a lower rating is useful information, not a complaint/i);
    assert.match(await page.locator('.aci-safety').textContent(), /not a crisis service/);
    assert.equal(await page.locator('.aci-saved').textContent(), 'Saved on this device.');
    assert.equal(await historyCount(page).textContent(), '1');
    await expectNoAxeViolations(page, 'result');
    await screenshot(page, 'result-first');

    const stored = await storedHistory(page);
    assert.equal(stored.format, 'alliance-checkin/history');
    assert.equal(stored.version, 3);
    assert.deepEqual(stored.deleted, []);
    assert.equal(stored.entries.length, 1);
    assert.deepEqual(
      stored.entries[0].answers.map((answer) => answer.value),
      [80, 50, 100, 95],
    );
    assert.equal(stored.entries[0].note, 'Felt rushed at the end.');
    assert.deepEqual(await draftTexts(page), [], 'the draft went with the save');

    await page.reload();
    await widgetReady(page);
    assert.equal(await historyCount(page).textContent(), '1');
    assert.match(await page.locator('.aci-history__total').textContent(), /Total 32\.5 of 40/);
    assert.deepEqual(await valueTexts(page), Array(4).fill('not answered yet'));
    expectCleanConsole(page);
    await context.close();
  });

  it('is completed with the keyboard alone, and a second one is compared with the first', async () => {
    const { context, page } = await freshPhone({ hasTouch: false, isMobile: false });
    const keys = async (...pressed) => {
      for (const key of pressed) await page.keyboard.press(key);
    };
    await keys('Tab', 'Tab', 'End'); // past the settings, then 10
    await keys('Tab', 'End', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft'); // 9.7
    await keys('Tab', 'Home', 'PageUp', 'PageUp', 'PageUp', 'PageUp', 'PageUp', 'PageUp'); // 6
    await keys('Tab', 'ArrowRight'); // the first step from the resting middle: 5.1
    assert.deepEqual((await valueTexts(page)).map((text) => text.split(',')[0]), [
      '10 of 10',
      '9.7 of 10',
      '6 of 10',
      '5.1 of 10',
    ]);
    await keys('Tab');
    await page.keyboard.type('Typed with keys only');
    await keys('Tab');
    assert.equal(await page.evaluate(() => __deepActive().type), 'submit');
    await keys('Enter');
    await resultHeading(page).waitFor();
    await page.waitForFunction(() => __deepActive()?.matches('.aci-result h2'));
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '30.8 of 40');
    assert.match(await page.locator('.aci-result .aci-muted').first().textContent(), /first check-in/);

    // Back to the form with the keyboard (past "Share with my therapist"): focus lands on its
    // heading.
    await keys('Tab', 'Tab', 'Enter');
    await page.waitForFunction(() => __deepActive()?.matches('form h2'));
    await keys('Tab', 'End', 'Tab', 'End', 'Tab', 'End', 'Tab', 'End', 'Tab', 'Tab', 'Enter');
    await resultHeading(page).waitFor();
    const directions = await page.locator('.aci-score__direction').allTextContents();
    assert.deepEqual(directions, [
      'about the same as last time',
      'about the same as last time',
      'higher than last time',
      'higher than last time',
      'higher than last time',
    ]);
    assert.equal(await historyCount(page).textContent(), '2');
    expectCleanConsole(page);
    await context.close();
  });
});

describe('nothing is lost', () => {
  it('keeps a check-in in progress across a reload, and "Start over" clears it', async () => {
    const { context, page } = await freshPhone();
    await tapLine(page, 0, 0.3);
    await tapLine(page, 2, 0.6);
    await page.locator('textarea').tap();
    await page.keyboard.type('half written');
    await page.waitForFunction(
      (prefix) => Object.keys(localStorage).some((key) => key.startsWith(prefix) && localStorage.getItem(key).includes('half written')),
      DRAFT_KEY,
  draftTexts,
    );

    await page.reload();
    await widgetReady(page);
    assert.match(await page.locator('.aci-banner').textContent(), /kept your unfinished check-in/);
    const texts = await valueTexts(page);
    assert.match(texts[0], /^3 of 10/);
    assert.equal(texts[1], 'not answered yet');
    assert.match(texts[2], /^6 of 10/);
    assert.equal(await page.locator('textarea').inputValue(), 'half written');
    await expectNoAxeViolations(page, 'restored draft');
    await screenshot(page, 'draft-restored');

    await page.getByRole('button', { name: 'Start over' }).tap();
    assert.deepEqual(await valueTexts(page), Array(4).fill('not answered yet'));
    assert.equal(await page.locator('textarea').inputValue(), '');
    await page.reload();
    await widgetReady(page);
    assert.equal(await page.locator('.aci-banner').count(), 0);
    expectCleanConsole(page);
    await context.close();
  });

  it('offers a draft older than a day instead of restoring it', async () => {
    const { context, page } = await freshPhone();
    const twoDaysAgo = Date.now() - 2 * 24 * 60 * 60 * 1000;
    await page.evaluate(
      ([key, savedAt]) =>
        localStorage.setItem(
          key,
          JSON.stringify({
            format: 'alliance-checkin/draft',
            version: 1,
            saved_at: savedAt,
            instrument: { id: 'builtin.alliance-checkin', version: 1 },
            answers: [{ item: 'focus', value: 42 }],
            note: 'from the other day',
          }),
        ),
      [DRAFT_KEY, twoDaysAgo],
    );
    await page.reload();
    await widgetReady(page);
    assert.match(await page.locator('.aci-banner').textContent(), /unfinished check-in from/);
    assert.deepEqual(await valueTexts(page), Array(4).fill('not answered yet'));
    await expectNoAxeViolations(page, 'old draft offered');
    await screenshot(page, 'draft-offered');
    await page.getByRole('button', { name: 'Continue it' }).tap();
    assert.match((await valueTexts(page))[1], /^4\.2 of 10/);
    assert.equal(await page.locator('textarea').inputValue(), 'from the other day');
    expectCleanConsole(page);
    await context.close();
  });

  it('keeps unreadable stored data aside, says so, and starts a fresh history', async () => {
    const { context, page } = await freshPhone();
    const corrupt = '{"format":"alliance-checkin/history","version":1,"entries":[{"id":"trunc';
    await page.evaluate(([key, text]) => localStorage.setItem(key, text), [HISTORY_KEY, corrupt]);
    await page.reload();
    await widgetReady(page);
    assert.match(await page.locator('.aci-notices').textContent(), /could not be read.*set aside unchanged/);
    assert.deepEqual(await unreadableBackups(page), [corrupt], 'kept byte for byte');
    await expectNoAxeViolations(page, 'storage error message');
    await screenshot(page, 'storage-unreadable');

    await answerAll(page, [90, 90, 90, 90]);
    await finish(page).click();
    await resultHeading(page).waitFor();
    assert.equal((await storedHistory(page)).entries.length, 1);
    assert.deepEqual(await unreadableBackups(page), [corrupt], 'still there after a save');
    expectCleanConsole(page);
    await context.close();
  });

  it('leaves a newer version\'s data untouched and saves beside it', async () => {
    const { context, page } = await freshPhone();
    const newer = '{"format":"alliance-checkin/history","version":7,"records":{"a":[1.5,2]}}';
    await page.evaluate(([key, text]) => localStorage.setItem(key, text), [HISTORY_KEY, newer]);
    await page.reload();
    await widgetReady(page);
    assert.match(await page.locator('.aci-notices').textContent(), /newer version/);
    await answerAll(page, [70, 80, 90, 100]);
    await finish(page).click();
    await resultHeading(page).waitFor();
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY), newer);
    assert.equal((await storedHistory(page, BESIDE_NEWER_KEY)).entries.length, 1);
    assert.equal(await historyCount(page).textContent(), '1');
    expectCleanConsole(page);
    await context.close();
  });

  it('keeps both check-ins when two open tabs save at the same moment', async () => {
    const context = await phoneContext(env.browser);
    const first = await openPage(context, env.server.url);
    const second = await openPage(context, env.server.url);
    await answerAll(first, [100, 100, 100, 100]);
    await answerAll(second, [10, 20, 30, 40]);
    await Promise.all([finish(first).click(), finish(second).click()]);
    await resultHeading(first).waitFor();
    await resultHeading(second).waitFor();
    // Each tab ends up showing and storing both, whichever write landed last.
    for (const page of [first, second]) {
      await page.waitForFunction(
        () => __widget().querySelector('.aci-history__count')?.textContent === '2',
        null,
        { timeout: 5000 },
      );
    }
    const reader = await openPage(context, env.server.url);
    const stored = await storedHistory(reader);
    assert.equal(stored.entries.length, 2, 'neither tab erased the other\'s check-in');
    assert.equal(await historyCount(reader).textContent(), '2');
    expectCleanConsole(first);
    expectCleanConsole(second);
    await context.close();
  });
  it('puts back its own check-in when another tab\'s write replaced it', async () => {
    const context = await phoneContext(env.browser);
    const saver = await openPage(context, env.server.url);
    const other = await openPage(context, env.server.url);
    await answerAll(saver, [60, 60, 60, 60]);
    await finish(saver).click();
    await resultHeading(saver).waitFor();
    const savedId = (await storedHistory(saver)).entries[0].id;
    // The other tab lost the race: it writes a history it read before the save landed.
    await other.evaluate((key) => {
      localStorage.setItem(
        key,
        JSON.stringify({
          format: 'alliance-checkin/history',
          version: 1,
          entries: [
            {
              id: 'other-tab-entry',
              completed_at: 1,
              instrument: { id: 'builtin.alliance-checkin', version: 1 },
              answers: [{ item: 'overall', value: 10 }],
              note: '',
            },
          ],
        }),
      );
    }, HISTORY_KEY);
    await other.waitForFunction(
      ([key, id]) => localStorage.getItem(key).includes(id),
      [HISTORY_KEY, savedId],
      { timeout: 5000 },
    );
    const ids = (await storedHistory(other)).entries.map((entry) => entry.id).sort();
    assert.deepEqual(ids, [savedId, 'other-tab-entry'].sort());
    expectCleanConsole(saver);
    await context.close();
  });
  it('shows and keeps the check-in when storage is full, and says it was not saved', async () => {
    const { context, page } = await freshPhone();
    await page.evaluate(() => {
      const block = 'x'.repeat(256 * 1024);
      for (let index = 0; ; index += 1) {
        try {
          localStorage.setItem(`filler-${index}`, block);
        } catch {
          break;
        }
      }
      // Top up the last few bytes too.
      for (let index = 0; index < 4096; index += 1) {
        try {
          localStorage.setItem(`crumb-${index}`, 'x'.repeat(64));
        } catch {
          break;
        }
      }
    });
    await answerAll(page, [80, 70, 90, 100]);
    await page.locator('textarea').fill('Please keep this');
    await finish(page).click();
    await resultHeading(page).waitFor();
    assert.match(await page.locator('.aci-result [role=alert]').textContent(), /no room left to save/);
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '34 of 40');
    assert.equal(await historyCount(page).textContent(), '1', 'kept in this page');
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), HISTORY_KEY), null);
    await expectNoAxeViolations(page, 'storage full');
    await screenshot(page, 'storage-full');
    expectCleanConsole(page);
    await context.close();
  });

  it('works with storage blocked (as in a sandboxed frame) and says nothing will be kept', async () => {
    const context = await phoneContext(env.browser);
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    });
    const page = await openPage(context, env.server.url);
    assert.match(await page.locator('.aci-notices').textContent(), /not letting the check-in save anything/);
    await answerAll(page, [100, 100, 100, 90]);
    await finish(page).click();
    await resultHeading(page).waitFor();
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '39 of 40');
    assert.match(await page.locator('.aci-result [role=alert]').textContent(), /not letting the check-in save/);
    assert.equal(await historyCount(page).textContent(), '1');
    await expectNoAxeViolations(page, 'storage blocked');
    expectCleanConsole(page);
    await context.close();
  });
});

describe('looks right for everyone', () => {
  it('passes axe in the dark theme on the form and the result', async () => {
    const { context, page } = await freshPhone({ colorScheme: 'dark' });
    await tapLine(page, 0, 0.6);
    await expectNoAxeViolations(page, 'dark partly answered form');
    await screenshot(page, 'dark-form');
    await answerAll(page, [95, 60, 100, 100]);
    await page.locator('textarea').fill('x'.repeat(1010));
    assert.match(await page.locator('.aci-note__error').textContent(), /10 characters over/);
    await expectNoAxeViolations(page, 'dark note over the limit');
    await page.locator('textarea').fill('Fine overall.');
    await finish(page).click();
    await resultHeading(page).waitFor();
    await expectNoAxeViolations(page, 'dark result');
    await screenshot(page, 'dark-result');
    expectCleanConsole(page);
    await context.close();
  });

  for (const { name, width, textScale } of [
    { name: 'reflow-320px', width: 320, textScale: 1 },
    { name: 'reflow-200-percent-text', width: 360, textScale: 2 },
  ]) {
    it(`has no horizontal scrolling at ${width} px wide with text at ${textScale * 100}%`, async () => {
      const context = await phoneContext(env.browser, { viewport: { width, height: 640 } });
      // The reader's text-size setting, which the widget follows whatever the page sets on html.
      const page = await openAtTextSize(context, env.server.url, textScale);
      await answerAll(page, [85, 90, 95, 100]);
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(await overflow(), 0, 'the form scrolls sideways');
      await screenshot(page, `${name}-form`);
      await finish(page).click();
      await resultHeading(page).waitFor();
      assert.equal(await overflow(), 0, 'the result scrolls sideways');
      await screenshot(page, `${name}-result`);
      expectCleanConsole(page);
      await context.close();
    });
  }

  it('makes no request beyond the widget\'s own files', async () => {
    const { context, page } = await freshPhone();
    const foreign = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(env.server.url) && !request.url().startsWith('data:')) {
        foreign.push(request.url());
      }
    });
    await page.reload();
    await widgetReady(page);
    await answerAll(page, [50, 50, 50, 50]);
    await finish(page).click();
    await resultHeading(page).waitFor();
    assert.deepEqual(foreign, []);
    await context.close();
  });
});
