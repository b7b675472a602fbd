// The grid worker's part of the home screen (DESIGN.md S1): a big 问题上报 button, 我的任务,
// and the problems they reported, each with its sync state. Other roles get nothing here.
import { t } from '../i18n.js';
import { myGrids } from '../places.js';
import { loadMyReports } from '../task-data.js';
import { h } from './dom.js';
import { categoryLabel, codeLabel, dayAndTime } from './format.js';
import { needWorkSection } from './need-work.js';
import { takeFlash } from './report.js';
import { myTasksSection, syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';

function reportRow(item) {
  const { report } = item;
  return h(
    'li',
    { class: 'report-row', 'data-testid': 'report-row', 'data-id': item.id },
    h(
      'span',
      { class: 'task-row__chips' },
      h('span', { class: 'chip chip--type chip--report', text: categoryLabel(report.category) }),
      report.status && report.status !== 'new'
        ? h('span', { class: 'chip chip--status', text: codeLabel('report.status', report.status) })
        : null,
      syncBadges(item),
    ),
    h('span', { class: 'report-row__text', text: report.description ?? '' }),
    h('span', { class: 'task-row__place', text: dayAndTime(report.reported_at) }),
  );
}

/** "我上报的问题", folded; drawn again as reports are made and synced. */
function myReportsSection(userId) {
  const count = h('span', { class: 'count', 'data-testid': 'reports-count' });
  const list = h('ul', { class: 'report-list' });
  const details = h(
    'details',
    { class: 'task-section', 'data-testid': 'my-reports' },
    h('summary', { class: 'task-section__summary' }, h('span', { text: t('reports.mine') }), count),
    list,
  );
  async function reload() {
    const items = await loadMyReports(userId);
    count.textContent = String(items.length);
    list.replaceChildren(
      ...(items.length ? items.map(reportRow) : [h('li', { class: 'empty', text: t('reports.none') })]),
    );
  }
  reload().catch((err) => console.warn('could not read the reports', err));
  watchLocalData(details, reload);
  return details;
}

/** The section, or null for a user who is no grid worker: 我的任务 first, then residents' needs. */
export function workSection({ me, settle = null }) {
  if (!myGrids(me).length) return null;
  const flash = takeFlash();
  return h(
    'div',
    { class: 'work', 'data-testid': 'work' },
    flash ? h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'flash', text: flash }) : null,
    myTasksSection({ me, settle }),
    needWorkSection({ me, settle }), // 居民诉求: residents' needs of my grids, work beside my tasks
    myReportsSection(me.user.id),
  );
}

/**
 * 问题上报: a grid worker's button, fixed at the bottom of the screen where the thumb is, over
 * the list (the list leaves room for it at its end); nothing for other roles.
 */
export function reportButton({ me }) {
  if (!myGrids(me).length) return null;
  return h('a', {
    class: 'btn btn--primary fab',
    href: '#/report',
    'data-testid': 'report-open',
    text: t('report.open'),
  });
}
