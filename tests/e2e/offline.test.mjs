// End-to-end: offline and installable. The manifest and the icon; a check-in completed with
// the server gone; a new version deployed in the middle of a check-in (it does not interrupt
// it and is served on the next load); old caches removed but the previous version's kept; and
// no service worker on a practice's page that embeds the widget.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeServiceWorker } from '../../.ci/service-worker.mjs';
import {
  DIST,
  answerAll,
  launchBrowser,
  openPage,
  phoneContext,
  screenshot,
  serveSwappableBuild,
  storedHistory,
  tapLine,
  valueTexts,
  widgetReady,
} from './harness.mjs';

let browser;
const servers = [];
const temporary = [];
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.stop()));
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A server for one test (each its own origin, so no worker or cache is shared). */
async function serve(directory) {
  const server = await serveSwappableBuild(directory);
  servers.push(server);
  return server;
}

const finish = (page) => page.locator('button[type=submit]');
const resultHeading = (page) => page.locator('.aci-result h2');

/** The version in the worker a build serves (the post-build step wrote it). */
const versionOf = (dir) => readFileSync(join(dir, 'sw.js'), 'utf8').match(/"([0-9a-f]{16})"/)[1];

function copyOfDist() {
  const dir = mkdtempSync(join(tmpdir(), 'aci-build-'));
  temporary.push(dir);
  cpSync(DIST, dir, { recursive: true });
  return dir;
}

/**
 * A new deploy: a copy of dist/ that `change(dir)` edits, with its worker written again by the
 * same post-build step. Returns the folder and the new version.
 */
async function newBuild(change) {
  const dir = copyOfDist();
  change(dir);
  return { dir, version: await writeServiceWorker(dir) };
}

function edit(dir, file, replace) {
  const before = readFileSync(join(dir, file), 'utf8');
  const after = replace(before);
  assert.notEqual(after, before, `${file} was not changed`);
  writeFileSync(join(dir, file), after);
}

/** Marks index.html so a test can tell which version the page came from. */
const markBuild = (name) => (dir) =>
  edit(dir, 'index.html', (html) => html.replace('<title>', `<meta name=build content=${name}><title>`));
const buildMark = (page) =>
  page.evaluate(() => document.querySelector('meta[name=build]')?.content ?? 'original');

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Asks for an update now (as a browser does on its own now and then). */
async function checkForUpdate(page) {
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
}

/** Waits until the worker of `version` is active (its activation has finished). */
async function activated(page, version) {
  const done = () =>
    page.evaluate(async (wanted) => {
      const registration = await navigator.serviceWorker.getRegistration();
      const names = await caches.keys();
      return (
        registration.active?.state === 'activated' &&
        !registration.installing &&
        !registration.waiting &&
        names.some((name) => name.endsWith(` active ${wanted}`))
      );
    }, version);
  // Polled here: waitForFunction takes a predicate's promise for a true answer.
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, `version ${version} never became active`);
    await page.waitForTimeout(50);
  }
}

/** This app's file caches, by version (without the marker of the active one). */
async function cachedVersions(page) {
  const names = await page.evaluate(() => caches.keys());
  return names
    .filter((name) => name.startsWith('alliance-checkin ') && !name.includes(' active '))
    .map((name) => name.split(' ').pop())
    .sort();
}

function expectCleanConsole(page) {
  assert.deepEqual(page.problems, [], 'console errors, warnings or page errors');
}

describe('installable', () => {
  it('links a valid, neutral manifest and an SVG icon that the browser reads', async () => {
    const server = await serve();
    const manifestResponse = await fetch(`${server.url}manifest.webmanifest`);
    assert.match(manifestResponse.headers.get('content-type'), /^application\/manifest\+json/);
    const manifest = JSON.parse(await manifestResponse.text());
    assert.deepEqual(manifest, {
      name: 'Check-in',
      short_name: 'Check-in',
      start_url: './',
      scope: './',
      display: 'standalone',
      theme_color: '#1b6670',
      background_color: '#f6f5f1',
      icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
    });
    assert.doesNotMatch(JSON.stringify(manifest), /therap|alliance|session/i, 'nothing sensitive');

    const iconResponse = await fetch(`${server.url}icon.svg`);
    assert.equal(iconResponse.headers.get('content-type'), 'image/svg+xml');
    const icon = await iconResponse.text();
    assert.match(icon, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>\s*$/s);
    assert.ok(icon.length < 400, `the icon is ${icon.length} bytes`);

    // The page links both, and Chromium reads the manifest under the page's policy.
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    const links = await page.evaluate(() => ({
      manifest: document.querySelector('link[rel=manifest]')?.href,
      icon: document.querySelector('link[rel=icon]')?.href,
    }));
    assert.deepEqual(links, {
      manifest: `${server.url}manifest.webmanifest`,
      icon: `${server.url}icon.svg`,
    });
    const devtools = await context.newCDPSession(page);
    const { url, errors, data } = await devtools.send('Page.getAppManifest');
    assert.equal(url, `${server.url}manifest.webmanifest`);
    assert.deepEqual(errors, []);
    assert.deepEqual(JSON.parse(data), manifest);
    expectCleanConsole(page);
    await context.close();
  });
});

describe('offline', () => {
  it('completes a check-in with the server gone, once the page was visited', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    assert.equal(await page.evaluate(async () => (await fetch('not-the-app.txt')).ok), true, 'online');
    // The first visit's check-in: its reader of stored data follows in the background and is
    // kept, so the next visit reads the history with the server gone.
    await answerAll(page, [50, 50, 50, 50]);
    await finish(page).click();
    await resultHeading(page).waitFor();
    await page.waitForFunction(async () => {
      const fetched = performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((url) => url.includes('/parts/'));
      const kept = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) kept.push(request.url);
      }
      return fetched.some((url) => url.includes('/parts/split_stored-')) && fetched.every((url) => kept.includes(url));
    });
    await server.stop();

    // Only the app is kept: another file or page in the same folder is not.
    const other = await page.evaluate(() => fetch('not-the-app.txt').then(() => 'served', () => 'failed'));
    assert.equal(other, 'failed');
    page.problems.splice(0); // that failed request's own console report

    // The next visit, with the server gone: the check-in saved online is read (the page with a
    // query string is the same cached page).
    await page.goto(`${server.url}?language=es`);
    await widgetReady(page);
    assert.equal(await page.locator('.aci').first().getAttribute('lang'), 'es');
    assert.equal(await finish(page).textContent(), 'Terminar valoración');
    assert.equal(await page.locator('.aci-history__count').textContent(), '1');
    // The icon comes from the cache with its type.
    const icon = await page.evaluate(async () => (await fetch('icon.svg')).headers.get('content-type'));
    assert.equal(icon, 'image/svg+xml');
    expectCleanConsole(page);

    await page.goto(server.url);
    await widgetReady(page);
    assert.deepEqual(await valueTexts(page), Array(4).fill('not answered yet'));
    await answerAll(page, [90, 85, 70, 100]);
    await finish(page).click();
    await resultHeading(page).waitFor();
    assert.equal(await resultHeading(page).textContent(), 'Thank you for checking in');
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '34.5 of 40');
    assert.equal(await page.locator('.aci-saved').textContent(), 'Saved on this device.');
    const stored = await storedHistory(page);
    assert.deepEqual(
      stored.entries.map((entry) => entry.answers.map((answer) => answer.value)),
      [
        [50, 50, 50, 50],
        [90, 85, 70, 100],
      ],
    );
    const elsewhere = await context.newPage();
    await assert.rejects(elsewhere.goto(`${server.url}another-page`), /ERR_CONNECTION_REFUSED/);
    await context.close();
  });
});

describe('offline with a configuration file', () => {
  it('keeps the file ?config= names for the next visit with the server gone', async () => {
    const dir = copyOfDist();
    mkdirSync(join(dir, 'configs'));
    writeFileSync(join(dir, 'configs/riverside.json'), JSON.stringify({ 'practice-name': 'Riverside Practice', 'therapist-email': 'sam@riverside.example' }));
    const server = await serve(dir);
    const context = await phoneContext(browser);
    const page = await openPage(context, `${server.url}?config=riverside`);
    await controlled(page);
    // Asked again once the worker controls the page, so the worker keeps it.
    await page.reload();
    await widgetReady(page);
    await server.stop();
    await page.reload();
    await widgetReady(page);
    assert.equal(await page.locator('.aci-header__practice').textContent(), 'Riverside Practice');
    assert.equal(await page.locator('.aci-notices--setup .aci-notice').count(), 0);
    expectCleanConsole(page);
    await context.close();
  });
});

describe('updates', () => {
  it('never interrupts a check-in: the new version waits for the next load', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    const first = versionOf(DIST);
    await page.evaluate(() => {
      window.notReloaded = true;
    });
    await tapLine(page, 0, 0.8);
    await tapLine(page, 1, 0.3);

    const next = await newBuild((dir) => {
      markBuild('next')(dir);
      edit(dir, 'manifest.webmanifest', (text) => text.replace('"name": "Check-in"', '"name": "Check-in next"'));
    });
    assert.notEqual(next.version, first);
    server.deploy(next.dir);
    await checkForUpdate(page);
    await activated(page, next.version);

    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was reloaded');
    assert.equal(await buildMark(page), 'original');
    const texts = await valueTexts(page);
    assert.match(texts[0], /^8 of 10/);
    assert.match(texts[1], /^3 of 10/);
    assert.deepEqual(texts.slice(2), ['not answered yet', 'not answered yet']);
    // The new worker controls this page now, and it keeps the version it replaced.
    const manifestName = await page.evaluate(async () => (await (await fetch('manifest.webmanifest')).json()).name);
    assert.equal(manifestName, 'Check-in next');
    assert.deepEqual(await cachedVersions(page), [first, next.version].sort());

    await tapLine(page, 2, 1);
    await tapLine(page, 3, 0.5);
    await finish(page).tap();
    await resultHeading(page).waitFor();
    assert.equal(await page.locator('.aci-score--total .aci-score__value').textContent(), '26 of 40');
    const stored = await storedHistory(page);
    assert.deepEqual(
      stored.entries.map((entry) => entry.answers.map((answer) => answer.value)),
      [[80, 30, 100, 50]],
    );

    await page.reload();
    await widgetReady(page);
    assert.equal(await buildMark(page), 'next', 'the next load gets the new version');
    assert.equal(await page.evaluate(() => window.notReloaded), undefined);
    assert.equal((await storedHistory(page)).entries.length, 1);
    expectCleanConsole(page);
    await context.close();
  });

  it("keeps the previous version's files for a tab still using them, and removes older ones", async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    const first = versionOf(DIST);

    // The next version's stylesheet has another name: the server no longer has this page's.
    const oldCss = readdirSync(DIST).find((file) => /^widget-[0-9a-f]+\.css$/.test(file));
    const next = await newBuild((dir) => {
      const newCss = 'widget-0123456789abcdef.css';
      cpSync(join(dir, oldCss), join(dir, newCss));
      rmSync(join(dir, oldCss));
      edit(dir, 'alliance-checkin.js', (code) => code.replace(oldCss, newCss));
    });
    server.deploy(next.dir);
    await checkForUpdate(page);
    await activated(page, next.version);
    assert.deepEqual(await cachedVersions(page), [first, next.version].sort());

    // This page (the first version) mounts one more widget: its stylesheet still loads.
    const styled = await page.evaluate(async () => {
      const { mountWidget } = await import('./alliance-checkin.js');
      const host = document.createElement('div');
      document.body.append(host);
      await mountWidget(host);
      try {
        return host.shadowRoot.querySelector('link[rel=stylesheet]').sheet.cssRules.length > 0;
      } catch {
        return false; // not loaded, or not the stylesheet (then its rules cannot be read)
      }
    });
    assert.equal(styled, true, "the first version's stylesheet was not found");

    const third = await newBuild(markBuild('third'));
    server.deploy(third.dir);
    await checkForUpdate(page);
    await activated(page, third.version);
    assert.deepEqual(await cachedVersions(page), [next.version, third.version].sort());
    await page.reload();
    await widgetReady(page);
    assert.equal(await buildMark(page), 'third');
    expectCleanConsole(page);
    await context.close();
  });
});

/** Marks the loader so a test can tell which build's loader a page runs. */
const markLoader = (name) => (dir) =>
  edit(dir, 'alliance-checkin.js', (code) => `${code}\nwindow.loaderBuild = ${JSON.stringify(name)};`);
const loaderMark = (page) => page.evaluate(() => window.loaderBuild ?? 'original');

/** Waits until no worker is installing (an install finished, or failed). */
async function settled(page) {
  const deadline = Date.now() + 10_000;
  while (await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).installing !== null)) {
    assert.ok(Date.now() < deadline, 'an install never ended');
    await page.waitForTimeout(50);
  }
}

describe('one build, never a mix', () => {
  it('refuses to install a deploy whose stable files belong to another build, and the old version goes on', async () => {
    for (const stale of ['index.html', 'alliance-checkin.js']) {
      const server = await serve();
      const context = await phoneContext(browser);
      const page = await openPage(context, server.url);
      await controlled(page);
      const first = versionOf(DIST);
      // The next build, but one of its stable files is still the previous build's (a deploy
      // half done, or a stale copy in a CDN).
      const next = await newBuild((dir) => {
        markBuild('next')(dir);
        markLoader('next')(dir);
      });
      cpSync(join(DIST, stale), join(next.dir, stale));
      server.deploy(next.dir);
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration()).update().catch(() => {});
      });
      await settled(page);
      const registration = await page.evaluate(async () => {
        const current = await navigator.serviceWorker.getRegistration();
        return { waiting: current.waiting !== null, active: current.active?.state };
      });
      assert.deepEqual(registration, { waiting: false, active: 'activated' }, stale);
      assert.deepEqual(await cachedVersions(page), [first], `${stale}: nothing of the mixed build is kept`);
      // The page, reloaded, is still wholly the first build, from its worker.
      await page.reload();
      await widgetReady(page);
      assert.equal(await page.locator('form.aci-form').count(), 1);
      assert.deepEqual([await buildMark(page), await loaderMark(page)], ['original', 'original'], stale);
      expectCleanConsole(page);
      await context.close();
    }
  });

  it('gives a page its own build’s loader, even after a newer worker took over', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    const first = versionOf(DIST);
    const next = await newBuild((dir) => {
      markBuild('next')(dir);
      markLoader('next')(dir);
    });
    server.deploy(next.dir);
    await checkForUpdate(page);
    await activated(page, next.version);
    // This page (the first build) asks for its loader by its build: the first build's copy,
    // from the kept cache, though the new worker and the server both have the next one.
    const loaders = await page.evaluate(
      async (builds) =>
        Promise.all(builds.map(async (build) => (await fetch(`alliance-checkin.js?build=${build}`)).text())),
      [first, next.version],
    );
    assert.doesNotMatch(loaders[0], /loaderBuild/);
    assert.match(loaders[1], /loaderBuild = "next"/);
    assert.match(await page.evaluate(async () => (await fetch('./')).text()), /alliance-checkin\.js\?build=/);
    await page.reload();
    await widgetReady(page);
    assert.deepEqual([await buildMark(page), await loaderMark(page)], ['next', 'next']);
    expectCleanConsole(page);
    await context.close();
  });

  it('still starts when a cached page gets the loader of another build', async () => {
    const server = await serve();
    const context = await phoneContext(browser);
    const page = await openPage(context, server.url);
    await controlled(page);
    const first = versionOf(DIST);
    // The next build is on the server; its loader is put in place of this build's in the
    // cache, as a worker without the build check could have done.
    const next = await newBuild(markLoader('next'));
    server.deploy(next.dir);
    await page.evaluate(
      async ([version, loader]) => {
        for (const name of await caches.keys()) {
          if (!name.endsWith(version)) continue;
          const cache = await caches.open(name);
          const init = { headers: { 'content-type': 'text/javascript' } };
          await cache.put(`alliance-checkin.js?build=${version}`, new Response(loader, init));
          await cache.put('alliance-checkin.js', new Response(loader, init));
        }
      },
      [first, readFileSync(join(next.dir, 'alliance-checkin.js'), 'utf8')],
    );
    await page.reload();
    await widgetReady(page);
    assert.equal(await page.locator('form.aci-form').count(), 1, 'the check-in started');
    assert.deepEqual([await buildMark(page), await loaderMark(page)], ['original', 'next']);
    expectCleanConsole(page);
    await context.close();
  });
});

describe('a widget that cannot start', () => {
  const BROKEN = {
    'a damaged wasm file': (dir) => {
      const wasm = readdirSync(dir).find((file) => file.endsWith('.wasm'));
      writeFileSync(join(dir, wasm), readFileSync(join(dir, wasm)).subarray(0, 1000));
    },
    'a missing wasm-bindgen glue file': (dir) => {
      const glue = readdirSync(dir).find((file) => /^alliance-checkin-[0-9a-f]+\.js$/.test(file));
      rmSync(join(dir, glue));
    },
  };
  for (const [broken, damage] of Object.entries(BROKEN)) {
    it(`shows a message with a working Reload button, never a blank page: ${broken}`, async () => {
      const dir = copyOfDist();
      damage(dir);
      const server = await serve(dir);
      for (const [query, expected, reload] of [
        ['', /could not start/, 'Reload the page'],
        ['?language=es', /no pudo iniciarse/, 'Recargar la página'],
      ]) {
        server.deploy(dir);
        const context = await phoneContext(browser);
        const page = await openPage(context);
        await page.goto(`${server.url}${query}`);
        const notice = page.locator('.aci-notice--error[role=alert]');
        await notice.waitFor();
        assert.match(await notice.locator('p').textContent(), expected);
        const button = notice.getByRole('button', { name: reload });
        assert.equal(await button.count(), 1);
        // Styled by the widget's own stylesheet (inside the shadow root), not unstyled text.
        assert.notEqual(
          await button.evaluate((element) => getComputedStyle(element).backgroundColor),
          'rgba(0, 0, 0, 0)',
        );
        await page.waitForLoadState('load');
        await page.waitForTimeout(300);
        assert.deepEqual(
          await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length),
          0,
          'no worker keeps a build that cannot start',
        );
        if (query === '') await screenshot(page, `offline-cannot-start-${broken.replaceAll(' ', '-')}`);
        else await screenshot(page, `offline-cannot-start-es-${broken.replaceAll(' ', '-')}`);
        // The deploy is fixed; Reload brings the check-in.
        server.deploy(DIST);
        await button.click();
        await page.locator('form.aci-form').waitFor();
        assert.equal(await page.locator('.aci-notice--error').count(), 0);
        await context.close();
      }
    });
  }
});

describe('embedded in a practice page', () => {
  it('registers no service worker there', async () => {
    const dir = copyOfDist();
    writeFileSync(
      join(dir, 'practice.html'),
      '<!doctype html><html lang=en><title>A practice</title><h1>Our practice</h1>' +
        '<div data-alliance-checkin></div><script type=module src=./alliance-checkin.js></script>',
    );
    const server = await serve(dir);
    const context = await phoneContext(browser);
    const page = await openPage(context, `${server.url}practice.html`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);
    assert.deepEqual(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
    assert.equal(server.requests.includes('/sw.js'), false);
    expectCleanConsole(page);
    await context.close();
  });
});
