// The admin's part of the home screen: a link card per section of the console (ui/admin-nav.js),
// 问题上报 with how many reports wait. Nothing for users who are no admin.
import { isAdmin } from '../admin.js';
import { adminSession, countNewReports } from '../admin-data.js';
import { t } from '../i18n.js';
import { isOnline } from '../net.js';
import { ADMIN_SECTIONS, sectionTestid } from './admin-nav.js';
import { h } from './dom.js';
import { linkCard } from './home-links.js';

/** The section, or null for a user who is no admin. */
export function adminSection({ me }) {
  if (!isAdmin(me)) return null;
  adminSession(me.user.id);
  const waiting = h('span', { class: 'count count--alert', 'data-testid': 'admin-reports-count', hidden: true });
  if (isOnline()) {
    countNewReports().then(
      (count) => {
        waiting.textContent = t('admin.home.reports_waiting', { count });
        waiting.hidden = !count;
      },
      () => {},
    );
  }
  return h(
    'nav',
    { class: 'admin-home', 'data-testid': 'admin-home', 'aria-label': t('admin.home.label') },
    ADMIN_SECTIONS.map((section) =>
      linkCard({
        kind: 'admin-link',
        href: section.href,
        testid: sectionTestid(section),
        title: t(section.title),
        about: t(section.about),
        badge: section.id === 'reports' ? waiting : null,
      }),
    ),
  );
}
