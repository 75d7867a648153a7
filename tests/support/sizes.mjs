// Measures what a first visit downloads: every file at the top of dist/ except the practice
// set-up page (setup.*, only practices open it) and the example questionnaires (a folder), raw,
// gzip -9 and brotli q11. Shared by the benchmark (.ci/bench) and the size-budget test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Files in dist/ that a client's visit never downloads. */
export const PRACTICE_ONLY = /^setup\./;

export function measureDist(dir, { practiceOnly = false } = {}) {
  const files = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .filter((name) => PRACTICE_ONLY.test(name) === practiceOnly)
    .sort();
  const rows = files.map((name) => {
    const bytes = readFileSync(join(dir, name));
    return {
      name,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }).length,
    };
  });
  const total = rows.reduce(
    (sum, row) => ({
      name: 'total',
      raw: sum.raw + row.raw,
      gzip: sum.gzip + row.gzip,
      brotli: sum.brotli + row.brotli,
    }),
    { name: 'total', raw: 0, gzip: 0, brotli: 0 },
  );
  return { rows, total };
}

export function formatSizeTable({ rows, total }) {
  const width = Math.max(...rows.map((row) => row.name.length), 5);
  const line = (row) =>
    `${row.name.padEnd(width)}  ${String(row.raw).padStart(8)}  ${String(row.gzip).padStart(8)}  ${String(row.brotli).padStart(8)}`;
  return [
    `${'file'.padEnd(width)}  ${'raw'.padStart(8)}  ${'gzip'.padStart(8)}  ${'brotli'.padStart(8)}`,
    ...rows.map(line),
    line(total),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? 'dist';
  console.log(formatSizeTable(measureDist(dir)));
  console.log('\nthe practice set-up page (not part of a client\'s visit):');
  console.log(formatSizeTable(measureDist(dir, { practiceOnly: true })));
}
