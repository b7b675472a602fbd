// The in-app notices of issue 5 (GET /api/notifications: an order overdue or escalated to my
// community, an order answered), shown under the inbox (#/inbox) until the notification service
// of issue 6 writes them as inbox entries. Online only (said plainly offline).
import { t } from '../i18n.js';
import { isOnline } from '../net.js';
import { loadNotifications, markRead } from '../notifications.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

function noticeItem(notice) {
  const unread = !notice.read_at;
  const title = notice.link
    ? h('a', { class: 'notice__title', href: notice.link, text: notice.title })
    : h('strong', { class: 'notice__title', text: notice.title });
  return h('li', { class: `card notice${unread ? ' notice--unread' : ''}`, 'data-testid': 'notice', 'data-id': notice.id, 'data-unread': String(unread) },
    unread ? h('span', { class: 'chip chip--urgent', text: t('notices.unread') }) : null,
    title,
    notice.body ? h('p', { class: 'notice__body', text: notice.body }) : null,
    h('span', { class: 'muted small', text: dateTime(notice.created_at) }));
}

/** 其他提醒: the server's notices, with 全部标为已读; nothing when there are none. */
export function noticesSection() {
  const body = h('div', {});
  const section = h('section', { class: 'notices', 'data-testid': 'notifications' },
    h('h2', { class: 'screen__subtitle', text: t('notices.title') }), body);

  async function show() {
    if (!isOnline()) {
      section.hidden = false;
      body.replaceChildren(h('p', { class: 'note', role: 'status', 'data-testid': 'notifications-offline', text: t('notices.offline') }));
      return;
    }
    try {
      const page = await loadNotifications();
      const items = page.items ?? [];
      const readAll = h('button', { type: 'button', class: 'btn btn--secondary', 'data-testid': 'notifications-read-all', text: t('notices.read_all') });
      readAll.addEventListener('click', async () => {
        readAll.disabled = true;
        try {
          await markRead();
          await show();
        } catch (err) {
          readAll.disabled = false;
          readAll.after(h('p', { class: 'alert', role: 'alert', text: err.message || t('error.unexpected') }));
        }
      });
      // Nothing from the server: the section stays out of the way of the inbox above it.
      section.hidden = !items.length;
      body.replaceChildren(...[
        page.unread ? h('div', { class: 'button-row' }, readAll) : null,
        items.length ? h('ul', { class: 'notice-list', 'data-testid': 'notice-list' }, items.map(noticeItem))
          : h('p', { class: 'empty', 'data-testid': 'notifications-empty', text: t('notices.none') }),
      ].filter(Boolean));
    } catch (err) {
      body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: err.message || t('error.unexpected') }),
        h('button', { type: 'button', class: 'btn btn--secondary', onclick: show, text: t('error.retry') }));
    }
  }
  show();
  return section;
}
