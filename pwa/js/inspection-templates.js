// Inspection templates on the steward's phone (issue 5): the checklist versions their
// inspections use and the published ones (an ad-hoc inspection takes the latest), kept in
// IndexedDB through db.js so that an inspection opens and is filled in with no signal. Online,
// the list of published versions is fetched (GET /api/inspection-templates) and each version
// kept is revalidated with If-None-Match (GET /api/inspection-templates/<id>): a published
// version never changes, so this costs a 304 and no bytes.
import { ApiError, exchange } from './api.js';
import * as db from './db.js';
import { latestPublished } from './inspections.js';

const TIMEOUT_MS = 30000; // a template of 60 items is a few KB; a weak signal needs time anyway
const listeners = new Set();

/** Calls fn() whenever a refresh stored a new or changed template; returns an unsubscribe function. */
export function onTemplatesChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The list answer as an array of templates, whatever envelope the server uses. */
function listOf(data) {
  if (Array.isArray(data)) return data;
  return data?.templates ?? data?.items ?? data?.data ?? [];
}

let running = null;
let lastRefresh = 0;
const SETTLED_MS = 60000; // home drawn again and again: one refresh a minute is plenty

/**
 * Fetches the published list and every template named by `neededIds` (the inspections on the
 * phone) that is not kept or may have changed. Resolves to {updated, failed}; never rejects
 * (offline is a normal state). One refresh at a time. unlessRecent: nothing when the last one
 * ended less than a minute ago and every needed id is kept (home being drawn again).
 */
export async function refreshTemplates(neededIds = [], { unlessRecent = false } = {}) {
  if (unlessRecent && Date.now() - lastRefresh < SETTLED_MS) {
    const kept = new Set((await db.listTemplateEntries()).map((entry) => entry.id));
    if (neededIds.every((id) => id == null || kept.has(Number(id)))) return { updated: [], failed: [] };
  }
  running ??= refresh(neededIds).finally(() => {
    running = null;
    lastRefresh = Date.now();
  });
  return running;
}

async function refresh(neededIds) {
  const result = { updated: [], failed: [] };
  const kept = new Map((await db.listTemplateEntries()).map((entry) => [entry.id, entry]));
  let publishedIds = null;
  try {
    const answer = await exchange('GET', '/api/inspection-templates?status=published', { timeoutMs: TIMEOUT_MS });
    if (!answer.ok) throw answer.error;
    publishedIds = new Set(
      listOf(answer.data)
        .filter((tpl) => (tpl.status ?? 'published') === 'published')
        .map((tpl) => tpl.id),
    );
  } catch (err) {
    result.failed.push({ id: 'list', error: err });
    if (err instanceof ApiError && (err.code === 'offline' || err.status === 401)) return result;
  }
  const ids = new Set([...(publishedIds ?? []), ...neededIds.filter((id) => id != null).map(Number)]);
  for (const id of ids) {
    try {
      const published = publishedIds ? publishedIds.has(id) : (kept.get(id)?.published ?? false);
      if (await refreshOne(id, kept.get(id), published)) result.updated.push(id);
    } catch (err) {
      result.failed.push({ id, error: err });
      if (err instanceof ApiError && (err.code === 'offline' || err.status === 401)) break;
    }
  }
  // A version withdrawn since (retired) is kept for the inspections made with it, but no
  // longer offered for a new one.
  if (publishedIds) {
    for (const entry of kept.values()) {
      if (entry.published && !publishedIds.has(entry.id)) {
        await db.putTemplateEntry({ ...entry, published: false });
        result.updated.push(entry.id);
      }
    }
  }
  if (result.updated.length) for (const fn of listeners) fn(result);
  return result;
}

/** One version: true when a new copy was stored (or its published mark changed). */
async function refreshOne(id, kept, published) {
  const headers = kept?.etag ? { 'If-None-Match': kept.etag } : {};
  const answer = await exchange('GET', `/api/inspection-templates/${id}`, { headers, timeoutMs: TIMEOUT_MS });
  const now = Date.now();
  if (answer.status === 304 && kept) {
    await db.putTemplateEntry({ ...kept, published, checked_at: now });
    return kept.published !== published;
  }
  if (!answer.ok) throw answer.error;
  const data = answer.data?.template ?? answer.data;
  if (!data?.categories) throw new ApiError(answer.status, 'bad_template', 'not a template');
  await db.putTemplateEntry({ id, etag: answer.headers.get('ETag'), saved_at: now, checked_at: now, published, data });
  return true;
}

/** A kept template version by id, or null. */
export async function loadTemplate(id) {
  if (id == null) return null;
  return (await db.getTemplateEntry(Number(id)))?.data ?? null;
}

/** The latest published version kept on the phone (an ad-hoc inspection's), or null. */
export async function latestTemplate() {
  const entries = await db.listTemplateEntries();
  return latestPublished(
    entries.filter((entry) => entry.published).map((entry) => ({ status: 'published', ...entry.data, id: entry.id })),
  );
}
