// The pure parts of sync/ in JavaScript (PROTOCOL.md, redgrid-sync/1): entity rules, the
// per-field merge, the engine's push/pull over an in-memory store, and cursors. No IndexedDB,
// no fetch, no DOM. The files under sync-core/ mirror sync/_*.py one to one, so a change to the
// Python reference is easy to carry over; pwa/tests/vectors.test.mjs runs the shared vectors.
// The client uses the local view (sync-core/local.js) for optimistic edits.
export {
  Actor,
  BadMutation,
  Conflict,
  CursorExpired,
  CursorInvalid,
  LogEntry,
  Mutation,
  MutationResult,
  Record,
  SyncError,
  UnsupportedProtocol,
  compareStrings,
  pyEqual,
} from './sync-core/values.js';
export { CONFLICT_RULES, Entity, Field, templateBuckets } from './sync-core/rules.js';
export { Merged, Rejection, merge } from './sync-core/merge.js';
export { CURSOR_VERSION, decodeCursor, encodeCursor } from './sync-core/cursor.js';
export {
  DEFAULT_PAGE,
  Engine,
  MAX_BATCH,
  MAX_PAGE,
  PROTOCOL_VERSION,
  PullPage,
  SUPPORTED_PROTOCOLS,
  checkProtocol,
} from './sync-core/engine.js';
export { MemoryStore } from './sync-core/memory.js';
export { changedFields, localView } from './sync-core/local.js';
