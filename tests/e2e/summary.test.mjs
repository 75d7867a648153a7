// End-to-end: the summary for the therapist on a 360x640 phone. What is copied is exactly what
// is previewed (read back from the real clipboard), the fallbacks when the Clipboard API is
// missing or refused, the switches, the share sheet only where it exists, the e-mail link only
// when the practice set a plain address, and the summary of a past check-in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DIST,
  axeViolations,
  clipboardContents,
  grantClipboard,
  openPage,
  phoneContext,
  screenshot,
  widgetReady,
  withServerAndBrowser,
} from './harness.mjs';

const env = withServerAndBrowser();

const summaryText = (page) => page.locator('.aci-summary textarea');
const status = (page) => page.locator('.aci-summary [role=status]');
const copyButton = (page) => page.getByRole('button', { name: 'Copy', exact: true });
const includeNote = (page) => page.getByRole('checkbox', { name: 'Include my note' });

/** A phone whose pages may read and write the clipboard (how the test reads it back). */
async function phoneWithClipboard(options) {
  const context = await phoneContext(env.browser, options);
  await grantClipboard(context, env.server.url);
  return context;
}


async function setClipboard(context, text) {
  const writer = await context.newPage();
  await writer.goto(`${env.server.url}blank`);
  await writer.evaluate((value) => navigator.clipboard.writeText(value), text);
  await writer.close();
}

/** Completes one check-in (items in tenths, and a note) and waits for the result. */
async function checkIn(page, tenths, note) {
  await page.locator('input.aci-range').evaluateAll((lines, values) => {
    lines.forEach((line, index) => {
      line.value = String(values[index]);
      line.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }, tenths);
  if (note) await page.locator('form textarea').fill(note);
  await page.locator('button[type=submit]').click();
  await page.locator('.aci-result h2').waitFor();
}

async function backToTheStart(page) {
  await page.getByRole('button', { name: 'Back to the start' }).click();
  await page.locator('form h2').waitFor();
}

async function openSummaryFromResult(page) {
  await page.getByRole('button', { name: 'Share with my therapist' }).click();
  await page.waitForFunction(() => __deepActive()?.matches('.aci-summary h2'));
}

/**
 * A page where `prepare` ran before the widget (to take away or stub a browser feature), with
 * one check-in done (`note` as its note) and its summary open.
 */
async function summaryWith(context, prepare, note) {
  const page = await context.newPage();
  await page.addInitScript(prepare);
  await page.goto(env.server.url);
  await widgetReady(page);
  await checkIn(page, [70, 80, 90, 80], note);
  await openSummaryFromResult(page);
  return page;
}

/** A practice page: the release build's index.html with settings on the mount element. */
async function practicePage(context, attributes) {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8').replace(
    '<div data-alliance-checkin data-standalone>',
    `<div data-alliance-checkin ${attributes}>`,
  );
  assert.ok(html.includes(attributes), 'the mount element was found in index.html');
  await context.route('**/practice', (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
  );
  return openPage(context, `${env.server.url}practice`);
}

describe('the summary for the therapist', () => {
  it('copies exactly the previewed text, with or without the note, and after edits', async () => {
    const context = await phoneWithClipboard();
    const page = await openPage(context, env.server.url);
    await checkIn(page, [90, 85, 95, 90], 'Line one\nשלום and 😊 too');
    await backToTheStart(page);
    await checkIn(page, [60, 70, 80, 60], 'Felt rushed at the end.\nCan we talk about pace?');
    await openSummaryFromResult(page);

    const preview = await summaryText(page).inputValue();
    // Read in ten seconds: the headline, then the note, then each score with last time's.
    const lines = preview.split('\n');
    assert.equal(lines[1], 'Lower than last time: Connection, Topics, Way of working and Overall.');
    assert.equal(lines[3], 'My note:');
    assert.match(preview, /Felt rushed at the end\.\nCan we talk about pace\?/);
    assert.match(preview, /^Way of working 8 \(last time 9\.5\)$/m);
    assert.match(preview, /^Total 27 of 40 \(last time 36\), under 36$/m);
    assert.equal(await includeNote(page).isChecked(), true, 'a written note is included by default');
    assert.match(
      await page.locator('.aci-summary').textContent(),
      /leaves this device through whatever app you paste it into/,
    );
    assert.deepEqual(await axeViolations(page), [], 'axe on the summary');
    await screenshot(page, 'summary-preview');

    await copyButton(page).click();
    await assert.doesNotReject(status(page).getByText('Copied.').waitFor());
    assert.equal(await clipboardContents(context, env.server.url), preview);

    // Leaving the note out changes the preview and what is copied.
    await includeNote(page).uncheck();
    const withoutNote = await summaryText(page).inputValue();
    assert.doesNotMatch(withoutNote, /rushed/);
    assert.equal(await status(page).textContent(), '', 'a stale "Copied" is cleared');
    await copyButton(page).click();
    await status(page).getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, env.server.url), withoutNote);

    // The recent check-ins, oldest first, each with its lowest item.
    await page.getByRole('checkbox', { name: 'Include my recent check-ins' }).check();
    const withTrend = await summaryText(page).inputValue();
    const trend = withTrend.slice(withTrend.indexOf('Recent totals'));
    assert.match(trend, /36 of 40.*\n.*27 of 40/);
    await screenshot(page, 'summary-with-trend');

    // The client's own edit is what leaves the device; the switches pause until they start again.
    await summaryText(page).fill(`${withTrend}\nP.S. Edited by me.`);
    assert.equal(await includeNote(page).isDisabled(), true);
    await copyButton(page).click();
    await status(page).getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, env.server.url), `${withTrend}\nP.S. Edited by me.`);
    await page.getByRole('button', { name: 'Start again from the generated text' }).click();
    assert.equal(await summaryText(page).inputValue(), withTrend);
    assert.equal(await includeNote(page).isDisabled(), false);

    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('.aci-result h2').waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('falls back to the copy command when the Clipboard API is missing', async () => {
    const context = await phoneWithClipboard();
    const page = await summaryWith(
      context,
      () => {
        Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
      },
      '',
    );
    assert.equal(await includeNote(page).count(), 0, 'no note switch without a note');
    await setClipboard(context, 'something older');
    await copyButton(page).click();
    await status(page).getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, env.server.url), await summaryText(page).inputValue());
    await context.close();
  });

  it('falls back to the copy command when the Clipboard API refuses', async () => {
    const context = await phoneWithClipboard();
    const page = await summaryWith(
      context,
      () => {
        const refuse = () => Promise.reject(new DOMException('Refused', 'NotAllowedError'));
        Object.defineProperty(Clipboard.prototype, 'writeText', { value: refuse });
      },
      'A note',
    );
    await setClipboard(context, 'something older');
    await copyButton(page).click();
    await status(page).getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, env.server.url), await summaryText(page).inputValue());
    await context.close();
  });

  it('selects the text and says so when nothing can copy', async () => {
    const context = await phoneWithClipboard();
    const page = await summaryWith(
      context,
      () => {
        Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
        Document.prototype.execCommand = () => false;
      },
      'A note',
    );
    await setClipboard(context, 'something older');
    await copyButton(page).click();
    await status(page).getByText(/Could not copy automatically\. The text is selected/).waitFor();
    const selection = await summaryText(page).evaluate((field) => ({
      focused: __deepActive() === field,
      start: field.selectionStart,
      end: field.selectionEnd,
      length: field.value.length,
    }));
    assert.deepEqual(selection, { focused: true, start: 0, end: selection.length, length: selection.length });
    assert.ok(selection.length > 100);
    assert.equal(await clipboardContents(context, env.server.url), 'something older', 'nothing claimed to be copied');
    await screenshot(page, 'summary-copy-by-hand');
    await context.close();
  });

  it('offers the share sheet only where the browser has one', async () => {
    const context = await phoneContext(env.browser);
    const page = await summaryWith(
      context,
      () => {
        window.sharedData = [];
        Navigator.prototype.share = function share(data) {
          window.sharedData.push({ title: data.title, text: data.text });
          return Promise.resolve();
        };
      },
      'A note',
    );
    await page.getByRole('button', { name: 'Share…' }).click();
    await status(page).getByText('Shared.').waitFor();
    const shared = await page.evaluate(() => window.sharedData);
    assert.deepEqual(shared, [
      { title: 'Your summary for your therapist', text: await summaryText(page).inputValue() },
    ]);

    // The client closing the sheet is not an error.
    await page.evaluate(() => {
      Navigator.prototype.share = () => Promise.reject(new DOMException('Closed', 'AbortError'));
    });
    await page.getByRole('button', { name: 'Share…' }).click();
    await page.waitForTimeout(50);
    assert.equal(await status(page).textContent(), '');

    const without = await summaryWith(
      context,
      () => {
        delete Navigator.prototype.share;
      },
      '',
    );
    assert.equal(await without.getByRole('button', { name: 'Share…' }).count(), 0);
    await context.close();
  });

  it('links an e-mail to the practice’s address with the text encoded, and refuses hostile ones', async () => {
    const context = await phoneContext(env.browser);
    const page = await practicePage(
      context,
      'data-therapist-email="sam@practice.example" data-therapist-name="Dr Sam &lt;b&gt;Lee&lt;/b&gt;"',
    );
    await checkIn(page, [70, 80, 90, 80], 'Note with & and ?cc=eve@evil.example\nBcc: eve@evil.example');
    await openSummaryFromResult(page);
    const link = page.getByRole('link', { name: 'Email it to Dr Sam <b>Lee</b>' });
    const href = await link.getAttribute('href');
    const url = new URL(href);
    assert.equal(url.protocol, 'mailto:');
    assert.equal(decodeURIComponent(url.pathname), 'sam@practice.example');
    assert.deepEqual([...url.searchParams.keys()], ['subject', 'body'], 'no added headers');
    const body = url.searchParams.get('body');
    assert.equal(body, (await summaryText(page).inputValue()).replaceAll('\n', '\r\n'));
    await screenshot(page, 'summary-email');

    const hostile = await practicePage(
      context,
      'data-therapist-email="sam@practice.example?bcc=eve@evil.example"',
    );
    assert.match(
      await hostile.locator('.aci-notices--setup').textContent(),
      /data-therapist-email was not used, because it must be one plain email address/,
    );
    await checkIn(hostile, [70, 80, 90, 80], '');
    await openSummaryFromResult(hostile);
    assert.equal(await hostile.getByRole('link', { name: /Email it/ }).count(), 0);
    await context.close();
  });

  it('summarises any past check-in from the history', async () => {
    const context = await phoneWithClipboard();
    const page = await openPage(context, env.server.url);
    await checkIn(page, [90, 90, 90, 90], 'First note');
    await backToTheStart(page);
    await checkIn(page, [50, 60, 70, 80], 'Second note');
    await backToTheStart(page);
    const shareButtons = page.locator('.aci-history__share');
    assert.equal(await shareButtons.count(), 2);
    // Newest first: the second button is the first check-in.
    await shareButtons.nth(1).click();
    await page.waitForFunction(() => __deepActive()?.matches('.aci-summary h2'));
    const text = await summaryText(page).inputValue();
    assert.match(text, /^Total 36 of 40$/m);
    assert.match(text, /First note/);
    assert.doesNotMatch(text, /Second note/);
    await copyButton(page).click();
    await status(page).getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, env.server.url), text);
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('form h2').waitFor();
    await context.close();
  });
});
