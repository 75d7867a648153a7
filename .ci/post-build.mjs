// Trunk post-build hook: finishes what trunk writes to dist/. Everything here depends on the
// final file names and contents, so it runs on every build and never by hand.
// 0. Moves the rarely used parts out of the first download (.ci/split-wasm.mjs): the wasm
//    and glue trunk staged are replaced by the split ones before anything below reads them.
// 1. Minifies wasm-bindgen's JS glue (trunk leaves it unminified; this saves about 1.6 KB
//    brotli of every first visit); renames the glue, the wasm, the parts' JS module and the
//    stylesheet by a hash of their final bytes wherever index.html and the glue name them
//    (trunk named the glue and the wasm from cargo's output, before step 0 and this
//    minification, so a pipeline-only change shipped new bytes under old names, which the
//    service worker takes for immutable; .ci/split-wasm.mjs `nameByContent`); and updates the
//    Subresource Integrity hash trunk wrote for the glue in index.html, so the browser still
//    verifies what it loads. Steps 3 and 4 read the final names and bytes.
// 2. Drops the integrity attribute from the wasm `<link rel=preload as=fetch>`: Chromium
//    ignores SRI on that kind of preload and warns in the console on every load.
// 3. Writes the loader `alliance-checkin.js` (stable name, from src/web/loader.js, with the
//    two texts it shows if the widget cannot start, taken from the catalogues in
//    src/domain/text/, and the first screen in every language, rendered by the host-only
//    binary src/bin/first-screen.rs from the catalogues and the built-in definition, and the
//    settings a link may not set, NOT_FROM_A_LINK in src/domain/settings.rs, so there is one
//    list) and puts it in place of trunk's inline loader script, so the page runs
//    under a Content-Security-Policy without 'unsafe-inline' and host pages can reference one
//    file. index.html names it as `alliance-checkin.js?build=<version>` (stamped in step 4),
//    without an integrity hash: the service worker serves that build's loader, and a loader of
//    another build must still start (its own hashed files), never leave the page blank.
// 4. Writes the service worker `sw.js` (stable name, from src/web/sw.js) with the list of every
//    file above, the manifest and the icon to precache, a version derived from their
//    contents, and the digests of the stable-named files it checks at install
//    (.ci/service-worker.mjs, shared with the end-to-end tests).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';
import { WORKER, writeServiceWorker } from './service-worker.mjs';
import { nameByContent, splitWasm } from './split-wasm.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run me as a trunk hook)');
  process.exit(1);
}
const LOADER = 'alliance-checkin.js';
const fail = (message) => {
  console.error(`post-build: ${message}`);
  process.exit(1);
};
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const indexPath = join(dir, 'index.html');
let index = readFileSync(indexPath, 'utf8');
const files = readdirSync(dir);

const glue = files.filter((file) => /^alliance-checkin-[0-9a-f]+\.js$/.test(file));
if (glue.length !== 1) fail(`expected one wasm-bindgen glue file, found ${glue.join(', ') || 'none'}`);
const wasm = files.filter((file) => file.endsWith('_bg.wasm'));
const css = files.filter((file) => /^widget-[0-9a-f]+\.css$/.test(file));
if (wasm.length !== 1 || css.length !== 1) fail(`expected one wasm and one widget css, found ${files.join(', ')}`);

// 0. The parts.
{
  const parts = await splitWasm(dir, glue[0]).catch((error) => fail(error.message));
  if (parts.length) console.log(`post-build: split out ${parts.join(', ')}`);
}

/** One `LoaderText` key's text in every catalogue (src/domain/text/<language>.rs), by language tag. */
function catalogueTexts(key) {
  const folder = new URL('../src/domain/text/', import.meta.url);
  const texts = {};
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.rs') && name !== 'mod.rs')) {
    const source = readFileSync(new URL(file, folder), 'utf8');
    const tag = source.match(/language_tag: "([a-z]+)"/)?.[1];
    const text = source.match(new RegExp(`\\n    ${key}: ("(?:[^"\\\\]|\\\\.)*"),\\n`))?.[1];
    if (!tag || !text) fail(`${file}: no language_tag or ${key}`);
    texts[tag] = JSON.parse(text);
  }
  return texts;
}

/**
 * The first screen in every language (language tag -> markup), from the host-only binary
 * src/bin/first-screen.rs, which renders it from the catalogues and the built-in definition
 * (src/domain/skeleton.rs). It is built for this machine with the default toolchain and target
 * folder: the release build's nightly, build-std flags and target folder stay with trunk.
 */
function firstScreens() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'RUSTUP_TOOLCHAIN' || name === 'RUSTFLAGS' || /^CARGO_(TARGET_|UNSTABLE_|BUILD_|ENCODED_|PROFILE)/.test(name)) {
      delete env[name];
    }
  }
  const output = execFileSync('cargo', ['run', '--quiet', '--offline', '--bin', 'first-screen'], {
    cwd: new URL('..', import.meta.url),
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const screens = JSON.parse(output);
  if (!screens.en) fail('src/bin/first-screen.rs gave no English first screen');
  return screens;
}

/** NOT_FROM_A_LINK's names, read from src/domain/settings.rs (the one list). */
function notFromALink() {
  const source = readFileSync(new URL('../src/domain/settings.rs', import.meta.url), 'utf8');
  const list = source.match(/pub const NOT_FROM_A_LINK: \[&str; (\d+)\] = \[([^\]]*)\]/);
  const names = list ? [...list[2].matchAll(/"([a-z-]+)"/g)].map((found) => found[1]) : [];
  if (!names.length || names.length !== Number(list[1])) fail('src/domain/settings.rs: NOT_FROM_A_LINK not read');
  return names;
}

/**
 * wasm-bindgen's glue copies a string into the wasm one character at a time in JS until the
 * first non-ASCII one, then lets `TextEncoder.encodeInto` do the rest. For the stored history
 * (1,000 check-ins are about 160 KB of ASCII JSON, read once at mount) that loop ran cold, in
 * V8's interpreter: about 5 ms of the history's read. A string longer than 1,024 characters goes
 * through the glue's own other branch instead, `TextEncoder.encode` and one native copy into
 * the wasm's memory, which wasm-bindgen uses when the callee gives no `realloc`; the result is
 * the same bytes (both encoders write lone surrogates as U+FFFD). Fails the build when the
 * glue no longer has the shape wasm-bindgen 0.2.130 writes.
 */
function encodeLongStringsNatively(source) {
  const branch = 'function passStringToWasm0(arg, malloc, realloc) {\n    if (realloc === undefined) {';
  if (!source.includes(branch)) fail('passStringToWasm0 is not in the shape wasm-bindgen 0.2.130 writes');
  return source.replace(branch, branch.replace('realloc === undefined', 'realloc === undefined || arg.length > 1024'));
}

async function minifyInto(path, source) {
  const result = await minify(source, {
    module: true,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  writeFileSync(path, result.code);
  return result.code;
}

// 1. The glue, its name and the others' (by their final bytes), and its integrity in index.html.
{
  const path = join(dir, glue[0]);
  const source = encodeLongStringsNatively(readFileSync(path, 'utf8'));
  const code = await minifyInto(path, source);
  console.log(`post-build: ${glue[0]} ${source.length} -> ${code.length} bytes`);
  writeFileSync(indexPath, index);
  const named = nameByContent(dir, { glue: glue[0], wasm: wasm[0], css: css[0], texts: ['index.html'] });
  [glue[0], wasm[0], css[0]] = [named.glue, named.wasm, named.css];
  index = readFileSync(indexPath, 'utf8');
  // The staged index.html may already be minified (attributes unquoted).
  const escaped = glue[0].replace(/[.]/g, '\\.');
  const pattern = new RegExp(`(href=["']?[^"' >]*/${escaped}["']?[^>]*?integrity=["']?)[^"' >]+`);
  if (!pattern.test(index)) fail(`no integrity attribute found for ${glue[0]} in index.html`);
  index = index.replace(pattern, `$1${sri(readFileSync(join(dir, glue[0])))}`);
  console.log(`post-build: named ${[glue[0], wasm[0], css[0], named.link].filter(Boolean).join(', ')}`);
}

// 2. No integrity on the wasm preload.
index = index.replace(/(<link[^>]*\.wasm["']?[^>]*?)\s+integrity=["']?[^"' >]+["']?/g, '$1');

// 3. The loader replaces trunk's inline module script.
{
  const template = readFileSync(new URL('../src/web/loader.js', import.meta.url), 'utf8');
  const filled = template
    .replace(/@TEXT\.([a-z_]+)@/g, (_, key) => JSON.stringify(catalogueTexts(key)))
    .replaceAll('@FIRST_SCREENS@', JSON.stringify(firstScreens()))
    .replaceAll('@NOT_FROM_A_LINK@', JSON.stringify(notFromALink()))
    .replaceAll('@GLUE@', glue[0])
    .replaceAll('@WASM@', wasm[0])
    .replaceAll('@CSS@', css[0])
    .replaceAll('@CSS_INTEGRITY@', sri(readFileSync(join(dir, css[0]))));
  if (/@[A-Z_]+@|@TEXT\./.test(filled)) fail('src/web/loader.js has a placeholder this hook does not fill');
  const code = await minifyInto(join(dir, LOADER), filled);
  const inline = /<script type=["']?module["']?>[^<]*TrunkApplicationStarted[^<]*<\/script>/;
  if (!inline.test(index)) fail("trunk's inline loader script was not found in index.html");
  index = index.replace(inline, `<script type=module src="./${LOADER}?build="></script>`);
  console.log(`post-build: ${LOADER} ${filled.length} -> ${code.length} bytes`);
}

writeFileSync(indexPath, index);

// 4. The service worker, last: its version covers the final bytes of every other file.
{
  const version = await writeServiceWorker(dir).catch((error) => fail(error.message));
  console.log(`post-build: ${WORKER} version ${version}`);
}
