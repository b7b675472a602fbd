// The home screen's links to screens loaded on first use (ui/routes.js): kept apart from those
// screens so that drawing home does not load them.
import { t } from '../i18n.js';
import { isOnline } from '../net.js';
import { countUnread, onNoticeArrived } from '../notifications.js';
import { myGrids } from '../places.js';
import { h } from './dom.js';

/** A big link card of the home screen: title (with an optional badge) and a line about it. */
export function linkCard({ href, testid, title, about, badge = null, kind = '' }) {
  return h('a', { class: `directory-link${kind ? ` ${kind}` : ''}`, href, 'data-testid': testid },
    h('span', { class: 'directory-link__title' }, h('span', { text: title }), badge),
    h('span', { class: 'directory-link__about', text: about }));
}

/** 网格名册, or null for someone who works no grid. */
export function directoryLink({ me }) {
  if (!myGrids(me).length) return null;
  return linkCard({ href: '#/directory', testid: 'directory-open', title: t('directory.open'), about: t('directory.open_about') });
}

/** 通知, with the unread count when online; for every signed-in user. */
export function notificationsLink() {
  const badge = h('span', { class: 'count count--alert', 'data-testid': 'notifications-unread', hidden: true });
  const refresh = () => {
    if (!isOnline()) return;
    countUnread().then((count) => {
      badge.textContent = String(count);
      badge.hidden = !count;
    }, () => {});
  };
  refresh();
  // A notice written while home is open (an order escalated): the count changes without a reload.
  const stop = onNoticeArrived(() => (badge.isConnected ? refresh() : stop()));
  return linkCard({ href: '#/notifications', testid: 'notifications-open', title: t('notices.title'), about: t('notices.about'), badge });
}
