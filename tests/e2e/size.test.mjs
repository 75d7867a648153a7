// The download budget: everything a first visit fetches (see tests/support/sizes.mjs), brotli.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatSizeTable, measureDist } from '../support/sizes.mjs';
import { DIST } from './harness.mjs';

/** The budget in bytes; ARCHITECTURE.md ("Size decisions") says what bought each raise. */
const BUDGET_BROTLI_BYTES = 150_000;

it(`a first visit downloads at most ${BUDGET_BROTLI_BYTES} bytes (brotli)`, () => {
  const sizes = measureDist(DIST);
  console.log(formatSizeTable(sizes));
  assert.ok(sizes.rows.some((row) => row.name.endsWith('.wasm')), 'no wasm in dist/');
  assert.ok(
    sizes.total.brotli <= BUDGET_BROTLI_BYTES,
    `total ${sizes.total.brotli} bytes brotli is over the budget of ${BUDGET_BROTLI_BYTES}`,
  );
});
