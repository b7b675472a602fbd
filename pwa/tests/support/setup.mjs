// Makes node look enough like the PWA's browser for its modules: an in-memory IndexedDB, the
// fake Socket.IO client (resolve-vendor.mjs), and the zh-CN catalog (so errors carry real messages, as on a phone).
// Import this first, then the PWA modules with `await import(...)`: static imports are resolved
// before this file runs, and the hook below must be in place first.
import 'fake-indexeddb/auto';
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';

register('./resolve-vendor.mjs', import.meta.url);

const { initI18n } = await import('../../js/i18n.js');
const realFetch = globalThis.fetch;
globalThis.document = { documentElement: {}, title: '' };
globalThis.fetch = async (url) =>
  new Response(await readFile(new URL(`../..${url}`, import.meta.url)), {
    headers: { 'Content-Type': 'application/json' },
  });
try {
  await initI18n();
} finally {
  globalThis.fetch = realFetch;
  delete globalThis.document;
}
