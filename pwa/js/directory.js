// The grid directory on the phone (issue 4 item 5): online, each of the worker's grids' directory
// is fetched (GET /api/grids/<id>/directory) and kept in IndexedDB through db.js, so the
// directory screen and the task screens work with no signal. A kept copy is revalidated with
// If-None-Match: an unchanged directory costs a 304 and no bytes. When a grid's directory changes
// the server pokes its room ("directory:poke", live.js) and that grid's copy is fetched again.
// Full phone numbers are asked for one at a time, online only (the server records every
// request), and never stored.
import { ApiError, exchange, get } from './api.js';
import * as db from './db.js';
import { t } from './i18n.js';
import { myGrids } from './places.js';

// A directory of ~600 households is ~30 KB gzip'd: give a weak signal more time than a page.
const DIRECTORY_TIMEOUT_MS = 30000;

const listeners = new Set();

/** Calls fn() whenever a refresh stored a new or changed directory; returns an unsubscribe function. */
export function onDirectoriesChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

let running = null;

/**
 * Fetches the directory of each grid the user works (grid_worker roles in /api/me), one after
 * another, and stores what changed. prune: also drop directories of grids no longer in `me`
 * (pass it only with a fresh /api/me, never the offline copy). Resolves to {updated, unchanged,
 * failed: [{grid_id, error}]}; never rejects (offline is a normal state). One refresh at a time:
 * a second call while one runs gets the running one.
 */
export function refreshDirectories(me, { prune = false } = {}) {
  running ??= refresh(
    myGrids(me).map((grid) => grid.id),
    prune,
  ).finally(() => {
    running = null;
  });
  return running;
}

let poked = null; // grid ids named by pokes, waiting for the refresh under way to end

/**
 * Fetches again the directories the server said changed: buckets of a "directory:poke"
 * (["grid:11"]; the server pokes only the rooms of our own grids). After the refresh under way,
 * if any (it may have read a grid before the change); pokes arriving meanwhile join this one.
 * Resolves like refreshDirectories.
 */
export function refreshPokedDirectories(buckets) {
  const gridIds = (buckets ?? []).filter((b) => /^grid:\d+$/.test(b)).map((b) => Number(b.slice(5)));
  if (!poked) {
    const ids = new Set();
    const done = (running ?? Promise.resolve()).then(() => {
      poked = null;
      return refresh([...ids], false);
    });
    poked = { ids, done };
  }
  gridIds.forEach((id) => poked.ids.add(id));
  return poked.done;
}

async function refresh(gridIds, prune) {
  const result = { updated: [], unchanged: [], failed: [] };
  for (const gridId of gridIds) {
    try {
      const changed = await refreshOne(gridId);
      result[changed ? 'updated' : 'unchanged'].push(gridId);
    } catch (err) {
      result.failed.push({ grid_id: gridId, error: err });
      if (err instanceof ApiError && (err.code === 'offline' || err.status === 401)) break; // the rest would fail alike
    }
  }
  try {
    if (prune) await db.keepDirectories(gridIds);
  } catch (err) {
    console.warn('could not drop old grid directories', err);
  }
  if (result.updated.length || prune) for (const fn of listeners) fn(result);
  return result;
}

/** Fetches one grid's directory; true when a new copy was stored, false when ours is current. */
async function refreshOne(gridId) {
  const kept = await db.getDirectoryEntry(gridId);
  const headers = kept?.etag ? { 'If-None-Match': kept.etag } : {};
  const answer = await exchange('GET', `/api/grids/${gridId}/directory`, { headers, timeoutMs: DIRECTORY_TIMEOUT_MS });
  const now = Date.now();
  if (answer.status === 304 && kept) {
    await db.putDirectoryEntry({ ...kept, checked_at: now });
    return false;
  }
  if (!answer.ok) throw answer.error;
  if (!answer.data?.grid) throw new ApiError(answer.status, 'bad_directory', t('error.unexpected'));
  await db.putDirectoryEntry({
    grid_id: gridId,
    etag: answer.headers.get('ETag'),
    saved_at: now,
    checked_at: now,
    data: answer.data,
  });
  return true;
}

/** The kept directory entries ({grid_id, etag, saved_at, checked_at, data}), by grid id; [] when none. */
export async function loadDirectoryEntries() {
  return (await db.listDirectoryEntries()) ?? [];
}

/**
 * A resident's full number, from the server (online only; the server records who asked for
 * whom). Resolves to the number or null when none is on record; throws ApiError (code
 * "offline" without a network, 404 when the resident is no longer in the user's grids).
 */
export async function fetchFullPhone(residentId) {
  const answer = await get(`/api/residents/${encodeURIComponent(residentId)}/phone`);
  return answer?.phone ?? null;
}
