// A tiny stand-in for the Flask server, for the client tests: the sync endpoints run the
// JavaScript port of the engine (js/sync-core.js) over its MemoryStore, and the blob endpoints
// follow server/blobs/routes.py (HEAD 200/404 + Upload-Offset; PUT whole or by Content-Range,
// 202 per kept chunk, 409 wrong_offset, 201/200 when stored, 415 for non-images); a push naming
// a photo the server lacks is refused whole with 409 missing_blobs, as server/sync/service.py does.
// `fetch` is what the tests install as globalThis.fetch. Faults simulate the network:
//   'network' the request never arrives; 'lost' it is handled, then the answer is lost;
//   {status, code, headers} an error answer instead of handling it.
// Every request is kept in `requests`, with the status and JSON answer it got.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import {
  Actor,
  BadMutation,
  CursorExpired,
  CursorInvalid,
  Engine,
  Entity,
  MemoryStore,
  Mutation,
  PROTOCOL_VERSION,
} from '../../js/sync-core.js';

export const NOTE = JSON.parse(
  readFileSync(new URL('../../../sync/vectors/_entity_note.json', import.meta.url), 'utf8'),
);
const CSRF_TOKEN = 'csrf-token-1';
const MAGIC = [
  [0xff, 0xd8, 0xff],
  [0x89, 0x50, 0x4e, 0x47],
  [0x52, 0x49, 0x46, 0x46],
]; // JPEG, PNG, RIFF (WebP)

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const error = (status, code, message, fields = {}, headers = {}) =>
  json(status, { error: { code, message, fields } }, headers);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * entities: the entity rules in sync/vectors JSON form (default: the vectors' note), or
 * Entity objects (e.g. with a validate function).
 */
export function createFakeServer({ buckets = { 'grid:1': ['grid_worker'] }, userId = 1, entities = [NOTE] } = {}) {
  const rules = () => entities.map((spec) => (spec instanceof Entity ? spec : Entity.fromDict(spec)));
  const server = {
    store: new MemoryStore('epoch-1'),
    actor: new Actor(userId, buckets),
    protocols: [PROTOCOL_VERSION],
    blobs: new Map(), // sha256 -> Uint8Array
    uploads: new Map(), // sha256 -> Uint8Array received so far (this one user's upload)
    requests: [], // {method, path, headers, body (parsed JSON), size}
    offline: false,
    faults: [],
    inFlight: 0,
    maxInFlight: 0,
    onRequest: null, // async (request) => void, before it is handled
  };
  server.engine = new Engine(server.store, rules());

  /** The next request matching `match` ("METHOD /path-prefix" or a function) fails as `fault`. */
  server.failNext = (match, fault) => server.faults.push({ match, fault });
  server.setBuckets = (next) => {
    server.actor = new Actor(userId, next);
  };
  /** The server's data is restored from a backup: a new epoch (§5.5), nothing synced yet, seqs from 1 again. */
  server.restore = (epoch) => {
    server.store = new MemoryStore(epoch);
    server.engine = new Engine(server.store, rules());
  };
  /** A backup of the server's data (the store's maps copied; the values in them are never edited in place). */
  const copyData = ({ records, log, results, conflicts, lastSeq, purgedSeq }) => ({
    records: new Map(records),
    log: new Map(log),
    results: new Map(results),
    conflicts: [...conflicts],
    lastSeq,
    purgedSeq,
  });
  server.backup = () => copyData(server.store);
  /**
   * Restores a backup, with a new epoch as `redgrid sync-restored` gives it (§5.5): seqs after it
   * are handed out again.
   */
  server.restoreBackup = (backup, epoch) => {
    server.store = Object.assign(new MemoryStore(epoch), copyData(backup));
    server.engine = new Engine(server.store, rules());
  };
  /** Another user writes (an admin on a desk, a second phone): wire mutations, their results. */
  server.pushAs = (spec, clientId, mutations) =>
    server.engine
      .push(
        new Actor(spec.user_id, spec.buckets),
        clientId,
        mutations.map((m) => Mutation.fromWire(m)),
      )
      .map((r) => r.toWire());
  server.requestsTo = (method, prefix) =>
    server.requests.filter((r) => r.method === method && r.path.startsWith(prefix));

  server.fetch = async (url, init = {}) => {
    const { pathname: path } = new URL(url, 'http://redgrid.test');
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    const bytes = init.body instanceof Uint8Array ? init.body : null;
    const request = {
      method,
      path,
      headers: Object.fromEntries(headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : null,
      size: bytes?.byteLength ?? 0,
    };
    server.requests.push(request);
    if (server.offline) throw new TypeError('Failed to fetch');
    const index = server.faults.findIndex(({ match }) =>
      typeof match === 'function' ? match(request) : `${method} ${path}`.startsWith(match),
    );
    const fault = index >= 0 ? server.faults.splice(index, 1)[0].fault : null;
    if (fault === 'network') throw new TypeError('Failed to fetch');
    if (fault?.status)
      return error(
        fault.status,
        fault.code ?? 'http_error',
        fault.message ?? `fault ${fault.status}`,
        {},
        fault.headers,
      );
    server.inFlight += 1;
    server.maxInFlight = Math.max(server.maxInFlight, server.inFlight);
    try {
      await server.onRequest?.(request);
      await new Promise((resolve) => setImmediate(resolve)); // let a concurrent caller try to overlap
      const response = handle(server, request, bytes);
      request.status = response.status;
      if (response.headers.get('Content-Type') === 'application/json') request.answer = await response.clone().json();
      if (fault === 'lost') throw new TypeError('Failed to fetch'); // handled, but the answer never arrives
      return response;
    } finally {
      server.inFlight -= 1;
    }
  };
  return server;
}

function handle(server, request, bytes) {
  const { method, path, headers, body } = request;
  if (method === 'GET' && path === '/api/csrf') return json(200, { csrf_token: CSRF_TOKEN });
  if (method !== 'GET' && method !== 'HEAD' && headers['x-csrftoken'] !== CSRF_TOKEN)
    return error(400, 'csrf', 'CSRF token missing');
  if (method === 'POST' && path === '/api/sync/pull') return pull(server, body);
  if (method === 'POST' && path === '/api/sync/push') return push(server, body);
  const blob = /^\/api\/blobs\/([0-9a-f]{64})$/.exec(path);
  if (blob && method === 'HEAD') return head(server, blob[1]);
  if (blob && method === 'PUT') return put(server, blob[1], headers['content-range'], bytes);
  return error(404, 'not_found', 'no such endpoint');
}

function unsupported(server, body) {
  if (server.protocols.includes(body?.protocol)) return null;
  const message = `请更新应用：服务器支持 ${server.protocols.join(', ')}`;
  return error(400, 'unsupported_protocol', message, { protocol: [message] });
}

function pull(server, body) {
  const refused = unsupported(server, body);
  if (refused) return refused;
  try {
    return json(200, server.engine.pull(server.actor, body.cursor ?? null, body.limit ?? 500).toWire());
  } catch (err) {
    if (err instanceof CursorInvalid) return error(400, 'cursor_invalid', '同步位置无效', { cursor: ['invalid'] });
    if (err instanceof CursorExpired) return error(410, 'cursor_expired', '服务器数据已重置', { cursor: ['expired'] });
    throw err;
  }
}

function push(server, body) {
  const refused = unsupported(server, body);
  if (refused) return refused;
  // server/sync/service.py push: a malformed mutation is refused alone (§6.1), the rest go on.
  const parsed = body.mutations.map((raw) => {
    try {
      return Mutation.fromWire(raw);
    } catch (err) {
      if (!(err instanceof BadMutation)) throw err;
      const text = (key) => (typeof raw?.[key] === 'string' ? raw[key] : null);
      const error = {
        code: 'bad_mutation',
        message: '这条修改的格式不正确，无法处理。',
        fields: { [err.details.field ?? '_schema']: [err.message] },
      };
      return {
        toWire: () => ({
          mutation_id: text('id'),
          entity: text('entity'),
          record_id: text('record_id'),
          status: 'rejected',
          version: null,
          record: null,
          conflicts: [],
          error,
        }),
      };
    }
  });
  const mutations = parsed.filter((m) => m instanceof Mutation);
  // server/sync/service.py _check_blobs: photos first, or the whole batch is refused (nothing written).
  const named = new Set(mutations.flatMap((m) => (Array.isArray(m.fields.photos) ? m.fields.photos : [])));
  const missing = [...named].filter((sha) => !server.blobs.has(sha)).sort();
  if (missing.length) return error(409, 'missing_blobs', '有照片还没有上传，上传后会自动重试。', { blobs: missing });
  const answers = mutations.length ? server.engine.push(server.actor, body.client_id, mutations) : [];
  const results = parsed.map((m) => (m instanceof Mutation ? answers.shift() : m));
  return json(200, { protocol: PROTOCOL_VERSION, results: results.map((r) => r.toWire()) });
}

function head(server, sha) {
  if (server.blobs.has(sha)) return new Response(null, { status: 200, headers: { 'Content-Type': 'image/jpeg' } });
  const partial = server.uploads.get(sha);
  return new Response(null, { status: 404, headers: partial ? { 'Upload-Offset': String(partial.byteLength) } : {} });
}

function put(server, sha, contentRange, bytes) {
  if (server.blobs.has(sha)) return json(200, { sha256: sha });
  let received = bytes;
  let total = bytes.byteLength;
  if (contentRange) {
    const [, start, end, size] = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange).map(Number);
    const have = server.uploads.get(sha) ?? new Uint8Array(0);
    if (start !== have.byteLength) {
      return error(
        409,
        'wrong_offset',
        `continue at ${have.byteLength}`,
        { offset: have.byteLength },
        { 'Upload-Offset': String(have.byteLength) },
      );
    }
    if (end - start + 1 !== bytes.byteLength) return error(400, 'bad_range', 'Content-Range does not match the body');
    received = new Uint8Array(have.byteLength + bytes.byteLength);
    received.set(have);
    received.set(bytes, have.byteLength);
    total = size;
    if (received.byteLength < total) {
      server.uploads.set(sha, received);
      return json(
        202,
        { sha256: sha, offset: received.byteLength, total },
        { 'Upload-Offset': String(received.byteLength) },
      );
    }
  }
  server.uploads.delete(sha);
  if (sha256(received) !== sha) return error(422, 'hash_mismatch', 'the bytes do not match the hash');
  if (!MAGIC.some((magic) => magic.every((b, i) => received[i] === b)))
    return error(415, 'unsupported_type', '只接受 JPEG、PNG 或 WebP 图片');
  server.blobs.set(sha, received);
  return json(201, { sha256: sha, size: total });
}
