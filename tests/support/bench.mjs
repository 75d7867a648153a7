// The benchmark: prints what a first visit downloads (raw, gzip, brotli per file and in total)
// and timings measured in headless Chromium on a phone viewport (medians of several runs).
// Timings are reported, never asserted: machines are noisy.
import { formatSizeTable, measureDist } from './sizes.mjs';
import { DIST, launchBrowser, openPage, phoneContext, serveDist } from '../e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

console.log('== shipped files (bytes)');
console.log(formatSizeTable(measureDist(DIST)));

const server = await serveDist();
const browser = await launchBrowser();
const firstRender = [];
const saveToResult = [];
try {
  for (let run = 0; run < RUNS; run += 1) {
    const context = await phoneContext(browser);
    await context.addInitScript(() => {
      // Record when the widget first appears in the page.
      new MutationObserver((_, observer) => {
        if (document.querySelector('.aci input.aci-range')) {
          window.__aciFirstRender = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await openPage(context, server.url);
    await page.waitForFunction(() => window.__aciFirstRender !== undefined);
    firstRender.push(await page.evaluate(() => window.__aciFirstRender));
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
          new MutationObserver((_, observer) => {
            if (document.querySelector('.aci-result')) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
          }).observe(document, { childList: true, subtree: true });
          document.querySelector('.aci button[type=submit]').click();
        }),
    );
    saveToResult.push(elapsed);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const format = (values) =>
  `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, ${values.length} runs)`;
console.log('\n== timings (headless Chromium, 360x640, served from 127.0.0.1, no throttling)');
console.log(`navigation start -> widget rendered:   ${format(firstRender)}`);
console.log(`"Finish" click -> saved + result shown: ${format(saveToResult)}`);
