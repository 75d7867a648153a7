import { launchBrowser, phoneContext, serveSwappableBuild } from '../e2e/harness.mjs';
const DAY = 86400000;
function storedHistory(n) {
  const end = Date.now() - DAY;
  const entries = Array.from({ length: n }, (_, index) => ({
    id: `${(end - (n - 1 - index) * 7 * DAY).toString(16)}-${(index % 65536).toString(16).padStart(4, '0')}`,
    completed_at: end - (n - 1 - index) * 7 * DAY,
    instrument: { id: 'builtin.alliance-checkin', version: 1 },
    answers: ['connection', 'focus', 'way-of-working', 'overall'].map((item, at) => ({ item, value: 60 + ((index * (at + 3) * 7) % 41) })),
    note: index % 4 === 0 ? 'Felt heard today; we changed the plan for next week.' : '',
  }));
  return JSON.stringify({ format: 'alliance-checkin/history', version: 2, entries, deleted: [] });
}
const dists = process.argv.slice(2);
const servers = await Promise.all(dists.map((d) => serveSwappableBuild(d)));
const browser = await launchBrowser();
const text = storedHistory(Number(process.env.N ?? 1000));
const rows = dists.map(() => []);
for (let run = 0; run < Number(process.env.RUNS ?? 9); run++) {
  for (const [i, server] of servers.entries()) {
    const context = await phoneContext(browser);
    await context.addInitScript((value) => { if (!sessionStorage.getItem('s')) { sessionStorage.setItem('s','1'); localStorage.setItem('alliance-checkin:default:history', value); } }, text);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => performance.getEntriesByName('aci-history-read-end').length > 0);
    rows[i].push(await page.evaluate(() => { const t = (n) => performance.getEntriesByName(n)[0]?.startTime; return t('aci-history-read-end') - t('aci-history-read-start'); }));
    await context.close();
  }
}
for (const [i, d] of dists.entries()) { const r = rows[i].sort((a, b) => a - b); console.log(d, 'median', r[r.length >> 1].toFixed(1), 'min', r[0].toFixed(1), 'max', r.at(-1).toFixed(1)); }
await browser.close(); for (const s of servers) await s.stop();
