// The home screen: each role's own work first (a grid worker's tasks, overdue and today; a
// steward's inspections of the month; property staff's orders by deadline; a resident's notices
// and compound), then the push offer and the links, the role cards and sign-out (issue 15). The
// sync state is the header's chip. The screen shows once its parts are drawn (ui/settle.js), so
// nothing shifts under the thumb. Shows the last synced copy of /api/me when offline, and says so.
import { getLocale, hasKey, t } from '../i18n.js';
import { isUnbound } from '../join.js';
import { signOut } from '../session.js';
import { adminSection } from './admin-home.js';
import { h } from './dom.js';
import {
  activityLinks,
  directoryLink,
  evaluationLink,
  joinLinks,
  memberLinks,
  needLinks,
  notificationsLink,
  wishLinks,
} from './home-links.js';
import { latestNotices } from './home-notices.js';
import { pushCard } from './push-card.js';
import { settling } from './settle.js';
import { refusedBanner } from './sync-panel.js';
import { reportButton, workSection } from './work.js';

function roleCard({ role, scope_type: scopeType, scope_name: scopeName, scope_path: scopePath = [] }) {
  // A role this release does not know yet still gets a card, named by its code.
  const known = hasKey(`role.${role}.name`);
  const scopeLabel = hasKey(`scope.${scopeType}`) ? t(`scope.${scopeType}`) : scopeType;
  // The path leads up to the scope; its last step is the scope itself, already shown as the name.
  const parents = scopePath.at(-1) === scopeName ? scopePath.slice(0, -1) : scopePath;
  return h(
    'article',
    { class: 'card role-card', 'data-testid': 'role-card', 'data-role': role },
    h('h3', { class: 'card__title', text: known ? t(`role.${role}.name`) : role }),
    h(
      'p',
      { class: 'role-card__scope' },
      h('span', { class: 'tag', text: scopeLabel }),
      h('span', { class: 'role-card__scope-name', text: scopeName }),
    ),
    parents.length
      ? h(
          'ol',
          { class: 'path', 'aria-label': t('home.path_label') },
          parents.map((part) => h('li', { text: part })),
        )
      : null,
    known ? h('p', { class: 'role-card__about', text: t(`role.${role}.about`) }) : null,
  );
}

// Roles whose part of home (我的检查, 整改单, the compound's score card) is loaded on first use:
// a grid worker's phone never parses it.
const INSPECTION_ROLES = ['red_steward', 'property_staff', 'resident'];

function inspectionPart({ me, settle }) {
  if (!(me.roles ?? []).some((r) => INSPECTION_ROLES.includes(r.role))) return null;
  const holder = h('div', { class: 'inspection-part' });
  settle.after(
    import('./inspections-home.js')
      .then((module) => holder.replaceChildren(...module.inspectionSections({ me, settle })))
      .catch((err) => console.error('could not load the inspection screens', err)),
    { node: holder },
  );
  return holder;
}

function staleNote(savedAt) {
  const time = new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(savedAt),
  );
  return h(
    'div',
    { class: 'note note--stale', role: 'status' },
    h('p', { class: 'note__main', 'data-testid': 'stale-note', text: t('home.stale') }),
    h('p', { class: 'note__meta', text: t('home.synced_at', { time }) }),
  );
}

/** Builds the screen from {me, stale, savedAt}; onSignedOut() runs once the server ended the session. */
export function homeScreen({ me, stale, savedAt, onSignedOut }) {
  const { user, roles = [] } = me;
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'home-error' });
  const signout = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'signout',
    text: t('home.signout'),
  });

  // Shown only when unsent edits stopped a sign-out: leaving then drops them, on purpose.
  const discard = h('button', {
    type: 'button',
    class: 'btn btn--danger btn--block',
    hidden: true,
    'data-testid': 'signout-discard',
    text: t('home.signout_discard'),
  });

  async function leave(options) {
    alert.textContent = '';
    signout.disabled = true;
    discard.disabled = true;
    signout.textContent = t('home.signing_out');
    try {
      await signOut(options);
      onSignedOut();
    } catch (err) {
      // Nothing pretends to succeed: offline, the server session would stay alive.
      alert.textContent = err.code === 'offline' ? t('home.signout_offline') : err.message;
      discard.hidden = err.code !== 'unsynced';
      signout.disabled = false;
      discard.disabled = false;
      signout.textContent = t('home.signout');
    }
  }
  signout.addEventListener('click', () => leave());
  discard.addEventListener('click', () => leave({ discardUnsent: true }));

  const settle = settling();
  settle.say(t('app.loading'));
  const screen = h(
    'section',
    { class: 'screen screen--home', 'data-testid': 'home' },
    stale ? staleNote(savedAt) : null,
    h('h1', {
      class: 'screen__title',
      tabindex: '-1',
      text: t('home.greeting', { name: user.display_name || user.phone }),
    }),
    isUnbound(me) ? joinLinks({ me }) : null, // 加入家庭 first for an account of no role yet
    // Each role's work first: nothing that loads late sits above it.
    workSection({ me, settle }), // a grid worker's tasks, residents' needs, reports; nothing for other roles
    latestNotices({ me, settle }), // a resident's latest notices, then their compound's card below
    inspectionPart({ me, settle }), // stewards' inspections, orders by deadline, a resident's compound
    adminSection({ me }), // 任务管理 and 问题上报 for admins; nothing for other roles
    pushCard({ settle }), // 开启消息提醒: asked from a tap, after sign-in (issue 6)
    notificationsLink(), // 消息: every notice, from the synced inbox (offline too)
    directoryLink({ me }), // 网格名册, for grid workers only
    needLinks({ me }), // 我的诉求 (residents), 诉求督办 (admins)
    wishLinks({ me }), // 微心愿 (residents), 心愿墙 (volunteers)
    memberLinks({ me }), // 双报到: 我的报到, 到社区报到, 报到管理
    activityLinks({ me }), // 社区活动 (volunteers, admins), 我的服务时长 (volunteers)
    evaluationLink(), // 年度评议, for evaluators
    isUnbound(me) ? null : joinLinks({ me }), // 入户申请 (grid workers, admins), 我的
    h('h2', { class: 'screen__subtitle', text: t('home.roles') }),
    roles.length
      ? h('div', { class: 'cards' }, roles.map(roleCard))
      : h('p', { class: 'muted', 'data-testid': 'no-roles', text: t('join.no_roles') }),
    alert,
    signout,
    discard,
    reportButton({ me }), // 问题上报, a grid worker's button within the thumb's reach
    refusedBanner(), // what the server refused stays in sight until dealt with (at the bottom)
  );
  settle.reveal(screen);
  return screen;
}
