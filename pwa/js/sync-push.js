// Push (PROTOCOL.md §6): sends the outbox in batches and applies the server's answers.
// A batch is marked 'sending' in IndexedDB before it leaves, so that after a lost answer, a
// timeout or a closed tab the very same batch goes again (same mutation ids: the server
// replays its first answers, §6.4) before anything newer. What a push writes comes back by itself
// if a crash loses it, so it is written relaxed (db.js, PROTOCOL.md §6.4): entries not marked or
// not answered stay in the outbox and go again under the same mutation ids.
import { request } from './api.js';
import { transactRelaxed } from './db.js';
import { perRecord, receiveServerCopy, recordKey, refreshRecord, withOutboxTracked } from './local-records.js';
import { notifyOutboxChanged, toWire } from './outbox.js';
import { photoHashesIn, uploadQueuedPhotos } from './photos.js';
import { PROTOCOL_VERSION } from './sync-core.js';

export const BATCH_SIZE = 200; // well under the server's 500; one push holds the write lock (§5.3)
const PUSH_TIMEOUT_MS = 60000; // 200 mutations on a slow link

/**
 * Pushes every entry that may go now. Resolves to {results, conflicts, blocked}: how many
 * answers came, how many of them were conflicts, and the photos that hold entries back because
 * the server refused them. Throws ApiError when a push gets no usable answer.
 */
export async function pushOutbox({ clientId, batchSize = BATCH_SIZE }) {
  let results = 0;
  let conflicts = 0;
  const reuploaded = new Set(); // photos the server said it lacks, sent again in this run
  let taken = await takeBatch(batchSize);
  while (taken.batch.length) {
    const answer = await pushBatch(taken, clientId, reuploaded, batchSize);
    results += answer.results;
    conflicts += answer.conflicts;
    // The next batch was taken in the transaction that stored the answers, if they came.
    taken = answer.next ?? (await takeBatch(batchSize));
  }
  return { results, conflicts, blocked: taken.blocked };
}

/**
 * The unanswered batch if there is one, else up to `size` pending entries, marked 'sending'.
 * An entry naming a photo the server has not confirmed waits (§10), and so does every later
 * entry of the same record, so that a record's edits reach the server in the order made.
 * Resolves to {batch, blocked, marked} as soon as the batch is chosen: the request may leave
 * while its marks are written (the server's time then covers IndexedDB's, issue 17); `marked`
 * resolves once they are stored, and pushBatch stores no answer before. A batch sent whose
 * marks then fail stays pending and goes again under the same mutation ids (§6.4).
 */
function takeBatch(size) {
  return new Promise((resolve, reject) => {
    const marked = transactRelaxed(['outbox', 'photos'], async (tx) => {
      const { marks, ...taken } = await chooseBatch(tx, await tx.outbox.all(), size);
      resolve({ ...taken, marked });
      await marks;
    });
    marked.catch(reject); // failed before the choice: nothing taken (after it, pushBatch awaits `marked`)
  });
}

/**
 * takeBatch's choice among `entries` (the whole outbox, oldest first), in transaction tx:
 * {batch, blocked, marks}, marks: the promise of the 'sending' marks' puts, all queued together.
 */
async function chooseBatch(tx, entries, size) {
  const unanswered = entries.filter((e) => e.status === 'sending');
  if (unanswered.length) return { batch: unanswered, blocked: [], marks: Promise.resolve() };
  const waiting = new Set();
  const blocked = new Map(); // sha256 -> refused photo
  const batch = [];
  for (const entry of entries) {
    if (batch.length >= size) break;
    if (entry.status !== 'pending') continue;
    const key = JSON.stringify([entry.entity, entry.record_id]);
    const photos = await Promise.all((entry.photos ?? []).map((hash) => tx.photos.get(hash)));
    const notReady = photos.filter((p) => p && p.state !== 'uploaded');
    for (const photo of notReady) if (photo.state === 'refused') blocked.set(photo.sha256, photo);
    if (waiting.has(key) || notReady.length) {
      waiting.add(key);
      continue;
    }
    batch.push({ ...entry, status: 'sending' });
  }
  const marks = Promise.all(batch.map((entry) => tx.outbox.put(entry)));
  return { batch, blocked: [...blocked.values()].map(({ sha256, error }) => ({ sha256, error })), marks };
}

async function pushBatch({ batch, marked }, clientId, reuploaded, size) {
  const body = { protocol: PROTOCOL_VERSION, client_id: clientId, mutations: batch.map(toWire) };
  let answer;
  try {
    answer = await request('POST', '/api/sync/push', body, { timeoutMs: PUSH_TIMEOUT_MS });
  } catch (err) {
    await marked; // the batch is marked (or that failure is the one thrown)
    // A malformed mutation is refused alone, in the results (§6.1). Anything else: the batch
    // stays 'sending' and goes again unchanged.
    if (err.status === 409 && err.code === 'missing_blobs' && (await resendMissingPhotos(batch, err, reuploaded)))
      return { results: 0, conflicts: 0, next: null };
    throw err;
  }
  await marked;
  const results = answer?.results;
  if (!Array.isArray(results) || results.length !== batch.length) {
    throw new Error(`the server answered ${results?.length} results for ${batch.length} mutations`);
  }
  const { conflicts, next } = await applyResults(batch, results, size);
  notifyOutboxChanged('answered');
  return { results: results.length, conflicts, next };
}

/**
 * One transaction: every answer of the batch lands, or none does (and the batch goes again);
 * the next batch is taken in it too. The outbox is read once (withOutboxTracked), the records'
 * reads and writes are queued side by side, and the answered entries go in a few range deletes.
 */
function applyResults(batch, results, size) {
  return transactRelaxed(['records', 'outbox', 'photos'], async (outer) => {
    batch.forEach((entry, index) => {
      const result = results[index];
      if (result?.mutation_id !== entry.id)
        throw new Error(`result ${index} answers ${result?.mutation_id}, not ${entry.id}`);
    });
    const { tx, flushDeletes } = await withOutboxTracked(outer);
    let conflicts = 0;
    // One record's answers in order, different records side by side (local-records.js perRecord).
    const answered = batch.map((entry, index) => ({ entry, result: results[index] }));
    await perRecord(
      answered,
      ({ entry }) => recordKey(entry.entity, entry.record_id),
      async ({ entry, result }) => {
        if (result.status === 'applied' || result.status === 'conflict') {
          if (result.status === 'conflict') conflicts += 1;
          await tx.outbox.delete(entry.seq);
          // The server's record replaces ours; what is still queued for it is applied on top (§6.2).
          if (result.record)
            await receiveServerCopy(tx, { entity: entry.entity, id: entry.record_id, ...result.record });
          else await refreshRecord(tx, entry.entity, entry.record_id);
        } else if (result.error?.code === 'mutation_id_taken') {
          // Another user's mutation has this id (§6.3): the same change under a new id.
          await tx.outbox.put({ ...entry, id: crypto.randomUUID(), status: 'pending' });
        } else {
          // Kept, with the reason, until the user fixes or discards it; the local view keeps the edit.
          await tx.outbox.put({
            ...entry,
            status: 'rejected',
            error: result.error ?? { code: 'rejected', message: '', fields: {} },
          });
        }
      },
    );
    await flushDeletes();
    const { marks, ...next } = await chooseBatch(tx, await tx.outbox.all(), size);
    await marks;
    return { conflicts, next: { ...next, marked: Promise.resolve() } };
  });
}

/**
 * The server refused the batch because it cannot read photos it names (409 missing_blobs,
 * error.fields.blobs; nothing was written). Photos this phone holds are uploaded again, once per
 * run; entries naming a photo that cannot be sent are set aside as refused; the rest go back to
 * the queue and leave after the upload.
 */
async function resendMissingPhotos(batch, err, reuploaded) {
  const missing = err.fields?.blobs;
  if (!Array.isArray(missing) || !missing.length) return false;
  await transactRelaxed(['outbox', 'photos'], async (tx) => {
    const lost = new Set();
    for (const sha256 of missing) {
      const photo = await tx.photos.get(sha256);
      // Bytes released after an earlier upload (photos.js) cannot go again: that photo is lost too.
      if (photo?.bytes && photo.state !== 'refused' && !reuploaded.has(sha256))
        await tx.photos.put({ ...photo, state: 'queued', offset: 0 });
      else lost.add(sha256);
      reuploaded.add(sha256);
    }
    for (const entry of batch) {
      const named = [...photoHashesIn(entry.fields)].filter((sha256) => lost.has(sha256));
      await tx.outbox.put(
        named.length
          ? { ...entry, status: 'rejected', error: { code: err.code, message: err.message, fields: { blobs: named } } }
          : { ...entry, status: 'pending' },
      );
    }
  });
  notifyOutboxChanged('answered');
  await uploadQueuedPhotos();
  return true;
}
