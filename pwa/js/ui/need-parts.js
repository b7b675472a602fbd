// What the need screens share (resident, grid worker, admin): status and category chips, the
// deadline line, a list row, and the timeline of received → accepted → in progress → resolved |
// referred with who did what and when.
import { t } from '../i18n.js';
import { nextDeadline, statusOf, timeline } from '../needs.js';
import { h } from './dom.js';
import { codeLabel, dateTime, dayAndTime } from './format.js';
import { syncBadges } from './tasks.js';
import { block, row } from './wish-parts.js';

export const needStatusLabel = (status) => codeLabel('need.status', status ?? 'received');
export const needCategoryLabel = (category) => codeLabel('need.category', category);

export function needStatusChip(need, testid = 'need-status') {
  const status = statusOf(need);
  return h('span', {
    class: `chip chip--need-${status}`,
    'data-testid': testid,
    'data-status': status,
    text: needStatusLabel(status),
  });
}

export const categoryChip = (category) =>
  h('span', { class: 'chip chip--type chip--need', text: needCategoryLabel(category) });

export const escalatedChip = (need) =>
  need.escalated
    ? h('span', { class: 'chip chip--urgent', 'data-testid': 'need-escalated', text: t('need.escalated') })
    : null;

/** "请在 今天 17:00 前响应" / "办结已超时（昨天 18:00）", with .overdue; null when none is ahead. */
export function deadlineLine(need, now = new Date()) {
  const next = nextDeadline(need, now);
  if (!next) return null;
  const when = dayAndTime(next.at, now);
  const key = next.overdue ? `need.overdue_${next.kind}` : `need.${next.kind}_by`;
  return { text: t(key, { when }), overdue: next.overdue };
}

/** One need in a list: category, status, sync state, its words and its next deadline. */
export function needRow(item, now = new Date()) {
  const { need } = item;
  const deadline = deadlineLine(need, now);
  const node = row({
    href: `#/needs/${encodeURIComponent(item.id)}`,
    testid: 'need-row',
    id: item.id,
    status: statusOf(need),
    chips: [categoryChip(need.category), needStatusChip(need, null), escalatedChip(need), syncBadges(item)],
    title: need.text ?? '',
    line: deadline?.text ?? (need.created_at ? dateTime(need.created_at) : ''),
  });
  if (deadline?.overdue) node.querySelector('.task-row__place')?.classList.add('task-row__due--overdue');
  return node;
}

/** The timeline's four steps, each ticked when reached, with its time. */
export function timelineBlock(need) {
  return block(
    t('need.timeline'),
    'need-timeline',
    h(
      'ol',
      { class: 'timeline' },
      timeline(need).map((step) =>
        h(
          'li',
          {
            class: `timeline__step${step.done ? ' timeline__step--done' : ''}`,
            'data-testid': 'timeline-step',
            'data-status': step.status,
            'data-done': String(step.done),
          },
          h('span', { class: 'timeline__mark', 'aria-hidden': 'true', text: step.done ? '✓' : '' }),
          h('span', { class: 'timeline__label', text: needStatusLabel(step.status) }),
          step.at ? h('span', { class: 'timeline__when', text: dateTime(step.at) }) : null,
        ),
      ),
    ),
  );
}

/** What an entry of the history says: the new status, a rating, an escalation. */
function entryLabel(entry) {
  if (entry.escalation) return t(`need.escalation.${entry.escalation}`);
  if (entry.rating) return t('need.history_rating', { n: entry.rating });
  return needStatusLabel(entry.to);
}

/** Every change, newest first: what, by me or not, when, and its note, referral or comment. */
export function needHistory(need, me) {
  const entries = [...(need.history ?? [])].reverse();
  if (!entries.length) return null;
  return block(
    t('need.history'),
    'need-history',
    h(
      'ol',
      { class: 'history' },
      entries.map((entry) =>
        h(
          'li',
          { class: 'history__item', 'data-testid': 'need-history-entry' },
          h('strong', { text: entryLabel(entry) }),
          entry.by === me.user.id ? h('span', { class: 'history__who', text: t('history.you') }) : null,
          h('span', { class: 'history__when', text: dateTime(entry.device_at ?? entry.server_at) }),
          entry.referred_to
            ? h('span', { class: 'history__reason', text: t('need.referred_to_shown', { to: entry.referred_to }) })
            : null,
          entry.note || entry.comment
            ? h('span', { class: 'history__reason', text: entry.note ?? entry.comment })
            : null,
        ),
      ),
    ),
  );
}
