// Talks to the Flask API: same origin, session cookie, JSON both ways, CSRF header on writes.
// Every failure becomes an ApiError, so screens need one catch and one shape:
//   {"error": {"code": "...", "message": "...", "fields": {"phone": ["..."]}}}
import { getLocale, t } from './i18n.js';

// A phone in a stairwell can hold a request open for minutes; give up and treat it as offline.
const DEFAULT_TIMEOUT_MS = 15000;

export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 when no HTTP response arrived
    this.code = code;
    this.fields = fields;
    this.retryAfterMs = null; // from a Retry-After header (429, 503), when the server sent one
  }
}

// The page carries the session's token (the server fills it into index.html): signing in on a
// first open needs no round trip for it. A copy of the page the service worker kept may carry an
// old one: the server then answers 400 "csrf" and send() fetches a fresh token and retries.
let csrfToken = globalThis.document?.querySelector('meta[name="csrf-token"]')?.content || null;
let csrfPending = null;

/** Sets (or with null, forgets) the CSRF token; sign-in and sign-out change the session it belongs to. */
export function rememberCsrfToken(token) {
  csrfToken = typeof token === 'string' && token ? token : null;
}

async function currentCsrfToken() {
  if (csrfToken) return csrfToken;
  // Several writes at once share one fetch of the token.
  csrfPending ??= request('GET', '/api/csrf').finally(() => {
    csrfPending = null;
  });
  await csrfPending;
  if (!csrfToken) throw new ApiError(0, 'csrf', t('error.unexpected'));
  return csrfToken;
}

// Only writes need the token; HEAD and GET are safe methods.
const needsCsrf = (method) => method !== 'GET' && method !== 'HEAD';

/**
 * body: {json} to send JSON, {bytes, type} to send raw bytes (an ArrayBuffer view), {form} to send
 * a FormData as multipart/form-data (the browser writes its Content-Type), or undefined.
 */
async function send(method, path, body, timeoutMs, extraHeaders = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLocale(), ...extraHeaders };
  if (body?.json !== undefined) headers['Content-Type'] = 'application/json';
  if (body?.bytes !== undefined) headers['Content-Type'] = body.type || 'application/octet-stream';
  if (needsCsrf(method)) headers['X-CSRFToken'] = await currentCsrfToken();

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body?.json !== undefined ? JSON.stringify(body.json) : (body?.form ?? body?.bytes),
      credentials: 'same-origin',
      cache: 'no-store', // API data is cached in IndexedDB by the app, never by the HTTP cache
      signal: controller.signal,
    });
  } catch {
    // fetch rejects only when no response came back: no network, DNS, refused, or our timeout.
    throw new ApiError(0, 'offline', t('error.offline'));
  } finally {
    clearTimeout(timer);
  }
}

async function readJson(response) {
  if (response.status === 204) return null;
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null; // a proxy's error page or a cut-off body: reported by status below
  }
}

function toApiError(status, data, headers) {
  const error = data?.error;
  const apiError = error
    ? new ApiError(
        status,
        error.code ?? 'http_error',
        error.message || t('error.server', { status }),
        error.fields ?? {},
      )
    : new ApiError(status, 'http_error', t('error.server', { status }));
  // 429 and 503 may say when to come back (PROTOCOL.md §6.4: honour Retry-After).
  apiError.retryAfterMs = parseRetryAfter(headers?.get('Retry-After'));
  return apiError;
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null. */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Sends one request and returns the parsed JSON body (null for 204), or throws ApiError.
 * A 400 with code "csrf" (token expired with the session) refetches the token and retries once.
 * timeoutMs: how long to wait for a response before calling it offline.
 */
export async function request(method, path, body, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const { response, data } = await sendWithCsrfRetry(
    method,
    path,
    body === undefined ? undefined : { json: body },
    timeoutMs,
  );
  if (!response.ok) throw toApiError(response.status, data, response.headers);
  return data;
}

/** Sends, and on 400 "csrf" refetches the token and sends once more (PROTOCOL.md §9). */
async function sendWithCsrfRetry(method, path, body, timeoutMs, headers) {
  let response = await send(method, path, body, timeoutMs, headers);
  let data = await readJson(response);
  if (response.status === 400 && data?.error?.code === 'csrf' && needsCsrf(method)) {
    csrfToken = null;
    response = await send(method, path, body, timeoutMs, headers);
    data = await readJson(response);
  }
  // /api/csrf, /api/me and login all hand out the token for the current session.
  if (typeof data?.csrf_token === 'string') rememberCsrfToken(data.csrf_token);
  return { response, data };
}

/**
 * For callers that read the status and headers themselves (HEAD, resumable uploads): resolves
 * to {status, ok, headers, data, error} for any HTTP answer, error being the ApiError a
 * failure would have thrown (null when ok). Throws ApiError only when no answer came (offline).
 * options.bytes: an ArrayBuffer view sent as the body with options.type as Content-Type;
 * options.headers: extra request headers (e.g. Content-Range).
 */
export async function exchange(method, path, { bytes, type, headers = {}, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const body = bytes === undefined ? undefined : { bytes, type };
  const { response, data } = await sendWithCsrfRetry(method, path, body, timeoutMs, headers);
  const error = response.ok ? null : toApiError(response.status, data, response.headers);
  return { status: response.status, ok: response.ok, headers: response.headers, data, error };
}

/** POSTs a FormData (a file upload) and returns the parsed JSON body, or throws ApiError. */
export async function postForm(path, form, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const { response, data } = await sendWithCsrfRetry('POST', path, { form }, timeoutMs);
  if (!response.ok) throw toApiError(response.status, data, response.headers);
  return data;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
