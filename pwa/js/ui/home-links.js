// The home screen's links to screens loaded on first use (ui/routes.js): kept apart from those
// screens so that drawing home does not load them.
import { t } from '../i18n.js';
import { isOnline } from '../net.js';
import { countUnread as countInboxUnread } from '../alerts.js';
import { onAlertArrived } from '../alert-events.js';
import { loadInbox } from '../inbox-data.js';
import { countUnread, onNoticeArrived } from '../notifications.js';
import { myGrids } from '../places.js';
import { h } from './dom.js';
import { watchLocalData } from './watch.js';

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

/**
 * 消息, with the unread count: my inbox entries from IndexedDB (offline too) plus, online, the
 * server's notices of issue 5. For every signed-in user.
 */
export function notificationsLink() {
  const badge = h('span', { class: 'count count--alert', 'data-testid': 'notifications-unread', hidden: true });
  let notices = 0;
  const draw = async () => {
    const count = countInboxUnread(await loadInbox()) + notices;
    badge.textContent = String(count);
    badge.hidden = !count;
  };
  const refresh = () => {
    draw().catch(() => {});
    if (!isOnline()) return;
    countUnread().then((count) => {
      notices = count;
      return draw();
    }, () => {});
  };
  refresh();
  // A notice written or an alert arriving while home is open: the count changes without a reload.
  const link = linkCard({ href: '#/inbox', testid: 'notifications-open', title: t('alerts.inbox.title'), about: t('alerts.inbox.about'), badge });
  const stops = [onNoticeArrived(refresh), onAlertArrived(refresh)];
  watchLocalData(link, () => (badge.isConnected ? draw() : stops.forEach((stop) => stop())));
  return link;
}
