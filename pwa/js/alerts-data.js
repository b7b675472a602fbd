// The admin's side of alerts over the API (server/alerts/routes.py): publish, list, one alert
// with its delivery counts, resend to failed, approve, cancel. Online only, like the other
// admin screens; nothing here goes to IndexedDB.
import { get, post } from './api.js';

const enc = encodeURIComponent;

/** POST /api/alerts: sends now, at send_at, or waits for approval (the answer's status says). */
export const publishAlert = (body) => post('/api/alerts', body);
/** {items} of my alerts, newest first; view 'to_approve': those waiting for my approval. */
export const loadAlerts = ({ view = 'mine' } = {}) => get(`/api/alerts?view=${enc(view)}`);
/** One alert with {counts: {queued, sent, delivered, clicked, read, failed, expired, recipients}}. */
export const loadAlert = (id) => get(`/api/alerts/${enc(id)}`);
/** {queued}: how many failed deliveries go out again. */
export const resendFailed = (id) => post(`/api/alerts/${enc(id)}/resend`, {});
export const approveAlert = (id) => post(`/api/alerts/${enc(id)}/approve`, {});
export const cancelAlert = (id) => post(`/api/alerts/${enc(id)}/cancel`, {});
/** {people, devices, needs_approval, whole_jurisdiction}: whom the alert would reach if sent now, as sending counts it. */
export const previewAlert = (body) => post('/api/alerts/preview', body);
