// 签到名单 (#/activities/<id>/attendance), the organiser's: everyone seated, then the waiting
// list in its order, each with how they checked in and out (扫码 or by hand) and their hours;
// 手动签到 / 手动签退 when a phone cannot scan (the fallback, PROTOCOL.md §18.4), and 确认时长 —
// the hours counted, capped at the activity's, which the organiser may change before confirming.
// Every tap is one outbox entry: the organiser works with no signal too.

import { checkByHand, confirmHours } from '../activity-actions.js';
import { loadActivity, loadSignupsOf } from '../activity-data.js';
import { ACTIVITIES } from '../constants.js';
import { t } from '../i18n.js';
import { refusedNotes, seatsText, standingChip } from './activity-parts.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { listSection } from './inspection-parts.js';
import { missingRecord } from './status.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';
import { backLink } from './wish-parts.js';

const ORDER = { seated: 0, waiting: 1, cancelled: 2 };

function timeLine(signup, direction) {
  const at = signup[`${direction === 'in' ? 'checkin' : 'checkout'}_at`];
  if (!at) return null;
  const method = signup[`${direction === 'in' ? 'checkin' : 'checkout'}_method`];
  return h('p', {
    class: 'attendance__time',
    text: `${t(direction === 'in' ? 'activity.checkin' : 'activity.checkout')} ${dateTime(at)}${method ? ` · ${t(`activity.method.${method}`)}` : ''}`,
  });
}

function hoursForm(item, activity, busy) {
  const { signup } = item;
  const suggested = signup.confirmed_hours ?? signup.hours ?? activity.hours;
  const input = h('input', {
    type: 'number',
    class: 'field__input attendance__hours',
    min: 0,
    max: activity.hours,
    step: 0.25,
    inputmode: 'decimal',
    'data-testid': 'hours-input',
    'aria-label': t('activity.hours_input', { max: activity.hours }),
  });
  input.value = String(Math.min(suggested ?? 0, activity.hours ?? ACTIVITIES.HOURS_MAX));
  const error = h('p', { class: 'field__error', 'data-testid': 'hours-error' });
  const form = h(
    'form',
    { class: 'attendance__confirm', novalidate: true },
    input,
    h('button', {
      type: 'submit',
      class: 'btn btn--primary',
      'data-testid': 'hours-confirm',
      text: t('activity.confirm_hours'),
    }),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const hours = Number(input.value);
    if (!Number.isFinite(hours) || hours < 0 || hours > activity.hours) {
      error.textContent = t('activity.hours_over_cap');
      return;
    }
    await busy(() => confirmHours(item.id, hours));
  });
  return form;
}

function signupCard({ item, refused }, activity, busy) {
  const { signup } = item;
  const open = activity.status === 'published';
  const seated = signup.status === 'seated';
  const hand = (testid, text, direction) =>
    h('button', {
      type: 'button',
      class: 'btn btn--secondary',
      'data-testid': testid,
      text,
      onclick: () => busy(() => checkByHand(item.id, direction)),
    });
  return h(
    'li',
    { class: 'card attendance__person', 'data-testid': 'attendance-row', 'data-user': signup.user_id },
    h(
      'div',
      { class: 'attendance__head' },
      h('strong', { 'data-testid': 'attendance-name', text: signup.user_name ?? `#${signup.user_id}` }),
      standingChip(signup, 'attendance-standing'),
      syncBadges(item),
    ),
    refusedNotes(refused, 'attendance-refused'),
    timeLine(signup, 'in'),
    timeLine(signup, 'out'),
    signup.hours != null ? h('p', { text: t('activity.hours_counted', { n: signup.hours }) }) : null,
    signup.confirmed_hours != null
      ? h('p', {
          'data-testid': 'attendance-confirmed',
          text: t('activity.hours_confirmed', { n: signup.confirmed_hours }),
        })
      : null,
    open && seated
      ? h(
          'div',
          { class: 'button-row' },
          signup.checkin_at ? null : hand('checkin-by-hand', t('activity.checkin_by_hand'), 'in'),
          signup.checkin_at && !signup.checkout_at
            ? hand('checkout-by-hand', t('activity.checkout_by_hand'), 'out')
            : null,
        )
      : null,
    open && seated && signup.checkin_at ? hoursForm(item, activity, busy) : null,
  );
}

/** The screen for #/activities/<id>/attendance. */
export function activityAttendanceScreen({ params }) {
  const id = params.id;
  const head = h('p', { class: 'form__subject', 'data-testid': 'attendance-activity' });
  const seats = h('p', { class: 'muted', 'data-testid': 'attendance-seats' });
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'attendance-message' });
  const lists = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'activity-attendance' },
    backLink(`/activities/${id}`, t('activity.back_to_activity')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('activity.attendance') }),
    head,
    seats,
    message,
    lists,
  );
  let working = false;
  async function busy(action) {
    if (working) return;
    working = true;
    message.textContent = t('form.saving');
    try {
      await action();
      message.textContent = t('activity.saved_offline');
    } catch (err) {
      console.error('could not save the attendance', err);
      message.textContent = t('detail.save_failed');
    } finally {
      working = false;
    }
  }
  async function draw() {
    // Not under the organiser's thumb: hours being typed stay until they are confirmed.
    if (lists.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') return;
    const [{ item }, signups] = await Promise.all([loadActivity(id), loadSignupsOf(id)]);
    if (!item) {
      lists.replaceChildren(missingRecord('activity', 'activity-missing')[1]);
      return;
    }
    const { activity } = item;
    head.textContent = activity.title ?? '';
    seats.textContent = seatsText(activity);
    const sorted = signups.sort(
      (a, b) =>
        (ORDER[a.item.signup.status] ?? 3) - (ORDER[b.item.signup.status] ?? 3) ||
        String(a.item.signup.queued_at ?? '').localeCompare(String(b.item.signup.queued_at ?? '')),
    );
    const part = (status) =>
      sorted.filter((s) => s.item.signup.status === status).map((s) => signupCard(s, activity, busy));
    const seated = part('seated');
    const waiting = part('waiting');
    const cancelled = part('cancelled');
    lists.replaceChildren(
      ...[
        listSection({
          name: 'seated',
          title: t('activity.standing.seated'),
          rows: seated,
          testid: 'attendance-seated',
          heading: 'h2',
        }),
        seated.length ? null : h('p', { class: 'muted empty', text: t('activity.nobody_yet') }),
        waiting.length
          ? listSection({
              name: 'waiting',
              title: t('activity.standing.waiting'),
              rows: waiting,
              testid: 'attendance-waiting',
              heading: 'h2',
            })
          : null,
        cancelled.length
          ? listSection({
              name: 'cancelled',
              title: t('activity.standing.cancelled'),
              rows: cancelled,
              folded: true,
              testid: 'attendance-cancelled',
            })
          : null,
      ].filter(Boolean),
    );
  }
  draw().catch((err) => {
    console.error('could not read the attendance', err);
    lists.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
