// Writes the service worker `sw.js` into a finished build (step 4 of .ci/post-build.mjs). Its
// own module so the end-to-end tests can run it on a changed copy of dist/, as a new deploy.
// The worker (from src/web/sw.js) precaches every file a client's visit uses (not the practice
// set-up page nor the example questionnaires, which clients never load), so a first visit leaves
// the whole app on the device; its version is a hash of those files and of the worker's own
// source, so any change makes a new worker with a new cache. It stamps that version into
// index.html (`alliance-checkin.js?build=<version>`, which the version itself does not cover)
// and gives the worker the SHA-256 digest of each stable-named file, which install checks.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

export const WORKER = 'sw.js';
// Files for practices only: never precached on a client's phone.
const PRACTICE_ONLY = /^(setup\.|instruments\/)/;
// The rarely used parts (.ci/split-wasm.mjs): not precached, so a first visit never fetches
// them; the worker keeps each one the first time the page uses it (src/web/sw.js).
const ON_USE = /^parts\//;
// The files whose names carry no content hash; every other file of the build has one.
const STABLE = ['index.html', 'alliance-checkin.js', 'manifest.webmanifest', 'icon.svg'];

/** Fills in src/web/sw.js for the build in `dir`, writes `dir/sw.js`; returns the version. */
export async function writeServiceWorker(dir) {
  const files = readdirSync(dir, { recursive: true })
    .map((file) => file.split('\\').join('/'))
    .filter((file) => file !== WORKER && !PRACTICE_ONLY.test(file) && !ON_USE.test(file) && statSync(join(dir, file)).isFile())
    .sort();
  const parts = readdirSync(dir, { recursive: true })
    .map((file) => file.split('\\').join('/'))
    .filter((file) => ON_USE.test(file) && statSync(join(dir, file)).isFile())
    .sort();
  const missing = STABLE.filter((file) => !files.includes(file));
  if (missing.length) throw new Error(`service worker: ${missing.join(', ')} missing from the build`);
  const template = readFileSync(new URL('../src/web/sw.js', import.meta.url), 'utf8');
  // The build stamp in index.html, whatever it was (empty after trunk, or an earlier version's).
  const STAMP = /(alliance-checkin\.js\?build=)[0-9a-f]*/;
  const indexPath = join(dir, 'index.html');
  const index = readFileSync(indexPath, 'utf8');
  if (!STAMP.test(index)) throw new Error('service worker: index.html names no alliance-checkin.js?build=');
  const unstamped = index.replace(STAMP, '$1');
  const hash = createHash('sha256').update(template);
  for (const file of [...files, ...parts]) {
    hash.update(`\0${file}\0`).update(file === 'index.html' ? unstamped : readFileSync(join(dir, file)));
  }
  const version = hash.digest('hex').slice(0, 16);
  writeFileSync(indexPath, index.replace(STAMP, `$1${version}`));
  const digests = Object.fromEntries(
    STABLE.map((file) => [file, createHash('sha256').update(readFileSync(join(dir, file))).digest('hex')]),
  );
  const filled = template
    .replaceAll('@VERSION@', version)
    .replaceAll('@HASHED@', JSON.stringify(files.filter((file) => !STABLE.includes(file))))
    .replaceAll('@PARTS@', JSON.stringify(parts))
    .replaceAll('@STABLE@', JSON.stringify(digests));
  if (/@[A-Z_]+@/.test(filled)) throw new Error('src/web/sw.js has a placeholder this step does not fill');
  // A classic worker script: its top-level names are its own, so they can be shortened too.
  const { code } = await minify(filled, {
    toplevel: true,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  writeFileSync(join(dir, WORKER), code);
  return version;
}
