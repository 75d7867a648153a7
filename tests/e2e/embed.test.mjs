// End-to-end: the widget embedded the two documented ways, against the release build. A
// practice page with hostile CSS around the widget; three widgets on one page (two namespaces
// and a clash); the widget framed from another site, reporting its height and copying without
// the clipboard permission; hostile and invalid configuration; URL parameters; and a strict
// Content-Security-Policy with a log of every request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import {
  axeViolations,
  clipboardContents,
  grantClipboard,
  launchBrowser,
  phoneContext,
  screenshot,
} from './harness.mjs';
import {
  STRICT_CSP,
  policyViolations,
  recordPolicyViolations,
  serveHostPages,
} from './host-pages.mjs';

const LOADER = '<script type="module" src="/alliance-checkin.js"></script>';

const page = (body, head = '') => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Practice</title><link rel="icon" href="data:,">${head}</head><body>${body}${LOADER}</body></html>`;

// Rules a practice's site might have, written to break anything they reach.
const HOSTILE_CSS = `
html { font-size: 8px; }
* { color: #ff00ff !important; font-family: serif !important; letter-spacing: 3px !important; line-height: 3 !important; }
button { display: none !important; }
input { width: 1px !important; opacity: 0 !important; }
p { font-size: 40px !important; }
div { padding: 30px; border: 5px dashed red; }
.aci, .aci-button { background: red !important; }
`;

const EXAMPLE = readFileSync(new URL('../../src/instruments/example-12-item-5-point.json', import.meta.url), 'utf8');
const BROKEN_DEFINITION = EXAMPLE.replace('"points": 5', '"points": 12').replace('"scoring": "mean"', '"scoring": "median"');

const PAGES = {
  '/questionnaire.html': page(
    `<script type="application/json" id="my-scale">${EXAMPLE}</script>
     <div data-alliance-checkin data-namespace="practice-q" data-questionnaire="#my-scale" data-total-below="3"></div>`,
  ),
  '/broken-questionnaire.html': page(
    `<script type="application/json" id="my-scale">${BROKEN_DEFINITION}</script>
     <div data-alliance-checkin data-namespace="broken-q" data-questionnaire="#my-scale"></div>`,
  ),
  '/hostile.css': HOSTILE_CSS,
  '/practice.html': page(
    `<h1>Riverside Practice</h1>
     <p class="aci-notice" id="host-paragraph">The practice's own paragraph, with a class the widget also uses.</p>
     <button id="host-button" type="button">The practice's button</button>
     <div data-alliance-checkin data-practice-name="Riverside Practice" data-title="How was today?"
          data-accent="#7a3e9d"></div>`,
    '<link rel="stylesheet" href="/hostile.css">',
  ),
  '/two-widgets.html': page(
    `<div data-alliance-checkin data-namespace="clinic-a" data-title="Clinic A"></div>
     <div data-alliance-checkin data-namespace="clinic-b" data-title="Clinic B"></div>
     <div data-alliance-checkin data-namespace="clinic-a" data-title="Clinic A again"></div>`,
  ),
  '/hostile-settings.html': page(
    `<div data-alliance-checkin
          data-namespace="hostile"
          data-accent="red;background:url(https://evil.example/track.png)"
          data-therapist-email="sam@practice.example?bcc=eve@evil.example"
          data-title="&lt;img src=x onerror=alert(1)&gt;Check-in"
          data-practice-name="&lt;b&gt;Riverside&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; Practice of Remarkably Long Names"
          data-language="xx"
          data-show-history="maybe">
       <script type="application/json">
         {"total-below": 50, "colour": "blue",
          "safety-text": "Call 988 (US) or 116 123 (UK) at any hour.\\nThis page is not monitored."}
       </script>
     </div>`,
  ),
  '/broken-block.html': page(
    `<div data-alliance-checkin data-namespace="broken">
       <script type="application/json">{"title": "Clínica Río" "practice-name": "No comma"}</script>
     </div>`,
  ),
  // A practice's configuration file beside the widget (`?config=riverside`).
  '/configs/riverside.json': JSON.stringify({
    'practice-name': 'Riverside Practice',
    'therapist-name': 'Sam',
    'therapist-email': 'sam@riverside.example',
    'safety-text': 'Riverside crisis line: 0800 000 000, any hour.',
    'keep-history': true,
  }),
  '/configs/broken.json': '{"therapist-email": "sam@riverside.example"',
  '/keep-nothing.html': page(
    `<div data-alliance-checkin data-namespace="kiosk" data-keep-history="no"></div>`,
  ),
};

let server;
let browser;
before(async () => {
  server = await serveHostPages({ pages: PAGES });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens `path` on a phone and waits for every widget on it; problems are collected. */
async function open(path, { context, base = server.url } = {}) {
  const phone = context ?? (await phoneContext(browser));
  const tab = await phone.newPage();
  tab.problems = [];
  tab.on('pageerror', (error) => tab.problems.push(`pageerror: ${error.message}`));
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      tab.problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  tab.on('dialog', (dialog) => {
    tab.problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  await tab.goto(new URL(path, base).href);
  await tab.locator('form.aci-form').first().waitFor();
  return { context: phone, page: tab };
}

/** Answers every 0-10 line inside `scope` (a page, frame or widget host locator). */
async function answerAllIn(scope, tenths) {
  await scope.locator('input.aci-range').evaluateAll((lines, values) => {
    lines.forEach((line, index) => {
      line.value = String(values[index]);
      line.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }, tenths);
}

async function finishIn(scope) {
  await scope.locator('button[type=submit]').click();
  await scope.locator('.aci-result h2').waitFor();
}

const stored = (tab, namespace) =>
  tab.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), `alliance-checkin:${namespace}:history`);

describe('a script and an element on a practice page', () => {
  it('is untouched by the page’s CSS and leaves the page’s own elements alone', async () => {
    const { context, page: tab } = await open('/practice.html');
    const widget = tab.locator('.aci');
    const style = await widget.evaluate((root) => {
      const computed = getComputedStyle(root);
      return { fontSize: computed.fontSize, color: computed.color, family: computed.fontFamily };
    });
    // 1.0625 of the reader's text size (16 px), whatever the page sets on html.
    assert.deepEqual(style.fontSize, '17px');
    assert.equal(style.color, 'rgb(29, 39, 44)');
    assert.ok(!style.family.startsWith('serif'), style.family);
    const line = tab.locator('input.aci-range').first();
    assert.ok((await line.boundingBox()).width > 200, 'the lines keep their width');
    assert.equal(await tab.locator('button[type=submit]').isVisible(), true);
    // The widget's rules never reach the page.
    const hostParagraph = await tab.locator('#host-paragraph').evaluate((paragraph) => {
      const computed = getComputedStyle(paragraph);
      return [computed.backgroundColor, computed.borderInlineStartWidth];
    });
    assert.deepEqual(hostParagraph, ['rgba(0, 0, 0, 0)', '0px']);
    assert.equal(await tab.locator('#host-button').isVisible(), false, 'the page’s own rule still applies to its button');

    assert.equal(await tab.locator('.aci-header__practice').textContent(), 'Riverside Practice');
    await tab.getByText('How was today?').waitFor();
    await answerAllIn(tab, [80, 90, 70, 85]);
    const accent = await tab
      .locator('button[type=submit]')
      .evaluate((button) => getComputedStyle(button).backgroundColor);
    assert.equal(accent, 'rgb(122, 62, 157)', 'the practice’s accent colour');
    await screenshot(tab, 'embed-hostile-css');
    await finishIn(tab);
    assert.equal((await stored(tab, 'default')).entries.length, 1);
    // The page's own magenta heading is the practice's business; the widget must pass.
    const results = await new AxeBuilder({ page: tab })
      .include('[data-alliance-checkin]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    tab.problems = tab.problems.filter((problem) => !problem.includes('Content Security Policy'));
    assert.deepEqual(results.violations.map((violation) => violation.id), []);
    assert.deepEqual(tab.problems, []);
    await context.close();
  });

  it('keeps widgets with different namespaces apart and names a shared one', async () => {
    const { context, page: tab } = await open('/two-widgets.html');
    const hosts = tab.locator('[data-alliance-checkin]');
    await hosts.nth(2).locator('form.aci-form').waitFor();
    const clinicA = hosts.nth(0);
    await answerAllIn(clinicA, [60, 70, 80, 90]);
    await finishIn(clinicA);
    await tab.waitForFunction(() => localStorage.getItem('alliance-checkin:clinic-a:history') !== null);
    assert.equal((await stored(tab, 'clinic-a')).entries.length, 1);
    assert.equal(await stored(tab, 'clinic-b'), null);
    assert.equal(await hosts.nth(1).locator('.aci-history__count').textContent(), '0');
    const clash = hosts.nth(2).locator('.aci-notices--setup');
    assert.match(await clash.textContent(), /data-namespace was not used.*share one history/);
    assert.equal(await hosts.nth(0).locator('.aci-notices--setup').count(), 0);
    assert.equal(await hosts.nth(1).locator('.aci-notices--setup').count(), 0);
    // Ids stay unique across the page, so labels never point into another widget.
    const ids = await tab.evaluate(() =>
      [...document.querySelectorAll('[data-alliance-checkin]')].flatMap((host) =>
        [...host.shadowRoot.querySelectorAll('[id]')].map((element) => element.id),
      ),
    );
    assert.equal(new Set(ids).size, ids.length);
    await screenshot(tab, 'embed-three-widgets');
    assert.deepEqual(tab.problems, []);
    await context.close();
  });
});

describe('an iframe on another site', () => {
  const hostPage = (frameUrl, allow) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Practice</title><link rel="icon" href="data:,"></head><body style="margin:0">
<h1>Riverside Practice</h1>
<iframe id="alliance-checkin" src="${frameUrl}" title="Session check-in" ${allow}
        style="display:block;width:100%;border:0;height:300px"></iframe>
<script>
  addEventListener('message', (event) => {
    const frame = document.getElementById('alliance-checkin');
    if (event.source === frame.contentWindow && event.data?.type === 'alliance-checkin:height') {
      frame.style.height = event.data.height + 'px';
    }
  });
</script>
</body></html>`;

  async function framed(allow) {
    const frameUrl = `${server.url}?practice-name=Riverside%20Practice&namespace=framed`;
    PAGES['/host.html'] = hostPage(frameUrl, allow);
    const context = await phoneContext(browser);
    const tab = await context.newPage();
    tab.problems = [];
    tab.on('pageerror', (error) => tab.problems.push(`pageerror: ${error.message}`));
    // The host page is on localhost, the widget on 127.0.0.1: two sites.
    await tab.goto(`${server.otherSiteUrl}host.html`);
    const frame = tab.frameLocator('#alliance-checkin');
    await frame.locator('form.aci-form').waitFor();
    const inner = tab.frames().find((candidate) => candidate.url().startsWith(server.url));
    return { context, tab, frame, inner };
  }

  /** Waits until the frame is as tall as its content, so it never scrolls inside the page. */
  async function expectNoInnerScrollbar(tab, inner) {
    await tab.waitForFunction(
      async () => {
        const frame = document.getElementById('alliance-checkin');
        return frame.getBoundingClientRect().height > 400;
      },
    );
    await inner.waitForFunction(() => document.documentElement.scrollHeight <= innerHeight + 1);
  }

  it('works, reports its height, and copies through the fallback without the permission', async () => {
    const { context, tab, frame, inner } = await framed('');
    await expectNoInnerScrollbar(tab, inner);
    await answerAllIn(frame, [40, 50, 60, 70]);
    await finishIn(frame);
    await expectNoInnerScrollbar(tab, inner);
    // A frame from another site gets storage partitioned by the top site, or none at all
    // where the browser blocks third-party storage (this Chromium does): then the widget says
    // nothing will be kept, and the check-in itself still works.
    const storage = await inner.evaluate(() => {
      try {
        return JSON.parse(localStorage.getItem('alliance-checkin:framed:history')).entries.length;
      } catch (error) {
        return error.name;
      }
    });
    if (storage === 'SecurityError') {
      await frame.getByText('not letting the check-in save anything').first().waitFor();
    } else {
      assert.equal(storage, 1);
    }
    await frame.getByRole('button', { name: 'Share with my therapist' }).click();
    const text = await frame.locator('.aci-summary textarea').inputValue();
    await frame.getByRole('button', { name: 'Copy', exact: true }).click();
    const status = frame.locator('.aci-summary [role=status]');
    await status.filter({ hasText: /Copied|Could not copy/ }).waitFor();
    const said = await status.textContent();
    // Without clipboard-write the Clipboard API is refused in a cross-site frame; the copy
    // command is the fallback, and if that fails too the text is left selected.
    if (said.startsWith('Copied')) {
      await grantClipboard(context, server.url);
      assert.equal(await clipboardContents(context, server.url), text);
    } else {
      assert.equal(
        await inner.evaluate(() => {
          const host = document.querySelector('[data-alliance-checkin]');
          const field = host.shadowRoot.querySelector('.aci-summary textarea');
          return field.selectionEnd - field.selectionStart;
        }),
        text.length,
      );
    }
    await screenshot(tab, 'embed-iframe-cross-site');
    assert.deepEqual(tab.problems, []);
    await context.close();
  });

  it('copies with the Clipboard API when the snippet allows clipboard-write', async () => {
    const { context, tab, frame } = await framed('allow="clipboard-write; web-share"');
    await grantClipboard(context, server.url);
    await answerAllIn(frame, [90, 90, 90, 90]);
    await finishIn(frame);
    await frame.getByRole('button', { name: 'Share with my therapist' }).click();
    const text = await frame.locator('.aci-summary textarea').inputValue();
    await frame.getByRole('button', { name: 'Copy', exact: true }).click();
    await frame.getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, server.url), text);
    assert.deepEqual(tab.problems, []);
    await context.close();
  });
});

describe('configuration', () => {
  it('names every refused value, renders hostile text as text, and keeps working', async () => {
    const { context, page: tab } = await open('/hostile-settings.html');
    const setup = tab.locator('.aci-notices--setup');
    const messages = await setup.locator('.aci-notice').allTextContents();
    const named = (setting) => messages.some((message) => message.includes(setting));
    for (const setting of [
      'data-accent',
      'data-therapist-email',
      'data-language',
      'data-show-history',
      '{"colour": …}',
      '{"total-below": …}',
    ]) {
      assert.ok(named(setting), `a message names ${setting}: ${messages.join(' | ')}`);
    }
    assert.ok(messages.some((message) => /from 0 to 40/.test(message)));
    // Markup in names is shown as the characters the practice typed.
    const title = tab.locator('.aci-header__title');
    assert.equal(await title.textContent(), '<img src=x onerror=alert(1)>Check-in');
    assert.equal(
      await tab.evaluate(() => document.querySelector('[data-alliance-checkin]').shadowRoot.querySelectorAll('img, b, script').length),
      0,
    );
    // The refused accent never reaches the styles; the default teal stays.
    await answerAllIn(tab, [30, 40, 50, 60]);
    assert.equal(
      await tab.locator('button[type=submit]').evaluate((button) => getComputedStyle(button).backgroundColor),
      'rgb(27, 102, 112)',
    );
    await tab.setViewportSize({ width: 320, height: 640 });
    assert.equal(await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
    await screenshot(tab, 'embed-hostile-settings');
    await finishIn(tab);
    // The practice's safety text, with its line break, in place of the region's crisis numbers.
    const safety = tab.locator('.aci-safety__crisis');
    assert.equal(await safety.textContent(), 'Call 988 (US) or 116 123 (UK) at any hour.\nThis page is not monitored.');
    assert.ok((await safety.boundingBox()).height > 40, 'the line break is shown');
    await tab.getByRole('button', { name: 'Share with my therapist' }).click();
    assert.equal(await tab.getByRole('link', { name: /Email/ }).count(), 0, 'no e-mail link to a refused address');
    assert.ok(!server.requests.some((request) => request.includes('evil')));
    assert.deepEqual(await axeViolations(tab), []);
    assert.deepEqual(tab.problems, []);
    await context.close();
  });

  it('refuses a configuration block that is not JSON, and says why', async () => {
    const { context, page: tab } = await open('/broken-block.html');
    const message = await tab.locator('.aci-notices--setup').textContent();
    // Where in the block, in characters (in bytes the two accents would make it column 27).
    assert.match(message, /configuration block is not valid JSON \(1:25: expected , or \}, counted from the start of the block\)/);
    assert.equal(await tab.locator('.aci-header__title').count(), 0);
    await context.close();
  });

  it('follows the practice’s "keep nothing", until the client chooses to keep', async () => {
    const { context, page: tab } = await open('/keep-nothing.html');
    await answerAllIn(tab, [70, 70, 70, 70]);
    await finishIn(tab);
    assert.equal(await stored(tab, 'kiosk'), null);
    await tab.getByRole('button', { name: 'Back to the start' }).click();
    await tab.locator('details.aci-settings summary').click();
    await tab.getByRole('checkbox', { name: /Keep my check-ins/ }).check();
    await answerAllIn(tab, [80, 80, 80, 80]);
    await finishIn(tab);
    await tab.waitForFunction(() => localStorage.getItem('alliance-checkin:kiosk:history') !== null);
    assert.equal(await tab.evaluate(() => localStorage.getItem('alliance-checkin:kiosk:keep-history')), 'yes');
    await context.close();
  });

  it('reads URL parameters when the widget is the page', async () => {
    const url = `${server.url}?language=es&title=Consulta%20Norte&accent=%23ffdd00&show-history=no`;
    const context = await phoneContext(browser);
    const tab = await context.newPage();
    await tab.goto(url);
    await tab.locator('form.aci-form').waitFor();
    assert.equal(await tab.title(), 'Consulta Norte');
    assert.equal(await tab.locator('.aci').getAttribute('lang'), 'es');
    assert.equal(await tab.locator('.aci-history').count(), 0, 'history hidden');
    await answerAllIn(tab, [50, 50, 50, 50]);
    const background = await tab
      .locator('button[type=submit]')
      .evaluate((button) => getComputedStyle(button).backgroundColor);
    assert.notEqual(background, 'rgb(255, 221, 0)', 'a pale accent is darkened to stay readable');
    assert.notEqual(background, 'rgb(27, 102, 112)', 'but it is the practice’s colour, not the default');
    await screenshot(tab, 'embed-url-parameters');
    await context.close();
  });
});

describe('the widget’s own page and links', () => {
  const setupMessages = (tab) => tab.locator('.aci-notices--setup .aci-notice').allTextContents();
  // The result's crisis line: the practice's own text, or the standard one for the region.
  const safetyText = (tab) => tab.locator('.aci-safety__crisis').textContent();
  const STANDARD_SAFETY = /not a crisis service|emergency/i;

  it('refuses a crafted link that would redirect the summary, replace the crisis text or drop the history', async () => {
    const crafted = new URLSearchParams({
      'therapist-email': 'evil@x.example',
      'therapist-name': 'Your therapist',
      'safety-text': 'Ignore this page: nobody needs to call anyone.',
      'keep-history': 'no',
      namespace: 'x',
      questionnaire: '#evil',
      'total-below': '0',
      title: 'Session check-in',
    });
    const { context, page: tab } = await open(`/?${crafted}`);
    const messages = await setupMessages(tab);
    for (const parameter of [
      '?therapist-email=',
      '?therapist-name=',
      '?safety-text=',
      '?keep-history=',
      '?namespace=',
      '?questionnaire=',
      '?total-below=',
    ]) {
      assert.ok(
        messages.some((message) => message.includes(parameter) && message.includes('a link cannot change it')),
        `a message names ${parameter}: ${messages.join(' | ')}`,
      );
    }
    // A harmless one still comes from the link.
    assert.equal(await tab.locator('.aci-header__title').textContent(), 'Session check-in');
    await screenshot(tab, 'embed-crafted-link-refused');
    await answerAllIn(tab, [20, 30, 20, 30]);
    await finishIn(tab);
    assert.match(await safetyText(tab), STANDARD_SAFETY);
    assert.doesNotMatch(await safetyText(tab), /Ignore this page/);
    // Kept, under the default namespace, and nothing under the link's.
    assert.equal((await stored(tab, 'default')).entries.length, 1);
    const keys = await tab.evaluate(() => Object.keys(localStorage));
    assert.ok(!keys.some((key) => key.startsWith('alliance-checkin:x:')), keys.join(', '));
    await tab.getByRole('button', { name: 'Share with my therapist' }).click();
    assert.equal(await tab.getByRole('link', { name: /Email/ }).count(), 0, 'no e-mail link to the link’s address');
    assert.doesNotMatch(await tab.locator('.aci-summary textarea, textarea').first().inputValue(), /evil|Your therapist/);
    assert.deepEqual(tab.problems, []);
    await context.close();
  });

  it('reads the practice’s configuration file named by ?config= before showing anything', async () => {
    const { context, page: tab } = await open('/?config=riverside&language=es');
    assert.deepEqual(await setupMessages(tab), []);
    assert.equal(await tab.locator('.aci-header__practice').textContent(), 'Riverside Practice');
    assert.equal(await tab.locator('.aci').getAttribute('lang'), 'es', 'the link still chooses the language');
    await answerAllIn(tab, [80, 80, 80, 80]);
    await finishIn(tab);
    assert.equal(await safetyText(tab), 'Riverside crisis line: 0800 000 000, any hour.');
    await tab.getByRole('button', { name: /terapeuta/ }).click();
    const email = tab.getByRole('link', { name: /Sam/ });
    assert.match(await email.getAttribute('href'), /^mailto:sam%40riverside\.example\?/);
    assert.ok(server.requests.some((request) => request.endsWith(' /configs/riverside.json')));
    assert.deepEqual(tab.problems, []);
    await context.close();
  });

  it('names a missing or malformed configuration file, or a name that is not one, and runs with the defaults', async () => {
    for (const [query, named] of [
      ['config=missing', 'configs/missing.json'],
      ['config=broken', 'configs/broken.json'],
      ['config=..%2Fsecrets', '?config='],
    ]) {
      const before = server.requests.length;
      const { context, page: tab } = await open(`/?${query}&therapist-email=evil@x.example`);
      const messages = await setupMessages(tab);
      assert.ok(messages.some((message) => message.includes(named)), `${query}: ${messages.join(' | ')}`);
      if (query === 'config=broken') {
        const said = 'configs/broken.json is not valid JSON (1:44: expected , or }), so none of it was used.';
        assert.ok(messages.some((message) => message.includes(said)), messages.join(' | '));
      }
      if (query === 'config=missing') {
        assert.ok(messages.some((message) => /configs\/missing\.json could not be read/.test(message)));
        await screenshot(tab, 'embed-config-missing');
      }
      const asked = server.requests.slice(before).filter((request) => request.includes('/configs/'));
      assert.ok(asked.every((request) => /^\S+ \/configs\/[a-z0-9-]+\.json$/.test(request)), asked.join(', '));
      await answerAllIn(tab, [80, 80, 80, 80]);
      await finishIn(tab);
      assert.match(await safetyText(tab), STANDARD_SAFETY);
      await tab.getByRole('button', { name: 'Share with my therapist' }).click();
      assert.equal(await tab.getByRole('link', { name: /Email/ }).count(), 0);
      await context.close();
    }
  });
});

describe('a practice questionnaire', () => {
  it('is presented, scored and saved with its id and version', async () => {
    const { context, page: tab } = await open('/questionnaire.html');
    const items = tab.locator('fieldset.aci-likert__group');
    assert.equal(await items.count(), 12);
    assert.equal(await items.first().locator('input[type=radio]').count(), 5);
    await tab.getByText('Replace with the attribution your licence requires.').waitFor();
    assert.equal(await tab.locator('input.aci-range').count(), 0);
    // Point 2 on every item: a mean of 2 (the reverse-scored item counts as 4) is under 3.
    for (let index = 0; index < 12; index += 1) {
      await items.nth(index).getByText('Point 2 label from your licensed copy').click();
    }
    await screenshot(tab, 'embed-practice-questionnaire');
    assert.deepEqual(await axeViolations(tab), []);
    await finishIn(tab);
    const entry = (await stored(tab, 'practice-q')).entries[0];
    assert.deepEqual(entry.instrument, { id: 'practice.example-12-item-5-point', version: 1 });
    assert.equal(entry.answers.length, 12);
    assert.deepEqual(new Set(entry.answers.map((answer) => answer.value)), new Set([2]));
    const result = await tab.locator('.aci-result').textContent();
    assert.match(result, /of 5/);
    // Its threshold (3) drives a kind sentence; the client's screen shows no pass mark.
    assert.match(result, /could have worked better for you/);
    assert.doesNotMatch(result, /under 3/i);
    assert.deepEqual(tab.problems, []);
    await context.close();
  });

  it('names every problem of a malformed definition and falls back to the built-in check-in', async () => {
    const { context, page: tab } = await open('/broken-questionnaire.html');
    const setup = tab.locator('.aci-notices--setup');
    assert.match(await setup.locator('.aci-notice').first().textContent(), /data-questionnaire could not be used/);
    const details = await setup.locator('.aci-notice__details li').allTextContents();
    assert.ok(details.includes('scoring: must be "sum" or "mean"'), details.join(' | '));
    assert.ok(details.some((detail) => /^items\[0\]\.scale\.points: must be 2\.\.=11/.test(detail)), details.join(' | '));
    assert.equal(await tab.locator('input.aci-range').count(), 4, 'the built-in check-in is shown');
    await screenshot(tab, 'embed-broken-questionnaire');
    await context.close();
  });
});

describe('the practice set-up page', () => {
  it('shows the settings live, and its snippet works when pasted into a page', async () => {
    const context = await phoneContext(browser, { viewport: { width: 1024, height: 800 }, isMobile: false, hasTouch: false });
    await grantClipboard(context, server.url);
    const tab = await context.newPage();
    tab.problems = [];
    tab.on('pageerror', (error) => tab.problems.push(`pageerror: ${error.message}`));
    await tab.goto(`${server.url}setup.html`);
    await tab.locator('#preview form.aci-form').waitFor();
    await tab.locator('#practice-name').fill('Northside <Counselling>');
    await tab.locator('#language').selectOption('es');
    await tab.locator('#preview .aci-header__practice').filter({ hasText: 'Northside <Counselling>' }).waitFor();
    await tab.locator('#preview .aci[lang=es]').waitFor();
    await tab.getByRole('button', { name: 'Load the 12-item example layout' }).click();
    await tab.locator('#preview fieldset.aci-likert__group').nth(11).waitFor();
    assert.deepEqual(await axeViolations(tab), []);
    await screenshot(tab, 'setup-page');
    const snippet = await tab.locator('#snippet-element').inputValue();
    assert.match(snippet, /data-practice-name="Northside &lt;Counselling&gt;"/);
    assert.match(snippet, /data-language="es"/);
    await tab.getByRole('button', { name: 'Copy this snippet' }).first().click();
    await tab.getByText('Copied.').waitFor();
    assert.equal(await clipboardContents(context, server.url), snippet);

    // What a link may not carry goes in a configuration file, which the frame's address names.
    await tab.locator('#therapist-email').fill('sam@northside.example');
    await tab.locator('#safety-text').fill('Northside crisis line: 0800 111 111.');
    await tab.locator('#config-name').fill('northside');
    await tab.waitForFunction(() => document.getElementById('snippet-iframe').value.includes('config=northside'));
    const frameSnippet = await tab.locator('#snippet-iframe').inputValue();
    assert.doesNotMatch(frameSnippet, /therapist-email|safety-text|sam%40/);
    assert.match(frameSnippet, /\?config=northside&amp;practice-name=Northside/);
    const config = JSON.parse(await tab.locator('#config-file').inputValue());
    assert.equal(config['therapist-email'], 'sam@northside.example');
    assert.equal(config['safety-text'], 'Northside crisis line: 0800 111 111.');
    assert.equal(config.questionnaire.id, JSON.parse(EXAMPLE).id);
    assert.equal(config['practice-name'], undefined, 'a link may carry it');
    assert.match(await tab.locator('#config-path').textContent(), /configs\/northside\.json$/);
    const download = tab.waitForEvent('download');
    await tab.getByRole('button', { name: 'Download the configuration file' }).click();
    assert.equal((await download).suggestedFilename(), 'northside.json');
    assert.deepEqual(tab.problems, []);
    await context.close();

    // The file, served beside the widget, and the frame's address give the same check-in.
    PAGES['/configs/northside.json'] = JSON.stringify(config);
    const src = frameSnippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    const { context: framed, page: own } = await open(src);
    assert.deepEqual(await own.locator('.aci-notices--setup .aci-notice').allTextContents(), []);
    assert.equal(await own.locator('.aci-header__practice').textContent(), 'Northside <Counselling>');
    assert.equal(await own.locator('fieldset.aci-likert__group').count(), 12);
    await framed.close();

    // The copied snippet, pasted into a practice's page, is the check-in the preview showed.
    PAGES['/pasted.html'] = page(snippet).replace(LOADER, '');
    const { context: phone, page: pasted } = await open('/pasted.html');
    assert.equal(await pasted.locator('.aci-header__practice').textContent(), 'Northside <Counselling>');
    assert.equal(await pasted.locator('.aci').getAttribute('lang'), 'es');
    assert.equal(await pasted.locator('fieldset.aci-likert__group').count(), 12);
    assert.deepEqual(pasted.problems, []);
    await phone.close();
  });
});

describe('strict security', () => {
  it('runs under a strict policy header with no violation and no request beyond its own files', async () => {
    const strict = await serveHostPages({ pages: PAGES, csp: STRICT_CSP });
    try {
      for (const path of ['/', '/practice.html']) {
        const context = await phoneContext(browser);
        await grantClipboard(context, strict.url);
        const tab = await context.newPage();
        await recordPolicyViolations(tab);
        const outside = [];
        tab.on('request', (request) => {
          if (!request.url().startsWith(strict.url) && !request.url().startsWith('blob:')) outside.push(request.url());
        });
        await tab.goto(new URL(path, strict.url).href);
        await tab.locator('form.aci-form').waitFor();
        await answerAllIn(tab, [60, 70, 80, 90]);
        await finishIn(tab);
        await tab.getByRole('button', { name: 'Share with my therapist' }).click();
        await tab.getByRole('button', { name: 'Copy', exact: true }).click();
        await tab.getByText('Copied.').waitFor();
        await tab.getByRole('button', { name: 'Back', exact: true }).click();
        assert.deepEqual(await policyViolations(tab), [], `policy violations on ${path}`);
        assert.deepEqual(outside, [], `requests outside the widget's origin on ${path}`);
        await context.close();
      }
      const paths = new Set(strict.requests.map((request) => request.split(' ')[1]));
      const own = [...paths].filter(
        (path) => !/^\/(|index\.html|practice\.html|hostile\.css|alliance-checkin(-[0-9a-f]+)?(\.js|_bg\.wasm)|alliance-checkin-parts-[0-9a-f]+\.js|parts\/(split|chunk)_[a-z0-9_]+-[0-9a-f]+\.wasm|widget-[0-9a-f]+\.css|sw\.js|manifest\.webmanifest|icon\.svg|blank)$/.test(path),
      );
      assert.deepEqual(own, [], 'every request is for the widget’s own files');
    } finally {
      await strict.close();
    }
  });
});
