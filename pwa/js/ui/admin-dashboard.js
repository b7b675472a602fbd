// 工作看板 (#/admin/dashboard, #/admin/dashboard/<unit id>; issue 16, PROTOCOL.md §26): an org unit's
// figures — tasks, field reports, residents' needs with 响应率 / 解决率 / 满意率, inspections and
// rectification orders, alert receipts, volunteer hours — in cards (the unit's totals), a chart of
// the tasks per child unit, and a table of the child units (a street's communities, a community's
// grids). A unit's name opens its dashboard; a figure opens the records behind it. Fetched again
// when the admin's sync pulls changes of those records (watchServer: at most once a second); the
// last answer is kept on the device, so offline the table still reads, "数据截至 HH:MM".
import { DASHBOARD_ENTITIES, figureText, linkOf, loadDashboard, PERIODS } from '../dashboard-data.js';
import { getLocale, t } from '../i18n.js';
import { adminFrame, loadFailed, watchServer } from './admin-common.js';
import { h } from './dom.js';

// The child table's columns: [section, figure].
const COLUMNS = [
  ['tasks', 'done'],
  ['tasks', 'open'],
  ['tasks', 'overdue'],
  ['reports', 'new'],
  ['needs', 'count'],
  ['needs', 'response_rate'],
  ['needs', 'resolution_rate'],
  ['needs', 'satisfaction_rate'],
  ['inspections', 'mean_score'],
  ['inspections', 'open_orders'],
  ['inspections', 'overdue_orders'],
  ['alerts', 'read'],
  ['service', 'hours'],
];
const CHART_SERIES = ['done', 'open', 'overdue'];
const view = { period: '30d' };

const clockText = (iso, seconds = false) =>
  new Intl.DateTimeFormat(getLocale(), {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  }).format(new Date(iso));

const label = (section, name) => t(`dashboard.fig.${section}.${name}`);

/** A figure: its value and label, a link to its records when there are some to show. */
function figure(section, name, value, href) {
  const text = figureText(name, value);
  const testid = `fig-${section.key}-${name}`;
  const inner = [
    h('span', { class: 'dash-fig__value', 'data-testid': testid, text }),
    h('span', { class: 'dash-fig__label', text: label(section.key, name) }),
  ];
  return href
    ? h('a', { class: 'dash-fig dash-fig--link', href, 'data-testid': `${testid}-link` }, ...inner)
    : h('div', { class: 'dash-fig' }, ...inner);
}

function sectionCard(section) {
  return h(
    'section',
    { class: 'card dash-card', 'data-testid': `dash-${section.key}`, 'aria-labelledby': `dash-${section.key}-title` },
    h('h2', {
      class: 'dash-card__title',
      id: `dash-${section.key}-title`,
      text: t(`dashboard.section.${section.key}`),
    }),
    h(
      'div',
      { class: 'dash-card__figures' },
      section.figures.map((name) => figure(section, name, section.total[name], linkOf(section, name))),
    ),
  );
}

function companiesTable(section) {
  const group = (section.groups ?? []).find((g) => g.key === 'companies');
  if (!group?.rows.length) return null;
  return h(
    'section',
    { class: 'card dash-card', 'data-testid': 'dash-companies' }, // beside the chart on a desk
    h('h2', { class: 'dash-card__title', text: t('dashboard.companies') }),
    h(
      'div',
      { class: 'dash-scroll' },
      h(
        'table',
        { class: 'dash-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', text: t('dashboard.company') }),
            group.figures.map((name) => h('th', { scope: 'col', text: label('inspections', name) })),
          ),
        ),
        h(
          'tbody',
          {},
          group.rows.map((row) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row', text: row.name ?? t('dashboard.self_managed') }),
              group.figures.map((name) => h('td', {}, h('a', { href: row.link, text: String(row[name]) }))),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The table of the child units: a row each, its name opening its own dashboard. */
function childTable(data, sections) {
  const columns = COLUMNS.filter(([key]) => sections[key]);
  const cell = (key, name, childId) => {
    const section = sections[key];
    const counts = childId === null ? section.total : section.units[String(childId)];
    const text = figureText(name, counts?.[name]);
    const href = linkOf(section, name, childId);
    return h(
      'td',
      { 'data-label': label(key, name) },
      href ? h('a', { href, 'data-testid': `cell-${childId ?? 'total'}-${key}-${name}`, text }) : text,
    );
  };
  return h(
    'div', // the scrolling region below is the landmark, named by the title
    { class: 'card dash-card dash-card--wide' },
    h('h2', {
      class: 'dash-card__title',
      id: 'dash-units-title',
      text: t(`dashboard.children.${data.unit.kind}`),
    }),
    h(
      'div',
      { class: 'dash-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'dash-units-title' },
      h(
        'table',
        { class: 'dash-table', 'data-testid': 'dash-units' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', text: t('dashboard.unit') }),
            columns.map(([key, name]) => h('th', { scope: 'col', text: label(key, name) })),
          ),
        ),
        h(
          'tbody',
          {},
          data.children.map((child) =>
            h(
              'tr',
              { 'data-unit': String(child.id) },
              h(
                'th',
                { scope: 'row' },
                h('a', {
                  href: `#/admin/dashboard/${child.id}`,
                  'data-testid': `unit-${child.id}`,
                  text: child.name,
                }),
              ),
              columns.map(([key, name]) => cell(key, name, child.id)),
            ),
          ),
          h(
            'tr',
            { class: 'dash-table__total' },
            h('th', { scope: 'row', text: t('dashboard.total') }),
            columns.map(([key, name]) => cell(key, name, null)),
          ),
        ),
      ),
    ),
  );
}

/** The screen. params.id: the unit (none: the admin's own). */
export function adminDashboardScreen({ params, query }) {
  const unitId = params?.id ?? null;
  if (PERIODS.includes(query?.get('period'))) view.period = query.get('period');
  const { screen, heading, body } = adminFrame({
    testid: 'admin-dashboard',
    title: t('dashboard.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const asOf = h('p', { class: 'live-line', 'data-testid': 'dash-asof', 'aria-live': 'off' });
  const periods = h('div', { class: 'segments dash-periods', role: 'group', 'aria-label': t('dashboard.period') });
  const content = h('div', { class: 'dash-grid', 'data-testid': 'dash-content', 'aria-busy': 'true' });
  const canvas = h('canvas', { 'data-testid': 'dash-chart', role: 'img', 'aria-label': t('dashboard.chart') });
  const chartCard = h(
    'section',
    { class: 'card dash-card dash-chart' },
    h('h2', { class: 'dash-card__title', text: t('dashboard.chart') }),
    h('div', { class: 'dash-chart__box' }, canvas),
  );
  const way = h('nav', { class: 'dash-way', 'aria-label': t('dashboard.way_up') });
  let chart = null;
  let shown = null;

  function drawPeriods() {
    periods.replaceChildren(
      ...PERIODS.map((period) =>
        h('button', {
          type: 'button',
          class: 'segment',
          'aria-pressed': String(view.period === period),
          'data-testid': `dash-period-${period}`,
          text: t(`dashboard.period.${period}`),
          onclick: () => {
            view.period = period;
            drawPeriods();
            refresh();
          },
        }),
      ),
    );
  }

  async function drawChart(data, sections) {
    const tasks = sections.tasks;
    if (!tasks || !data.children.length) {
      chartCard.hidden = true;
      return;
    }
    chartCard.hidden = false;
    try {
      const { drawBars } = await import('./admin-dashboard-chart.js');
      chart = drawBars(canvas, chart, {
        labels: data.children.map((c) => c.name),
        series: CHART_SERIES.map((name) => ({
          key: name,
          label: label('tasks', name),
          values: data.children.map((c) => tasks.units[String(c.id)]?.[name] ?? 0),
        })),
        onPick: (index) => {
          location.hash = `#/admin/dashboard/${data.children[index].id}`;
        },
      });
      canvas.dataset.drawn = 'true';
    } catch (err) {
      console.warn('could not draw the chart', err); // offline before Chart.js was cached: the table says it all
      chartCard.hidden = true;
    }
  }

  function draw({ data, savedAt, offline }) {
    shown = data;
    const sections = Object.fromEntries(data.sections.map((s) => [s.key, s]));
    heading.textContent = t('dashboard.title_of', { unit: data.unit.name });
    way.replaceChildren(
      ...data.path.map((unit) =>
        h('a', { class: 'dash-way__step', href: `#/admin/dashboard/${unit.id}`, text: unit.name }),
      ),
    );
    asOf.textContent = offline
      ? t('dashboard.as_of', { time: clockText(savedAt) })
      : t('admin.progress.updated', { time: clockText(data.generated_at, true) });
    asOf.dataset.offline = String(offline);
    asOf.dataset.generatedAt = data.generated_at;
    content.removeAttribute('aria-busy');
    const companies = sections.inspections ? companiesTable(sections.inspections) : null;
    chartCard.classList.toggle('dash-card--wide', !companies); // alone on its row: the whole width
    content.replaceChildren(
      ...[
        h('div', { class: 'dash-cards' }, data.sections.map(sectionCard)),
        data.children.length ? childTable(data, sections) : null,
        chartCard,
        companies,
      ].filter(Boolean),
    );
    drawChart(data, sections);
  }

  async function refresh() {
    try {
      draw(await loadDashboard(unitId, view.period));
    } catch (err) {
      if (shown) return; // keep what is on screen; the next poke tries again
      content.removeAttribute('aria-busy');
      content.replaceChildren(loadFailed(err, refresh));
    }
  }

  drawPeriods();
  body.replaceChildren(way, periods, asOf, content);
  refresh();
  watchServer(screen, refresh, { entities: DASHBOARD_ENTITIES });
  return screen;
}
