// Lighthouse (mobile: simulated slow 4G and 4x CPU) on the release build and on the plain-page
// baseline (tests/support/plain-page/), both served from 127.0.0.1 with brotli as a production
// host would, runs interleaved so drift on a noisy machine hits both alike. Reports the median of
// each metric and the widget's ratio to the baseline. Part of the benchmark, never a test.
import { execFile } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, DIST, TYPES, fileIn } from '../e2e/harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PLAIN = join(ROOT, 'tests/support/plain-page');
const LIGHTHOUSE = join(ROOT, 'node_modules/.bin/lighthouse');
const CHROME_FLAGS = ['--headless=new', ...CHROMIUM_FLAGS].join(' ');

export const METRICS = [
  ['FCP', 'first-contentful-paint', 's'],
  ['LCP', 'largest-contentful-paint', 's'],
  ['TBT', 'total-blocking-time', 'ms'],
  ['CLS', 'cumulative-layout-shift', ''],
];

/** Serves dist/ at / and the baseline at /plain/, brotli-compressed (q11, cached). */
export function serveCompressed() {
  const cache = new Map();
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url, 'http://localhost');
    const [root, rest] = pathname.startsWith('/plain/')
      ? [PLAIN, pathname.slice('/plain'.length)]
      : [DIST, pathname];
    const path = fileIn(root, rest.endsWith('/') ? `${rest}index.html` : rest);
    if (!path) {
      response.writeHead(404).end();
      return;
    }
    if (!cache.has(path)) {
      cache.set(
        path,
        brotliCompressSync(readFileSync(path), {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
        }),
      );
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-encoding': 'br',
      // As README "Deployment" asks of a host: a file named by its content's hash never
      // changes, so the browser does not ask again within the load (the loader's stylesheet
      // in the shadow root is the page's own); every other file is revalidated.
      'cache-control': /-[0-9a-f]{16}(_bg)?\.(css|js|wasm)$/.test(path)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    response.end(cache.get(path));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() }),
    ),
  );
}

async function audit(url, folder, run) {
  const output = join(folder, `run-${run}.json`);
  await promisify(execFile)(
    LIGHTHOUSE,
    [
      url,
      '--only-categories=performance',
      '--output=json',
      `--output-path=${output}`,
      '--quiet',
      `--chrome-flags=${CHROME_FLAGS}`,
    ],
    { env: { ...process.env, CHROME_PATH: CHROMIUM_PATH } },
  );
  const { audits } = JSON.parse(readFileSync(output, 'utf8'));
  return Object.fromEntries(METRICS.map(([name, id]) => [name, audits[id].numericValue]));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs `runs` interleaved pairs and returns the medians and the printed table. */
export async function lighthouseComparison(runs) {
  const server = await serveCompressed();
  const folder = mkdtempSync(join(tmpdir(), 'aci-lighthouse-'));
  const results = { widget: [], plain: [] };
  try {
    for (let run = 0; run < runs; run += 1) {
      results.widget.push(await audit(server.url, folder, `widget-${run}`));
      results.plain.push(await audit(`${server.url}plain/`, folder, `plain-${run}`));
    }
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
  const lines = ['metric   widget      plain page   ratio'];
  for (const [name, , unit] of METRICS) {
    const widget = median(results.widget.map((result) => result[name]));
    const plain = median(results.plain.map((result) => result[name]));
    const show = (value) =>
      unit === 's' ? `${(value / 1000).toFixed(2)} s` : unit === 'ms' ? `${value.toFixed(0)} ms` : value.toFixed(3);
    const ratio = plain > 0 ? (widget / plain).toFixed(2) : '-';
    lines.push(`${name.padEnd(8)} ${show(widget).padEnd(11)} ${show(plain).padEnd(12)} ${ratio}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 5);
  console.log(`== Lighthouse mobile (simulated slow 4G, 4x CPU), median of ${runs} interleaved runs`);
  console.log(await lighthouseComparison(runs));
}
