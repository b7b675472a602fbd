// 物业服务评分 (#/admin/scorecards, issue 5): the month's score of every compound and property
// company in the admin's area (GET /api/scorecards), with stars, penalties, rankings and open
// rectification orders; the month's workbook (XLSX) for the meeting; a compound's 12-month trend
// (#/admin/scorecards/compounds/<id>). How scores are made is said on the screen, as on paper.
import { adminUnits } from '../admin.js';
import {
  adminSession,
  loadCompoundCard,
  loadInspections,
  loadOrders,
  loadScorecard,
  scorecardWorkbookUrl,
} from '../admin-data.js';
import { t } from '../i18n.js';
import { scoreText, shiftMonth, starsText } from '../scorecards.js';
import { adminFrame, loadFailed } from './admin-common.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

const view = { month: null, unitId: null };

function stars(value, testid = 'stars') {
  const text = starsText(value);
  return h('span', {
    class: 'stars',
    'data-testid': testid,
    'data-stars': String(value ?? ''),
    'aria-label': value ? t('scorecards.stars', { count: value }) : t('scorecards.no_stars'),
    text: text || '—',
  });
}

function cell(label, content, extra = {}) {
  return h('td', { 'data-label': label, ...extra }, content);
}

function companiesTable(companies) {
  const ranked = [...companies].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
  const head = [
    t('scorecards.rank'),
    t('scorecards.company'),
    t('scorecards.score'),
    t('scorecards.stars_col'),
    t('scorecards.compounds_scored'),
    t('scorecards.open_orders'),
  ];
  return h(
    'table',
    { class: 'task-table score-table', 'data-testid': 'scorecard-companies' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((label) => h('th', { scope: 'col', text: label })),
      ),
    ),
    h(
      'tbody',
      {},
      ranked.map((company, index) =>
        h(
          'tr',
          { class: 'task-table__row', 'data-testid': 'scorecard-company', 'data-id': company.id },
          cell(head[0], company.score === null ? '—' : String(index + 1)),
          cell(head[1], h('strong', { text: company.name }), { class: 'task-table__task' }),
          cell(head[2], h('span', { 'data-testid': 'company-score', text: scoreText(company.score) })),
          cell(head[3], stars(company.stars)),
          cell(head[4], `${company.compounds_scored} / ${company.compounds}`),
          cell(head[5], String(company.open_orders)),
        ),
      ),
    ),
  );
}

function penaltiesText(row) {
  const parts = [];
  if (row.overdue) parts.push(t('scorecards.penalty_overdue', { count: row.overdue }));
  if (row.reopenings) parts.push(t('scorecards.penalty_reopened', { count: row.reopenings }));
  return parts.join('，') || t('scorecards.no_penalty');
}

function compoundsTable(compounds, month) {
  const head = [
    t('scorecards.compound'),
    t('scorecards.company'),
    t('scorecards.inspections'),
    t('scorecards.mean'),
    t('scorecards.penalties'),
    t('scorecards.score'),
    t('scorecards.stars_col'),
    t('scorecards.ranks'),
    t('scorecards.open_orders'),
  ];
  const sorted = [...compounds].sort(
    (a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name, 'zh-CN'),
  );
  return h(
    'table',
    { class: 'task-table score-table', 'data-testid': 'scorecard-compounds' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((label) => h('th', { scope: 'col', text: label })),
      ),
    ),
    h(
      'tbody',
      {},
      sorted.map((row) =>
        h(
          'tr',
          { class: 'task-table__row', 'data-testid': 'scorecard-compound', 'data-id': row.id },
          cell(
            head[0],
            h(
              'span',
              {},
              h('a', {
                class: 'task-table__link',
                href: `#/admin/scorecards/compounds/${row.id}?month=${month}`,
                text: row.name,
              }),
              h('span', { class: 'muted block', text: row.community_name ?? '' }),
            ),
            { class: 'task-table__task' },
          ),
          cell(head[1], row.company_name ?? t('scorecards.no_company')),
          cell(head[2], String(row.inspections)),
          cell(head[3], scoreText(row.mean)),
          cell(head[4], penaltiesText(row)),
          cell(head[5], h('strong', { 'data-testid': 'compound-score', text: scoreText(row.score) })),
          cell(head[6], stars(row.stars)),
          cell(
            head[7],
            row.rank_in_street
              ? t('scorecards.rank_text', { street: row.rank_in_street, district: row.rank_in_district ?? '—' })
              : '—',
          ),
          cell(head[8], String(row.open_orders)),
        ),
      ),
    ),
  );
}

function monthBar(month, onMonth) {
  const prev = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': 'month-prev',
    text: t('scorecards.prev_month'),
  });
  const next = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': 'month-next',
    text: t('scorecards.next_month'),
  });
  prev.addEventListener('click', () => onMonth(shiftMonth(month, -1)));
  next.addEventListener('click', () => onMonth(shiftMonth(month, 1)));
  return h(
    'div',
    { class: 'button-row month-bar' },
    prev,
    h('strong', {
      class: 'month-bar__month',
      'data-testid': 'scorecard-month',
      text: t('scorecards.month', { year: month.slice(0, 4), month: Number(month.slice(5)) }),
    }),
    next,
  );
}

/** #/admin/scorecards */
export function scorecardsScreen({ me }) {
  adminSession(me.user.id);
  const units = adminUnits(me);
  view.unitId ??= units[0]?.id ?? null;
  const { screen, body } = adminFrame({
    testid: 'admin-scorecards',
    title: t('scorecards.title'),
    back: '/',
    backText: t('form.back_home'),
  });

  async function show() {
    try {
      const card = await loadScorecard({ month: view.month, orgUnitId: view.unitId });
      view.month = card.month;
      const unitSelect =
        units.length > 1
          ? h(
              'select',
              {
                class: 'field__input filter__select',
                'data-testid': 'scorecard-unit',
                'aria-label': t('scorecards.unit'),
              },
              units.map((unit) =>
                h('option', { value: String(unit.id), selected: unit.id === view.unitId, text: unit.name }),
              ),
            )
          : null;
      unitSelect?.addEventListener('change', () => {
        view.unitId = Number(unitSelect.value);
        show();
      });
      body.replaceChildren(
        h('p', { class: 'muted', text: t('scorecards.explain') }),
        h(
          'div',
          { class: 'scorecard-tools' },
          unitSelect,
          monthBar(card.month, (month) => {
            view.month = month;
            show();
          }),
          h('a', {
            class: 'btn btn--secondary',
            'data-testid': 'scorecard-xlsx',
            href: scorecardWorkbookUrl({ month: card.month, orgUnitId: view.unitId }),
            download: `scorecard-${card.month}.xlsx`,
            text: t('scorecards.download'),
          }),
        ),
        h('h2', { class: 'section-title', text: t('scorecards.companies_title', { unit: card.org_unit?.name ?? '' }) }),
        card.companies.length ? companiesTable(card.companies) : h('p', { class: 'empty', text: t('scorecards.none') }),
        h('h2', { class: 'section-title', text: t('scorecards.compounds_title') }),
        card.compounds.length
          ? compoundsTable(card.compounds, card.month)
          : h('p', { class: 'empty', text: t('scorecards.none') }),
        h('p', { class: 'muted small', 'data-testid': 'scorecard-rules', text: t('scorecards.rules') }),
      );
    } catch (err) {
      body.replaceChildren(loadFailed(err, show));
    }
  }
  show();
  return screen;
}

function trendList(trend) {
  const best = 100;
  return h(
    'ol',
    { class: 'trend', 'data-testid': 'compound-trend' },
    trend.map((point) =>
      h(
        'li',
        { class: 'trend__row' },
        h('span', {
          class: 'trend__month',
          text: t('scorecards.month_short', { month: Number(point.month.slice(5)) }),
        }),
        h(
          'span',
          { class: 'trend__bar' },
          h('span', {
            class: `trend__fill trend__fill--${point.stars ?? 0}`,
            'data-width': String(Math.round(((point.score ?? 0) / best) * 100)),
          }),
        ),
        h('span', { class: 'trend__score', text: `${scoreText(point.score)} ${starsText(point.stars)}` }),
      ),
    ),
  );
}

function inspectionList(page) {
  const items = page.items ?? [];
  if (!items.length) return h('p', { class: 'empty', text: t('scorecards.no_inspections') });
  return h(
    'ul',
    { class: 'plan-list', 'data-testid': 'compound-inspections' },
    items.map(({ id, data, steward_name: steward, template_version: version }) =>
      h(
        'li',
        { class: 'card plan', 'data-testid': 'compound-inspection', 'data-id': id },
        h('strong', { class: 'plan__compound', text: t(`scorecards.kind.${data.kind}`) }),
        h('span', {
          class: 'muted',
          text: `${dateTime(data.submitted_at)} · ${steward ?? ''} · ${t('scorecards.template_version', { version })}`,
        }),
        h(
          'span',
          {},
          t('scorecards.inspection_score', {
            score: scoreText(
              data.score === null || data.score === undefined ? null : (data.score / (data.max_score || 100)) * 100,
            ),
            failed: data.failed_count ?? 0,
          }),
        ),
        // The printable report (server-rendered, print stylesheet): a new tab, to print or keep as PDF.
        h('a', {
          class: 'btn btn--ghost',
          href: `/inspections/${encodeURIComponent(id)}/report`,
          target: '_blank',
          rel: 'noopener',
          'data-testid': 'inspection-report',
          text: t('scorecards.print_report'),
        }),
      ),
    ),
  );
}

function orderList(page) {
  const items = page.items ?? [];
  if (!items.length)
    return h('p', { class: 'empty', 'data-testid': 'compound-orders-none', text: t('scorecards.no_open_orders') });
  return h(
    'ul',
    { class: 'plan-list', 'data-testid': 'compound-orders' },
    items.map(({ id, data, overdue }) =>
      h(
        'li',
        {
          class: `card plan${overdue ? ' notice--unread' : ''}`,
          'data-testid': 'compound-order',
          'data-id': id,
          'data-overdue': String(Boolean(overdue)),
        },
        h('strong', { class: 'plan__compound', text: data.item_text }),
        h('span', { class: `chip chip--severity-${data.severity}`, text: t(`templates.severity.${data.severity}`) }),
        h('span', {
          class: 'muted',
          text: [
            t(`scorecards.order_status.${data.status}`),
            t('scorecards.deadline', { time: dateTime(data.deadline_at) }),
          ].join(' · '),
        }),
        overdue ? h('span', { class: 'chip chip--urgent', text: t('scorecards.overdue') }) : null,
      ),
    ),
  );
}

/** #/admin/scorecards/compounds/<id>?month= */
export function compoundScorecardScreen({ me, params, query }) {
  adminSession(me.user.id);
  const { screen, heading, body } = adminFrame({
    testid: 'admin-compound-scorecard',
    title: t('scorecards.title'),
    back: '/admin/scorecards',
    backText: `‹ ${t('scorecards.title')}`,
  });
  async function show() {
    try {
      const [card, orders, inspections] = await Promise.all([
        loadCompoundCard(params.id, query.get('month') || view.month),
        loadOrders({ compoundId: params.id, status: 'unresolved' }),
        loadInspections({ compoundId: params.id, status: 'submitted' }),
      ]);
      heading.textContent = card.name;
      const trend = trendList(card.trend ?? []);
      // Widths from data: the CSP forbids inline style attributes, not styles set from script.
      for (const fill of trend.querySelectorAll('.trend__fill')) fill.style.width = `${fill.dataset.width}%`;
      body.replaceChildren(
        h(
          'dl',
          { class: 'facts' },
          h('dt', { text: t('scorecards.company') }),
          h('dd', { text: card.company_name ?? t('scorecards.no_company') }),
          h('dt', { text: t('scorecards.score') }),
          h('dd', {}, h('strong', { text: scoreText(card.score) }), ' ', stars(card.stars)),
          h('dt', { text: t('scorecards.penalties') }),
          h('dd', { text: penaltiesText(card) }),
          h('dt', { text: t('scorecards.open_orders') }),
          h('dd', { text: String(card.open_orders) }),
        ),
        h('h2', { class: 'section-title', text: t('scorecards.trend') }),
        trend,
        h('h2', { class: 'section-title', text: t('scorecards.open_orders_title') }),
        orderList(orders),
        h('h2', { class: 'section-title', text: t('scorecards.inspections_title') }),
        inspectionList(inspections),
      );
    } catch (err) {
      body.replaceChildren(loadFailed(err, show));
    }
  }
  show();
  return screen;
}
