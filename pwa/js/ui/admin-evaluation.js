// 年度评议 of the organiser (an admin over a community; PROTOCOL.md §20.4), online at the desk:
// #/admin/evaluation lists the rounds and opens a new one — the community, the year, and who
// evaluates in each group (两委 / 党员 / 居民代表); #/admin/evaluation/<id> follows a round — the
// forms submitted per group, each unit's and member's record, group means, score and grade —
// exports it for the organisation departments (XLSX) and closes it.
import { get, post } from '../api.js';
import { EVALUATION } from '../constants.js';
import { t } from '../i18n.js';
import { adminFrame, errorText, flashNote, loadFailed, setFlash, showFieldErrors } from './admin-common.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { navigate } from './nav.js';

const { GROUPS } = EVALUATION;
const enc = encodeURIComponent;

/** The year a round evaluates by default: this one from October, else the last. */
export const defaultYear = (now = new Date()) => (now.getMonth() >= 9 ? now.getFullYear() : now.getFullYear() - 1);

function roundRow(round) {
  const progress = round.progress.map((p) =>
    t('evaluation.progress_group', { ...p, group: t(`evaluation.group.${p.group}`) }),
  );
  return h(
    'li',
    { class: 'task-row' },
    h(
      'a',
      {
        class: 'task-row__link',
        href: `#/admin/evaluation/${enc(round.id)}`,
        'data-testid': 'round-row',
        'data-id': round.id,
      },
      h(
        'span',
        { class: 'task-row__chips' },
        h('span', {
          class: `chip chip--status chip--status-${round.status}`,
          text: t(`evaluation.round.${round.status}`),
        }),
      ),
      h('span', { class: 'task-row__title', text: round.title }),
      h('span', { class: 'task-row__place', text: progress.join(' · ') }),
    ),
  );
}

function peoplePicker(group, people) {
  const boxes = people.map((person) =>
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        class: 'check__input',
        value: String(person.id),
        'data-testid': `pick-${group}-${person.id}`,
      }),
      h('span', { text: person.name }),
    ),
  );
  const all = h('button', {
    type: 'button',
    class: 'btn btn--secondary',
    'data-testid': `pick-${group}-all`,
    text: t('evaluation.pick_all'),
    onclick: () => {
      for (const box of boxes) box.querySelector('input').checked = true;
    },
  });
  const error = h('p', { class: 'field__error', 'data-testid': `evaluators-${group}-error` });
  const field = h(
    'fieldset',
    { class: 'field evaluators', 'data-testid': `evaluators-${group}` },
    h('legend', { class: 'field__label', text: t(`evaluation.group.${group}`) }),
    h('p', { class: 'field__hint', text: t(`evaluation.pick_about.${group}`) }),
    people.length ? all : h('p', { class: 'muted', text: t('evaluation.pick_none') }),
    h('div', { class: 'check-list' }, boxes),
    error,
  );
  return {
    field,
    error,
    chosen: () =>
      boxes
        .map((b) => b.querySelector('input'))
        .filter((i) => i.checked)
        .map((i) => Number(i.value)),
  };
}

async function openForm(body, communities) {
  const community = h(
    'select',
    { class: 'field__input', id: 'round-community', 'data-testid': 'round-community' },
    communities.map((c) => h('option', { value: String(c.id), text: c.name })),
  );
  const year = h('input', {
    class: 'field__input',
    id: 'round-year',
    type: 'number',
    inputmode: 'numeric',
    min: 2000,
    max: 2100,
    value: String(defaultYear()),
    'data-testid': 'round-year',
  });
  const pickers = h('div', {});
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'round-error' });
  let picks = {};
  const loadPeople = async () => {
    pickers.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    const people = await get(`/api/evaluation/candidates?community_id=${enc(community.value)}`);
    picks = Object.fromEntries(GROUPS.map((g) => [g, peoplePicker(g, people[g])]));
    pickers.replaceChildren(...GROUPS.map((g) => picks[g].field));
  };
  community.addEventListener('change', () => loadPeople().catch((err) => (alert.textContent = errorText(err))));
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': 'round-open',
    text: t('evaluation.open'),
  });
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'round-form' },
    h('h2', { class: 'form__section', text: t('evaluation.new_round') }),
    h('p', { class: 'muted', text: t('evaluation.new_round_about') }),
    h(
      'div',
      { class: 'field' },
      h('label', { class: 'field__label', for: 'round-community', text: t('evaluation.community') }),
      community,
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { class: 'field__label', for: 'round-year', text: t('evaluation.year') }),
      year,
    ),
    pickers,
    alert,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    for (const g of GROUPS) picks[g].error.textContent = '';
    submit.disabled = true;
    try {
      const evaluators = Object.fromEntries(GROUPS.map((g) => [g, picks[g].chosen()]));
      const round = await post('/api/evaluation/rounds', {
        community_id: Number(community.value),
        year: Number(year.value),
        evaluators,
      });
      setFlash(t('evaluation.opened', { count: Object.values(evaluators).flat().length }));
      navigate(`/admin/evaluation/${enc(round.id)}`);
    } catch (err) {
      const fields = GROUPS.map((g) => [
        `evaluators.${g}`,
        { setError: (text) => (picks[g].error.textContent = text) },
      ]);
      alert.textContent = showFieldErrors(err, Object.fromEntries(fields));
    } finally {
      submit.disabled = false;
    }
  });
  body.append(form);
  await loadPeople();
}

/** The screen for #/admin/evaluation. */
export function adminEvaluationScreen() {
  const { screen, body } = adminFrame({
    testid: 'admin-evaluation',
    title: t('evaluation.admin_title'),
    back: '/',
    backText: t('form.back_home'),
  });
  async function show() {
    const [rounds, communities] = await Promise.all([
      get('/api/evaluation/rounds'),
      get('/api/evaluation/communities'),
    ]);
    body.replaceChildren(
      ...[
        flashNote(),
        h('p', { class: 'muted', text: t('evaluation.admin_about') }),
        rounds.length
          ? h('ul', { class: 'task-list', 'data-testid': 'rounds' }, rounds.map(roundRow))
          : h('p', { class: 'muted empty', 'data-testid': 'rounds-none', text: t('evaluation.rounds_none') }),
      ].filter(Boolean),
    );
    if (communities.length) await openForm(body, communities);
  }
  show().catch((err) => body.replaceChildren(loadFailed(err, show)));
  return screen;
}

const number = (value) => (value == null ? '—' : String(value));

function resultsTable(rows) {
  const columns = [
    ['name', t('evaluation.col.name')],
    ['unit_name', t('evaluation.col.unit')],
    ['hours', t('evaluation.col.hours')],
    ['record', t('evaluation.col.record')],
    ['committee', t('evaluation.group.committee')],
    ['members', t('evaluation.group.members')],
    ['residents', t('evaluation.group.residents')],
    ['score', t('evaluation.col.score')],
    ['grade_label', t('evaluation.col.grade')],
  ];
  return h(
    'table',
    { class: 'task-table score-table', 'data-testid': 'evaluation-results' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map(([, label]) => h('th', { scope: 'col', text: label })),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          { 'data-testid': 'result-row', 'data-key': row.key, 'data-grade': row.grade },
          columns.map(([key, label]) =>
            h('td', { 'data-label': label, text: typeof row[key] === 'string' ? row[key] : number(row[key]) }),
          ),
        ),
      ),
    ),
  );
}

/** The screen for #/admin/evaluation/<id>. */
export function adminRoundScreen({ params }) {
  const { screen, heading, body } = adminFrame({
    testid: 'admin-round',
    title: t('evaluation.admin_title'),
    back: '/admin/evaluation',
    backText: t('evaluation.back_rounds'),
  });
  async function show() {
    const { round, results } = await get(`/api/evaluation/rounds/${enc(params.id)}/results`);
    heading.textContent = round.title;
    const message = h('p', { class: 'alert', role: 'alert', 'data-testid': 'round-message' });
    const close = h('button', {
      type: 'button',
      class: 'btn btn--danger btn--big',
      'data-testid': 'round-close',
      text: t('evaluation.close'),
      onclick: async () => {
        if (!window.confirm(t('evaluation.close_confirm'))) return;
        close.disabled = true;
        try {
          await post(`/api/evaluation/rounds/${enc(round.id)}/close`, {});
          await show();
        } catch (err) {
          message.textContent = errorText(err);
          close.disabled = false;
        }
      },
    });
    const units = results.filter((r) => r.kind === 'unit');
    const members = results.filter((r) => r.kind === 'member');
    body.replaceChildren(
      ...[
        flashNote(),
        h('p', {
          class: 'muted',
          'data-testid': 'round-status',
          text: [t(`evaluation.round.${round.status}`), round.closed_at ? dateTime(round.closed_at) : null]
            .filter(Boolean)
            .join(' · '),
        }),
        h(
          'div',
          { class: 'pills', 'data-testid': 'round-progress' },
          round.progress.map((p) =>
            h('span', {
              class: 'pill',
              text: t('evaluation.progress_group', { ...p, group: t(`evaluation.group.${p.group}`) }),
            }),
          ),
        ),
        h('p', { class: 'muted', text: t('evaluation.rules') }),
        units.length ? h('h2', { class: 'form__section', text: t('evaluation.units') }) : null,
        units.length ? resultsTable(units) : null,
        members.length ? h('h2', { class: 'form__section', text: t('evaluation.members') }) : null,
        members.length ? resultsTable(members) : null,
        h(
          'div',
          { class: 'button-row' },
          h('a', {
            class: 'btn btn--secondary btn--big',
            href: `/api/evaluation/rounds/${enc(round.id)}/results.xlsx`,
            download: '',
            'data-testid': 'round-export',
            text: t('evaluation.export'),
          }),
          round.status === 'open' ? close : null,
        ),
        message,
      ].filter(Boolean),
    );
  }
  show().catch((err) => body.replaceChildren(loadFailed(err, show)));
  return screen;
}
