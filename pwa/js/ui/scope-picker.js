// A searchable picker of one scope (an org unit, a compound or a company) within the user's
// jurisdiction, its results grouped by their parent path (区 › 街道 › 社区), for role grants and
// for the grid / building / compound pickers of the admin's screens — and, asking another source
// that answers hits of the same shape, of a task's place (GET /api/task-targets: compounds,
// buildings, households grouped by compound; ui/admin-target.js).
//
// API:
//   const picker = scopePicker({ label, testid, kinds, onPick, hint, source, placeholder });
//   picker.node            the element to put in a form (a label, a search field, the results)
//   picker.value()         the chosen hit or null: {scope_type, id, kind, name, path: [{id, kind, name}]}
//   picker.setKinds(kinds) ask for other kinds (clears the choice), e.g. when a form's role changes
//   picker.clear()         forget the choice and the results
//   picker.set(hit)        show a choice made before (e.g. from the address), without onPick
//   picker.setError(text)  a server's message for this field ('' clears it)
//   picker.focus()
// kinds: what GET /api/org/scopes answers: org unit kinds ('district', 'street', 'community',
// 'grid', 'courtyard'), 'compound', 'company' — or what `source` answers (default /api/org/scopes:
// any endpoint taking q, kinds, page, per_page). onPick(hit) is called on each choice.
// Keyboard: type, ArrowDown into the results, ArrowUp/ArrowDown among them, Enter picks, Escape
// goes back to the field. Thumbs: every result is a 44 px button.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h } from './dom.js';

const WAIT_MS = 250; // typing pause before a search
const PER_PAGE = 20;

/** The words above a group of hits: the parent path, the city left out. */
export function groupLabel(hit) {
  const steps = hit.path.filter((step) => step.kind !== 'city').map((step) => step.name);
  if (hit.scope_type === 'company') return t('scope_picker.companies');
  return steps.join(' › ') || t('scope_picker.top');
}

/** Hits in their order, as [{label, hits}] runs of the same parent path. */
export function groupHits(hits) {
  const groups = [];
  for (const hit of hits) {
    const label = groupLabel(hit);
    const last = groups.at(-1);
    if (last && last.label === label) last.hits.push(hit);
    else groups.push({ label, hits: [hit] });
  }
  return groups;
}

export function scopePicker({
  label,
  testid = 'scope-picker',
  kinds,
  onPick = () => {},
  hint = null,
  source = '/api/org/scopes',
  placeholder = t('scope_picker.placeholder'),
}) {
  let wanted = [...kinds];
  let chosen = null;
  let page = 1;
  let hits = [];
  let timer = null;
  let asked = 0; // the newest search; older answers are dropped
  const inputId = `${testid}-q`;
  const input = h('input', {
    id: inputId,
    type: 'search',
    class: 'field__input',
    autocomplete: 'off',
    enterkeyhint: 'search',
    placeholder,
    'data-testid': `${testid}-q`,
  });
  const status = h('p', {
    class: 'field__hint scope-picker__status',
    role: 'status',
    'data-testid': `${testid}-status`,
  });
  const results = h('div', { class: 'scope-picker__results', 'data-testid': `${testid}-results` });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    hidden: true,
    text: t('scope_picker.more'),
    'data-testid': `${testid}-more`,
    onclick: () => search(page + 1),
  });
  const choice = h('span', { class: 'scope-picker__chosen', 'data-testid': `${testid}-chosen` });
  const change = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    text: t('scope_picker.change'),
    'data-testid': `${testid}-change`,
    onclick: () => {
      choose(null);
      input.focus();
    },
  });
  const chosenRow = h('div', { class: 'scope-picker__choice', hidden: true }, choice, change);
  const searchPart = h('div', { class: 'scope-picker__search' }, input, status, results, more);
  const error = h('p', { class: 'field__error', id: `${testid}-error`, 'data-testid': `${testid}-error` });
  input.setAttribute('aria-describedby', `${testid}-error`);
  const node = h(
    'div',
    { class: 'field scope-picker', 'data-testid': testid },
    h('label', { class: 'field__label', for: inputId, text: label }),
    hint ? h('p', { class: 'field__hint', text: hint }) : null,
    chosenRow,
    searchPart,
    error,
  );

  function setError(text) {
    error.textContent = text ?? '';
    input.setAttribute('aria-invalid', String(Boolean(text)));
  }

  function choose(hit, { quiet = false } = {}) {
    setError('');
    chosen = hit;
    chosenRow.hidden = !hit;
    searchPart.hidden = Boolean(hit);
    choice.textContent = hit ? `${hit.name}（${groupLabel(hit)}）` : '';
    if (hit && !quiet) onPick(hit);
  }

  async function search(wantedPage = 1) {
    const mine = ++asked;
    const query = new URLSearchParams({
      q: input.value.trim(),
      kinds: wanted.join(','),
      page: wantedPage,
      per_page: PER_PAGE,
    });
    status.textContent = t('scope_picker.searching');
    let body;
    try {
      body = await get(`${source}?${query}`);
    } catch (error) {
      if (mine === asked) status.textContent = error.message || t('scope_picker.failed');
      return;
    }
    if (mine !== asked) return;
    page = wantedPage;
    hits = wantedPage === 1 ? body.items : [...hits, ...body.items];
    draw();
    status.textContent = body.total ? t('scope_picker.found', { count: body.total }) : t('scope_picker.none');
    more.hidden = hits.length >= body.total;
  }

  function draw() {
    results.replaceChildren(
      ...groupHits(hits).map((group) =>
        h(
          'div',
          { class: 'scope-picker__group', role: 'group', 'aria-label': group.label },
          h('p', { class: 'scope-picker__path', text: group.label, 'aria-hidden': 'true' }),
          group.hits.map((hit) =>
            h('button', {
              type: 'button',
              class: 'scope-picker__hit',
              'data-testid': `${testid}-hit`,
              'data-id': String(hit.id),
              'data-scope-type': hit.scope_type,
              text: hit.name,
              onclick: () => choose(hit),
            }),
          ),
        ),
      ),
    );
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(1), WAIT_MS);
  });
  input.addEventListener('focus', () => {
    if (!hits.length && !chosen) search(1);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      results.querySelector('button')?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault(); // never submits the surrounding form
      clearTimeout(timer);
      search(1);
    }
  });
  results.addEventListener('keydown', (event) => {
    const buttons = [...results.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = at + (event.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) input.focus();
      else buttons[Math.min(next, buttons.length - 1)]?.focus();
    } else if (event.key === 'Escape') {
      input.focus();
    }
  });

  return {
    node,
    value: () => chosen,
    setKinds(next) {
      wanted = [...next];
      this.clear();
    },
    clear() {
      asked++;
      hits = [];
      results.replaceChildren();
      status.textContent = '';
      more.hidden = true;
      chosen = null;
      chosenRow.hidden = true;
      searchPart.hidden = false;
    },
    set: (hit) => choose(hit, { quiet: true }),
    setError,
    focus: () => input.focus(),
  };
}
