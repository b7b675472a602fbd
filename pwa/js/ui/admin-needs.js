// 诉求督办 of a community admin (#/admin/needs): the needs reopened to the community — a missed
// response or resolution deadline, a resident's low rating — oldest first, then the other open
// needs of the jurisdiction by their deadline; above them, online, 响应率 / 解决率 / 满意率 of the
// last 30 days per community (GET /api/needs/stats, PROTOCOL.md §16.3). The lists come from
// IndexedDB (the admins' org buckets), so they open offline too; online, both export to Excel.
// A dashboard's figure opens it filtered (?grid=, ?community= or ?unit=, and ?period=: PROTOCOL.md
// §26.1): then the list is the server's (GET /api/needs, §16.4) — every need the figure counted,
// open or not — with the filters said in words above it; clearing the last one shows the queue.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { loadNeeds } from '../need-data.js';
import { adminQueue } from '../needs.js';
import { isOnline } from '../net.js';
import { errorText, exportLink } from './admin-common.js';
import { h } from './dom.js';
import { filterChips, periodText } from './filter-chips.js';
import { listSection } from './inspection-parts.js';
import { needRow } from './need-parts.js';
import { watchLocalData } from './watch.js';
import { backLink, block } from './wish-parts.js';

const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`);

/** One community's figures: count and the three rates. */
function figuresRow(row) {
  return h(
    'tr',
    { 'data-testid': 'need-figures-row' },
    h('th', { scope: 'row', text: row.community_name ?? '' }),
    h('td', { text: String(row.count) }),
    h('td', { 'data-testid': 'need-response-rate', text: percent(row.response_rate) }),
    h('td', { 'data-testid': 'need-resolution-rate', text: percent(row.resolution_rate) }),
    h('td', { 'data-testid': 'need-satisfaction-rate', text: percent(row.satisfaction_rate) }),
  );
}

function figuresBlock() {
  const body = h(
    'div',
    {},
    h('p', { class: 'muted', text: isOnline() ? t('app.loading') : t('need.figures_offline') }),
  );
  if (isOnline()) {
    get('/api/needs/stats').then(
      (stats) =>
        body.replaceChildren(
          h(
            'table',
            { class: 'figures', 'data-testid': 'need-figures' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  'need.figures_unit',
                  'need.figures_count',
                  'need.rate_response',
                  'need.rate_resolution',
                  'need.rate_satisfaction',
                ].map((key) => h('th', { scope: 'col', text: t(key) })),
              ),
            ),
            h('tbody', {}, stats.communities.map(figuresRow)),
          ),
        ),
      (err) => {
        console.warn('could not read the figures', err);
        body.replaceChildren(h('p', { class: 'muted', text: t('need.figures_offline') }));
      },
    );
  }
  return block(t('need.figures'), 'need-figures-block', body);
}

/**
 * 导出 Excel (GET /api/needs/export.xlsx, PROTOCOL.md §24.1): the open needs, or every one, of the
 * jurisdiction — or of the unit and period the address filters by, as the list shows them.
 * Returns the links' box; box.follow(filters) redraws their addresses when the filters change.
 */
function exportLinks(filters) {
  const links = ['open', 'all'].map((status) => {
    const link = exportLink({ testid: `need-export-${status}`, text: t(`need.export_${status}`) });
    link.dataset.status = status;
    return link;
  });
  const box = h('div', { class: 'admin-actions', hidden: !isOnline() }, ...links);
  box.follow = (current) => {
    for (const link of links) {
      const params = new URLSearchParams({ status: link.dataset.status });
      if (current?.unitId) params.set('unit', current.unitId);
      if (current?.period) params.set('period', current.period);
      link.href = `/api/needs/export.xlsx?${params}`;
    }
  };
  box.follow(filters);
  return box;
}

const PAGE = 30;
const UNIT_KEYS = ['grid', 'community', 'unit']; // the address's names of an org unit's needs

/** The filters of the address: {unitKey, unitId, period}, or null when it has none. */
function filtersOf(query) {
  const unitKey = UNIT_KEYS.find((key) => /^\d+$/.test(query?.get(key) ?? ''));
  const period = query?.get('period') ?? '';
  if (!unitKey && !period) return null;
  return { unitKey, unitId: unitKey ? query.get(unitKey) : '', period };
}

/** The needs the filters select, from the server (online only), a page more at each tap. */
function filteredList(filters, onCleared, onChange) {
  const chips = filterChips({ testid: 'need-filters' });
  const count = h('p', { class: 'muted', 'data-testid': 'need-filtered-count', 'aria-live': 'polite' });
  const rows = h('ul', { class: 'task-list', 'data-testid': 'need-filtered-list' });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--ghost btn--block',
    hidden: true,
    'data-testid': 'need-filtered-more',
    text: t('admin.list.more'),
  });
  let pages = 1;
  const clear = (changes) => () => {
    Object.assign(filters, changes);
    onChange(filters);
    if (!filters.unitId && !filters.period) onCleared();
    else draw();
  };
  async function draw() {
    chips.draw([
      filters.unitId && { key: filters.unitKey, unitId: filters.unitId, onClear: clear({ unitId: '' }) },
      filters.period && {
        key: 'period',
        label: t('filter.period'),
        text: periodText(filters.period),
        onClear: clear({ period: '' }),
      },
    ]);
    const params = new URLSearchParams({ status: 'all', per_page: String(PAGE * pages) });
    if (filters.unitId) params.set('unit', filters.unitId);
    if (filters.period) params.set('period', filters.period);
    try {
      const page = await get(`/api/needs?${params}`);
      const now = new Date();
      count.textContent = t('need.filtered_count', { count: page.total });
      rows.replaceChildren(...page.items.map((need) => needRow({ id: need.id, need }, now)));
      more.hidden = page.items.length >= page.total;
    } catch (err) {
      count.textContent = errorText(err);
      rows.replaceChildren();
    }
  }
  more.addEventListener('click', () => {
    pages += 1;
    draw();
  });
  draw();
  return h('section', { class: 'need-filtered', 'data-testid': 'need-filtered' }, chips, count, rows, more);
}

/** The screen for #/admin/needs. */
export function adminNeedsScreen({ me, query }) {
  const filters = filtersOf(query);
  const exports = exportLinks(filters);
  const lists = h('div', { class: 'need-queue' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'admin-needs' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('need.admin_title') }),
    h('p', { class: 'muted', text: t('need.admin_about') }),
    figuresBlock(),
    exports,
    lists,
  );
  if (filters) {
    const filtered = filteredList(
      filters,
      () => {
        filtered.replaceWith(lists);
        draw().catch(failed);
      },
      exports.follow,
    );
    lists.replaceWith(filtered);
  }
  function failed(err) {
    console.error('could not read the needs', err);
    lists.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  }
  async function draw() {
    if (!lists.isConnected && filters) return; // the filtered list is shown instead
    const { escalated, open } = adminQueue(await loadNeeds(), me);
    const now = new Date();
    lists.replaceChildren(
      ...[
        listSection({
          name: 'escalated',
          title: t('need.admin_escalated'),
          rows: escalated.map((item) => needRow(item, now)),
          testid: 'need-escalated-list',
        }),
        escalated.length
          ? null
          : h('p', { class: 'muted empty', 'data-testid': 'need-escalated-none', text: t('need.admin_none') }),
        listSection({
          name: 'open',
          title: t('need.admin_open'),
          rows: open.map((item) => needRow(item, now)),
          testid: 'need-open-list',
          folded: true,
        }),
      ].filter(Boolean),
    );
  }
  if (!filters) draw().catch(failed);
  watchLocalData(screen, () => draw().catch(failed));
  return screen;
}
