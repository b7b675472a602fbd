// The parts of home for red stewards (我的检查: 待检查 / 进行中 / 已提交, and 发起检查 of one of
// their compounds), property staff and stewards alike (整改单, overdue first, in red) and
// residents (their compound's score card). Loaded on first use by home.js, only for these roles.
// Lists come from IndexedDB and are drawn again as pulls bring changes (an order appears
// without a reload, DESIGN.md S2).

import { learnCompoundNames, loadCompoundNames } from '../compound-names.js';
import { locate, QUICK_TIMEOUT_MS } from '../geo.js';
import { t } from '../i18n.js';
import { createAdhocInspection } from '../inspection-actions.js';
import { loadMyInspections, loadOrders } from '../inspection-data.js';
import { latestTemplate, onTemplatesChange, refreshTemplates } from '../inspection-templates.js';
import {
  groupInspections,
  groupOrders,
  hasRole,
  INSPECTION_GROUPS,
  ORDER_GROUPS,
  stewardCompounds,
} from '../inspections.js';
import { isOnline, onNetworkChange } from '../net.js';
import { h } from './dom.js';
import { busyButton, inspectionRow, listSection, orderRow } from './inspection-parts.js';
import { navigate } from './nav.js';
import { scorecardCards } from './scorecard.js';
import { watchLocalData } from './watch.js';

/**
 * Keeps the template versions the steward needs on the phone: as the list is drawn (a pull may
 * bring a plan made with a version not kept yet) and whenever back online.
 */
function keepTemplates(root, me) {
  const refresh = async (options) => {
    const ids = (await loadMyInspections(me.user.id)).map((item) => item.inspection.template_id);
    return refreshTemplates(ids, options);
  };
  const stop = onNetworkChange((online) => {
    if (!root.isConnected) stop();
    else if (online) refresh().catch((err) => console.warn('could not refresh the templates', err));
  });
}

/** 发起检查: an ad-hoc inspection of one of the steward's compounds, made on the phone. */
function adhocStarter(me) {
  const compounds = stewardCompounds(me);
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'adhoc-message' });
  const select = h(
    'select',
    { class: 'field__input', id: 'adhoc-compound', 'data-testid': 'adhoc-compound' },
    compounds.map((compound) => h('option', { value: String(compound.id), text: compound.name })),
  );
  const start = busyButton({
    testid: 'adhoc-start',
    text: t('inspection.adhoc_start'),
    busyText: t('detail.starting'),
    status: message,
    action: async () => {
      message.textContent = '';
      const template = await latestTemplate();
      if (!template) {
        message.textContent = t('inspection.no_template');
        return false;
      }
      // Where the inspection started, if a fix comes quickly; the start never waits longer.
      const position = await locate({ timeoutMs: QUICK_TIMEOUT_MS, maximumAgeMs: 5 * 60000 });
      const result = await createAdhocInspection({ compoundId: select.value, templateId: template.id, position });
      navigate(`/inspections/${encodeURIComponent(result.record.id)}`);
      return true;
    },
  });
  if (!compounds.length) return null;
  return h(
    'div',
    { class: 'card adhoc', 'data-testid': 'adhoc' },
    h('h3', { class: 'card__title', text: t('inspection.adhoc_title') }),
    compounds.length > 1
      ? h(
          'div',
          { class: 'field' },
          h('label', { class: 'field__label', for: 'adhoc-compound', text: t('inspection.adhoc_compound') }),
          select,
        )
      : h('p', { class: 'form__fact', text: compounds[0].name }),
    start,
    message,
  );
}

/** 我的检查 of a red steward. */
function myInspectionsSection(me, settle) {
  const summary = h('span', { class: 'count', 'data-testid': 'inspections-open-count' });
  const body = h(
    'div',
    { class: 'task-groups', 'aria-live': 'polite' },
    h('p', { class: 'muted', text: t('app.loading') }),
  );
  const root = h(
    'section',
    { class: 'tasks inspections', 'data-testid': 'my-inspections', 'aria-labelledby': 'my-inspections-title' },
    h('h2', { class: 'section-title', id: 'my-inspections-title' }, h('span', { text: t('inspection.mine') }), summary),
    body,
    adhocStarter(me),
  );
  async function reload() {
    const items = await loadMyInspections(me.user.id);
    refreshTemplates(
      items.map((item) => item.inspection.template_id),
      { unlessRecent: true },
    ).catch((err) => console.warn('could not refresh the templates', err));
    const groups = groupInspections(items);
    const now = new Date();
    summary.textContent = String(groups.planned.length + groups.in_progress.length);
    const parts = INSPECTION_GROUPS.filter((name) => groups[name].length).map((name) =>
      listSection({
        name,
        title: t(`inspection.group.${name}`),
        testid: `inspections-${name}`,
        folded: name === 'submitted' && groups[name].length > 5,
        rows: groups[name].map((item) => inspectionRow(item, me, now)),
      }),
    );
    body.replaceChildren(
      ...(parts.length
        ? parts
        : [h('p', { class: 'empty', 'data-testid': 'inspections-empty', text: t('inspection.none') })]),
    );
  }
  settle?.after(
    reload().catch((err) => {
      console.error('could not read the inspections', err);
      body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
    }),
    { node: root },
  );
  watchLocalData(root, reload, { everyMs: 60000 });
  const stopTemplates = onTemplatesChange(() => (root.isConnected ? reload().catch(() => {}) : stopTemplates()));
  keepTemplates(root, me);
  return root;
}

/** 整改单: the company's orders (property staff) or those of the steward's compounds. */
function ordersSection(me, settle) {
  const summary = h('span', { class: 'count', 'data-testid': 'orders-open-count' });
  const body = h(
    'div',
    { class: 'task-groups', 'aria-live': 'polite' },
    h('p', { class: 'muted', text: t('app.loading') }),
  );
  const root = h(
    'section',
    { class: 'tasks orders', 'data-testid': 'my-orders', 'aria-labelledby': 'my-orders-title' },
    h('h2', { class: 'section-title', id: 'my-orders-title' }, h('span', { text: t('order.mine') }), summary),
    body,
  );
  let learning = false;
  async function reload() {
    const [items, names] = await Promise.all([loadOrders(), loadCompoundNames()]);
    const groups = groupOrders(items);
    const now = new Date();
    summary.textContent = String(groups.overdue.length + groups.open.length + groups.responded.length);
    const parts = ORDER_GROUPS.filter((name) => groups[name].length).map((name) =>
      listSection({
        name: name === 'overdue' ? 'overdue' : `orders-${name}`,
        title: t(`order.group.${name}`),
        testid: `orders-${name}`,
        folded: name === 'closed',
        rows: groups[name].map((item) => orderRow(item, me, now, names)),
      }),
    );
    body.replaceChildren(
      ...(parts.length ? parts : [h('p', { class: 'empty', 'data-testid': 'orders-empty', text: t('order.none') })]),
    );
    // Compounds this phone cannot name yet (a company's staff): ask once, online, then redraw.
    if (
      !learning &&
      isOnline() &&
      items.some(
        ({ order }) =>
          order.compound_id != null &&
          !names.has(order.compound_id) &&
          !stewardCompounds(me).some((c) => c.id === order.compound_id),
      )
    ) {
      learning = true;
      learnCompoundNames(items).then((learnt) => {
        learning = false;
        if (learnt) reload();
      });
    }
  }
  settle?.after(
    reload().catch((err) => {
      console.error('could not read the orders', err);
      body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
    }),
    { node: root },
  );
  watchLocalData(root, reload, { everyMs: 60000 });
  return root;
}

/** The sections of home for this user's roles, in the order they use them; settle: ui/settle.js. */
export function inspectionSections({ me, settle = null }) {
  const steward = hasRole(me, 'red_steward');
  return [
    steward ? myInspectionsSection(me, settle) : null,
    steward || hasRole(me, 'property_staff') ? ordersSection(me, settle) : null,
    hasRole(me, 'resident') || hasRole(me, 'property_staff')
      ? scorecardCards({
          settle,
          kinds: [hasRole(me, 'resident') ? 'compound' : null, hasRole(me, 'property_staff') ? 'company' : null].filter(
            Boolean,
          ),
        })
      : null,
  ].filter(Boolean);
}
