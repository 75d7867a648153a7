// Step 0 of .ci/post-build.mjs: moves the widget's rarely used parts (src/ui/parts.rs) out of
// the first download. Trunk 0.21 has no hook between cargo and wasm-bindgen, so this step
// starts again from cargo's output, which the release build links with relocations
// (`-Clink-args=--emit-relocs`, .ci/build-release), and replaces what trunk staged:
// 1. `wasm-split-cli` (crate wasm_split_cli_support, installed by .ci/setup; the tool
//    cargo-leptos runs for Leptos 0.8's `#[lazy]`) cuts the module at the split points into
//    the main module, one file per part (and chunks that parts share), and a small JS module
//    that fetches and instantiates a part against the main module's memory and table;
// 2. wasm-bindgen (the same version and target as trunk's, keeping the linker's exports the
//    parts import) makes the glue for the main module;
// 3. wasm-opt -Oz, as trunk runs it, on the main module and on every part, until it finds
//    nothing more (`--converge`), without the producers and target-features sections no
//    browser reads (together -548 bytes brotli of the main module, -125 of each part).
// The parts go to `parts/<name>-<hash>.wasm`: a first visit never fetches them (the service
// worker keeps each one when it is first used, see src/web/sw.js), so tests/support/sizes.mjs,
// which measures the files at the top of dist/, leaves them out. The JS module is named
// `alliance-checkin-parts-<hash>.js`; the glue imports it. A build without split points
// (`--cfg aci_lazy` not set) has nothing to split, and this step leaves trunk's files alone.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

export const PARTS_DIR = 'parts';
// The module every split point imports from until wasm-split-cli links it (wasm_split_macros);
// Leptos links wasm_split's marker section into every build, so that section says nothing.
const SPLIT_IMPORT = '__wasm_split_placeholder__';
const LINK_MODULE = './__wasm_split.js';

// binaryen's whole-program type flow (--gufa) and merging of functions that differ only in
// constants, before -Oz: -276 bytes brotli of a first visit together (ARCHITECTURE, Size).
const WASM_OPT = ['--merge-similar-functions', '--gufa', '--code-folding', '-Oz', '--converge', '--strip-producers', '--strip-target-features'];
// wasm-streams' classes (see `dropUnusedClasses`).
const UNUSED_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];
const hash16 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const run = (command, args) => execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });

/**
 * Splits the build staged in `dir` whose wasm-bindgen glue is `glue` (`<stem>.js`, with
 * `<stem>_bg.wasm` beside it). Returns the part files written, or [] when there was nothing
 * to split.
 */
export async function splitWasm(dir, glue) {
  const root = new URL('..', import.meta.url).pathname;
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  const profile = process.env.TRUNK_PROFILE === 'release' ? 'release' : 'debug';
  const input = join(target, 'wasm32-unknown-unknown', profile, 'alliance-checkin.wasm');
  const linked = readFileSync(input);
  if (linked.indexOf(SPLIT_IMPORT) < 0) return [];

  const stem = glue.replace(/\.js$/, '');
  const work = join(target, 'wasm-split');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'bindgen'), { recursive: true });
  run('wasm-split-cli', [input, work, '--out-name', stem]);
  run('wasm-bindgen', [
    '--target=web',
    `--out-dir=${join(work, 'bindgen')}`,
    `--out-name=${stem}`,
    '--no-typescript',
    '--keep-lld-exports',
    join(work, `${stem}.wasm`),
  ]);
  const bound = dropUnusedClasses(join(work, 'bindgen', `${stem}_bg.wasm`), join(work, 'bindgen', `${stem}.js`));
  run('wasm-opt', [...WASM_OPT, bound, '-o', join(dir, `${stem}_bg.wasm`)]);

  let linkModule = readFileSync(join(work, LINK_MODULE), 'utf8');
  const parts = [];
  rmSync(join(dir, PARTS_DIR), { recursive: true, force: true });
  mkdirSync(join(dir, PARTS_DIR));
  for (const file of readdirSync(work).filter((name) => /^(split|chunk)_.*\.wasm$/.test(name)).sort()) {
    const optimized = join(work, `${file}.opt`);
    run('wasm-opt', [...WASM_OPT, join(work, file), '-o', optimized]);
    const bytes = readFileSync(optimized);
    const name = `${PARTS_DIR}/${file.replace(/\.wasm$/, '')}-${hash16(bytes)}.wasm`;
    writeFileSync(join(dir, name), bytes);
    const reference = JSON.stringify(`./${file}`);
    if (!linkModule.includes(reference)) throw new Error(`split-wasm: ${LINK_MODULE} never loads ${file}`);
    linkModule = linkModule.replaceAll(reference, JSON.stringify(`./${name}`));
    parts.push(name);
  }
  if (parts.length === 0) throw new Error('split-wasm: split points were found but no part was written');
  // A part the server answers for without it (a 404, or a host's index.html for any name it
  // lacks: a new version went live while the page was open and its parts have other names)
  // sets `aciPartGone`, so the page offers a reload rather than "connect to the internet"
  // (src/ui/parts.rs). A network error or a 5xx is being offline or a passing fault.
  const fetches = linkModule.split('fetch(new URL(').length - 1;
  if (fetches < parts.length) throw new Error(`split-wasm: ${LINK_MODULE} fetches ${fetches} of ${parts.length} parts`);
  linkModule =
    'const fetchPart = (url) => fetch(url).then((response) => {\n' +
    "  if (response.status < 500 && !(response.ok && /^application\\/wasm/.test(response.headers.get('content-type')))) self.aciPartGone = 1;\n" +
    '  return response;\n});\n' +
    linkModule.replaceAll('fetch(new URL(', 'fetchPart(new URL(');

  const { code } = await minify(linkModule, { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  const linkName = `alliance-checkin-parts-${hash16(code)}.js`;
  writeFileSync(join(dir, linkName), code);
  const glueCode = readFileSync(join(work, 'bindgen', `${stem}.js`), 'utf8');
  // Only the import statements: the wasm still names its imports' module `./__wasm_split.js`,
  // and so must the keys of the imports object the glue builds.
  const importOf = new RegExp(`(from\\s*)${JSON.stringify(LINK_MODULE).replace(/[.]/g, '\\.')}`, 'g');
  if (!importOf.test(glueCode)) throw new Error(`split-wasm: the glue does not import ${LINK_MODULE}`);
  writeFileSync(join(dir, glue), glueCode.replace(importOf, `$1${JSON.stringify(`./${linkName}`)}`));
  return parts;
}

/**
 * Removes from the glue (`gluePath`) and its wasm (`wasmPath`) the JS classes of wasm-streams,
 * which the widget never uses: Leptos always enables server_fn's `browser` feature, which links
 * wasm-streams, and its `#[wasm_bindgen]` classes are exports, which no dead-code pass may
 * remove. Here the glue loses each class, its finaliser and its `Symbol.dispose` line, and
 * wasm-metadce then removes the class's exports and what only they reach: -1.6 KB brotli of
 * wasm, and the classes' JS (ARCHITECTURE, Size). Nothing happens when a class is not there
 * (a Leptos without wasm-streams); a glue this cannot take apart stops the build. Returns the
 * wasm to optimise: `<stem>_bg.dce.wasm` beside the input, which stays as it was, with the
 * dead-code step's graph in `<input>.graph.json` (the benchmark's byte table runs the same step
 * with the names kept: tests/support/wasm-breakdown.mjs).
 */
export function dropUnusedClasses(wasmPath, gluePath) {
  let glue = readFileSync(gluePath, 'utf8');
  const dropped = UNUSED_CLASSES.filter((name) => glue.includes(`export class ${name} {`));
  if (dropped.length === 0) return wasmPath;
  for (const name of dropped) {
    const block = new RegExp(
      `^export class ${name} \\{\\n[\\s\\S]*?^if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = ${name}\\.prototype\\.free;\\n`,
      'm',
    );
    const finaliser = new RegExp(`^const ${name}Finalization = [^;]*;\\n`, 'm');
    if (!block.test(glue) || !finaliser.test(glue)) {
      throw new Error(`split-wasm: the glue's class ${name} is not in the shape wasm-bindgen 0.2.130 writes`);
    }
    glue = glue.replace(block, '').replace(finaliser, '');
  }
  const lower = dropped.map((name) => name.toLowerCase());
  if (lower.some((name) => glue.toLowerCase().includes(name))) {
    throw new Error(`split-wasm: the glue still uses one of ${dropped.join(', ')}`);
  }
  writeFileSync(gluePath, glue);
  const exportsOfDropped = (name) => lower.some((lowerName) => name === `__wbg_${lowerName}_free` || name.startsWith(`${lowerName}_`));
  const roots = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)))
    .filter(({ name }) => !exportsOfDropped(name))
    .map(({ name }, index) => ({ name: `export${index}`, root: true, export: name }));
  const graph = `${wasmPath}.graph.json`;
  writeFileSync(graph, JSON.stringify(roots));
  // Without names: they steer wasm-opt's choices (+136 bytes brotli with them).
  const kept = wasmPath.replace(/\.wasm$/, '.dce.wasm');
  run('wasm-metadce', ['--graph-file', graph, wasmPath, '-o', kept]);
  return kept;
}

/**
 * Names the glue, its wasm, the parts' JS module and the stylesheet by a hash of their final
 * bytes (after the split, wasm-opt and the glue's minification), so a name never outlives its
 * bytes: trunk names the glue and the wasm from cargo's output before any of that, and the
 * service worker takes a hashed name for immutable. The stylesheet is `widget-<hash>.css`, the
 * wasm `alliance-checkin-<hash>_bg.wasm` (the first 16 hex digits of the SHA-256 of the
 * bytes, as the parts). The glue and the parts' JS module import each other, so no order
 * names one after the other's final bytes: both get one hash, of the two files' bytes with
 * each one's references to the pair's names written as `@GLUE@` and `@LINK@` (`pairHash`,
 * which tests/e2e/names.test.mjs checks); either file's change renames both. Every reference
 * in `texts` (file names in `dir`, e.g. index.html) is rewritten. Returns the new names.
 */
export function nameByContent(dir, { glue, wasm, css, texts }) {
  const rename = (from, to, also) => {
    if (from === to) return;
    const bytes = readFileSync(join(dir, from));
    rmSync(join(dir, from));
    writeFileSync(join(dir, to), bytes);
    for (const file of also) {
      const text = readFileSync(join(dir, file), 'utf8');
      writeFileSync(join(dir, file), text.replaceAll(from, to));
    }
  };
  // The stylesheet: trunk names it by its final bytes, but with another hash (seahash); one
  // rule for every hashed name lets tests/e2e/names.test.mjs check them all.
  const cssName = `widget-${hash16(readFileSync(join(dir, css)))}.css`;
  rename(css, cssName, texts);
  const glueText = () => readFileSync(join(dir, glue), 'utf8');
  const wasmName = `alliance-checkin-${hash16(readFileSync(join(dir, wasm)))}_bg.wasm`;
  rename(wasm, wasmName, [glue, ...texts]);
  const link = readdirSync(dir).find((file) => /^alliance-checkin-parts-[0-9a-f]+\.js$/.test(file));
  const hash = pairHash(glueText(), link && readFileSync(join(dir, link), 'utf8'), glue, link);
  const glueName = `alliance-checkin-${hash}.js`;
  const linkName = link && `alliance-checkin-parts-${hash}.js`;
  // References first (the two files name each other), then the files.
  if (link) rename(link, linkName, [glue, ...texts]);
  rename(glue, glueName, [...(link ? [linkName] : []), ...texts]);
  return { glue: glueName, wasm: wasmName, css: cssName, link: linkName };
}

/** The hash that names the glue and the parts' JS module (see `nameByContent`). */
export function pairHash(glueText, linkText, glue, link) {
  const blank = (text) => (link ? text.replaceAll(link, '@LINK@') : text).replaceAll(glue, '@GLUE@');
  return hash16(blank(glueText) + (link ? `\0${blank(linkText)}` : ''));
}
