// 问题上报 (#/admin/reports): the queue of problems grid workers reported from the field, oldest
// new one first (GET /api/field-reports); a dashboard's figure opens it filtered by a grid or a
// unit and a period (PROTOCOL.md §26.1), the filters said in words above it. Each becomes a task (转为任务: the form prefilled
// from the report) or is closed with a reason the reporter reads (不予处理: POST …/dismiss).
// The queue is fetched again when the admin's sync pulls new reports (a worker synced).
import { REPORT_FILTERS, reportExportUrl } from '../admin.js';
import { adminSession, dismissReport, loadReports } from '../admin-data.js';
import { TASKS } from '../constants.js';
import { t } from '../i18n.js';
import {
  adminFrame,
  errorText,
  flashNote,
  exportLink as makeExportLink,
  textField,
  watchServer,
} from './admin-common.js';
import { reportSummary } from './admin-report-card.js';
import { h } from './dom.js';
import { filterChips, periodText } from './filter-chips.js';
import { placeMap } from './place-map.js';

const PAGE = 30;
const FRESH = { status: 'new', gridId: '', unitId: '', period: '', pages: 1 };
const view = { userId: null, ...FRESH };
const filtersOf = () => ({ status: view.status, gridId: view.gridId, unitId: view.unitId, period: view.period });

/** 不予处理: a reason (required), then the request; the card leaves the queue once it is done. */
function dismissPanel(report, onDone) {
  const reason = textField({
    label: t('admin.reports.dismiss_reason'),
    testid: 'dismiss-reason',
    maxlength: TASKS.DISMISS_REASON_MAX,
    required: true,
    placeholder: t('admin.reports.dismiss_placeholder'),
  });
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'dismiss-error' });
  const confirm = h('button', {
    type: 'submit',
    class: 'btn btn--danger',
    'data-testid': 'dismiss-confirm',
    text: t('admin.reports.dismiss_confirm'),
  });
  const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: t('admin.cancel_edit') });
  const form = h(
    'form',
    { class: 'inline-panel', novalidate: true, 'data-testid': 'dismiss-panel' },
    reason,
    alert,
    h('div', { class: 'button-row' }, confirm, cancel),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = reason.input.value.trim();
    if (!text) {
      reason.setError(t('admin.reports.dismiss_required'));
      reason.input.focus();
      return;
    }
    confirm.disabled = true;
    try {
      await dismissReport(report.id, text);
      onDone(t('admin.reports.dismissed', { text: report.description.slice(0, 20) }));
    } catch (err) {
      alert.textContent = err.fields?.reason ? [].concat(err.fields.reason).join(' ') : errorText(err);
      confirm.disabled = false;
    }
  });
  cancel.addEventListener('click', () => form.remove());
  return form;
}

function reportCard(report, onDone, me) {
  const actions = h('div', { class: 'report-card__actions' });
  // 在地图上查看: the reporter's GPS fix, where maps are configured (issue 15).
  const map = placeMap({ me, fix: report.location, testid: 'report-map', collapsed: true });
  if (map) actions.append(map);
  if (report.status === 'new') {
    const dismiss = h('button', {
      type: 'button',
      class: 'btn btn--ghost',
      'data-testid': 'report-dismiss',
      text: t('admin.reports.dismiss'),
    });
    dismiss.addEventListener('click', () => {
      if (actions.querySelector('form')) return;
      const panel = dismissPanel(report, onDone);
      actions.append(panel);
      panel.querySelector('textarea').focus();
    });
    actions.append(
      h(
        'div',
        { class: 'button-row' },
        h('a', {
          class: 'btn btn--primary',
          href: `#/admin/reports/${encodeURIComponent(report.id)}/convert`,
          'data-testid': 'report-convert',
          text: t('admin.reports.convert'),
        }),
        dismiss,
      ),
    );
  } else if (report.task_id) {
    actions.append(
      h('a', {
        class: 'btn btn--ghost',
        href: `#/admin/tasks/${encodeURIComponent(report.task_id)}`,
        'data-testid': 'report-task',
        text: t('admin.reports.open_task'),
      }),
    );
  }
  return h('li', {}, reportSummary(report, actions));
}

/** #/admin/reports (?status=new|converted|dismissed|handled|all, ?grid=<id> or ?unit=<id>, ?period=30d|…:
 * that list, as a dashboard's figure links to it) */
export function reportsScreen({ me, query }) {
  adminSession(me.user.id);
  if (view.userId !== me.user.id) Object.assign(view, { userId: me.user.id, ...FRESH });
  if (['status', 'grid', 'unit', 'period'].some((key) => query?.has(key)))
    Object.assign(view, {
      ...FRESH,
      status: REPORT_FILTERS.includes(query.get('status')) ? query.get('status') : 'new',
      gridId: query.get('grid') ?? '',
      unitId: query.get('unit') ?? '',
      period: query.get('period') ?? '',
    });
  const { screen, body } = adminFrame({
    testid: 'admin-reports',
    title: t('admin.reports.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const status = h('p', { class: 'status-line', role: 'status', 'data-testid': 'reports-flash' });
  const tabs = h('div', { class: 'segments', role: 'group', 'aria-label': t('admin.reports.filter') });
  const count = h('p', { class: 'muted', 'data-testid': 'reports-count', 'aria-live': 'polite' });
  const chips = filterChips({ testid: 'reports-filters' });
  const cleared = (changes) => () => {
    Object.assign(view, changes, { pages: 1 });
    drawTabs();
    refresh();
  };
  const list = h('ul', { class: 'report-queue', 'data-testid': 'report-queue' });
  const problem = h('p', { class: 'alert', role: 'alert' });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--ghost btn--block',
    hidden: true,
    'data-testid': 'reports-more',
    text: t('admin.list.more'),
  });

  // 导出 Excel: the reports of the status shown, every page (a plain link: the session cookie applies).
  const exportLink = makeExportLink({ testid: 'reports-export' });

  function drawTabs() {
    exportLink.href = reportExportUrl(filtersOf());
    chips.draw([
      view.gridId && { key: 'grid', unitId: view.gridId, onClear: cleared({ gridId: '' }) },
      view.unitId && { key: 'unit', unitId: view.unitId, onClear: cleared({ unitId: '' }) },
      view.period && {
        key: 'period',
        label: t('filter.period'),
        text: periodText(view.period),
        onClear: cleared({ period: '' }),
      },
    ]);
    tabs.replaceChildren(
      ...REPORT_FILTERS.map((value) =>
        h('button', {
          type: 'button',
          class: 'segment',
          'aria-pressed': String(view.status === value),
          'data-testid': `reports-${value}`,
          text: t(`admin.reports.filter_${value}`),
          onclick: () => {
            view.status = value;
            view.pages = 1;
            drawTabs();
            refresh();
          },
        }),
      ),
    );
  }

  async function refresh() {
    try {
      const page = await loadReports({ ...filtersOf(), perPage: PAGE * view.pages });
      problem.textContent = '';
      const items = page.items ?? [];
      count.textContent = items.length
        ? t(view.status === 'new' ? 'admin.reports.count_new' : 'admin.reports.count', {
            count: page.total ?? items.length,
          })
        : '';
      const done = (text) => {
        status.textContent = text;
        refresh();
      };
      list.replaceChildren(
        ...(items.length
          ? items.map((r) => reportCard(r, done, me))
          : [
              h('li', {
                class: 'empty empty--good',
                'data-testid': 'reports-empty',
                text: t(view.status === 'new' ? 'admin.reports.none_new' : 'admin.reports.none'),
              }),
            ]),
      );
      more.hidden = items.length >= (page.total ?? 0);
    } catch (err) {
      problem.textContent = errorText(err);
    }
  }
  more.addEventListener('click', () => {
    view.pages += 1;
    refresh();
  });
  drawTabs();
  body.replaceChildren(
    flashNote() ?? status,
    h('p', { class: 'muted', text: t('admin.reports.explain') }),
    tabs,
    chips,
    h('div', { class: 'admin-actions' }, exportLink),
    count,
    problem,
    list,
    more,
  );
  if (!body.contains(status)) body.prepend(status);
  refresh();
  // A card's open dismiss form is not drawn over: the queue redraws only when none is open.
  watchServer(screen, () => (list.querySelector('form') ? undefined : refresh()), { entities: ['field_report'] });
  return screen;
}
