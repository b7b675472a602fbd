// What the micro-wish screens share (resident, volunteer, admin): status chips and their words,
// list rows of wishes and cards, a titled card, the back link, a wish's or card's history, the
// star picker of 确认 (five big targets), the note of a change the server refused, and the
// detail screen that follows the phone's records.
import { getLocale, t } from '../i18n.js';
import { discard, retry } from '../outbox.js';
import { STARS } from '../wishes.js';
import { h } from './dom.js';
import { codeLabel, dateTime } from './format.js';
import { refusedAlert } from './inspection-parts.js';
import { goBack } from './nav.js';
import { missingRecord } from './status.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';

export const wishStatusLabel = (status) => codeLabel('wish.status', status ?? 'submitted');
export const cardStatusLabel = (status) => codeLabel('wish.card_status', status ?? 'open');

export function wishStatusChip(status, testid = null) {
  return h('span', {
    class: `chip chip--wish-${status ?? 'submitted'}`,
    'data-testid': testid,
    'data-status': status ?? 'submitted',
    text: wishStatusLabel(status),
  });
}

export function cardStatusChip(status, testid = null) {
  return h('span', {
    class: `chip chip--card-${status ?? 'open'}`,
    'data-testid': testid,
    'data-status': status ?? 'open',
    text: cardStatusLabel(status),
  });
}

/** A day such as "2026年12月1日" (the wanted-by date: a day, not an instant). */
export function dayText(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium' }).format(date);
}

/** "期望 12月1日前完成", or ''. */
export const wantedByText = (iso) => (iso ? t('wish.wanted_by_on', { day: dayText(iso) }) : '');

/** A list row linking to `href`: chips, title, one line below. */
export function row({ href, testid, id, status, chips, title, line }) {
  return h(
    'li',
    { class: 'task-row' },
    h(
      'a',
      { class: 'task-row__link', href, 'data-testid': testid, 'data-id': id, 'data-status': status },
      h('span', { class: 'task-row__chips' }, chips),
      h('span', { class: 'task-row__title', text: title }),
      line ? h('span', { class: 'task-row__place', text: line }) : null,
    ),
  );
}

/** Where a card really is: a refused edit of mine stays in its view, so the server's status then. */
export const shownCardStatus = (item) =>
  item.rejected && item.record?.server_data ? item.record.server_data.status : item.card.status;

/** One card on the wall: its status, title and the day it is wanted by. */
export function cardRow(item) {
  const { card } = item;
  const status = shownCardStatus(item);
  return row({
    href: `#/wishes/card/${encodeURIComponent(item.id)}`,
    testid: 'card-row',
    id: item.id,
    status: status ?? 'open',
    chips: [cardStatusChip(status), syncBadges(item)],
    title: card.title ?? '',
    line: wantedByText(card.wanted_by),
  });
}

/** A titled white card of a detail screen. */
export function block(title, testid, ...children) {
  return h(
    'section',
    { class: 'card', 'data-testid': testid },
    h('h2', { class: 'card__title', text: title }),
    ...children,
  );
}

/** The back link of a screen: back in history when the screen before is `to`. */
export function backLink(to, text) {
  return h(
    'a',
    {
      class: 'back',
      href: `#${to}`,
      'data-testid': 'back',
      onclick: (event) => {
        event.preventDefault();
        goBack(to);
      },
    },
    text,
  );
}

/** A record's history under `title`, newest first: each move, by me or not, when, and its note. */
export function historyBlock(history, me, label, { title = t('detail.history'), testid = 'wish-history' } = {}) {
  const entries = [...(history ?? [])].reverse();
  if (!entries.length) return null;
  return block(
    title,
    testid,
    h(
      'ol',
      { class: 'history' },
      entries.map((entry) =>
        h(
          'li',
          { class: 'history__item' },
          h('strong', { text: label(entry.to) }),
          entry.by === me.user.id ? h('span', { class: 'history__who', text: t('history.you') }) : null,
          h('span', { class: 'history__when', text: dateTime(entry.device_at ?? entry.server_at) }),
          entry.note ? h('span', { class: 'history__reason', text: entry.note }) : null,
        ),
      ),
    ),
  );
}

// Refusals that the same change sent again would meet again: only 放弃 is offered.
const FINAL = new Set(['already_claimed', 'not_claimant', 'card_closed', 'wish_closed', 'wish_reviewed']);

/** Every refused change of a record, each with 重试 and 放弃 (nothing refused disappears by itself). */
export function refusedNotes(refused) {
  const act = (fn, seq) => () => fn(seq).catch((err) => console.warn('could not change the refused change', err));
  return refused.map((entry) =>
    refusedAlert(
      entry,
      [
        FINAL.has(entry.error?.code)
          ? null
          : { testid: 'refused-retry', text: t('sync.retry'), onclick: act(retry, entry.seq) },
        { testid: 'refused-discard', kind: 'btn--danger', text: t('sync.discard'), onclick: act(discard, entry.seq) },
      ].filter(Boolean),
      'wish-refused',
    ),
  );
}

/** "★★★★☆" of a rating, with its words for a screen reader. */
export function starsText(rating) {
  if (!rating) return null;
  return h('span', {
    class: 'stars',
    role: 'img',
    'aria-label': t('wish.stars_n', { n: rating }),
    'data-testid': 'card-rating',
    'data-rating': String(rating),
    text: '★'.repeat(rating) + '☆'.repeat(5 - rating),
  });
}

/**
 * 1–5 stars as five big radio buttons (a whole row on a 360 px phone). The element has .value
 * (a number or null) and .setError(text).
 */
export function starPicker({ legend, testid = 'rating' }) {
  const error = h('p', { class: 'field__error', id: `${testid}-error` });
  const labels = [];
  const paint = (value) =>
    labels.forEach((label, index) => label.classList.toggle('star--on', value !== null && index < value));
  const fieldset = h(
    'fieldset',
    { class: 'choices-field star-picker', 'data-testid': testid, 'aria-describedby': `${testid}-error` },
    h(
      'legend',
      { class: 'field__label' },
      legend,
      h('span', { class: 'field__required', 'aria-hidden': 'true', text: ' *' }),
    ),
    h(
      'div',
      { class: 'star-picker__row' },
      STARS.map((n) => {
        const input = h('input', {
          type: 'radio',
          class: 'star__input',
          name: testid,
          value: String(n),
          'aria-label': t('wish.stars_n', { n }),
          'data-testid': `${testid}-${n}`,
        });
        input.addEventListener('change', () => {
          fieldset.setError('');
          paint(n);
        });
        const label = h('label', { class: 'star' }, input, h('span', { class: 'star__mark', 'aria-hidden': 'true' }));
        labels.push(label);
        return label;
      }),
    ),
    error,
  );
  Object.defineProperty(fieldset, 'value', {
    get: () => {
      const checked = fieldset.querySelector('.star__input:checked');
      return checked ? Number(checked.value) : null;
    },
  });
  fieldset.setError = (text) => {
    error.textContent = text;
    fieldset.classList.toggle('choices-field--invalid', Boolean(text));
  };
  return fieldset;
}

/** The line a screen shows while its record waits to be sent. */
export const pendingNote = (item) =>
  item?.pending
    ? h('p', { class: 'note note--pending', 'data-testid': 'pending-note', text: t('detail.pending_note') })
    : null;

/**
 * A wish's or card's detail screen that follows the phone's records (a pull, an edit, a refusal):
 * it redraws only when what it shows changed and never under a thumb filling in a form. `read()`
 * answers undefined when it sent the user elsewhere, null when the record is not on this phone,
 * else {key (what the view depends on), draw() (its nodes), busy() (a form is being filled in)}.
 * entity: the synced entity shown (its name in "找不到这个…").
 */
export function followedDetail({ testid, back, missingTestid, entity, what, read }) {
  const body = h('div', { class: 'detail' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h('section', { class: 'screen screen--detail', 'data-testid': testid }, back, body);
  let first = true;
  let shown = null;

  async function reload() {
    const view = await read(body);
    if (view === undefined) return;
    if (view === null) {
      body.replaceChildren(...missingRecord(entity, missingTestid));
      return;
    }
    if (view.key === shown) return;
    if (shown && view.busy?.()) return;
    shown = view.key;
    body.replaceChildren(...view.draw().flat(Infinity).filter(Boolean));
    if (first) screen.querySelector('h1')?.focus({ preventScroll: true });
    first = false;
  }
  reload().catch((err) => {
    console.error(`could not read the ${what}`, err);
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, reload);
  return screen;
}
