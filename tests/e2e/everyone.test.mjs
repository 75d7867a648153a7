// End-to-end: usable by everyone, in their language. Axe (WCAG 2.2 AA) on every screen and state
// in both themes and both languages; Spanish from the browser's language, from the practice and
// from the client's own choice (which wins and is remembered); answering with whole numbers
// instead of the slider (the same stored answers); a check-in, the history and a copied summary
// with the keyboard alone; reflow at 320 px and 200% text in Spanish with numbers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DIST,
  answerAll,
  axeViolations,
  clipboardContents,
  grantClipboard,
  openPage,
  phoneContext,
  screenshot,
  openAtTextSize,
  storedHistory,
  valueTexts,
  widgetReady,
  withServerAndBrowser,
} from './harness.mjs';

const env = withServerAndBrowser();

const LANGUAGE_KEY = 'alliance-checkin:default:language';
const ANSWER_STYLE_KEY = 'alliance-checkin:default:answer-style';

async function expectNoAxeViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe found problems on: ${state}`);
}



async function openSettings(page) {
  const details = page.locator('details.aci-settings');
  if (!(await details.evaluate((element) => element.open))) {
    await details.locator('summary').click();
  }
}

describe('in the client’s language', () => {
  it('speaks Spanish to a Spanish browser, from the check-in to the copied summary', async () => {
    const context = await phoneContext(env.browser, { locale: 'es-MX' });
    await grantClipboard(context, env.server.url);
    const page = await openPage(context, env.server.url);
    assert.equal(await page.locator('.aci').getAttribute('lang'), 'es');
    assert.equal(await page.locator('form h2').textContent(), '¿Cómo fue la sesión de hoy?');
    assert.deepEqual(await valueTexts(page), Array(4).fill('aún sin responder'));
    await answerAll(page, [75, 80, 90, 85]);
    // The safety line sits under the note too, where a client may write about risk.
    const noteSafety = await page.locator('.aci-note__safety').textContent();
    assert.match(noteSafety, /piensas en hacerte daño.*911/);
    assert.doesNotMatch(noteSafety, /999/);
    assert.match((await valueTexts(page))[0], /^7,5 de 10/, 'a decimal comma');
    await expectNoAxeViolations(page, 'Spanish form');
    await screenshot(page, 'es-form');

    await page.locator('form textarea').fill('Me sentí con prisa al final.');
    await page.locator('button[type=submit]').click();
    await page.locator('.aci-result h2').waitFor();
    assert.match(await page.locator('.aci-score--total').textContent(), /33 de 40/);
    // Crisis numbers by the region of the browser's language: Mexico's 911, never the UK's 999.
    const safety = await page.locator('.aci-safety').textContent();
    assert.match(safety, /llama ahora al 911\./);
    assert.doesNotMatch(safety, /999|112/);
    assert.match(safety, /cualquiera que abra esta página en este dispositivo/, 'honest about a shared device');
    await expectNoAxeViolations(page, 'Spanish result');
    await screenshot(page, 'es-result');

    await page.getByRole('button', { name: 'Compartir con mi terapeuta' }).click();
    await page.locator('.aci-summary h2').waitFor();
    const summary = await page.locator('.aci-summary textarea').inputValue();
    assert.match(summary, /^Mi primera valoración aquí\.$/m, 'the headline');
    assert.match(summary, /^Conexión 7,5$/m);
    assert.match(summary, /^Total 33 de 40, por debajo de 36$/m);
    assert.match(summary, /Me sentí con prisa al final\./);
    assert.doesNotMatch(summary, /\b(of|Total: \d+ of|My note)\b/, 'no English left');
    await expectNoAxeViolations(page, 'Spanish summary');
    await screenshot(page, 'es-summary');
    await page.getByRole('button', { name: 'Copiar', exact: true }).click();
    await page.locator('.aci-summary [role=status]').getByText(/Copiado/).waitFor();
    assert.equal(await clipboardContents(context, env.server.url), summary);

    // Dates in the history follow the language: "22 nov 2026", not "Nov 22, 2026".
    const date = await page.locator('.aci-history time').first().textContent();
    assert.match(date, /\d{1,2} [a-z]{3}\.? \d{4}/);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('lets the client switch language; their choice wins over the practice’s and is kept', async () => {
    const context = await phoneContext(env.browser);
    const html = readFileSync(join(DIST, 'index.html'), 'utf8').replace(
      '<div data-alliance-checkin data-standalone>',
      '<div data-alliance-checkin data-language="es">',
    );
    await context.route('**/practice', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
    );
    const page = await openPage(context, `${env.server.url}practice`);
    assert.equal(await page.locator('.aci').getAttribute('lang'), 'es', 'the practice chose Spanish');

    await openSettings(page);
    const language = page.getByLabel('Idioma');
    await language.selectOption('en');
    await page.waitForFunction(() => __widget().querySelector('.aci')?.lang === 'en');
    assert.equal(await page.locator('form h2').textContent(), "How did today's session go?");
    assert.equal(
      await page.evaluate(() => __deepActive()?.id.endsWith('-language')),
      true,
      'focus stays on the language menu',
    );
    assert.equal(await page.locator('details.aci-settings').evaluate((d) => d.open), true);
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), LANGUAGE_KEY), 'en');
    await expectNoAxeViolations(page, 'settings open');
    await screenshot(page, 'settings-open');

    await page.reload();
    await widgetReady(page);
    assert.equal(await page.locator('.aci').getAttribute('lang'), 'en', 'the client’s choice is kept');
    await context.close();
  });

  it('names a practice language it does not have, and follows the browser', async () => {
    const context = await phoneContext(env.browser, { locale: 'es-ES' });
    const html = readFileSync(join(DIST, 'index.html'), 'utf8').replace(
      '<div data-alliance-checkin data-standalone>',
      '<div data-alliance-checkin data-language="<b>klingon</b>">',
    );
    await context.route('**/practice', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
    );
    const page = await openPage(context, `${env.server.url}practice`);
    assert.equal(await page.locator('.aci').getAttribute('lang'), 'es');
    assert.match(await page.locator('.aci-notices--setup').textContent(), /data-language.*en y es/);
    await context.close();
  });
});

describe('answering without dragging', () => {
  it('chooses whole numbers, fine-tunes by 0.1, and stores the same answers as the slider', async () => {
    const context = await phoneContext(env.browser, { hasTouch: false, isMobile: false });
    const page = await openPage(context, env.server.url);
    await openSettings(page);
    await page.getByRole('checkbox', { name: /choosing a number from 0 to 10/ }).check();
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), ANSWER_STYLE_KEY), 'numbers');
    assert.equal(await page.locator('input.aci-range').count(), 0, 'no sliders to drag');

    const group = (title) => page.getByRole('group', { name: title });
    await group('Connection').getByRole('radio', { name: '7', exact: true }).check();
    await group('Topics').getByRole('radio', { name: '10', exact: true }).check();
    // Keyboard: arrows move through a radio group.
    await group('Way of working').getByRole('radio', { name: '5', exact: true }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await group('Overall').getByRole('radio', { name: '8', exact: true }).check();
    await page.getByRole('button', { name: 'Overall: raise by 0.1' }).click();
    await page.getByRole('button', { name: 'Overall: raise by 0.1' }).click();
    await page.getByRole('button', { name: 'Connection: lower by 0.1' }).click();
    assert.equal(await group('Overall').locator('output').textContent(), '8.2 of 10');
    assert.equal(
      await group('Topics').getByRole('button', { name: 'Topics: raise by 0.1' }).isDisabled(),
      true,
      'nothing above 10',
    );
    await expectNoAxeViolations(page, 'numbers');
    await screenshot(page, 'numbers-form');

    await page.locator('button[type=submit]').click();
    await page.locator('.aci-result h2').waitFor();
    const stored = await storedHistory(page);
    assert.deepEqual(
      stored.entries[0].answers.map((answer) => answer.value),
      [69, 100, 70, 82],
      'the same tenths the slider stores',
    );
    await page.reload();
    await widgetReady(page);
    assert.equal(await page.locator('.aci-numbers').count(), 4, 'the choice is kept');
    await context.close();
  });
});

describe('with the keyboard alone', () => {
  it('completes a check-in, opens a past one from the history, and copies its summary', async () => {
    const context = await phoneContext(env.browser, { hasTouch: false, isMobile: false });
    await grantClipboard(context, env.server.url);
    const page = await openPage(context, env.server.url);
    const press = async (...keys) => {
      for (const key of keys) await page.keyboard.press(key);
    };
    const focused = () =>
      page.evaluate(() => {
        const element = __deepActive();
        return element?.getAttribute('aria-label') || element?.textContent?.trim() || element?.tagName;
      });
    await press('Tab'); // the settings disclosure
    await press('Tab', 'End', 'Tab', 'End', 'Tab', 'End', 'Tab', 'End', 'Tab', 'Tab', 'Enter');
    await page.waitForFunction(() => __deepActive()?.matches('.aci-result h2'));
    await press('Tab', 'Tab', 'Enter'); // past "Share with my therapist": back to the start
    await page.waitForFunction(() => __deepActive()?.matches('form h2'));

    // On to the history's first Share button.
    for (let step = 0; step < 40 && !(await focused()).startsWith('Share the check-in'); step += 1) {
      await press('Tab');
    }
    assert.match(await focused(), /^Share the check-in from /);
    await press('Enter');
    await page.waitForFunction(() => __deepActive()?.matches('.aci-summary h2'));
    for (let step = 0; step < 10 && (await focused()) !== 'Copy'; step += 1) {
      await press('Tab');
    }
    await press('Enter');
    await page.locator('.aci-summary [role=status]').getByText('Copied.').waitFor();
    const text = await page.locator('.aci-summary textarea').inputValue();
    assert.match(text, /^Total 40 of 40$/m);
    assert.equal(await clipboardContents(context, env.server.url), text);
    await context.close();
  });
});

describe('every screen, both themes, both languages', () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const locale of ['en-US', 'es-ES']) {
      it(`passes axe on every screen: ${colorScheme}, ${locale}`, async () => {
        const context = await phoneContext(env.browser, { colorScheme, locale });
        const page = await openPage(context, env.server.url);
        const state = (name) => `${name} (${colorScheme}, ${locale})`;
        await expectNoAxeViolations(page, state('empty form'));
        await openSettings(page);
        await page.locator('.aci-settings input[type=checkbox]').first().check();
        await page.locator('.aci-numbers').first().waitFor();
        await expectNoAxeViolations(page, state('settings open, numbers'));
        await page.locator('.aci-number__input').first().check();
        await expectNoAxeViolations(page, state('numbers, one answered'));
        await page.locator('.aci-settings input[type=checkbox]').first().uncheck();
        await answerAll(page, [60, 70, 95, 100]);
        await page.locator('form textarea').fill('x'.repeat(1010));
        await expectNoAxeViolations(page, state('note over the limit'));
        await page.locator('form textarea').fill('ok');
        await page.locator('button[type=submit]').click();
        await page.locator('.aci-result h2').waitFor();
        await expectNoAxeViolations(page, state('result'));
        await page.locator('.aci-result .aci-button--primary').click();
        await page.locator('.aci-summary h2').waitFor();
        await expectNoAxeViolations(page, state('summary'));
        await page.locator('.aci-summary textarea').fill('edited');
        await expectNoAxeViolations(page, state('summary edited'));
        await screenshot(page, `summary-${colorScheme}-${locale}`);
        assert.deepEqual(page.problems, []);
        await context.close();
      });
    }
  }

  it('keeps its layout for right-to-left text', async () => {
    // No right-to-left catalogue ships yet; this checks the CSS and the notes are ready for one.
    const context = await phoneContext(env.browser);
    const page = await openPage(context, env.server.url);
    await page.locator('.aci').evaluate((root) => root.setAttribute('dir', 'rtl'));
    await page.locator('form textarea').fill('שלום, תודה על הפגישה 🙂');
    assert.equal(await page.locator('form textarea').evaluate((field) => getComputedStyle(field).direction), 'rtl');
    await openSettings(page);
    await page.locator('.aci-settings input[type=checkbox]').first().check();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(overflow, 0);
    await screenshot(page, 'rtl-numbers');
    await context.close();
  });

  for (const { name, width, textScale } of [
    { name: 'es-numbers-320px', width: 320, textScale: 1 },
    { name: 'es-numbers-200-percent-text', width: 360, textScale: 2 },
  ]) {
    it(`keeps Spanish with numbers inside ${width} px at ${textScale * 100}% text`, async () => {
      const context = await phoneContext(env.browser, { viewport: { width, height: 640 }, locale: 'es' });
      // The reader's text-size setting, which the widget follows whatever the page sets on html.
      const page = await openAtTextSize(context, env.server.url, textScale);
      await openSettings(page);
      await page.locator('.aci-settings input[type=checkbox]').first().check();
      await page.locator('.aci-number__input').nth(7).check();
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(await overflow(), 0, 'the form scrolls sideways');
      // Every number is fully inside its item (nothing clipped or overlapping).
      const clipped = await page.locator('.aci-numbers').first().evaluate((group) => {
        const box = group.getBoundingClientRect();
        return [...group.querySelectorAll('.aci-number__label')].filter((label) => {
          const own = label.getBoundingClientRect();
          return own.left < box.left - 0.5 || own.right > box.right + 0.5 || label.scrollWidth > label.clientWidth;
        }).length;
      });
      assert.equal(clipped, 0);
      await screenshot(page, name);
      await context.close();
    });
  }
});
