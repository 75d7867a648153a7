// The benchmark: prints what a first visit downloads (raw, gzip, brotli per file and in total),
// where the wasm's bytes go (by crate and by module), Lighthouse's mobile metrics for the widget
// against a plain page with the same questions, and timings measured in headless Chromium on a
// phone viewport (medians of several runs). Timings are reported, never asserted: machines are
// noisy. LIGHTHOUSE_RUNS=0 skips Lighthouse (about 25 s a pair).
import { join } from 'node:path';
import { formatSizeTable, measureDist } from './sizes.mjs';
import { lighthouseComparison } from './lighthouse.mjs';
import { wasmBreakdown } from './wasm-breakdown.mjs';
import { DIST, launchBrowser, openPage, phoneContext, serveDist } from '../e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

console.log('== shipped files (bytes)');
console.log(formatSizeTable(measureDist(DIST)));
console.log('\nthe practice set-up page (not part of a client\'s visit):');
console.log(formatSizeTable(measureDist(DIST, { practiceOnly: true })));
console.log(
  '\nthe parts loaded on first use (summary, chart, CSV, backup buttons, rescue, a practice questionnaire\'s reader, the stored data\'s reader; none before the widget shows):',
);
console.log(formatSizeTable(measureDist(join(DIST, 'parts'))));

console.log('\n== where the wasm bytes go (wasm-opt -Oz with names kept, raw bytes)');
console.log(wasmBreakdown());

const LIGHTHOUSE_RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 5);
if (LIGHTHOUSE_RUNS > 0) {
  console.log(
    `\n== Lighthouse mobile (simulated slow 4G, 4x CPU; brotli), median of ${LIGHTHOUSE_RUNS} interleaved runs`,
  );
  console.log(await lighthouseComparison(LIGHTHOUSE_RUNS));
}

const server = await serveDist();
const browser = await launchBrowser();
/**
 * Installs `window.__aciWhen(test, done)` in every page of `context`: calls `done(time)` at the
 * first DOM change (in the page or inside the widget's shadow root, which a MutationObserver on
 * the document does not see) after which `test()` holds.
 */
async function watchWidget(context) {
  await context.addInitScript(() => {
    // One observer per root (the document, then each shadow root as it is attached: a shadow
    // root's changes are invisible to the document's observer), checking every pending test.
    const pending = [];
    const roots = new WeakSet();
    const check = () => {
      for (const watch of [...pending]) {
        if (watch.test()) {
          pending.splice(pending.indexOf(watch), 1);
          watch.done(performance.now());
        }
      }
    };
    const observe = (root) => {
      if (!root || roots.has(root)) return;
      roots.add(root);
      new MutationObserver(check).observe(root, { childList: true, subtree: true, characterData: true });
    };
    const attachShadow = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (...options) {
      const root = attachShadow.apply(this, options);
      observe(root);
      return root;
    };
    observe(document);
    window.__aciWhen = (test, done) => {
      observe(window.__widget());
      pending.push({ test, done });
      check();
    };
  });
}

const firstRender = [];
const mounted = [];
const saveToResult = [];
// The parts a first visit fetches once it has saved (the stored data's reader follows the first
// save in the background), from the first run.
let partsAfterSave;
try {
  for (let run = 0; run < RUNS; run += 1) {
    const context = await phoneContext(browser);
    await watchWidget(context);
    await context.addInitScript(() => {
      // Record when the first screen appears (the loader's, before the wasm) and when the
      // widget itself has mounted.
      window.__aciWhen(
        () => window.__widget()?.querySelector('.aci input.aci-range'),
        (time) => (window.__aciFirstRender = time),
      );
      window.__aciWhen(
        () => window.__widget()?.querySelector('.aci:not([data-first-screen]) input.aci-range'),
        (time) => (window.__aciMounted = time),
      );
    });
    const page = await openPage(context, server.url);
    await page.waitForFunction(() => window.__aciMounted !== undefined);
    firstRender.push(await page.evaluate(() => window.__aciFirstRender));
    mounted.push(await page.evaluate(() => window.__aciMounted));
    await page.locator('input.aci-range').evaluateAll((lines) =>
      lines.forEach((line) => {
        line.value = '90';
        line.dispatchEvent(new Event('input', { bubbles: true }));
      }),
    );
    const elapsed = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const start = performance.now();
          window.__aciWhen(
            () => window.__widget().querySelector('.aci-result'),
            (time) => resolve(time - start),
          );
          window.__widget().querySelector('.aci button[type=submit]').click();
        }),
    );
    saveToResult.push(elapsed);
    if (run === 0) {
      await page.waitForFunction(() =>
        performance.getEntriesByType('resource').some((entry) => entry.name.includes('/parts/split_stored-')),
      );
      await page.waitForTimeout(500);
      partsAfterSave = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name).pathname)
          .filter((path) => path.startsWith('/parts/'))
          .map((path) => path.slice('/parts/'.length)),
      );
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const format = (values) =>
  `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, ${values.length} runs)`;
console.log('\n== timings (headless Chromium, 360x640, served from 127.0.0.1, no throttling)');
console.log(`navigation start -> first screen shown: ${format(firstRender)}`);
console.log(`navigation start -> widget mounted:     ${format(mounted)}`);
console.log(`"Finish" click -> saved + result shown: ${format(saveToResult)}`);
const afterSave = measureDist(join(DIST, 'parts')).rows.filter((row) => partsAfterSave.includes(row.name));
console.log(
  `a first visit's first save then fetches in the background: ${afterSave.map((row) => row.name).join(', ')}` +
    ` = ${afterSave.reduce((sum, row) => sum + row.brotli, 0)} bytes brotli`,
);

// The history at 10 / 100 / 1,000 / 5,000 weekly check-ins, stored as this version writes it:
// bytes stored per check-in, reading and decoding it (between the widget's own performance
// marks), and load to the history screen's first render (navigation start -> the count and the
// first page of rows are in the page). Each run loads the page twice in one browser profile:
// - "first load" is a profile that never ran this build: V8 runs the wasm in its baseline
//   compiler (Liftoff) and the glue's JS cold. Only a client whose widget was just updated meets
//   this, once per version.
// - "returning" is the next load, as every client with a long history meets it: V8 kept the
//   optimized code of the first load (its wasm code cache) and reuses it.
const DAY = 24 * 60 * 60 * 1000;
function storedHistory(n) {
  const end = Date.now() - DAY;
  // Weekly, except that 5,000 weekly check-ins would start before 1970: then every other day.
  const spacing = n > 2000 ? 2 * DAY : 7 * DAY;
  const entries = Array.from({ length: n }, (_, index) => ({
    id: `${(end - (n - 1 - index) * spacing).toString(16)}-${(index % 65536).toString(16).padStart(4, '0')}`,
    completed_at: end - (n - 1 - index) * spacing,
    instrument: { id: 'builtin.alliance-checkin', version: 1 },
    answers: ['connection', 'focus', 'way-of-working', 'overall'].map((item, at) => ({
      item,
      value: 60 + ((index * (at + 3) * 7) % 41),
    })),
    note: index % 4 === 0 ? 'Felt heard today; we changed the plan for next week.' : '',
  }));
  const history = { format: 'alliance-checkin/history', version: 3, generation: 0 };
  return JSON.stringify({ ...history, entries, deleted: [] });
}

const historyServer = await serveDist();
const historyBrowser = await launchBrowser();
const HISTORY_RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 5);
console.log('\n== the history (median of', HISTORY_RUNS, 'runs each)');
console.log(
  'check-ins   bytes stored   per check-in   read + decode: first load   returning   read -> history rendered   load -> history rendered',
);
try {
  for (const n of [10, 100, 1000, 5000]) {
    const text = storedHistory(n);
    const reads = [];
    const returningReads = [];
    const renders = [];
    const afterRead = [];
    for (let run = 0; run < HISTORY_RUNS; run += 1) {
      const context = await phoneContext(historyBrowser);
      await watchWidget(context);
      await context.addInitScript(
        ({ value, expected }) => {
          if (!sessionStorage.getItem('seeded')) {
            sessionStorage.setItem('seeded', '1');
            localStorage.setItem('alliance-checkin:default:history', value);
          }
          window.__aciWhen(
            () => {
              const widget = window.__widget();
              const count = widget?.querySelector('.aci-history__count');
              return count?.textContent === expected && widget.querySelector('.aci-history__entry');
            },
            (time) => (window.__aciHistoryRendered = time),
          );
        },
        { value: text, expected: String(n) },
      );
      const page = await context.newPage();
      await page.goto(historyServer.url);
      await page.waitForFunction(() => window.__aciHistoryRendered !== undefined, null, {
        timeout: 60_000,
      });
      renders.push(await page.evaluate(() => window.__aciHistoryRendered));
      const [read, rendered] = await page.evaluate(() => {
        const [start] = performance.getEntriesByName('aci-history-read-start');
        const [end] = performance.getEntriesByName('aci-history-read-end');
        return [end.startTime - start.startTime, window.__aciHistoryRendered - end.startTime];
      });
      reads.push(read);
      afterRead.push(rendered);
      // The same client comes back: V8 writes its code cache a moment after the first load.
      await page.waitForTimeout(2000);
      await page.reload();
      await page.waitForFunction(() => performance.getEntriesByName('aci-history-read-end').length > 0);
      returningReads.push(
        await page.evaluate(() => {
          const [start] = performance.getEntriesByName('aci-history-read-start');
          const [end] = performance.getEntriesByName('aci-history-read-end');
          return end.startTime - start.startTime;
        }),
      );
      await context.close();
    }
    console.log(
      `${String(n).padStart(9)}   ${String(text.length).padStart(12)}   ${(text.length / n)
        .toFixed(0)
        .padStart(12)}   ${median(reads).toFixed(1).padStart(22)} ms   ${median(returningReads)
        .toFixed(1)
        .padStart(6)} ms   ${median(afterRead)
        .toFixed(1)
        .padStart(21)} ms   ${median(renders).toFixed(1).padStart(21)} ms`,
    );
  }
} finally {
  await historyBrowser.close();
  await historyServer.close();
}
