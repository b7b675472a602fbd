// Photos (PROTOCOL.md §10, DESIGN.md §5): downscaled on the phone, named by the SHA-256 of
// their bytes, kept in IndexedDB as ArrayBuffer + MIME type, and uploaded resumably before any
// mutation that names them is pushed. The bytes stay on the phone after the upload until every
// edit naming them has been answered (releaseSentPhotos): a cheap phone's storage is small, and
// from then on the server has them (GET /api/blobs/<sha256>/thumb, or /api/blobs/<sha256>).
//
// A photo in the `photos` store:
//   {sha256, mime, bytes, size, state, offset, error, created_at, claimed, released_at}
//   state        'queued' (to upload), 'uploaded' (the server said 200/201) or 'refused' (the
//                server will never take these bytes: wrong type, too large, not an image; `error` says why)
//   offset       bytes the server has of an interrupted upload, as last seen
//   claimed      true once an outbox entry has named it (outbox.js); an unclaimed photo may
//                still be on a form being filled in
//   bytes        null once released (released_at: when); the row stays, so the photo is still
//                known as ours and uploaded
import { ApiError, exchange } from './api.js';
import { read, transact } from './db.js';

export const MAX_SIDE = 1600; // px on the long side (§10)
export const JPEG_QUALITY = 0.85;
export const CHUNK_BYTES = 256 * 1024; // an interrupted upload loses at most this much
const UPLOAD_TIMEOUT_MS = 60000; // one chunk on a slow 3G link
const PERMANENT = new Set([413, 415]); // too large, unsupported type: these bytes will never do
const PHOTO_HASH = /^[0-9a-f]{64}$/; // lowercase hex SHA-256 (§10)
// A photo no edit ever named was taken for a form never saved: after a week, nobody is coming back for it.
export const UNCLAIMED_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

// --- taking a photo --------------------------------------------------------------------------

/**
 * Takes a File from <input type=file accept="image/*" capture="environment">, downscales it to
 * at most 1600 px as JPEG, stores it and resolves to its SHA-256 (what records refer to).
 * Re-encoding also drops the camera's EXIF and GPS before anything leaves the phone.
 */
export async function addPhotoFromFile(file) {
  const { bytes, mime } = await downscale(file);
  return storePhoto(bytes, mime);
}

/** Stores bytes already prepared (JPEG, PNG or WebP) and resolves to their SHA-256. */
export async function storePhoto(bytes, mime) {
  const sha256 = await sha256Hex(bytes);
  await transact(['photos'], async (tx) => {
    const known = await tx.photos.get(sha256);
    // The same bytes again: one copy, one upload. Taken again after their release, they are
    // kept again (the server has them already) as a new photo that no edit has named yet.
    if (known?.bytes) return;
    if (known) await tx.photos.put({ ...known, bytes, released_at: null, claimed: false, created_at: Date.now() });
    else
      await tx.photos.put({
        sha256,
        mime,
        bytes,
        size: bytes.byteLength,
        state: 'queued',
        offset: 0,
        error: null,
        created_at: Date.now(),
      });
  });
  return sha256;
}

export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The size that fits within max px on the long side, never enlarged. */
export function fitWithin(width, height, max = MAX_SIDE) {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function downscale(file) {
  // 'from-image': upright as the camera meant it, since the EXIF that said so is dropped.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const { width, height } = fitWithin(bitmap.width, bitmap.height);
  let blob;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  } else {
    // Safari before 16.4 has no OffscreenCanvas.
    const canvas = document.createElement('canvas');
    Object.assign(canvas, { width, height });
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    blob = await new Promise((resolve, reject) => {
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('could not encode the photo'))),
        'image/jpeg',
        JPEG_QUALITY,
      );
    });
  }
  bitmap.close();
  // An ArrayBuffer, not the Blob: Safari's IndexedDB fails on Blobs.
  return { bytes: await blob.arrayBuffer(), mime: 'image/jpeg' };
}

/** Every photo hash (64 lowercase hex digits, §10) found in a record's fields, at any depth. */
export function photoHashesIn(value, found = new Set()) {
  if (typeof value === 'string' && PHOTO_HASH.test(value)) found.add(value);
  else if (Array.isArray(value)) value.forEach((item) => photoHashesIn(item, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => photoHashesIn(item, found));
  return found;
}

// --- uploading -------------------------------------------------------------------------------

/** True when every one of `hashes` kept on this phone has been confirmed by the server. */
export function allUploaded(hashes, photosByHash) {
  return hashes.every((hash) => photosByHash.get(hash)?.state === 'uploaded');
}

/**
 * Uploads every queued photo, oldest first. Throws ApiError when the network or the server
 * fails (the caller backs off and calls again: uploads resume where they stopped). A photo the
 * server refuses for good is marked 'refused' and the others go on; resolves to the refused list.
 */
export async function uploadQueuedPhotos() {
  const queued = (await read(['photos'], (tx) => tx.photos.withState('queued'))).sort(
    (a, b) => a.created_at - b.created_at,
  );
  const refused = [];
  for (const photo of queued) {
    const outcome = await uploadPhoto(photo);
    if (outcome.state === 'refused') refused.push(outcome);
  }
  return refused;
}

async function uploadPhoto(photo) {
  const url = `/api/blobs/${photo.sha256}`;
  const head = await exchange('HEAD', url);
  if (head.status === 200) return markPhoto(photo.sha256, { state: 'uploaded', offset: photo.size });
  if (head.status !== 404) throw head.error;
  let offset = headerOffset(head.headers) ?? 0;
  let restarts = 0;
  // Bounded: each answer moves the offset forward or names it; a server that keeps sending us
  // back would otherwise spin here forever.
  for (let step = 0; step < Math.ceil(photo.size / CHUNK_BYTES) * 3 + 3; step += 1) {
    const answer = await putFrom(photo, offset);
    if (answer.status === 200 || answer.status === 201)
      return markPhoto(photo.sha256, { state: 'uploaded', offset: photo.size, error: null });
    if (answer.status === 202 || answer.status === 409) {
      // A chunk was kept (202), or we were not where the server is (409): go on from its offset.
      const next = headerOffset(answer.headers) ?? answer.data?.offset ?? answer.error?.fields?.offset;
      if (!Number.isInteger(next)) throw answer.error ?? new ApiError(answer.status, 'bad_offset', 'no Upload-Offset');
      offset = next;
      await markPhoto(photo.sha256, { offset });
      continue;
    }
    if (answer.status === 422 && answer.error.code === 'hash_mismatch' && restarts === 0) {
      // The server dropped what it had. Our bytes still match their name? Then the link mangled
      // them: start again once. If not, the stored copy is damaged and can never upload.
      if ((await sha256Hex(photo.bytes)) !== photo.sha256)
        return markPhoto(photo.sha256, { state: 'refused', error: errorOf(answer) });
      restarts += 1;
      offset = 0;
      continue;
    }
    if (PERMANENT.has(answer.status) || answer.status === 422)
      return markPhoto(photo.sha256, { state: 'refused', error: errorOf(answer) });
    throw answer.error; // 401, 429, 5xx …: the whole sync waits and tries again
  }
  throw new ApiError(0, 'upload_stuck', `the upload of ${photo.sha256} does not advance`);
}

/** PUT of everything from `offset`: the whole body, or one 256 KiB chunk with Content-Range. */
function putFrom(photo, offset) {
  const url = `/api/blobs/${photo.sha256}`;
  if (offset === 0 && photo.size <= CHUNK_BYTES) {
    return exchange('PUT', url, { bytes: new Uint8Array(photo.bytes), type: photo.mime, timeoutMs: UPLOAD_TIMEOUT_MS });
  }
  const end = Math.min(offset + CHUNK_BYTES, photo.size); // exclusive here, inclusive on the wire
  return exchange('PUT', url, {
    bytes: new Uint8Array(photo.bytes, offset, end - offset),
    type: photo.mime,
    headers: { 'Content-Range': `bytes ${offset}-${end - 1}/${photo.size}` },
    timeoutMs: UPLOAD_TIMEOUT_MS,
  });
}

function headerOffset(headers) {
  const value = headers.get('Upload-Offset');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

const errorOf = (answer) => ({ code: answer.error.code, message: answer.error.message, fields: answer.error.fields });

async function markPhoto(sha256, changes) {
  return transact(['photos'], async (tx) => {
    const photo = { ...(await tx.photos.get(sha256)), ...changes };
    await tx.photos.put(photo);
    return photo;
  });
}

// --- releasing -------------------------------------------------------------------------------

/**
 * Drops the bytes of every photo the server has confirmed (state 'uploaded') that no outbox
 * entry names any more, pending, in flight or refused alike: a refused edit may be fixed and
 * sent again, and a 409 missing_blobs (§6.2) needs the bytes to upload once more. Only photos an
 * edit has named are released (or, never named, older than UNCLAIMED_KEEP_MS): a photo on a form
 * still being filled in is uploaded early but not yet named. Resolves to the hashes released.
 */
export async function releaseSentPhotos(now = Date.now()) {
  return transact(['outbox', 'photos'], async (tx) => {
    const named = new Set();
    for (const entry of await tx.outbox.all()) {
      for (const hash of entry.photos ?? []) named.add(hash);
      photoHashesIn(entry.fields, named);
    }
    const released = [];
    for (const photo of await tx.photos.withState('uploaded')) {
      if (!photo.bytes || named.has(photo.sha256)) continue;
      if (!photo.claimed && now - (photo.created_at ?? 0) < UNCLAIMED_KEEP_MS) continue;
      await tx.photos.put({ ...photo, bytes: null, released_at: now });
      released.push(photo.sha256);
    }
    return released;
  });
}
