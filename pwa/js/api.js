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
  }
}

let csrfToken = null;
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

async function send(method, path, body, timeoutMs) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLocale() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRFToken'] = await currentCsrfToken();

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
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

function toApiError(status, data) {
  const error = data?.error;
  if (!error) return new ApiError(status, 'http_error', t('error.server', { status }));
  return new ApiError(status, error.code ?? 'http_error', error.message || t('error.server', { status }), error.fields ?? {});
}

/**
 * Sends one request and returns the parsed JSON body (null for 204), or throws ApiError.
 * A 400 with code "csrf" (token expired with the session) refetches the token and retries once.
 * timeoutMs: how long to wait for a response before calling it offline.
 */
export async function request(method, path, body, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  let response = await send(method, path, body, timeoutMs);
  let data = await readJson(response);
  if (response.status === 400 && data?.error?.code === 'csrf' && method !== 'GET') {
    csrfToken = null;
    response = await send(method, path, body, timeoutMs);
    data = await readJson(response);
  }
  // /api/csrf, /api/me and login all hand out the token for the current session.
  if (typeof data?.csrf_token === 'string') rememberCsrfToken(data.csrf_token);
  if (!response.ok) throw toApiError(response.status, data);
  return data;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
