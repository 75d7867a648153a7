// Where the wasm's bytes go, by crate and by module of this crate: the benchmark's answer to
// "which part is worth cutting next". It takes the main module the release build ships (after
// wasm-split and wasm-bindgen, as .ci/split-wasm.mjs leaves it, through its dead-code step again
// with the function names kept; the parts are not in it), runs
// wasm-opt as the build does but keeps the function names (-g), reads each function body's
// size from the code section and its name from the name section, and sums by the crate and module of the function's own path (an instantiation of a
// generic counts for the crate that defined the generic, as twiggy does). The total of the
// optimised code is the shipped wasm's code; sizes are raw (before compression).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CARGO_WASM = join(ROOT, 'target/release-build/wasm32-unknown-unknown/release/alliance-checkin.wasm');
/** The main module the release build ships, after wasm-split and wasm-bindgen, before wasm-opt
 * (.ci/split-wasm.mjs leaves it here); the parts loaded on first use are not in it. */
const SPLIT_BINDGEN = join(ROOT, 'target/release-build/wasm-split/bindgen');
const WASM_OPT = join(ROOT, 'node_modules/.bin/wasm-opt');
const WASM_METADCE = join(ROOT, 'node_modules/.bin/wasm-metadce');

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** Function body sizes (by function index), imported function count, and section sizes. */
export function readWasm(bytes) {
  const text = new TextDecoder();
  let at = 8;
  let imported = 0;
  const bodies = [];
  const names = new Map();
  const sections = { code: 0, data: 0, other: 0 };
  while (at < bytes.length) {
    const id = bytes[at++];
    let length;
    [length, at] = leb(bytes, at);
    const end = at + length;
    if (id === 2) {
      let [count, cursor] = leb(bytes, at);
      for (let index = 0; index < count; index += 1) {
        let size;
        [size, cursor] = leb(bytes, cursor);
        cursor += size;
        [size, cursor] = leb(bytes, cursor);
        cursor += size;
        const kind = bytes[cursor++];
        if (kind === 0) {
          imported += 1;
          [, cursor] = leb(bytes, cursor);
        } else if (kind === 1) {
          cursor += 1;
          let flags;
          [flags, cursor] = leb(bytes, cursor);
          [, cursor] = leb(bytes, cursor);
          if (flags & 1) [, cursor] = leb(bytes, cursor);
        } else if (kind === 2) {
          let flags;
          [flags, cursor] = leb(bytes, cursor);
          [, cursor] = leb(bytes, cursor);
          if (flags & 1) [, cursor] = leb(bytes, cursor);
        } else {
          cursor += 2;
        }
      }
    }
    if (id === 10) {
      let [count, cursor] = leb(bytes, at);
      for (let index = 0; index < count; index += 1) {
        const [size, body] = leb(bytes, cursor);
        bodies.push(size + (body - cursor));
        cursor = body + size;
      }
    }
    if (id === 0) {
      const [nameLength, nameAt] = leb(bytes, at);
      const name = text.decode(bytes.subarray(nameAt, nameAt + nameLength));
      if (name === 'name') {
        let cursor = nameAt + nameLength;
        while (cursor < end) {
          const sub = bytes[cursor++];
          let subLength;
          [subLength, cursor] = leb(bytes, cursor);
          const subEnd = cursor + subLength;
          if (sub === 1) {
            let count;
            [count, cursor] = leb(bytes, cursor);
            for (let index = 0; index < count; index += 1) {
              let functionIndex;
              let size;
              [functionIndex, cursor] = leb(bytes, cursor);
              [size, cursor] = leb(bytes, cursor);
              names.set(functionIndex, text.decode(bytes.subarray(cursor, cursor + size)));
              cursor += size;
            }
          }
          cursor = subEnd;
        }
      }
    } else if (id === 10) {
      sections.code += end - at;
    } else if (id === 11) {
      sections.data += end - at;
    } else {
      sections.other += end - at;
    }
    at = end;
  }
  return { bodies, names, imported, sections };
}

const ESCAPES = { $LT$: '<', $GT$: '>', $RF$: '&', $BP$: '*', $C$: ',', $SP$: '@', $u20$: ' ', $u27$: "'", $u5b$: '[', $u5d$: ']', $u7b$: '{', $u7d$: '}', $u7e$: '~', $u3b$: ';', $u2b$: '+', $u22$: '"' };

/** A legacy-mangled Rust symbol (`_ZN…E`) as a path; anything else as it is. */
export function demangle(symbol) {
  if (!symbol.startsWith('_ZN')) return symbol;
  const parts = [];
  let at = 3;
  while (at < symbol.length && symbol[at] !== 'E') {
    const digits = /^\d+/.exec(symbol.slice(at));
    if (!digits) break;
    at += digits[0].length;
    parts.push(symbol.slice(at, at + Number(digits[0])));
    at += Number(digits[0]);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  return parts
    .map((part) => part.replace(/^_\$/, '$').replace(/\$[A-Za-z0-9]+\$/g, (escape) => ESCAPES[escape] ?? escape).replaceAll('..', '::'))
    .join('::');
}

/**
 * The path segments of the code a function belongs to: its own path; for `<T as Trait>::f` the
 * type's path, or the trait's for a blanket `<_ as Trait>`. Crate disambiguators (`[hash]`) go.
 */
export function owner(path) {
  let subject = path.replace(/\[[0-9a-f]+\]/g, '');
  const impl = /^<(.*?) as ([^<>]*)/.exec(subject);
  if (impl) subject = impl[1] === '_' ? impl[2] : impl[1];
  else if (subject.startsWith('<')) subject = subject.slice(1);
  subject = subject.replace(/^(&|\*const |\*mut |mut |dyn |\(|\[)+/, '');
  return subject.split(/::|<|[ ,>()\[\];]/).filter(Boolean);
}

function table(rows, total, limit) {
  const shown = rows.slice(0, limit);
  const rest = rows.slice(limit).reduce((sum, [, bytes]) => sum + bytes, 0);
  const lines = shown.map(([name, bytes]) => `${String(bytes).padStart(9)}  ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${name}`);
  if (rest) lines.push(`${String(rest).padStart(9)}  ${((100 * rest) / total).toFixed(1).padStart(5)} %  (${rows.length - limit} more)`);
  return lines.join('\n');
}

/** Builds the named wasm and returns the printed tables. */
export function wasmBreakdown() {
  statSync(CARGO_WASM);
  const folder = mkdtempSync(join(tmpdir(), 'aci-breakdown-'));
  try {
    const split = existsSync(SPLIT_BINDGEN)
      ? readdirSync(SPLIT_BINDGEN).find((name) => name.endsWith('_bg.wasm'))
      : undefined;
    let bound = split && join(SPLIT_BINDGEN, split);
    // The build's dead-code step (.ci/split-wasm.mjs, `dropUnusedClasses`), names kept.
    if (bound && existsSync(`${bound}.graph.json`)) {
      const named = join(folder, 'dce.wasm');
      execFileSync(WASM_METADCE, ['--debuginfo', '--graph-file', `${bound}.graph.json`, bound, '-o', named], { stdio: 'ignore' });
      bound = named;
    }
    if (!bound) {
      execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', folder, CARGO_WASM]);
      bound = join(folder, 'alliance-checkin_bg.wasm');
    }
    const named = join(folder, 'named.wasm');
    execFileSync(WASM_OPT, ['-Oz', '--converge', '-g', bound, '-o', named]);
    const { bodies, names, imported, sections } = readWasm(readFileSync(named));
    const byCrate = new Map();
    const byModule = new Map();
    const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
    bodies.forEach((bytes, index) => {
      const name = names.get(imported + index) ?? '';
      const segments = owner(demangle(name));
      const crate = / shim$/.test(name)
        ? '(wasm-bindgen shims: exports with what inlined into them)'
        : /^[a-z_][a-z0-9_]*$/.test(segments[0] ?? '') && !segments[0].startsWith('__')
          ? segments[0]
          : '(runtime: allocator entry points, start, tables)';
      add(byCrate, crate, bytes);
      if (crate === 'alliance_checkin') add(byModule, segments.slice(0, 3).join('::'), bytes);
    });
    const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
    const code = bodies.reduce((sum, bytes) => sum + bytes, 0);
    return [
      `code ${code} bytes in ${bodies.length} functions; data (static strings and tables) ${sections.data} bytes`,
      '\nby crate (code bytes, share of code):',
      table(sorted(byCrate), code, 16),
      '\nthis crate by module:',
      table(sorted(byModule), code, 24),
    ].join('\n');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('== where the wasm bytes go (wasm-opt -Oz with names kept, raw bytes)');
  console.log(wasmBreakdown());
}
