// In-app notices (GET /api/notifications): a rectification order overdue or escalated, an order
// answered … Unread first. They need the network; the alerts issue (Web Push, a synced inbox
// readable offline) takes them over.
import { get, post } from './api.js';

/** {items, total, unread} of my notices, unread first. */
export const loadNotifications = ({ page = 1, perPage = 30 } = {}) => get(`/api/notifications?page=${page}&per_page=${perPage}`);
/** How many are unread. */
export const countUnread = async () => (await get('/api/notifications?unread_only=true&per_page=1'))?.unread ?? 0;
// The server pokes `notification:poke` to my room when it wrote me a notice (live.js).
const listeners = new Set();

/** Calls fn() whenever a notice arrived; returns the function that stops it. */
export function onNoticeArrived(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function noticeArrived() {
  for (const fn of [...listeners]) fn();
}

/** Marks these (or, with no ids, all of mine) read: {marked}. */
export const markRead = (ids) => post('/api/notifications/read', ids?.length ? { ids } : {});
