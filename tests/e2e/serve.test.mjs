// The README's serve command, run as a person would (`bash .ci/serve`), into a folder of its own
// and on a port of its own: the page it serves logs nothing at all (no CSP violation from an
// injected live-reload script, no warning, no error) and the widget starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, phoneContext, widgetReady } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPage(url, served, deadline) {
  while (Date.now() < deadline) {
    if (served.exitCode !== null) throw new Error(`.ci/serve exited with ${served.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok && (await response.text()).includes('alliance-checkin.js')) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer`);
}

let served;
let output = '';
let browser;
let url;
const distFolder = mkdtempSync(join(tmpdir(), 'aci-serve-'));

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  served = spawn('bash', ['.ci/serve'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, TRUNK_SERVE_PORT: String(port), TRUNK_BUILD_DIST: distFolder },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  served.stdout.on('data', (chunk) => (output += chunk));
  served.stderr.on('data', (chunk) => (output += chunk));
  try {
    await waitForPage(url, served, Date.now() + 240_000);
  } catch (error) {
    throw new Error(`${error.message}\n${output.slice(-3000)}`);
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (served && served.exitCode === null) process.kill(-served.pid, 'SIGTERM');
  rmSync(distFolder, { recursive: true, force: true });
});

test('the page `bash .ci/serve` serves logs nothing and starts the widget', async () => {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  const logged = [];
  page.on('console', (message) => logged.push(`console ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await widgetReady(page);
  await page.getByRole('button', { name: /finish/i }).waitFor();
  // Give late messages (a refused script, a failed socket, the service worker) time to arrive.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  assert.deepEqual(logged, []);
  const injected = await page.evaluate(() =>
    [...document.scripts].filter((script) => !script.src).map((script) => script.textContent.slice(0, 80)),
  );
  assert.deepEqual(injected, [], 'no inline script is injected into the served page');
  await context.close();
});
