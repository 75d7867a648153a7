// Review of the `bindings` refactor: a Likert item's answered mark is a class string now.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, phoneContext } from './harness.mjs';
import { serveHostPages } from './host-pages.mjs';

const LOADER = '<script type="module" src="/alliance-checkin.js"></script>';
const page = (body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Practice</title><link rel="icon" href="data:,"></head><body>${body}${LOADER}</body></html>`;
const EXAMPLE = readFileSync(new URL('../../src/instruments/example-12-item-5-point.json', import.meta.url), 'utf8');
const PAGES = {
  '/questionnaire.html': page(
    `<script type="application/json" id="my-scale">${EXAMPLE}</script>
     <div data-alliance-checkin data-namespace="practice-q" data-questionnaire="#my-scale" data-total-below="3"></div>`,
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

describe('a Likert item', () => {
  it('is marked answered when answered, and unmarked by Start over and after Finish', async () => {
    const context = await phoneContext(browser);
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    await tab.goto(new URL("/questionnaire.html", server.url).href);
    const items = tab.locator('fieldset.aci-likert__group');
    await items.nth(11).waitFor();
    const classes = () => tab.locator('.aci-items > .aci-item').evaluateAll((all) => all.map((item) => item.className));
    const values = () => tab.locator('.aci-likert .aci-item__value').allTextContents();
    assert.deepEqual(new Set(await classes()), new Set(['aci-item aci-likert']));
    const before = await values();
    assert.ok(before.every((text) => text.length > 0), before.join('|'));
    await items.nth(0).getByText('Point 2 label from your licensed copy').click();
    await items.nth(3).getByText('Point 2 label from your licensed copy').click();
    const now = await classes();
    assert.equal(now[0], 'aci-item aci-likert aci-item--answered');
    assert.equal(now[1], 'aci-item aci-likert');
    assert.equal(now[3], 'aci-item aci-likert aci-item--answered');
    assert.equal((await values())[0], '');
    for (let index = 0; index < 12; index += 1) {
      await items.nth(index).getByText('Point 2 label from your licensed copy').click();
    }
    assert.deepEqual(new Set(await classes()), new Set(['aci-item aci-likert aci-item--answered']));
    await tab.locator('button[type=submit]').click();
    await tab.locator('.aci-result h2').waitFor();
    const scoreClasses = await tab.locator('.aci-score').evaluateAll((all) => all.map((item) => item.className));
    assert.ok(scoreClasses.includes('aci-score aci-score--total'), scoreClasses.join('|'));
    await tab.getByRole('button', { name: 'Back to the start' }).click();
    await tab.locator('form h2').waitFor();
    assert.deepEqual(new Set(await classes()), new Set(['aci-item aci-likert']));
    assert.deepEqual(await values(), before);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
