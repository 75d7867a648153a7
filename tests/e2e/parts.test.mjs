// End-to-end: the rarely used parts (src/ui/parts.rs, split out by .ci/split-wasm.mjs). A first
// visit downloads none of them, nor does its service worker precache them; the summary's part
// is fetched when the client opens the summary; a later visit keeps every part for use
// offline; and a part that cannot be had offline is named in the widget, with a way back,
// while the check-in itself never needs one.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DIST,
  answerAll,
  launchBrowser,
  openPage,
  phoneContext,
  serveSwappableBuild,
  widgetReady,
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

/** A server for one test (each its own origin, so no worker or cache is shared). */
async function serve() {
  const server = await serveSwappableBuild(DIST);
  servers.push(server);
  return server;
}

const PARTS = readdirSync(join(DIST, 'parts')).map((file) => `parts/${file}`);
const partRequests = (server) => server.requests.filter((path) => path.startsWith('/parts/'));

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** The parts in this origin's caches. */
const cachedParts = (page) =>
  page.evaluate(async () => {
    const kept = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) {
        const path = new URL(request.url).pathname;
        if (path.startsWith('/parts/')) kept.push(path.slice(1));
      }
    }
    return kept.sort();
  });

async function finishCheckIn(page) {
  await answerAll(page, [70, 80, 90, 80]);
  await page.locator('button[type=submit]').click();
  await page.locator('.aci-result h2').waitFor();
  assert.equal(await page.locator('.aci-saved').textContent(), 'Saved on this device.');
}

const shareButton = (page) => page.getByRole('button', { name: 'Share with my therapist' });

describe('the rarely used parts', () => {
  it('are not part of a first visit, and the summary fetches its own when opened', async () => {
    assert.ok(PARTS.some((file) => file.startsWith('parts/split_summary-')), `parts: ${PARTS}`);
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await finishCheckIn(page);
    assert.deepEqual(partRequests(server), [], 'a part was fetched before it was used');
    assert.deepEqual(await cachedParts(page), [], 'the worker precached a part');

    await shareButton(page).click();
    await page.locator('.aci-summary h2').waitFor();
    assert.ok(await page.locator('.aci-summary h2').evaluate((heading) => heading.matches(':focus')));
    const fetched = partRequests(server);
    assert.ok(
      fetched.some((path) => path.startsWith('/parts/split_summary-')),
      `opening the summary fetched ${fetched}`,
    );
    assert.ok(fetched.length < PARTS.length, 'opening the summary fetched every part');
    assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
    await context.close();
  });

  it('are all kept by a later visit, and work offline after that', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await page.reload();
    await widgetReady(page);
    const deadline = Date.now() + 10_000;
    while ((await cachedParts(page)).length < PARTS.length) {
      assert.ok(Date.now() < deadline, `kept only ${await cachedParts(page)} of ${PARTS}`);
      await page.waitForTimeout(50);
    }
    assert.deepEqual(await cachedParts(page), [...PARTS].sort());

    await server.stop();
    await page.reload();
    await widgetReady(page);
    await finishCheckIn(page);
    await shareButton(page).click();
    await page.locator('.aci-summary textarea').waitFor();
    assert.match(await page.locator('.aci-summary textarea').inputValue(), /Total 32 of 40/);
    assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
    await context.close();
  });

  it('says so when a part cannot be had offline, and the client can go back', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    await server.stop();
    await page.reload();
    await widgetReady(page);
    // The check-in, its saving and its result need no part.
    await finishCheckIn(page);
    await shareButton(page).click();
    const notice = page.locator('.aci [role=alert]');
    await notice.waitFor();
    assert.equal(
      await notice.textContent(),
      'This part of the check-in could not be loaded. Connect to the internet and try again.',
    );
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('.aci-result h2').waitFor();
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '32 of 40');
    await context.close();
  });
});
