// The only module that touches IndexedDB (STYLE.md rule 10). Everything else asks here.
import { openDB } from '/vendor/idb/index.js';

const DB_NAME = 'redgrid';
const DB_VERSION = 1;
const KV = 'kv';

let dbPromise = null;

function open() {
  dbPromise ??= openDB(DB_NAME, DB_VERSION, {
    // Each step upgrades from the version before it, so a phone that skipped releases
    // still walks through every step. Add `if (oldVersion < 2) { ... }` below, never edit a step.
    upgrade(db, oldVersion) {
      if (oldVersion < 1) db.createObjectStore(KV); // out-of-line keys: kv.put(value, key)
    },
    // Another tab loaded a newer release that needs to upgrade: let go so it is not blocked.
    // The next call here reopens (and the newer service worker will have reloaded us by then).
    blocking(currentVersion, blockedVersion, event) {
      event.target.close();
      dbPromise = null;
    },
    // The browser closed the connection (storage cleared, eviction): reopen on next use.
    terminated() {
      dbPromise = null;
    },
  });
  return dbPromise;
}

/** The value stored under key, or undefined. */
export async function getCached(key) {
  return (await open()).get(KV, key);
}

/** Stores a structured-cloneable value under key. */
export async function setCached(key, value) {
  await (await open()).put(KV, value, key);
}

/** Forgets every cached value (on sign-out, so the next person on this phone sees nothing). */
export async function clearCached() {
  await (await open()).clear(KV);
}
