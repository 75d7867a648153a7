// Alliance Check-in service worker, published as `sw.js` next to index.html: the check-in
// works offline once visited. .ci/service-worker.mjs fills in the version and the file lists
// on every build (never by hand).
//
// Update policy: nothing replaces the app in the middle of a check-in.
// - A new version installs in the background (every file into a new cache) and then waits.
// - The loader (src/web/loader.js), once its page has fully loaded, tells a waiting worker to
//   take over ('skip-waiting'). That page already holds everything it runs in memory, so it
//   keeps working unchanged and is never reloaded; the next load gets the new version.
// - Activation deletes this app's old caches but keeps the one of the version that was active
//   until now (until the next activation), so a tab still loading that version's files finds
//   them even if the server no longer has them.
const VERSION = '@VERSION@';
// Names with a content hash: any copy is the right one, the HTTP cache's included.
const HASHED = @HASHED@;
// Stable names (index.html, the loader, manifest, icon): fetched past the HTTP cache.
const STABLE = @STABLE@;

// Caches are per origin: the scope keeps apart two copies of the app on one host.
const PREFIX = `alliance-checkin ${self.registration.scope} `;
const CACHE = PREFIX + VERSION;
// An empty cache whose name records the version that is active (for the next activation).
const ACTIVE = `${PREFIX}active `;
const SCOPE = new URL(self.registration.scope).pathname;
const INDEX = `${SCOPE}index.html`;

self.addEventListener('install', (event) => {
  const files = [...HASHED.map((file) => [file, 'default']), ...STABLE.map((file) => [file, 'no-cache'])];
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        files.map(async ([file, mode]) => {
          const response = await fetch(file, { cache: mode });
          if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
          // A host that redirects (index.html to ./) gives a response a page load may not use.
          const { status, statusText, headers } = response;
          await cache.put(
            file,
            response.redirected ? new Response(await response.blob(), { status, statusText, headers }) : response,
          );
        }),
      ),
    ),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
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

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Other origins (the page asks none) and anything but reads are left to the browser.
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  // The page itself, with any query (?language=es), is the cached index.html; another page
  // in the same folder is not this app's and is left to the browser.
  const page = request.mode === 'navigate';
  if (page && url.pathname !== SCOPE && url.pathname !== INDEX) return;
  // Cache first; anything not cached goes to the network and is not kept.
  event.respondWith(cached(page ? INDEX : request).then((hit) => hit ?? fetch(request)));
});
