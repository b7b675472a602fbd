// What the phone shows before the server answers (optimistic state). Not in sync/: the server
// merges with per-field versions (§7.1); the client only overlays its own unconfirmed edits on
// the last copy the server gave it, in outbox order, and replaces that copy when the server's
// answer comes (§6.2: "replaces its local copy … then re-applies any of its own mutations").
import { deepCopy, pyEqual, pyGet } from './values.js';

/**
 * The record as the user should see it: `serverData` (the server's values, or null when the
 * server has no copy for us) with `mutations` (wire-shaped, oldest first) applied.
 * `fallback` is used when there is no server copy and no create among the mutations (the
 * server's copy went away while edits were still queued): the last view, so the user keeps
 * seeing what they edited until the server's answer (a rejection) says more.
 * Returns {data, deleted}; data is null when there is nothing to show.
 */
export function localView(serverData, mutations, fallback = null) {
  let data = serverData ? deepCopy(serverData) : null;
  if (data === null && !mutations.some((m) => m.op === 'create')) data = fallback ? deepCopy(fallback) : null;
  let deleted = false;
  for (const mutation of mutations) {
    if (mutation.op === 'delete') {
      deleted = true;
    } else {
      // create or update: the fields the user set win locally; the server's merge decides later.
      data = { ...(data ?? {}), ...deepCopy(mutation.fields ?? {}) };
      if (mutation.op === 'create') deleted = false;
    }
  }
  return { data, deleted };
}

/** The fields of `next` whose values differ from `current` (by the server's idea of equal, §7.1). */
export function changedFields(current, next) {
  return Object.fromEntries(Object.entries(next).filter(([name, value]) => !pyEqual(value, pyGet(current, name))));
}
