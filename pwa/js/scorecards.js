// Scorecards of property services (issue 5) without a DOM: months, stars and scores as people
// read them. Used by the resident's card on home and the admin's scorecard screens.

/** "2026-11" moved by delta months: shiftMonth("2026-01", -1) → "2025-12". */
export function shiftMonth(month, delta) {
  const [year, mon] = month.split('-').map(Number);
  const index = year * 12 + (mon - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** 1–5 stars as ★★★★☆; none (no score that month) as an empty string. */
export function starsText(stars) {
  if (!stars) return '';
  return '★'.repeat(stars) + '☆'.repeat(5 - stars);
}

/** A score to one decimal ("92.5"), or "—" when there is none. */
export function scoreText(score) {
  return score === null || score === undefined ? '—' : (Math.round(score * 10) / 10).toFixed(1);
}
