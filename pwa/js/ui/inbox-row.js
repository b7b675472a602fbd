// One entry of my inbox as a row (消息 and the resident's home), and the chips of an alert's level.
import { inboxPath, isExpired, isUnread } from '../alerts.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { codeLabel, dateTime } from './format.js';

export const levelLabel = (level) => codeLabel('alerts.level', level);
export const alertCategoryLabel = (category) => codeLabel('alerts.category', category);

export function levelChip(level) {
  return h('span', {
    class: `chip chip--level-${level}`,
    'data-testid': 'alert-level',
    'data-level': level,
    text: levelLabel(level),
  });
}

export function entryRow(entry) {
  const unread = isUnread(entry);
  return h(
    'li',
    {},
    h(
      'a',
      {
        class: `card inbox-row${unread ? ' inbox-row--unread' : ''}`,
        href: `#${inboxPath(entry.id)}`,
        'data-testid': 'inbox-row',
        'data-id': entry.id,
        'data-unread': String(unread),
        'data-category': entry.category,
      },
      h(
        'span',
        { class: 'inbox-row__head' },
        unread ? h('span', { class: 'dot', 'aria-label': t('alerts.unread') }) : null,
        levelChip(entry.level),
        h('span', { class: 'tag', text: alertCategoryLabel(entry.category) }),
        isExpired(entry) ? h('span', { class: 'tag tag--muted', text: t('alerts.expired') }) : null,
      ),
      h('strong', { class: 'inbox-row__title', 'data-testid': 'inbox-title', text: entry.title }),
      h('span', { class: 'inbox-row__body', text: entry.body }),
      h('span', { class: 'muted small', text: entry.createdAt ? dateTime(entry.createdAt) : '' }),
    ),
  );
}
