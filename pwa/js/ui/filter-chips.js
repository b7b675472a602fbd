// The filters a list took from its address — the ones a dashboard's figure links to (PROTOCOL.md
// §26.1): said in words above the list ("网格：河西社区第一网格 ✕"), each with a button that
// clears it. Clearing also drops it from the address (replaceState: no new route), so a reload or
// the back button does not bring it back.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h } from './dom.js';

const units = new Map(); // unit id -> Promise of GET /api/org/units/<id>

function unitOf(id) {
  if (!units.has(id)) {
    const answer = get(`/api/org/units/${encodeURIComponent(id)}`);
    answer.catch(() => units.delete(id)); // not found, offline: ask again next time
    units.set(id, answer);
  }
  return units.get(id);
}

/** A dashboard period ("30d", "7d", "month", "2026-11") in words. */
export function periodText(period) {
  return /^\d{4}-\d{2}$/.test(period)
    ? t('filter.month', { year: period.slice(0, 4), month: String(Number(period.slice(5))) })
    : t(`dashboard.period.${period}`);
}

/** Drops `keys` from the address's query, leaving the route as it is. */
export function dropFromAddress(keys) {
  const [path, search = ''] = location.hash.split('?');
  const query = new URLSearchParams(search);
  for (const key of keys) query.delete(key);
  const rest = query.toString();
  history.replaceState(history.state, '', `${path}${rest ? `?${rest}` : ''}`);
}

/**
 * One filter: {key (its name in the address, e.g. 'grid'), label, text, onClear}; `unitId` instead of
 * label and text: an org unit, named by its kind and name once the server says them.
 */
function chip(filter) {
  const label = h('span', { class: 'filter-chip__label', text: filter.label ?? t('filter.unit') });
  const text = h('span', { class: 'filter-chip__text', text: filter.text ?? `#${filter.unitId}` });
  const clear = h('button', {
    type: 'button',
    class: 'filter-chip__clear',
    'data-testid': `filter-clear-${filter.key}`,
    text: '✕',
    onclick: () => {
      dropFromAddress([filter.key]);
      filter.onClear();
    },
  });
  const named = () => clear.setAttribute('aria-label', t('filter.clear', { filter: label.textContent }));
  named();
  if (filter.unitId) {
    unitOf(filter.unitId).then(
      (unit) => {
        label.textContent = t(`org.kind.${unit.kind}`);
        // A grid's name may not say its community (第一网格): then the community says it.
        const parent = unit.ancestors?.at(-1)?.name ?? '';
        text.textContent = unit.kind === 'grid' && !unit.name.startsWith(parent) ? `${parent} ${unit.name}` : unit.name;
        named();
      },
      () => {}, // the list says what the server refused
    );
  }
  return h(
    'li',
    { class: 'filter-chip', 'data-testid': `filter-chip-${filter.key}` },
    label,
    h('span', { class: 'filter-chip__sep', 'aria-hidden': 'true', text: t('filter.sep') }),
    text,
    clear,
  );
}

/** The list of the filters in force (hidden when none); draw() again when they change. */
export function filterChips({ testid = 'filter-chips' } = {}) {
  const list = h('ul', { class: 'filter-chips', 'data-testid': testid, 'aria-label': t('filter.active') });
  list.hidden = true;
  list.draw = (filters) => {
    const shown = filters.filter(Boolean);
    list.hidden = !shown.length;
    list.replaceChildren(...shown.map(chip));
  };
  return list;
}
