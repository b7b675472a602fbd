// The app shell: precached at install in one versioned cache, served cache first; navigations
// network first with the cached shell as fallback; the admin's chunks cached on first use or
// when an admin signs in. Caches of other versions are deleted on activate.

// Written by build.mjs into dist/sw.js (the server sends only dist/): the shell's version, a
// hash of every file below, so changing any of them ships a new worker with a new cache; the
// files the app needs to start offline (precached at install); and the chunks of screens loaded
// on first use (the admin's), cached when an admin signs in or opens one, never on install.
const SHELL_VERSION = 'dev';
const SHELL_FILES = [];
const LAZY_FILES = [];

const CACHE_PREFIX = 'redgrid-';
const SHELL_CACHE = `${CACHE_PREFIX}shell-${SHELL_VERSION}`;
// Whether the phone is signed in, as the page last said (its 'session' message): the kept shell
// of a signed-in phone is served without the page's static sign-in form, so opening offline
// does not flash it before home. Outlives versions.
const STATE_CACHE = `${CACHE_PREFIX}state`;
const SESSION_KEY = '/__redgrid/session';
// Caches this version owns; any other redgrid-* cache is from an old version and is deleted.
const KNOWN_CACHES = new Set([SHELL_CACHE, STATE_CACHE]);
const SIGNIN_BLOCK = /<!-- signin:start -->[\s\S]*?<!-- signin:end -->/;
const SHELL_PATHS = new Set(SHELL_FILES);
const LAZY_PATHS = new Set(LAZY_FILES);

// Past this, a navigation on a signal-less stairwell gets the cached shell instead of a spinner.
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // cache: 'reload' bypasses the HTTP cache, so a new version never precaches an old file.
      await cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'reload' })));
      // The shell is all-or-nothing in one cache, so the new version can take over at once.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && !KNOWN_CACHES.has(name))
          .map((name) => caches.delete(name)),
      );
      // Start the navigation request while the worker boots, instead of after.
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim(); // control the page that registered us, without a reload
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Writes go to the network untouched; the app decides what a failure means.
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Never cache API or Socket.IO: stale answers here would be invisible to the app.
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirstNavigation(event));
  } else if (SHELL_PATHS.has(url.pathname) && url.pathname !== '/') {
    event.respondWith(cacheFirst(request, url.pathname));
  } else if (LAZY_PATHS.has(url.pathname)) {
    event.respondWith(cacheOnFirstUse(request, url.pathname));
  }
  // Anything else (e.g. uploaded photos) goes to the network as if we were not here.
});

/**
 * Network first, so an online user always gets the current page. The cached shell when the
 * network fails, is too slow, or answers 5xx (server down behind the proxy): the app then
 * runs from what it cached, as it would offline.
 */
async function networkFirstNavigation(event) {
  const network = (async () => (await event.preloadResponse) || fetch(event.request))();
  network.catch(() => {}); // a rejection after the timeout won the race is expected, not an error
  let response;
  try {
    response = await withTimeout(network, NAVIGATION_TIMEOUT_MS);
    if (response.status < 500) return response;
  } catch {
    // offline or timed out: fall through to the shell
  }
  // ignoreSearch: start_url is "/?source=pwa" and links may carry queries; the shell is the same.
  const shell = await caches.match('/', { cacheName: SHELL_CACHE, ignoreSearch: true });
  if (shell && (await signedIn())) return withoutSigninForm(shell);
  return shell ?? response ?? network; // no shell yet (first visit): what the network gives
}

async function signedIn() {
  const kept = await caches.match(SESSION_KEY, { cacheName: STATE_CACHE });
  return (await kept?.text()) === 'in';
}

async function withoutSigninForm(shell) {
  const page = (await shell.text()).replace(SIGNIN_BLOCK, '');
  return new Response(page, { status: shell.status, headers: shell.headers });
}

/** Cache first: shell files change only with a new worker version, so the cache is always right. */
async function cacheFirst(request, pathname) {
  const cached = await caches.match(pathname, { cacheName: SHELL_CACHE });
  // Not written back to the cache: only install fills it, so versions never mix.
  return cached ?? fetch(request);
}

/**
 * A lazy chunk: from the cache, else from the network and then kept. Chunk names carry a hash of
 * their content, so a kept file can never be another version's.
 */
async function cacheOnFirstUse(request, pathname) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(pathname);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(pathname, response.clone());
  return response;
}

// The page asks for the lazy chunks once an admin has signed in (js/app.js): their screens then
// open offline too. Best effort: what fails is fetched on first use.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'session') {
    const state = event.data.signedIn ? 'in' : 'out';
    event.waitUntil(caches.open(STATE_CACHE).then((cache) => cache.put(SESSION_KEY, new Response(state))));
    return;
  }
  if (event.data?.type !== 'cache-lazy') return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      const missing = [];
      for (const pathname of LAZY_FILES) if (!(await cache.match(pathname))) missing.push(pathname);
      await Promise.allSettled(
        missing.map(async (pathname) => {
          const response = await fetch(pathname, { cache: 'reload' });
          if (response.ok) await cache.put(pathname, response);
        }),
      );
      event.source?.postMessage({ type: 'lazy-cached', files: LAZY_FILES.length });
    })(),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
