// Redgrid service worker: keeps the app shell so the PWA opens with no signal.
// API data is never cached here: the app keeps it in IndexedDB (js/db.js), where it can
// tell the user how old it is. See STYLE.md rule 10.

// Defines self.REDGRID_SHELL_VERSION, a hash of every file below, written by build.mjs.
// Browsers byte-compare imported scripts when checking for an update, so changing any
// shell file (and running `npm run build`) installs a new worker with a new cache.
importScripts('/vendor/shell-version.js');

const CACHE_PREFIX = 'redgrid-';
const SHELL_CACHE = `${CACHE_PREFIX}shell-${self.REDGRID_SHELL_VERSION}`;
// Caches this version owns; any other redgrid-* cache is from an old version and is deleted.
const KNOWN_CACHES = new Set([SHELL_CACHE]);

// Everything the app needs to start offline. build.mjs fails if a file here is missing or if a
// file under js/, css/, i18n/, icons/ or vendor/idb/ is not listed.
const SHELL_FILES = [
  '/',
  '/manifest.webmanifest',
  '/css/app.css',
  '/js/admin-data.js',
  '/js/admin.js',
  '/js/app.js',
  '/js/live.js',
  '/js/api.js',
  '/js/db.js',
  '/js/directory.js',
  '/js/directory-search.js',
  '/js/geo.js',
  '/js/i18n.js',
  '/js/local-records.js',
  '/js/net.js',
  '/js/outbox.js',
  '/js/photos.js',
  '/js/places.js',
  '/js/session.js',
  '/js/sync-client.js',
  '/js/sync-core.js',
  '/js/sync-core/cursor.js',
  '/js/sync-core/engine.js',
  '/js/sync-core/local.js',
  '/js/sync-core/memory.js',
  '/js/sync-core/merge.js',
  '/js/sync-core/rules.js',
  '/js/sync-core/values.js',
  '/js/sync-pull.js',
  '/js/sync-push.js',
  '/js/task-actions.js',
  '/js/task-data.js',
  '/js/tasks.js',
  '/js/ui/admin-bulk.js',
  '/js/ui/admin-common.js',
  '/js/ui/admin-home.js',
  '/js/ui/admin-report-card.js',
  '/js/ui/admin-reports.js',
  '/js/ui/admin-target.js',
  '/js/ui/admin-task-form.js',
  '/js/ui/admin-task.js',
  '/js/ui/admin-tasks.js',
  '/js/ui/choices.js',
  '/js/ui/conflicts.js',
  '/js/ui/directory.js',
  '/js/ui/dom.js',
  '/js/ui/format.js',
  '/js/ui/header.js',
  '/js/ui/home.js',
  '/js/ui/lazy.js',
  '/js/ui/location.js',
  '/js/ui/nav.js',
  '/js/ui/photos.js',
  '/js/ui/report.js',
  '/js/ui/routes.js',
  '/js/ui/signin.js',
  '/js/ui/status.js',
  '/js/ui/sync-panel.js',
  '/js/ui/task-complete.js',
  '/js/ui/task-detail.js',
  '/js/ui/tasks.js',
  '/js/ui/watch.js',
  '/js/ui/work.js',
  '/i18n/zh-CN.json',
  '/i18n/en.json',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
  '/icons/favicon-32.png',
  '/vendor/idb/index.js',
  '/vendor/socket.io/socket.io.esm.min.js',
];
const SHELL_PATHS = new Set(SHELL_FILES);

// Past this, a navigation on a signal-less stairwell gets the cached shell instead of a spinner.
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // cache: 'reload' bypasses the HTTP cache, so a new version never precaches an old file.
    await cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'reload' })));
    // The shell is all-or-nothing in one cache, so the new version can take over at once.
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(CACHE_PREFIX) && !KNOWN_CACHES.has(name))
      .map((name) => caches.delete(name)));
    // Start the navigation request while the worker boots, instead of after.
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim(); // control the page that registered us, without a reload
  })());
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
  return shell ?? response ?? network; // no shell yet (first visit): what the network gives
}

/** Cache first: shell files change only with a new worker version, so the cache is always right. */
async function cacheFirst(request, pathname) {
  const cached = await caches.match(pathname, { cacheName: SHELL_CACHE });
  // Not written back to the cache: only install fills it, so versions never mix.
  return cached ?? fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
