// Alliance Check-in service worker, published as `sw.js` next to index.html: the check-in
// works offline once visited. .ci/service-worker.mjs fills in the version and the file lists
// on every build (never by hand).
//
// Update policy: nothing replaces the app in the middle of a check-in.
// - A new version installs in the background (every file but the parts, see PARTS, into a new
//   cache) and then waits.
// - The loader (src/web/loader.js), once its page has fully loaded, tells a waiting worker to
//   take over ('skip-waiting'). That page already holds everything it runs in memory, so it
//   keeps working unchanged and is never reloaded; the next load gets the new version.
// - Activation deletes this app's old caches but keeps the one of the version that was active
//   until now (until the next activation), so a tab still loading that version's files finds
//   them even if the server no longer has them.
//
// One build, never a mix: a page and the files it names always come from the same build.
// - Install checks every stable-named file (index.html, the loader, manifest, icon) against
//   the SHA-256 digest this build recorded; a file of another build (a deploy half done, a
//   stale CDN copy) fails the install, its cache is deleted, and the old worker stays.
// - index.html names its loader `alliance-checkin.js?build=<version>`, and each cache keeps
//   its loader under that name too: a page gets its own build's loader from whichever cache
//   holds it, even after a newer worker took over. Hashed files are the same in every cache.
const VERSION = '@VERSION@';
// Names with a content hash: any copy is the right one, the HTTP cache's included.
const HASHED = @HASHED@;
// The rarely used parts (`parts/`, hashed names, .ci/split-wasm.mjs): not precached by a first
// install, so a first visit never downloads them. Each is kept the first time a page uses it,
// a later visit (a page load this worker answers) keeps the rest in the background, for use
// offline, and an update's install keeps them all (see 'install').
const PARTS = @PARTS@;
// Stable names (index.html, the loader, manifest, icon) with this build's digests: fetched
// past the HTTP cache and checked.
const STABLE = @STABLE@;

// Caches are per origin: the scope keeps apart two copies of the app on one host.
const PREFIX = `alliance-checkin ${self.registration.scope} `;
const CACHE = PREFIX + VERSION;
// An empty cache whose name records the version that is active (for the next activation).
const ACTIVE = `${PREFIX}active `;
const SCOPE = new URL(self.registration.scope).pathname;
const INDEX = `${SCOPE}index.html`;

const hex = (bytes) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

self.addEventListener('install', (event) => {
  // An update (a worker is active already: a returning visitor) keeps the parts too: this
  // version's parts have new names, and a device with check-ins needs the reader of stored
  // data to show them, offline as well. A first install leaves them for first use (PARTS).
  const parts = self.registration.active ? PARTS : [];
  const files = [...[...HASHED, ...parts].map((file) => [file]), ...Object.entries(STABLE)];
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        files.map(async ([file, digest]) => {
          const response = await fetch(file, { cache: digest ? 'no-cache' : 'default' });
          if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
          // A part answered with a page (a host's index.html for any name it lacks) is not this
          // build's part.
          if (parts.includes(file) && !/^application\/wasm/.test(response.headers.get('content-type'))) {
            throw new Error(`${file} is not a part of build ${VERSION}`);
          }
          // Copied: a host that redirects (index.html to ./) gives a response a page load may
          // not use, and a stable file is read to check it and kept under two names.
          const { status, statusText, headers } = response;
          const body = await response.arrayBuffer();
          if (digest && hex(await crypto.subtle.digest('SHA-256', body)) !== digest) {
            throw new Error(`${file} is not from build ${VERSION}`);
          }
          for (const key of digest ? [file, `${file}?build=${VERSION}`] : [file]) {
            await cache.put(key, new Response(body, { status, statusText, headers }));
          }
        }),
      ),
    ).catch(async (error) => {
      // Nothing of a build that failed is kept (no page could be served from half of it).
      await caches.delete(CACHE);
      throw error;
    }),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  // Every file a page loaded (src/web/loader.js): the parts and the configuration file among
  // them that it loaded before this worker answered it (a first visit's `?config=` file and the
  // reader of a practice's questionnaire, both read before the first render) are kept now, so
  // the next visit has them offline. Any page of the origin can send this, so only a file the
  // loader itself reads is kept: `configs/<name>.json` beside the page (its name's rule: no other
  // folder, `..`, query or origin), read as the loader reads it (a redirect is refused).
  const used = event.data?.keep;
  if (Array.isArray(used)) {
    const parts = PARTS.map((file) => new URL(file, location).href);
    const configs = `${location.origin}${SCOPE}configs/`;
    const config = (url) => /^[a-z0-9-]{1,32}\.json$/.test(`${url}`.startsWith(configs) && url.slice(configs.length));
    const keep = async (url) => {
      if (await cached(url)) return;
      if (parts.includes(url)) return keepPart(url);
      const response = await fetch(url, { redirect: 'error' });
      if (response.ok) await (await caches.open(CACHE)).put(url, response);
    };
    event.waitUntil(Promise.all(used.filter((url) => parts.includes(url) || config(url)).map((url) => keep(url).catch(() => undefined))));
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = (await caches.keys()).filter((name) => name.startsWith(PREFIX));
      const marker = names.find((name) => name.startsWith(ACTIVE));
      const previous = marker && PREFIX + marker.slice(ACTIVE.length);
      await caches.open(ACTIVE + VERSION);
      await Promise.all(
        names.filter((name) => name !== CACHE && name !== previous).map((name) => caches.delete(name)),
      );
      // Control the first visit's page too, so it works offline from now on.
      await self.clients.claim();
    })(),
  );
});

/** This version's copy, else the previous version's (an old tab asking for its own files). */
async function cached(request) {
  const others = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
  for (const name of [CACHE, ...others]) {
    const hit = await (await caches.open(name)).match(request, { ignoreVary: true });
    if (hit) return hit;
  }
  return undefined;
}

// Set when the server answers for a part without it (a 404, or a host's index.html for any
// name it lacks): a new version went live and this one's parts are gone. The page offers a
// reload then (src/ui/parts.rs), and that load and the next come from the server, so it gets
// the new version whole instead of this one again (the cache stays the fallback offline).
let outdated = false;

/** Fetches a part and keeps it in this version's cache if it is one (a wasm module). */
async function keepPart(request) {
  const response = await fetch(request);
  if (response.ok && /^application\/wasm/.test(response.headers.get('content-type'))) {
    await (await caches.open(CACHE)).put(request, response.clone());
  } else if (response.status < 500) {
    outdated = true;
    self.registration.update().catch(() => undefined);
  }
  return response;
}

/** Keeps every part not kept yet; offline, the rest waits for a later visit. */
async function keepParts() {
  const missing = [];
  for (const file of PARTS) if (!(await cached(file))) missing.push(file);
  await Promise.all(missing.map((file) => keepPart(file).catch(() => undefined)));
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Other origins (the page asks none) and anything but reads are left to the browser.
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  // The page itself, with any query (?language=es), is the cached index.html; another page
  // in the same folder is not this app's and is left to the browser.
  const page = request.mode === 'navigate';
  if (page && url.pathname !== SCOPE && url.pathname !== INDEX) return;
  // Configuration files (?config=) are the practice's, not the build's: from the server when
  // it answers, kept for offline use, else the last copy kept.
  if (url.pathname.startsWith(`${SCOPE}configs/`)) {
    event.respondWith(
      fetch(request).then(
        async (response) => {
          if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
          return response;
        },
        async () => (await cached(request)) ?? Response.error(),
      ),
    );
    return;
  }
  // A part: kept the first time it is used (see PARTS).
  if (url.pathname.startsWith(`${SCOPE}parts/`)) {
    event.respondWith(cached(request).then((hit) => hit ?? keepPart(request)));
    return;
  }
  // After a part was found gone: the page from the server (see `outdated`).
  if (page && outdated) {
    event.respondWith(fetch(request).catch(async () => (await cached(INDEX)) ?? Response.error()));
    return;
  }
  // A later visit (served from the cache): the parts not kept yet are fetched meanwhile.
  if (page) event.waitUntil(keepParts());
  // Cache first; anything not cached goes to the network and is not kept.
  event.respondWith(cached(page ? INDEX : request).then((hit) => hit ?? fetch(request)));
});
