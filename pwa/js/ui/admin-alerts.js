// 通知管理 (#/admin/alerts, issue 6): the alerts the admin may see, newest first, with their
// status and reach; and one alert (#/admin/alerts/<id>) with its delivery counts — queued / sent /
// delivered / clicked / read / failed / expired — that change live (Socket.IO `alert:delivery`,
// refetched at most once a second), 重发失败 for the failed ones, approve or cancel.

import { adminSession } from '../admin-data.js';
import { onDeliveryUpdate } from '../alert-events.js';
import { applyDeliveryUpdate, DELIVERY_STATES, deliveryCounts } from '../alerts.js';
import { approveAlert, cancelAlert, loadAlert, loadAlerts, resendFailed } from '../alerts-data.js';
import { t } from '../i18n.js';
import { onNetworkChange } from '../net.js';
import { adminFrame, countPill, errorText, exportLink, flashNote, loadFailed } from './admin-common.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { alertCategoryLabel, levelChip } from './inbox-row.js';

const statusLabel = (status) => t(`alerts.status.${status}`);
const statusChip = (status) =>
  h('span', {
    class: `chip chip--alert-status chip--alert-${status}`,
    'data-testid': 'alert-status',
    'data-status': status,
    text: statusLabel(status),
  });

function alertList(items, testid) {
  return h(
    'ul',
    { class: 'alert-list', 'data-testid': testid },
    items.map((alert) =>
      h(
        'li',
        {},
        h(
          'a',
          {
            class: 'card alert-row',
            href: `#/admin/alerts/${encodeURIComponent(alert.id)}`,
            'data-testid': 'admin-alert-row',
            'data-id': String(alert.id),
          },
          h(
            'span',
            { class: 'inbox-row__head' },
            levelChip(alert.level),
            statusChip(alert.status),
            h('span', { class: 'tag', text: alertCategoryLabel(alert.category) }),
          ),
          h('strong', { class: 'inbox-row__title', text: alert.title }),
          h('span', { class: 'muted small', text: rowLine(alert) }),
        ),
      ),
    ),
  );
}

/** When it went (or goes) out, and to how many once sent: a scheduled alert has no audience yet. */
function rowLine(alert) {
  const when = dateTime(alert.sent_at ?? alert.send_at ?? alert.created_at);
  return ['sending', 'sent'].includes(alert.status)
    ? `${when} · ${t('alerts.admin.recipients', { count: alert.recipients ?? 0 })}`
    : when;
}

/** #/admin/alerts */
export function alertsScreen({ me }) {
  adminSession(me.user.id);
  const { screen, body } = adminFrame({
    testid: 'admin-alerts',
    title: t('alerts.admin.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const flash = flashNote();

  async function open() {
    let mine;
    let toApprove;
    try {
      [mine, toApprove] = await Promise.all([loadAlerts(), loadAlerts({ view: 'to_approve' })]);
    } catch (err) {
      body.replaceChildren(loadFailed(err, open));
      return;
    }
    const items = mine.items ?? [];
    const waiting = toApprove.items ?? [];
    body.replaceChildren(
      ...[
        flash,
        h('a', {
          class: 'btn btn--primary',
          href: '#/admin/alerts/new',
          'data-testid': 'admin-new-alert',
          text: t('alerts.admin.new'),
        }),
        waiting.length ? h('h2', { class: 'screen__subtitle', text: t('alerts.admin.to_approve') }) : null,
        waiting.length ? alertList(waiting, 'admin-alerts-to-approve') : null,
        h('h2', { class: 'screen__subtitle', text: t('alerts.admin.mine') }),
        // 导出 Excel: all of mine, not only the latest shown (a plain link: the session cookie applies).
        items.length
          ? h(
              'div',
              { class: 'admin-actions' },
              exportLink({ testid: 'admin-alerts-export', href: '/api/alerts/export.xlsx?view=mine' }),
            )
          : null,
        items.length
          ? alertList(items, 'admin-alert-list')
          : h('p', { class: 'empty', 'data-testid': 'admin-alerts-empty', text: t('alerts.admin.none') }),
      ].filter(Boolean),
    );
  }
  open();
  return screen;
}

function countsRow(counts) {
  return h(
    'div',
    { class: 'pills delivery-counts', 'data-testid': 'delivery-counts', 'data-total': String(counts.total) },
    countPill('total', t('alerts.delivery.total'), counts.total),
    DELIVERY_STATES.map((state) =>
      countPill(
        state,
        t(`alerts.delivery.${state}`),
        counts[state],
        state === 'failed' ? ' pill--alert' : state === 'delivered' ? ' pill--done' : '',
      ),
    ),
  );
}

/** #/admin/alerts/<id> */
export function alertScreen({ me, params }) {
  adminSession(me.user.id);
  const { screen, body, heading } = adminFrame({
    testid: 'admin-alert',
    title: t('alerts.admin.one'),
    back: '/admin/alerts',
    backText: t('alerts.admin.back_list'),
  });
  const flash = flashNote();
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'admin-alert-message' });
  const countsHolder = h('div', {});
  let counts = deliveryCounts();
  let alert = null;

  const drawCounts = () =>
    countsHolder.replaceChildren(
      countsRow(counts),
      h('p', {
        class: 'muted small',
        'data-testid': 'delivery-updated',
        text: t('alerts.delivery.updated', { time: dateTime(new Date().toISOString()) }),
      }),
    );

  const action = (testid, label, run, kind = 'btn--secondary') => {
    const button = h('button', { type: 'button', class: `btn ${kind}`, 'data-testid': testid, text: label });
    button.addEventListener('click', async () => {
      button.disabled = true;
      message.textContent = '';
      try {
        const result = await run();
        message.textContent = t(`alerts.admin.${testid}_done`, { count: result?.queued ?? 0 });
        await open();
      } catch (err) {
        message.textContent = errorText(err);
        button.disabled = false;
      }
    });
    return button;
  };

  async function open() {
    try {
      alert = await loadAlert(params.id);
    } catch (err) {
      body.replaceChildren(loadFailed(err, open));
      return;
    }
    heading.textContent = alert.title;
    counts = deliveryCounts(alert.counts ?? alert.deliveries ?? {});
    drawCounts();
    const buttons = [
      counts.failed
        ? action('alert-resend', t('alerts.admin.resend', { count: counts.failed }), () => resendFailed(alert.id))
        : null,
      alert.status === 'pending_approval' && alert.author_id !== me.user.id
        ? action('alert-approve', t('alerts.admin.approve'), () => approveAlert(alert.id), 'btn--primary')
        : null,
      ['draft', 'pending_approval', 'scheduled'].includes(alert.status)
        ? action('alert-cancel', t('alerts.admin.cancel'), () => cancelAlert(alert.id), 'btn--danger')
        : null,
    ].filter(Boolean);
    body.replaceChildren(
      ...[
        flash,
        h(
          'p',
          { class: 'inbox-row__head' },
          levelChip(alert.level),
          statusChip(alert.status),
          h('span', { class: 'tag', text: alertCategoryLabel(alert.category) }),
        ),
        h('div', { class: 'alert-body', 'data-testid': 'admin-alert-body', text: alert.body }),
        h(
          'dl',
          { class: 'facts' },
          h('dt', { text: t('alerts.admin.recipients_label') }),
          h('dd', { 'data-testid': 'admin-alert-recipients', text: String(alert.recipients ?? 0) }),
          h('dt', { text: t('alerts.form.send_at') }),
          h('dd', { text: dateTime(alert.sent_at ?? alert.send_at) || t('alerts.admin.not_sent') }),
          h('dt', { text: t('alerts.form.expires_at') }),
          h('dd', { text: alert.expires_at ? dateTime(alert.expires_at) : t('alerts.admin.no_expiry') }),
        ),
        h('h2', { class: 'screen__subtitle', text: t('alerts.delivery.title') }),
        countsHolder,
        buttons.length ? h('div', { class: 'button-row' }, buttons) : null,
        message,
      ].filter(Boolean),
    );
  }

  // Live: the event carries the new counts (drawn at once); back online, fetch them again.
  const stops = [
    onDeliveryUpdate((update) => {
      if (!screen.isConnected) return void stops.forEach((stop) => stop());
      const next = applyDeliveryUpdate(counts, params.id, update);
      if (!next) return;
      counts = next;
      drawCounts();
      // The fan-out (maybe a worker process, a moment after the publish) counted the recipients
      // and marked the alert sent: show its status, time and recipients as they are now.
      if (alert?.status === 'sending' || update.counts.recipients !== (alert?.recipients ?? 0)) open();
    }),
    onNetworkChange((online) => {
      if (online && screen.isConnected) open();
    }),
  ];
  open();
  return screen;
}
