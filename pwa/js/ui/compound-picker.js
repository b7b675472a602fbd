// The compounds an alert may go to, for an admin of one community or of the whole city (71 in
// the demo): a search over compound, community, street and district names, and the compounds
// grouped district → street → community, a level left out where there is only one group in it.
// compounds: [{id, name, path}] where path is [district, street, community] (from the grid
// directory's path, city and grid left out).
import { t } from '../i18n.js';
import { h } from './dom.js';

const OPEN_UP_TO = 12; // this few compounds are all shown open; more start folded

/** {name → {children, compounds}} levels of the paths, in order of first appearance. */
function treeOf(compounds) {
  const root = { children: new Map(), compounds: [] };
  for (const c of compounds) {
    let node = root;
    for (const name of c.path) {
      if (!node.children.has(name)) node.children.set(name, { children: new Map(), compounds: [] });
      node = node.children.get(name);
    }
    node.compounds.push(c);
  }
  return root;
}

const collator = new Intl.Collator('zh-CN', { numeric: true }); // 帝豪2号院 before 帝豪10号院
const byName = (a, b) => collator.compare(a.name, b.name);

export function compoundPicker({ legend, testid, compounds }) {
  const boxes = new Map(); // id → {input, row, text}
  const groups = []; // {details, summary count, ids, text}
  const open = compounds.length <= OPEN_UP_TO;

  function rowOf(c, names) {
    const input = h('input', { type: 'checkbox', value: String(c.id), 'data-testid': `${testid}-${c.id}` });
    const row = h('label', { class: 'check-row' }, input, h('span', { text: c.name }));
    boxes.set(String(c.id), { input, row, text: [c.name, ...names].join(' ').toLowerCase() });
    return row;
  }

  // A group of one level: <details> whose summary names it with how many are ticked of how many.
  // top: no group drawn yet above; there, one group alone at its level (the admin's own district
  // or street) says nothing, and its content stands in its place.
  function draw(node, names, top) {
    const entries = [...node.children.entries()];
    if (top && entries.length === 1 && node.compounds.length === 0 && names.length < 2) {
      const [[name, child]] = entries;
      return draw(child, [...names, name], true);
    }
    const parts = [];
    for (const [name, child] of entries) {
      const inner = [...names, name];
      const ids = [];
      (function collect(n) {
        for (const c of n.compounds) ids.push(String(c.id));
        for (const sub of n.children.values()) collect(sub);
      })(child);
      const count = h('span', { class: 'place-group__count' });
      const details = h(
        'details',
        { class: 'place-group', 'data-testid': `${testid}-group`, open: open || undefined },
        h('summary', {}, h('span', { text: name }), count),
        draw(child, inner, false),
      );
      groups.push({ details, count, ids, name: name.toLowerCase() });
      parts.push(details);
    }
    if (node.compounds.length)
      parts.push(
        h(
          'div',
          { class: 'check-list place-community' },
          node.compounds.sort(byName).map((c) => rowOf(c, names)),
        ),
      );
    return parts;
  }

  const search = h('input', {
    type: 'search',
    class: 'field__input search place-search',
    enterkeyhint: 'search',
    'data-testid': `${testid}-search`,
    placeholder: t('alerts.form.compound_search'),
    'aria-label': t('alerts.form.compound_search'),
    autocomplete: 'off',
  });
  const tally = h('p', { class: 'field__hint', 'data-testid': `${testid}-tally`, 'aria-live': 'polite' });
  const empty = h('p', { class: 'muted small', hidden: true, text: t('alerts.form.compound_search_none') });
  const body = compounds.length ? draw(treeOf(compounds), [], true) : [];

  function showCounts() {
    const ticked = new Set([...boxes].filter(([, b]) => b.input.checked).map(([id]) => id));
    for (const g of groups) {
      const n = g.ids.filter((id) => ticked.has(id)).length;
      g.count.textContent = n
        ? t('alerts.form.group_ticked', { ticked: n, count: g.ids.length })
        : t('alerts.form.group_count', { count: g.ids.length });
    }
    tally.textContent = ticked.size ? t('alerts.form.compounds_ticked', { count: ticked.size }) : '';
  }

  function filter() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const b of boxes.values()) {
      const match = words.every((w) => b.text.includes(w));
      b.row.hidden = !match;
      if (match) shown += 1;
    }
    for (const g of groups) {
      const any = g.ids.some((id) => !boxes.get(id).row.hidden);
      g.details.hidden = !any;
      g.details.open = words.length ? any : open; // a cleared search folds them back
    }
    empty.hidden = shown > 0;
  }

  search.addEventListener('input', filter);
  const element = h(
    'fieldset',
    { class: 'fieldset compound-picker', 'data-testid': testid },
    h('legend', { text: legend }),
    compounds.length > OPEN_UP_TO ? search : null,
    compounds.length ? body : h('p', { class: 'muted small', text: t('alerts.form.none_here') }),
    empty,
    tally,
  );
  element.addEventListener('change', showCounts);
  showCounts();
  element.values = () => [...boxes.values()].filter((b) => b.input.checked).map((b) => b.input.value);
  return element;
}
