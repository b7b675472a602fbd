// What the steward's and the property staff's screens share: labels of the codes of
// server/inspections/models.py, the deadline line of an order, a compound's name, the list rows
// of inspections and orders, and the note of a change the server refused.
import { t } from '../i18n.js';
import { isOverdue, stewardCompounds } from '../inspections.js';
import { h } from './dom.js';
import { codeLabel, dayAndTime, fieldLabel } from './format.js';
import { syncBadges } from './tasks.js';

export const kindLabel = (kind) => codeLabel('inspection.kind', kind ?? 'adhoc');
export const inspectionStatusLabel = (status) => codeLabel('inspection.status', status ?? 'planned');
export const severityLabel = (severity) => codeLabel('severity', severity);
export const orderStatusLabel = (status) => codeLabel('order.status', status ?? 'open');
export const resultLabel = (result) => codeLabel('inspection.result', result);

/**
 * A compound's name: from the steward's roles, or the names kept on the phone
 * (compound-names.js: Map id → name), else "小区 #12".
 */
export function compoundName(record, me, names = new Map()) {
  const known =
    stewardCompounds(me).find((compound) => compound.id === record?.compound_id)?.name ??
    names.get(record?.compound_id);
  return known ?? (record?.compound_id != null ? t('place.compound_id', { id: record.compound_id }) : '');
}

/** "得分 86 / 100", or '' before the server scored it. */
export function scoreText(inspection) {
  if (inspection?.score == null) return '';
  const number = (value) => String(Math.round(value * 10) / 10);
  return t('inspection.score', { score: number(inspection.score), max: number(inspection.max_score ?? 100) });
}

/** {text, overdue} of an order's deadline at `now`. */
export function deadlineText(order, now = new Date()) {
  if (!order.deadline_at) return { text: '', overdue: false };
  const when = dayAndTime(order.deadline_at, now);
  if (order.status === 'closed')
    return {
      text: t('order.closed_on', { when: dayAndTime(order.closed_at ?? order.reviewed_at, now) }),
      overdue: false,
    };
  if (isOverdue(order, now)) return { text: t('order.overdue', { when }), overdue: true };
  return { text: t('order.deadline', { when }), overdue: false };
}

export const severityChip = (severity) =>
  severity
    ? h('span', { class: `chip chip--severity-${severity}`, 'data-testid': 'severity', text: severityLabel(severity) })
    : null;

export function orderStatusChip(order, testid = null) {
  return h('span', {
    class: `chip chip--status chip--order-${order.status ?? 'open'}`,
    'data-testid': testid,
    text: orderStatusLabel(order.status),
  });
}

/** One inspection on the steward's list. */
export function inspectionRow(item, me, now = new Date()) {
  const { inspection } = item;
  const status = inspection.status ?? 'planned';
  const when =
    status === 'submitted'
      ? scoreText(inspection) || t('inspection.awaiting_score')
      : status === 'in_progress'
        ? t('inspection.started_on', { when: dayAndTime(inspection.started_at, now) })
        : inspection.due_at
          ? t('task.due_at', { when: dayAndTime(inspection.due_at, now) })
          : t('task.no_due');
  const late = status === 'planned' && inspection.due_at && Date.parse(inspection.due_at) < now.getTime();
  return h(
    'li',
    { class: 'task-row' },
    h(
      'a',
      {
        class: 'task-row__link',
        href: `#/inspections/${encodeURIComponent(item.id)}`,
        'data-testid': 'inspection-row',
        'data-id': item.id,
        'data-status': status,
      },
      h(
        'span',
        { class: 'task-row__chips' },
        h('span', { class: `chip chip--kind-${inspection.kind ?? 'adhoc'}`, text: kindLabel(inspection.kind) }),
        status === 'submitted' && inspection.failed_count
          ? h('span', {
              class: 'chip chip--failed',
              text: t('inspection.failed_n', { count: inspection.failed_count }),
            })
          : null,
        syncBadges(item),
      ),
      h('span', { class: 'task-row__title', text: compoundName(inspection, me) }),
      h('span', {
        class: `task-row__due${late ? ' task-row__due--overdue' : ''}`,
        'data-testid': status === 'submitted' ? 'inspection-score' : null,
        text: when,
      }),
    ),
  );
}

/** One order on a list: item, compound, deadline (red when overdue), severity and status. */
export function orderRow(item, me, now = new Date(), names = new Map()) {
  const { order } = item;
  const due = deadlineText(order, now);
  return h(
    'li',
    { class: 'task-row' },
    h(
      'a',
      {
        class: 'task-row__link',
        href: `#/orders/${encodeURIComponent(item.id)}`,
        'data-testid': 'order-row',
        'data-id': item.id,
        'data-status': order.status ?? 'open',
        'data-overdue': String(due.overdue),
      },
      h(
        'span',
        { class: 'task-row__chips' },
        severityChip(order.severity),
        orderStatusChip(order),
        order.escalation_level
          ? h('span', { class: 'chip chip--failed', 'data-testid': 'order-escalated', text: t('order.escalated') })
          : null,
        syncBadges(item),
      ),
      h('span', { class: 'task-row__title', text: order.item_text ?? '' }),
      h('span', {
        class: 'task-row__place',
        text: [compoundName(order, me, names), order.category_name].filter(Boolean).join(' · '),
      }),
      h('span', { class: `task-row__due${due.overdue ? ' task-row__due--overdue' : ''}`, text: due.text }),
    ),
  );
}

/**
 * A refused change: the server's reason, each field's message, and the ways out (actions:
 * [{testid, text, onclick, kind}]). Nothing refused disappears by itself.
 */
export function refusedAlert(entry, actions, testid = 'refused') {
  // Per-item messages ("answers.<item>") are shown at their items, not here.
  const fields = Object.entries(entry.error?.fields ?? {})
    .filter(([name, messages]) => !name.includes('.') && (typeof messages === 'string' || Array.isArray(messages)))
    .map(([name, messages]) => `${fieldLabel(entry.entity, name)}：${[].concat(messages).join(' ')}`);
  return h(
    'div',
    { class: 'alert alert--refused', role: 'alert', 'data-testid': testid },
    h('p', { class: 'alert__title', text: t('detail.refused') }),
    h('p', { text: entry.error?.message ?? '' }),
    fields.length
      ? h(
          'ul',
          {},
          fields.map((text) => h('li', { text })),
        )
      : null,
    h(
      'div',
      { class: 'button-row' },
      actions.map((action) =>
        h('button', {
          type: 'button',
          class: `btn ${action.kind ?? 'btn--secondary'}`,
          'data-testid': action.testid,
          onclick: action.onclick,
          text: action.text,
        }),
      ),
    ),
  );
}

/**
 * A titled list section of rows ("待检查 2"), or a folded one. heading: its level, h3 under a
 * screen's h2 sections, h2 where it stands right under the screen's h1.
 */
export function listSection({ name, title, rows, folded = false, testid, total = rows.length, heading = 'h3' }) {
  const count = h('span', { class: 'count', text: String(total) });
  const list = h('ul', { class: 'task-list' }, rows);
  if (folded) {
    return h(
      'details',
      { class: `task-section task-section--${name}`, 'data-testid': testid },
      h('summary', { class: 'task-section__summary' }, h('span', { text: title }), count),
      list,
    );
  }
  return h(
    'section',
    { class: `task-section task-section--${name}`, 'data-testid': testid },
    h(heading, { class: 'task-section__title' }, h('span', { text: title }), count),
    list,
  );
}

/**
 * A big button that runs `action` once per tap: disabled and saying `busyText` meanwhile; a
 * failure is logged, told on the `status` line, and the button can be tapped again.
 */
export function busyButton({ testid, text, busyText, status, action }) {
  const button = h('button', {
    type: 'button',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': testid,
    text,
  });
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = busyText;
    let done = false;
    try {
      done = (await action()) !== false; // false: not done (a check said why), nothing failed
    } catch (err) {
      console.error(`${testid} failed`, err);
      status.textContent = t('detail.save_failed');
    }
    if (done) return;
    button.disabled = false;
    button.textContent = text;
  });
  return button;
}
