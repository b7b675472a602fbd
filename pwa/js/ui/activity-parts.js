// What the activity screens share: the status and standing chips, the time line of an activity,
// a list row, and the refused changes of a record with their ways out (nothing refused
// disappears by itself; a refused code is final — the same reading would be refused again).
import { myStanding } from '../activities.js';
import { getLocale, t } from '../i18n.js';
import { discard, retry } from '../outbox.js';
import { h } from './dom.js';
import { codeLabel } from './format.js';
import { refusedAlert } from './inspection-parts.js';
import { syncBadges } from './tasks.js';
import { row } from './wish-parts.js';

export const statusLabel = (status) => codeLabel('activity.status', status ?? 'published');
export const standingLabel = (standing) => codeLabel('activity.standing', standing);

export function statusChip(status, testid = null) {
  return h('span', {
    class: `chip chip--activity-${status ?? 'published'}`,
    'data-testid': testid,
    'data-status': status ?? 'published',
    text: statusLabel(status),
  });
}

export function standingChip(signup, testid = 'standing') {
  const standing = myStanding(signup);
  if (standing === 'none') return null;
  return h('span', {
    class: `chip chip--standing-${standing}`,
    'data-testid': testid,
    'data-standing': standing,
    text: standingLabel(standing),
  });
}

/** "12月8日 周六 09:00–11:30" (the end's day too when it differs). */
export function timeText(activity) {
  if (!activity.starts_at) return '';
  const locale = getLocale();
  const start = new Date(activity.starts_at);
  const end = activity.ends_at ? new Date(activity.ends_at) : null;
  const day = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', weekday: 'short' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
  if (!end) return `${day.format(start)} ${time.format(start)}`;
  const sameDay = start.toDateString() === end.toDateString();
  return `${day.format(start)} ${time.format(start)}–${sameDay ? '' : `${day.format(end)} `}${time.format(end)}`;
}

/** "已报名 8/20 · 候补 3" */
export const seatsText = (activity) =>
  t('activity.seats', { seated: activity.seated_count ?? 0, capacity: activity.capacity ?? 0 }) +
  (activity.waiting_count ? ` · ${t('activity.waiting_n', { n: activity.waiting_count })}` : '');

/** One activity in a list: its status (or mine), title, when and where. */
export function activityRow({ item, signup }) {
  const { activity } = item;
  return row({
    href: `#/activities/${encodeURIComponent(item.id)}`,
    testid: 'activity-row',
    id: item.id,
    status: activity.status ?? 'published',
    chips: [
      activity.status !== 'published' ? statusChip(activity.status) : null,
      standingChip(signup?.signup),
      syncBadges(item),
    ],
    title: activity.title ?? '',
    line: `${timeText(activity)} · ${activity.place ?? ''}`,
  });
}

const FINAL = /^(code_|already_|activity_closed|activity_over|not_seated|volunteer_only|signup_id|not_owner)/;

/** Every refused change, in the server's words, with 重试 (when it could pass) and 放弃. */
export function refusedNotes(refused, testid = 'activity-refused') {
  const act = (fn, seq) => () => fn(seq).catch((err) => console.warn('could not change the refused change', err));
  return refused.map((entry) =>
    refusedAlert(
      entry,
      [
        FINAL.test(entry.error?.code ?? '')
          ? null
          : { testid: 'refused-retry', text: t('sync.retry'), onclick: act(retry, entry.seq) },
        { testid: 'refused-discard', kind: 'btn--danger', text: t('sync.discard'), onclick: act(discard, entry.seq) },
      ].filter(Boolean),
      testid,
    ),
  );
}
