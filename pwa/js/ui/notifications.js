// 通知 (#/notifications): the notices the server wrote for me — an order overdue or escalated to
// my community, an order answered — unread first, each with a link to what it is about. Opening
// the screen shows them; 全部标为已读 marks them read. Online only (said plainly offline).
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

/** #/notifications */
export function notificationsScreen() {
  const body = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h('section', { class: 'screen', 'data-testid': 'notifications' },
    h('a', { class: 'back', href: '#/', text: t('form.back_home') }),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('notices.title') }), body);

  async function show() {
    if (!isOnline()) {
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
      body.replaceChildren(
        page.unread ? h('div', { class: 'button-row' }, readAll) : null,
        items.length ? h('ul', { class: 'notice-list', 'data-testid': 'notice-list' }, items.map(noticeItem))
          : h('p', { class: 'empty', 'data-testid': 'notifications-empty', text: t('notices.none') }));
    } catch (err) {
      body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: err.message || t('error.unexpected') }),
        h('button', { type: 'button', class: 'btn btn--secondary', onclick: show, text: t('error.retry') }));
    }
  }
  show();
  return screen;
}
