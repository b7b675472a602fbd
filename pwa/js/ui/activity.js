// An activity (#/activities/<id>): when, where, seats, the hours it credits and the skills
// wanted; for a volunteer of its community 报名 (or 候补 when full), 取消报名, and 扫码签到 /
// 扫码签退 at the venue, with their times and hours once the organiser confirms them; for its
// organisers the code screens, the attendance list, 编辑, 结束活动 and (admins) 取消活动. Each tap
// is one outbox entry: it works with no signal, and a refusal stays here in the server's words.
import {
  isAdmin,
  isOpen,
  isOrganiser,
  myStanding,
  nextDirection,
  shownSignup,
  signupId,
  volunteerCommunities,
} from '../activities.js';
import { cancelSignup, setActivityStatus, signUp } from '../activity-actions.js';
import { loadActivity, loadSignup } from '../activity-data.js';
import { t } from '../i18n.js';
import { vocabWords } from '../vocab.js';
import { refusedNotes, seatsText, standingChip, statusChip, timeText } from './activity-parts.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { busyButton } from './inspection-parts.js';
import { syncBadges } from './tasks.js';
import { backLink, block, followedDetail, pendingNote } from './wish-parts.js';

const link = (href, testid, text, kind = 'btn--secondary') =>
  h('a', { class: `btn ${kind} btn--big btn--block`, href, 'data-testid': testid, text });

function facts(activity) {
  return h(
    'dl',
    { class: 'facts facts--card', 'data-testid': 'activity-facts' },
    h('dt', { text: t('field.activity.starts_at') }),
    h('dd', { 'data-testid': 'activity-time', text: timeText(activity) }),
    h('dt', { text: t('field.activity.place') }),
    h('dd', { 'data-testid': 'activity-place', text: activity.place ?? '' }),
    h('dt', { text: t('activity.seats_label') }),
    h('dd', { 'data-testid': 'activity-seats', text: seatsText(activity) }),
    h('dt', { text: t('field.activity.hours') }),
    h('dd', { text: t('activity.hours_n', { n: activity.hours ?? 0 }) }),
    activity.skills?.length
      ? [
          h('dt', { text: t('field.activity.skills') }),
          h('dd', { 'data-testid': 'activity-skills', text: vocabWords('skill', activity.skills) }),
        ]
      : null,
  );
}

/** A busy button that is not the screen's main action (away from the thumb's way, outlined). */
function quiet(options) {
  const button = busyButton(options);
  button.className = 'btn btn--secondary btn--block';
  return button;
}

/** My part: sign up, cancel, scan; my times and hours. */
function memberPart(activityId, activity, signup, me, message) {
  const standing = myStanding(signup);
  const tap = (testid, text, action) =>
    busyButton({ testid, text, busyText: t('form.saving'), status: message, action });
  const direction = nextDirection(signup);
  const full = (activity.seated_count ?? 0) >= (activity.capacity ?? 0);
  return [
    ['none', 'cancelled'].includes(standing) && isOpen(activity)
      ? tap('activity-signup', t(full ? 'activity.sign_up_waiting' : 'activity.sign_up'), () =>
          signUp(activityId, me.user.id),
        )
      : null,
    standing === 'waiting'
      ? h('p', { class: 'note', 'data-testid': 'waiting-note', text: t('activity.waiting_note') })
      : null,
    direction && activity.status === 'published'
      ? link(
          `#/activities/${encodeURIComponent(activityId)}/scan`,
          'activity-scan',
          t(direction === 'in' ? 'activity.scan_in' : 'activity.scan_out'),
          'btn--primary',
        )
      : null,
    signup?.checkin_at || signup?.confirmed_hours != null
      ? block(
          t('activity.my_attendance'),
          'my-attendance',
          signup.checkin_at
            ? h('p', { text: t('activity.checked_in_at', { when: dateTime(signup.checkin_at) }) })
            : null,
          signup.checkout_at
            ? h('p', { text: t('activity.checked_out_at', { when: dateTime(signup.checkout_at) }) })
            : null,
          signup.hours != null ? h('p', { text: t('activity.hours_counted', { n: signup.hours }) }) : null,
          signup.confirmed_hours != null
            ? h('p', {
                'data-testid': 'my-confirmed-hours',
                text: t('activity.hours_confirmed', { n: signup.confirmed_hours }),
              })
            : null,
        )
      : null,
    ['seated', 'waiting'].includes(standing) && isOpen(activity)
      ? h(
          'div',
          { class: 'activity__leave' },
          quiet({
            testid: 'activity-cancel-signup',
            text: t('activity.cancel_signup'),
            busyText: t('form.saving'),
            status: message,
            action: async () => {
              if (!window.confirm(t('activity.cancel_signup_confirm'))) return false;
              await cancelSignup(signup.id);
              return true;
            },
          }),
        )
      : null,
  ];
}

/** The organiser's part: the two codes, the attendance list, and the activity's own moves. */
function organiserPart(id, activity, me, message) {
  const base = `#/activities/${encodeURIComponent(id)}`;
  const open = activity.status === 'published';
  const move = (testid, text, status, question) =>
    busyButton({
      testid,
      text,
      busyText: t('form.saving'),
      status: message,
      action: async () => {
        if (!window.confirm(question)) return false;
        await setActivityStatus(id, status);
        return true;
      },
    });
  return block(
    t('activity.organiser_title'),
    'organiser-part',
    open ? link(`${base}/code?dir=in`, 'activity-code-in', t('activity.code_in'), 'btn--primary') : null,
    open ? link(`${base}/code?dir=out`, 'activity-code-out', t('activity.code_out')) : null,
    link(`${base}/attendance`, 'activity-attendance', t('activity.attendance')),
    open && isAdmin(me) ? link(`${base}/edit`, 'activity-edit', t('activity.edit')) : null,
    open ? move('activity-close', t('activity.close'), 'closed', t('activity.close_confirm')) : null,
    open && isAdmin(me)
      ? move('activity-cancel', t('activity.cancel'), 'cancelled', t('activity.cancel_confirm'))
      : null,
  );
}

/** The screen for #/activities/<id>. */
export function activityScreen({ me, params }) {
  const id = params.id;
  return followedDetail({
    testid: 'activity-screen',
    back: backLink('/activities', t('activity.back')),
    missingTestid: 'activity-missing',
    entity: 'activity',
    what: 'activity',
    read: async () => {
      const { item, refused } = await loadActivity(id);
      if (!item) return null;
      const mine = await loadSignup(await signupId(id, me.user.id));
      const signup = mine.item ? { id: mine.item.id, ...shownSignup(mine.item) } : null;
      return {
        key: JSON.stringify([
          item.record.version,
          item.pending,
          refused.map((e) => e.seq),
          mine.item?.record.version,
          mine.item?.pending,
          mine.item?.signup,
          mine.refused.map((e) => e.seq),
        ]),
        draw: () => {
          const { activity } = item;
          const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'activity-message' });
          const member = volunteerCommunities(me).includes(activity.community_id);
          return [
            h(
              'div',
              { class: 'detail__chips' },
              statusChip(activity.status, 'activity-status'),
              standingChip(signup),
              syncBadges(item),
            ),
            h('h1', {
              class: 'screen__title',
              tabindex: '-1',
              'data-testid': 'activity-title',
              text: activity.title ?? '',
            }),
            refusedNotes(refused),
            refusedNotes(mine.refused, 'signup-refused'),
            pendingNote(item) ?? pendingNote(mine.item),
            facts(activity),
            activity.description
              ? block(t('field.activity.description'), 'activity-description', h('p', { text: activity.description }))
              : null,
            member ? memberPart(id, activity, signup, me, message) : null,
            isOrganiser(me, activity) ? organiserPart(id, activity, me, message) : null,
            message,
          ];
        },
      };
    },
  });
}
