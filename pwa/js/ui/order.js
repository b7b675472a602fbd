// 整改单 (#/orders/<id>): one rectification order with the failed item, its evidence photos, the
// deadline (red once passed), the company's answer and the steward's re-inspection. Property
// staff answer an open or reopened order with text and photos; the steward re-inspects a
// responded one (复查): 通过 closes it, 不通过 reopens it with a note and a photo. Both are saved
// on the phone at once (outbox) and sent with the next sync; a refusal stays in sight.
import { loadCompoundNames } from '../compound-names.js';
import { INSPECTIONS } from '../constants.js';
import { t } from '../i18n.js';
import { respondToOrder, reviewOrder } from '../inspection-actions.js';
import { loadOrder } from '../inspection-data.js';
import { hasRole, orderActions, responseProblems, reviewProblems } from '../inspections.js';
import { discard, retry } from '../outbox.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import {
  compoundName,
  deadlineText,
  orderStatusChip,
  orderStatusLabel,
  refusedAlert,
  severityChip,
} from './inspection-parts.js';
import { goBack } from './nav.js';
import { photoField, photoStrip } from './photos.js';
import { missingRecord } from './status.js';
import { saveBar, saveFailed, textArea } from './task-complete.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';

function block(title, testid, ...children) {
  return h(
    'section',
    { class: 'card', 'data-testid': testid },
    h('h2', { class: 'card__title', text: title }),
    ...children,
  );
}

function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, value]) => value)
      .map(([label, value, testid]) => [h('dt', { text: label }), h('dd', { 'data-testid': testid, text: value })]),
  );
}

/**
 * A form of an order (整改回复, 复查): its fields (`parts`), photos and the save bar. On submit,
 * once every photo is stored: check(values, bar) says what is missing (false: not saved), then
 * save(values) enqueues it; `values()` reads the fields, photos added.
 */
function orderForm({ name, title, parts, photos, values, check, save }) {
  const bar = saveBar(name);
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': `${name}-form` },
    h('h2', { class: 'form__section', text: title }),
    parts,
    photos,
    bar.element,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await photos.settled();
    const read = { ...values(), photos: photos.value };
    if (!check(read, bar)) return;
    bar.busy(true);
    try {
      await save(read);
      window.scrollTo(0, 0);
    } catch (err) {
      saveFailed(bar, `could not save the ${name}`, err);
    }
  });
  return form;
}

/** 整改回复 of the property staff: what was done, with photos. */
function responseForm(id, order) {
  const text = textArea({
    label: t('field.rectification_order.response_text'),
    testid: 'response-text',
    maxlength: INSPECTIONS.RESPONSE_TEXT_MAX,
    placeholder: t('order.response_placeholder'),
  });
  return orderForm({
    name: 'response',
    title: order.status === 'reopened' ? t('order.respond_again') : t('order.respond'),
    parts: [text],
    photos: photoField({ testid: 'response-photos', label: t('order.response_photos') }),
    values: () => ({ text: text.input.value }),
    check: (values, bar) => {
      const problems = responseProblems(values);
      text.setError(problems.response_text ? t(problems.response_text) : '');
      bar.alert.textContent = Object.values(problems)
        .map((key) => t(key))
        .join(' ');
      return !Object.keys(problems).length;
    },
    save: (values) => respondToOrder(id, values),
  });
}

/** 复查 of the steward: pass (closed) or not (reopened, with a note and a photo). */
function reviewForm(id) {
  const decision = choiceGroup({
    legend: t('order.review_decision'),
    name: 'review',
    testid: 'review',
    columns: 2,
    required: true,
    options: [
      { value: 'closed', label: t('order.review_pass') },
      { value: 'reopened', label: t('order.review_fail') },
    ],
  });
  const note = textArea({
    label: t('field.rectification_order.review_note'),
    testid: 'review-note',
    maxlength: INSPECTIONS.REVIEW_NOTE_MAX,
    placeholder: t('order.review_placeholder'),
  });
  return orderForm({
    name: 'review',
    title: t('order.review'),
    parts: [decision, note],
    photos: photoField({ testid: 'review-photos', label: t('order.review_photos') }),
    values: () => ({ decision: decision.value, note: note.input.value }),
    check: (values) => {
      decision.setError(values.decision ? '' : t('order.required_decision'));
      const problems = reviewProblems(values);
      note.setError(problems.review_note ? t(problems.review_note) : '');
      return Boolean(values.decision) && !Object.keys(problems).length;
    },
    save: (values) => reviewOrder(id, values),
  });
}

/**
 * 整改前 / 整改后: the failed item's inspection photos beside the company's, each side led by a
 * large photo; side by side where there is room, one above the other on a phone.
 */
function compareCard(order) {
  if (!order.evidence_photos?.length || !order.response_photos?.length) return null;
  const side = (label, hashes, testid) =>
    h(
      'figure',
      { class: 'compare__side', 'data-testid': testid },
      h('figcaption', { class: 'compare__label', text: label }),
      photoStrip(hashes, { label }),
    );
  return block(
    t('order.compare'),
    'order-compare',
    h(
      'div',
      { class: 'compare' },
      side(t('order.before'), order.evidence_photos, 'compare-before'),
      side(t('order.after'), order.response_photos, 'compare-after'),
    ),
  );
}

/** The order's history, newest first: each move with who (you or not) and when. */
function historyCard(order, me) {
  const entries = [...(order.history ?? [])].reverse();
  if (!entries.length) return null;
  return block(
    t('detail.history'),
    'order-history',
    h(
      'ol',
      { class: 'history' },
      entries.map((entry) =>
        h(
          'li',
          { class: 'history__item' },
          h('strong', { text: orderStatusLabel(entry.to) }),
          entry.by === me.user.id ? h('span', { class: 'history__who', text: t('history.you') }) : null,
          h('span', { class: 'history__when', text: dateTime(entry.device_at ?? entry.server_at) }),
          entry.note ? h('span', { class: 'history__reason', text: entry.note }) : null,
        ),
      ),
    ),
  );
}

function detail(item, refused, me, names) {
  const { order } = item;
  const due = deadlineText(order);
  const act = (fn, seq) => () => fn(seq).catch((err) => console.warn('could not change the refused change', err));
  const can = orderActions(order, { staff: hasRole(me, 'property_staff'), steward: hasRole(me, 'red_steward') });
  const compared = compareCard(order);
  return [
    h(
      'div',
      { class: 'detail__chips' },
      severityChip(order.severity),
      orderStatusChip(order, 'order-status'),
      syncBadges(item),
    ),
    h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'order-title', text: order.item_text ?? '' }),
    refused.map((entry) =>
      refusedAlert(
        entry,
        [
          { testid: 'refused-retry', text: t('sync.retry'), onclick: act(retry, entry.seq) },
          { testid: 'refused-discard', kind: 'btn--danger', text: t('sync.discard'), onclick: act(discard, entry.seq) },
        ],
        'order-refused',
      ),
    ),
    item.pending
      ? h('p', { class: 'note note--pending', 'data-testid': 'pending-note', text: t('detail.pending_note') })
      : null,
    h('p', {
      class: `order__deadline${due.overdue ? ' order__deadline--overdue' : ''}`,
      'data-testid': 'order-deadline',
      'data-overdue': String(due.overdue),
      text: due.text,
    }),
    order.escalation_level
      ? h('p', {
          class: 'note note--conflict',
          'data-testid': 'order-escalated',
          text: t(`order.escalated_${order.escalation_level >= 2 ? 'street' : 'community'}`),
        })
      : null,
    facts([
      [t('detail.place'), compoundName(order, me, names)],
      [t('field.rectification_order.category_name'), order.category_name],
      [t('order.reopen_count'), order.reopen_count ? String(order.reopen_count) : ''],
    ]),
    compared,
    order.evidence_note || !compared
      ? block(
          t('order.evidence'),
          'order-evidence',
          order.evidence_note ? h('p', { text: order.evidence_note }) : null,
          compared ? null : photoStrip(order.evidence_photos, { label: t('order.before') }),
        )
      : null,
    order.response_text || order.response_photos?.length
      ? block(
          t('order.response'),
          'order-response',
          h('p', { 'data-testid': 'response-shown', text: order.response_text ?? '' }),
          compared ? null : photoStrip(order.response_photos, { label: t('order.after') }),
          h('p', { class: 'muted', text: dateTime(order.responded_at) }),
        )
      : null,
    order.reviewed_at
      ? block(
          t('order.review_done'),
          'order-review',
          order.review_note ? h('p', { text: order.review_note }) : null,
          photoStrip(order.review_photos, { label: t('order.review_done') }),
          h('p', { class: 'muted', text: dateTime(order.reviewed_at) }),
        )
      : null,
    can.includes('respond') ? responseForm(item.id, order) : null,
    can.includes('close') ? reviewForm(item.id) : null,
    historyCard(order, me),
  ];
}

/** The screen for #/orders/<id>. */
export function orderScreen({ me, params }) {
  const id = params.id;
  const back = h(
    'a',
    {
      class: 'back',
      href: '#/',
      'data-testid': 'back',
      onclick: (event) => {
        event.preventDefault();
        goBack('/');
      },
    },
    t('order.back'),
  );
  const body = h('div', { class: 'detail' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h('section', { class: 'screen screen--detail', 'data-testid': 'order' }, back, body);
  let first = true;
  let shown = null; // what was drawn (version, status, sync state): the same again is not redrawn
  let shownStatus = null;

  async function reload() {
    const [{ item, refused }, names] = await Promise.all([loadOrder(id), loadCompoundNames()]);
    if (!item) {
      body.replaceChildren(...missingRecord('rectification_order', 'order-missing'));
      return;
    }
    const key = JSON.stringify([item.record.version, item.order.status, item.pending, refused.map((e) => e.seq)]);
    if (key === shown) return;
    // A form being filled in is not drawn again under the user's thumb while the status stays.
    const typing =
      [...body.querySelectorAll('form textarea')].some((el) => el.value) ||
      body.querySelector('form [data-testid=photo-thumb]');
    if (typing && shownStatus === item.order.status) return;
    shown = key;
    shownStatus = item.order.status;
    body.replaceChildren(...detail(item, refused, me, names).flat().filter(Boolean));
    if (first) screen.querySelector('h1')?.focus({ preventScroll: true });
    first = false;
  }
  reload().catch((err) => {
    console.error('could not read the order', err);
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, reload);
  return screen;
}
