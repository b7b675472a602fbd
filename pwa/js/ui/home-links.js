// The home screen's links to screens loaded on first use (ui/routes.js): kept apart from those
// screens so that drawing home does not load them.

import { isAdmin } from '../admin.js';
import { formsToFill } from '../evaluation.js';
import { loadForms } from '../evaluation-data.js';
import { t } from '../i18n.js';
import { countUnreadInbox } from '../inbox-data.js';
import { decidesRequests, isUnbound } from '../join.js';
import { isVolunteer as reportsToCommunity } from '../members.js';
import { loadNeeds } from '../need-data.js';
import { adminQueue } from '../needs.js';
import { myGrids } from '../places.js';
import { isResident, isVolunteer } from '../wishes.js';
import { h } from './dom.js';
import { whenFirstScreen } from './ready.js';
import { watchLocalData } from './watch.js';

const BADGE_WAIT_MS = 1500; // a home without a task list never says its first screen is drawn

/** A big link card of the home screen: title (with an optional badge) and a line about it. */
export function linkCard({ href, testid, title, about, badge = null, kind = '' }) {
  return h(
    'a',
    { class: `directory-link${kind ? ` ${kind}` : ''}`, href, 'data-testid': testid },
    h('span', { class: 'directory-link__title' }, h('span', { text: title }), badge),
    h('span', { class: 'directory-link__about', text: about }),
  );
}

/** 网格名册, or null for someone who works no grid. */
export function directoryLink({ me }) {
  if (!myGrids(me).length) return null;
  return linkCard({
    href: '#/directory',
    testid: 'directory-open',
    title: t('directory.open'),
    about: t('directory.open_about'),
  });
}

/**
 * 消息, with the unread count of my inbox: synced `inbox` records in IndexedDB (every notice the
 * server sends me, PROTOCOL.md §13), so drawing home asks the network nothing and works offline.
 * A notice arriving while home is open (a poke, then a pull) redraws the count. For every
 * signed-in user.
 */
export function notificationsLink() {
  const badge = h('span', { class: 'count count--alert', 'data-testid': 'notifications-unread', hidden: true });
  const draw = async () => {
    const count = await countUnreadInbox();
    badge.textContent = String(count);
    badge.hidden = !count;
  };
  const link = linkCard({
    href: '#/inbox',
    testid: 'notifications-open',
    title: t('alerts.inbox.title'),
    about: t('alerts.inbox.about'),
    badge,
  });
  // Counted once the task list is drawn: opening the app reads the tasks from IndexedDB first.
  whenFirstScreen(BADGE_WAIT_MS)
    .then(draw)
    .catch(() => {});
  watchLocalData(link, draw);
  return link;
}

/** 微心愿 for residents (their wishes, #/wishes) and 心愿墙 for volunteers (#/wall); else nothing. */
export function wishLinks({ me }) {
  return [
    isResident(me)
      ? linkCard({ href: '#/wishes', testid: 'wishes-open', title: t('wish.mine_title'), about: t('wish.home_about') })
      : null,
    isVolunteer(me)
      ? linkCard({ href: '#/wall', testid: 'wall-open', title: t('wish.wall_title'), about: t('wish.wall_home_about') })
      : null,
  ];
}

/**
 * 我的诉求 for residents (#/needs), and 诉求督办 for admins (#/admin/needs) with the count of needs
 * reopened to them, read from IndexedDB (offline too) and redrawn as pulls bring more; else nothing.
 */
export function needLinks({ me }) {
  const resident = isResident(me)
    ? linkCard({ href: '#/needs', testid: 'needs-open', title: t('need.mine_title'), about: t('need.home_about') })
    : null;
  if (!isAdmin(me)) return [resident];
  const badge = h('span', { class: 'count count--alert', 'data-testid': 'needs-escalated-count', hidden: true });
  const draw = async () => {
    const { escalated } = adminQueue(await loadNeeds(), me);
    badge.textContent = String(escalated.length);
    badge.hidden = !escalated.length;
  };
  const link = linkCard({
    kind: 'admin-link',
    href: '#/admin/needs',
    testid: 'admin-needs-open',
    title: t('need.admin_title'),
    about: t('need.admin_home_about'),
    badge,
  });
  whenFirstScreen(BADGE_WAIT_MS)
    .then(draw)
    .catch(() => {});
  watchLocalData(link, draw);
  return [resident, link];
}

/**
 * 年度评议, for whoever holds a scoring form (an evaluator of a round: PROTOCOL.md §20), with how
 * many wait to be filled; hidden for everyone else. Read from IndexedDB after the first screen.
 */
export function evaluationLink() {
  const badge = h('span', { class: 'count count--alert', 'data-testid': 'evaluation-to-fill', hidden: true });
  const link = linkCard({
    href: '#/evaluation',
    testid: 'evaluation-open',
    title: t('evaluation.title'),
    about: t('evaluation.home_about'),
    badge,
  });
  link.hidden = true;
  const draw = async () => {
    const forms = await loadForms();
    const count = formsToFill(forms);
    link.hidden = !forms.length;
    badge.textContent = String(count);
    badge.hidden = !count;
  };
  whenFirstScreen(BADGE_WAIT_MS)
    .then(draw)
    .catch(() => {});
  watchLocalData(link, draw);
  return link;
}

/**
 * 入户 (PROTOCOL.md §19): 加入家庭 first for an account of no role (all it can do yet), 入户申请
 * for grid workers and admins (the requests they decide), and 我的 (profile, password,
 * household) for everyone.
 */
export function joinLinks({ me }) {
  return [
    isUnbound(me)
      ? linkCard({
          href: '#/join',
          testid: 'join-open',
          title: t('join.title'),
          about: t('join.home_about'),
        })
      : null,
    decidesRequests(me)
      ? linkCard({
          href: '#/join/requests',
          testid: 'join-requests-open',
          title: t('join.queue.title'),
          about: t('join.queue.home_about'),
        })
      : null,
    linkCard({ href: '#/me', testid: 'me-open', title: t('join.me.title'), about: t('join.me.home_about') }),
  ];
}

/**
 * 双报到: 我的报到 for those reporting to a community (volunteers), 到社区报到 (enter a code) for
 * accounts of no role yet and residents (an in-service member signs up, then reports), and 报到管理 for admins.
 */
export function memberLinks({ me }) {
  return [
    reportsToCommunity(me)
      ? linkCard({
          href: '#/members/me',
          testid: 'members-open',
          title: t('member.mine_title'),
          about: t('member.home_about'),
        })
      : null,
    !reportsToCommunity(me) && (isUnbound(me) || isResident(me))
      ? linkCard({
          href: '#/members/join',
          testid: 'members-join',
          title: t('member.join_title'),
          about: t('member.join_home_about'),
        })
      : null,
    isAdmin(me)
      ? linkCard({
          href: '#/admin/members',
          testid: 'members-admin',
          title: t('member.admin_title'),
          about: t('member.admin_home_about'),
        })
      : null,
  ];
}

/** 社区活动 for volunteers and admins (#/activities); 我的服务时长 for volunteers (#/service). */
export function activityLinks({ me }) {
  return [
    isVolunteer(me) || isAdmin(me)
      ? linkCard({
          href: '#/activities',
          testid: 'activities-open',
          title: t('activity.list_title'),
          about: t(isVolunteer(me) ? 'activity.home_about' : 'activity.home_about_admin'),
        })
      : null,
    isVolunteer(me)
      ? linkCard({
          href: '#/service',
          testid: 'service-open',
          title: t('service.title'),
          about: t('service.home_about'),
        })
      : null,
  ];
}
