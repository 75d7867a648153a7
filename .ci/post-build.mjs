// Trunk post-build hook: finishes what trunk writes to dist/.
// 1. Minifies wasm-bindgen's JS glue (trunk leaves it unminified; this saves about 1.6 KB
//    brotli of every first visit) and updates the Subresource Integrity hash trunk wrote for
//    it in index.html, so the browser still verifies what it loads.
// 2. Drops the integrity attribute from the wasm `<link rel=preload as=fetch>`: Chromium
//    ignores SRI on that kind of preload and warns in the console on every load.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run me as a trunk hook)');
  process.exit(1);
}
const indexPath = join(dir, 'index.html');
let index = readFileSync(indexPath, 'utf8');
for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
  const path = join(dir, name);
  const source = readFileSync(path, 'utf8');
  const result = await minify(source, {
    module: true,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  writeFileSync(path, result.code);
  const integrity = `sha384-${createHash('sha384').update(result.code).digest('base64')}`;
  // The staged index.html may already be minified (attributes unquoted).
  const escaped = name.replace(/[.]/g, '\\.');
  const pattern = new RegExp(`(href=["']?[^"' >]*/${escaped}["']?[^>]*?integrity=["']?)[^"' >]+`);
  if (!pattern.test(index)) {
    console.error(`post-build: no integrity attribute found for ${name} in index.html`);
    process.exit(1);
  }
  index = index.replace(pattern, `$1${integrity}`);
  console.log(`post-build: ${name} ${source.length} -> ${result.code.length} bytes`);
}
index = index.replace(/(<link[^>]*\.wasm["']?[^>]*?)\s+integrity=["']?[^"' >]+["']?/g, '$1');
writeFileSync(indexPath, index);
