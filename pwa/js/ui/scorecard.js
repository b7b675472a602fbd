// A resident's view of their compound's property service (issue 5 item 5, the transparency
// between the 两翼), and a company's own figures for its staff, from GET /api/scorecards/mine.
// A compound's card explains itself (issue 15 item 5): the month's score and what makes it (the
// inspections' mean less the deductions of that month's orders, by the README's rules in plain
// words), the last months, and the orders not closed now — of any month, overdue first — so
// ★★★★★ beside "未完成整改 6" no longer reads as a contradiction. Online only; the last answer is
// kept so a phone offline still shows it, dated. Nothing shows when the server has nothing to
// show (no score yet, no scorecard API, offline with nothing kept).
import { exchange } from '../api.js';
import { getCached, setCached } from '../db.js';
import { t } from '../i18n.js';
import { scoreText, starsText } from '../scorecards.js';
import { h } from './dom.js';
import { dateTime, dayAndTime } from './format.js';

export const SCORECARD_URL = '/api/scorecards/mine';
const KEY = 'scorecards:mine';

/**
 * The server's {data: {month, compounds, companies}, saved_at, fresh: true}, kept for offline;
 * null when the server has none; undefined when it could not be asked (offline).
 */
async function fetchScorecards() {
  try {
    const answer = await exchange('GET', SCORECARD_URL);
    if (answer.ok && answer.data) {
      const saved = { data: answer.data, saved_at: Date.now() };
      await setCached(KEY, saved);
      return { ...saved, fresh: true };
    }
    if (answer.status === 404) return null; // no scorecard API on this server (yet)
  } catch (err) {
    console.warn('could not fetch the scorecards', err); // offline: the kept one, if any
  }
  return undefined;
}

/** The copy kept from the last fetch, {…, fresh: false}, or null. */
async function keptScorecards() {
  const kept = await getCached(KEY);
  return kept?.data ? { ...kept, fresh: false } : null;
}

const monthNumber = (month) => Number(String(month).split('-')[1]);

/** How the month's score is made, in one sentence. */
function breakdown(row, month) {
  const m = monthNumber(month);
  if (!row.inspections) return t('scorecard.how_none', { month: m });
  return t('scorecard.how', {
    month: m,
    count: row.inspections,
    mean: scoreText(row.mean),
    overdue: row.overdue ?? 0,
    reopenings: row.reopenings ?? 0,
    score: scoreText(row.score),
  });
}

/** The last months' scores, oldest first: 6月 — · 7月 — · … · 11月 75.0. */
function trend(points) {
  if (!points?.length) return null;
  return h(
    'ol',
    { class: 'month-scores', 'data-testid': 'scorecard-trend', 'aria-label': t('scorecard.trend') },
    points.map((p) =>
      h(
        'li',
        { class: 'month-scores__month', 'data-month': p.month },
        h('span', { class: 'month-scores__label', text: t('scorecard.month', { month: monthNumber(p.month) }) }),
        h('span', { class: 'month-scores__score', text: p.score == null ? '—' : scoreText(p.score) }),
      ),
    ),
  );
}

function orderState(order) {
  if (order.escalation_level >= 2) return { key: 'scorecard.order_street', tone: 'danger' };
  if (order.escalation_level === 1) return { key: 'scorecard.order_community', tone: 'danger' };
  if (order.overdue) return { key: 'scorecard.order_overdue', tone: 'danger' };
  if (order.status === 'responded') return { key: 'scorecard.order_responded', tone: 'info' };
  if (order.status === 'reopened') return { key: 'scorecard.order_reopened', tone: 'warn' };
  return { key: 'scorecard.order_open', tone: 'info' };
}

/** The orders not closed now, overdue first, each with its deadline and where it stands. */
function orderList(row) {
  const orders = row.orders ?? [];
  if (!orders.length) return null;
  return h(
    'ul',
    { class: 'order-lines', 'data-testid': 'scorecard-orders' },
    orders.map((order) => {
      const state = orderState(order);
      return h(
        'li',
        { class: 'order-line', 'data-testid': 'scorecard-order', 'data-overdue': String(Boolean(order.overdue)) },
        h('span', { class: 'order-line__what', text: order.item_text }),
        h(
          'span',
          { class: 'order-line__meta' },
          h('span', { class: `badge badge--${state.tone}`, text: t(state.key) }),
          h('span', {
            class: 'muted',
            text: t('scorecard.order_deadline', { time: dayAndTime(order.deadline_at) }),
          }),
        ),
      );
    }),
  );
}

/** ★★★★☆ with what it means for screen readers; nothing when the month has no score. */
function starsOf(row, tag) {
  if (row.stars == null) return null;
  const stars = Math.max(0, Math.min(5, Number(row.stars)));
  return h(tag, {
    class: 'scorecard__stars',
    'data-testid': 'scorecard-stars',
    'data-stars': String(stars),
    'aria-label': t('scorecard.stars', { count: stars }),
    text: starsText(stars),
  });
}

/** A compound's card (residents, stewards): the score, why, the months before, the open orders. */
function compoundCard({ row, month, found }) {
  const open = row.open_orders ?? 0;
  return h(
    'section',
    { class: 'card scorecard', 'data-testid': 'scorecard', 'data-kind': 'compound', 'data-id': String(row.id) },
    h('h2', { class: 'card__title', text: t('scorecard.title_compound', { name: row.name ?? '' }) }),
    h(
      'p',
      { class: 'scorecard__head' },
      starsOf(row, 'span'),
      h('span', {
        class: 'scorecard__score',
        'data-testid': 'scorecard-score',
        text:
          row.score == null
            ? t('scorecard.no_score')
            : t('scorecard.score_of', { month: monthNumber(month), score: scoreText(row.score) }),
      }),
    ),
    h('p', { class: 'scorecard__how', 'data-testid': 'scorecard-how', text: breakdown(row, month) }),
    trend(row.trend),
    h(
      'h3',
      { class: 'scorecard__sub', 'data-testid': 'scorecard-open' },
      open ? t('scorecard.open_now', { count: open, overdue: row.overdue_orders ?? 0 }) : t('scorecard.open_none'),
    ),
    orderList(row),
    open > (row.orders ?? []).length
      ? h('p', { class: 'muted', text: t('scorecard.orders_more', { count: open - row.orders.length }) })
      : null,
    open ? h('p', { class: 'muted small', 'data-testid': 'scorecard-note', text: t('scorecard.counts_note') }) : null,
    row.company_name ? h('p', { class: 'muted', text: t('scorecard.company_is', { name: row.company_name }) }) : null,
    h(
      'details',
      { class: 'scorecard__rules' },
      h('summary', { text: t('scorecard.rules_title') }),
      h('p', { class: 'small', 'data-testid': 'scorecard-rules', text: t('scorecards.rules') }),
    ),
    kept(found),
  );
}

function kept(found) {
  return found.fresh
    ? null
    : h('p', { class: 'muted', text: t('scorecard.kept', { time: dateTime(new Date(found.saved_at).toISOString()) }) });
}

/** A company's card (its staff): score, stars, open orders. */
function companyCard({ row, month, found }) {
  return h(
    'section',
    { class: 'card scorecard', 'data-testid': 'scorecard', 'data-kind': 'company', 'data-id': String(row.id) },
    h('h2', { class: 'card__title', text: t('scorecard.title_company', { name: row.name ?? '' }) }),
    starsOf(row, 'p'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: t('scorecard.score', { month }) }),
      h('dd', {
        'data-testid': 'scorecard-score',
        text: row.score == null ? t('scorecard.no_score') : scoreText(row.score),
      }),
      h('dt', { text: t('scorecard.open_orders') }),
      h('dd', { 'data-testid': 'scorecard-open', text: String(row.open_orders ?? 0) }),
    ),
    kept(found),
  );
}

/**
 * The cards of /api/scorecards/mine for `kinds` ('compound' for residents, 'company' for staff),
 * in a holder that stays empty until there is something to show.
 */
export function scorecardCards({ kinds, settle = null }) {
  const holder = h('div', { class: 'scorecards', 'data-testid': 'scorecards' });
  const draw = (found) => {
    const { month, compounds = [], companies = [] } = found.data;
    holder.replaceChildren(
      ...(kinds.includes('compound') ? compounds.map((row) => compoundCard({ row, month, found })) : []),
      ...(kinds.includes('company') ? companies.map((row) => companyCard({ row, month, found })) : []),
    );
  };
  // The kept copy is drawn at once (as if fresh: no "kept at" line to vanish a moment later),
  // the server's answer replaces it; the "kept at" line shows only when the server cannot be asked.
  const fetched = fetchScorecards();
  const kept = keptScorecards();
  let answered = false;
  const first = kept.then((found) => {
    if (!found) return fetched; // nothing kept: the first draw is the server's
    if (!answered) draw({ ...found, fresh: true });
    return null;
  });
  fetched
    .then(async (found) => {
      answered = true;
      if (found) return draw(found);
      const keptCopy = found === undefined ? await kept : null;
      if (keptCopy) draw(keptCopy);
      else if (found === null) holder.replaceChildren();
    })
    .catch((err) => console.warn('could not show the scorecards', err));
  settle?.after(first, { node: holder });
  return holder;
}
