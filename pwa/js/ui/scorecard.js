// A resident's view of their compound's property service (issue 5 item 5, the transparency
// between the 两翼), and a company's own figures for its staff: this month's score, stars and
// open rectification orders, from GET /api/scorecards/mine. Online only; the last answer is
// kept so a phone offline still shows it, dated. Nothing shows when the server has nothing to
// show (no score yet, no scorecard API, offline with nothing kept).
import { exchange } from '../api.js';
import { getCached, setCached } from '../db.js';
import { t } from '../i18n.js';
import { starsText } from '../scorecards.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

export const SCORECARD_URL = '/api/scorecards/mine';
const KEY = 'scorecards:mine';

/** {data: {month, compounds, companies}, saved_at, fresh}, fetched or kept; null when none. */
async function loadScorecards() {
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
  const kept = await getCached(KEY);
  return kept?.data ? { ...kept, fresh: false } : null;
}

const number = (value) => (value == null ? '—' : String(Math.round(value * 10) / 10));

/** One card: a compound (residents) or a company (its staff). */
function card({ kind, row, month, found }) {
  const stars = Math.max(0, Math.min(5, Number(row.stars ?? 0)));
  return h(
    'section',
    { class: 'card scorecard', 'data-testid': 'scorecard', 'data-kind': kind, 'data-id': String(row.id) },
    h('h2', { class: 'card__title', text: t(`scorecard.title_${kind}`, { name: row.name ?? '' }) }),
    row.stars != null
      ? h('p', {
          class: 'scorecard__stars',
          'data-testid': 'scorecard-stars',
          'data-stars': String(stars),
          'aria-label': t('scorecard.stars', { count: stars }),
          text: starsText(stars),
        })
      : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: t('scorecard.score', { month }) }),
      h('dd', {
        'data-testid': 'scorecard-score',
        text: row.score == null ? t('scorecard.no_score') : number(row.score),
      }),
      h('dt', { text: t('scorecard.open_orders') }),
      h('dd', { 'data-testid': 'scorecard-open', text: String(row.open_orders ?? 0) }),
      kind === 'compound' && row.company_name
        ? [h('dt', { text: t('scorecard.company') }), h('dd', { text: row.company_name })]
        : null,
    ),
    found.fresh
      ? null
      : h('p', {
          class: 'muted',
          text: t('scorecard.kept', { time: dateTime(new Date(found.saved_at).toISOString()) }),
        }),
  );
}

/**
 * The cards of /api/scorecards/mine for `kinds` ('compound' for residents, 'company' for staff),
 * in a holder that stays empty until there is something to show.
 */
export function scorecardCards({ kinds }) {
  const holder = h('div', { class: 'scorecards', 'data-testid': 'scorecards' });
  loadScorecards()
    .then((found) => {
      if (!found) return;
      const { month, compounds = [], companies = [] } = found.data;
      holder.replaceChildren(
        ...(kinds.includes('compound') ? compounds.map((row) => card({ kind: 'compound', row, month, found })) : []),
        ...(kinds.includes('company') ? companies.map((row) => card({ kind: 'company', row, month, found })) : []),
      );
    })
    .catch((err) => console.warn('could not show the scorecards', err));
  return holder;
}
