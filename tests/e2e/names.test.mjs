// The hashed names of the release build cannot lie: the service worker takes a file with a
// hash in its name for immutable (any copy is the right one), so every such name must come
// from the file's final bytes (.ci/split-wasm.mjs `nameByContent`: SHA-256, 16 hex digits; the
// glue and the parts' JS module, which import each other, share `pairHash`). A build step that
// changes bytes after naming (trunk names the glue and the wasm from cargo's output, before the
// split, wasm-opt and minification) fails here. Builds nothing: checks dist/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { pairHash } from '../../.ci/split-wasm.mjs';
import { DIST } from './harness.mjs';

const hash16 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const files = readdirSync(DIST, { recursive: true })
  .map((file) => file.split('\\').join('/'))
  .filter((file) => statSync(join(DIST, file)).isFile());
// A name with a content hash: `<stem>-<hex>.<ext>` or `<stem>-<hex>_bg.wasm`.
const HASHED = /-([0-9a-f]{8,})(?:_bg)?\.[a-z]+$/;
const read = (file) => readFileSync(join(DIST, file));

it("every hashed name in dist/ is its file's digest", () => {
  const hashed = files.filter((file) => HASHED.test(file));
  const glue = hashed.filter((file) => /^alliance-checkin-[0-9a-f]+\.js$/.test(file));
  const link = hashed.filter((file) => /^alliance-checkin-parts-[0-9a-f]+\.js$/.test(file));
  assert.equal(glue.length, 1, `one glue: ${glue}`);
  assert.ok(link.length <= 1, `at most one parts module: ${link}`);
  assert.ok(hashed.some((file) => file.endsWith('_bg.wasm')) && hashed.some((file) => file.startsWith('parts/')));
  const pair = pairHash(read(glue[0]).toString('utf8'), link[0] && read(link[0]).toString('utf8'), glue[0], link[0]);
  for (const file of hashed) {
    const expected = [...glue, ...link].includes(file) ? pair : hash16(read(file));
    assert.equal(file.match(HASHED)[1], expected, `${file}: the name's hash is not its bytes' digest`);
  }
});

it('every file the page, the loader, the glue and the worker name is in dist/', () => {
  const named = new Set();
  for (const file of files.filter((name) => /^(index\.html|sw\.js|alliance-checkin[^/]*\.js)$/.test(name))) {
    // (Not `<stem>_bg.js`: the module name the wasm's imports carry, a key in the glue, no file.)
    for (const [name] of read(file).toString('utf8').matchAll(/(?:parts\/)?[a-z_]+(?:-[a-z]+)*-[0-9a-f]{8,}(?:_bg\.wasm|\.wasm|\.js|\.css)/g)) {
      named.add(name);
    }
  }
  assert.ok(named.size >= 4, `only ${[...named]} named`);
  for (const name of named) assert.ok(files.includes(name), `${name} is named but not in dist/`);
});
