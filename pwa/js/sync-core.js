// The pure parts of sync/ in JavaScript (PROTOCOL.md, redgrid-sync/1): entity rules, the
// per-field merge, the engine's push/pull over an in-memory store, and cursors. No IndexedDB,
// no fetch, no DOM. The files under sync-core/ mirror sync/_*.py one to one, so a change to the
// Python reference is easy to carry over; pwa/tests/vectors.test.mjs runs the shared vectors.
// The client uses the local view (sync-core/local.js) for optimistic edits.

export { CURSOR_VERSION, decodeCursor, encodeCursor } from './sync-core/cursor.js';
export {
  checkProtocol,
  DEFAULT_PAGE,
  Engine,
  MAX_BATCH,
  MAX_PAGE,
  PROTOCOL_VERSION,
  PullPage,
  SUPPORTED_PROTOCOLS,
} from './sync-core/engine.js';
export { changedFields, localView } from './sync-core/local.js';
export { MemoryStore } from './sync-core/memory.js';
export { Merged, merge, Rejection } from './sync-core/merge.js';
export { PAGE_FORMATS, pageChanges, ungroup } from './sync-core/pages.js';
export { CONFLICT_RULES, Entity, Field, templateBuckets } from './sync-core/rules.js';
export {
  Actor,
  BadMutation,
  Conflict,
  CursorExpired,
  CursorInvalid,
  compareStrings,
  LogEntry,
  Mutation,
  MutationResult,
  pyEqual,
  Record,
  SyncError,
  UnsupportedProtocol,
} from './sync-core/values.js';
