// The parts of the admin's task forms that ask the server: where the task goes (a grid of the
// admin's jurisdiction, or a compound, a building or a household found by searching their names:
// GET /api/task-targets, PROTOCOL.md §11.4), who does it (the grid's workers), and its checklist
// (the templates of its type). Each part has .value for the request body and .setError for the
// server's message.
import { TARGET_KINDS } from '../admin.js';
import { loadGridWorkers, loadTemplates } from '../admin-data.js';
import { t } from '../i18n.js';
import { selectField } from './admin-common.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { scopePicker } from './scope-picker.js';

const choose = (label) => [{ value: '', label, disabled: false }];

/** Grids of progress rows as <select> options, grouped by community when there are several. */
export function gridOptions(grids) {
  const communities = [...new Set(grids.map((g) => g.community_name))];
  const option = (g) => ({ value: g.grid_id, label: g.grid_name });
  if (communities.length < 2) return choose(t('admin.form.choose_grid')).concat(grids.map(option));
  return {
    lead: choose(t('admin.form.choose_grid')),
    groups: communities.map((name) => ({
      label: name ?? '',
      options: grids.filter((g) => g.community_name === name).map(option),
    })),
  };
}

/**
 * 派发对象: 整个网格 (a grid, from the admin's grids: progress rows) or 小区 / 楼栋 / 住户, found
 * with a search grouped by compound. onGrid(gridId) is called when the task's grid changes (the
 * assignee list follows it): the grid chosen, or the grid of the place picked (null: none yet).
 */
export function targetPicker({ grids, gridId = null, onGrid = () => {} }) {
  const options = gridOptions(grids);
  const first = gridId ?? (grids.length === 1 ? grids[0].grid_id : '');
  const grid = selectField({
    label: t('field.task.grid_id'),
    testid: 'target-grid',
    required: true,
    value: first,
    ...(options.groups ? options : { options }),
  });
  const kind = choiceGroup({
    legend: t('admin.form.target_kind'),
    name: 'target-kind',
    testid: 'target-kind',
    columns: 2,
    value: 'grid',
    required: true,
    options: TARGET_KINDS.map((value) => ({ value, label: t(`admin.target.${value}`) })),
  });
  const error = h('p', { class: 'field__error', 'data-testid': 'target-error' });
  const place = scopePicker({
    label: t('admin.form.target_place'),
    testid: 'target-place',
    kinds: ['household'],
    source: '/api/task-targets',
    placeholder: t('admin.form.place_placeholder'),
    hint: t('admin.form.place_hint'),
    onPick: (hit) => {
      error.textContent = '';
      onGrid(hit.grid_id ?? null);
    },
  });
  const kindOf = () => kind.value ?? 'grid';
  const currentGrid = () =>
    kindOf() === 'grid' ? (grid.input.value ? Number(grid.input.value) : null) : (place.value()?.grid_id ?? null);

  function draw() {
    const wholeGrid = kindOf() === 'grid';
    grid.hidden = !wholeGrid;
    place.node.hidden = wholeGrid;
  }

  grid.input.addEventListener('change', () => onGrid(currentGrid()));
  kind.addEventListener('change', () => {
    error.textContent = '';
    if (kindOf() !== 'grid') place.setKinds([kindOf()]); // a household picked is no building: pick again
    draw();
    onGrid(currentGrid());
  });
  draw();

  const element = h(
    'fieldset',
    { class: 'form-group', 'data-testid': 'target-picker' },
    h('legend', { class: 'form__section', text: t('admin.form.target') }),
    kind,
    grid,
    place.node,
    error,
  );
  return {
    element,
    get gridId() {
      return currentGrid();
    },
    /** {target_kind, target_id} or {problem} naming what is missing. */
    value() {
      const k = kindOf();
      if (k === 'grid')
        return grid.input.value ? { target_kind: k, target_id: Number(grid.input.value) } : { problem: 'grid' };
      const hit = place.value();
      return hit ? { target_kind: k, target_id: hit.id } : { problem: k };
    },
    setError(text) {
      error.textContent = text ?? '';
    },
    focusProblem(problem) {
      if (problem === 'grid' || kindOf() === 'grid') grid.input.focus();
      else place.focus();
    },
  };
}

/**
 * 负责人: the grid's workers (the default one first), or nobody yet. value: undefined (let the
 * server give it to the grid's worker), null (unassigned) or a user id.
 */
export function assigneeField({ label = t('field.task.assignee_id'), testid = 'assignee' } = {}) {
  const field = selectField({ label, testid, options: choose(t('admin.form.choose_grid_first')) });
  let gridId = null;
  field.setGrid = async (id, preferred = undefined) => {
    gridId = id;
    if (!id) return field.setOptions(choose(t('admin.form.choose_grid_first')));
    field.setOptions(choose(t('app.loading')));
    let workers = null;
    try {
      workers = await loadGridWorkers(id);
    } catch {
      workers = null; // cannot name them: the server still gives the task to the grid's worker
    }
    if (gridId !== id) return;
    const options = workers?.length
      ? workers.map((w, i) => ({
          value: w.id,
          label: i === 0 ? t('admin.form.worker_default', { name: w.name }) : w.name,
        }))
      : [{ value: 'auto', label: t(workers ? 'admin.form.no_workers' : 'admin.form.worker_auto') }];
    options.push({ value: 'none', label: t('admin.unassigned_choice') });
    const chosen = preferred === null ? 'none' : (preferred ?? options[0].value);
    field.setOptions(options, chosen);
  };
  Object.defineProperty(field, 'value', {
    get() {
      const v = field.input.value;
      if (v === 'none') return null;
      if (!v || v === 'auto') return undefined;
      return Number(v);
    },
  });
  return field;
}

/**
 * 检查项: the type's default template (the server picks the one nearest the grid), a named
 * template, or none. body() → the part of the request: {}, {checklist_template_id} or
 * {checklist: []}.
 */
export function templateField() {
  const field = selectField({
    label: t('field.task.checklist'),
    testid: 'checklist-template',
    options: [{ value: 'auto', label: t('admin.form.template_choose_type') }],
  });
  const preview = h('ol', { class: 'checklist-preview', 'data-testid': 'checklist-preview' });
  field.append(preview);
  let templates = [];
  let type = null;
  function showPreview() {
    const chosen = templates.find((tpl) => String(tpl.id) === field.input.value);
    preview.replaceChildren(...(chosen?.items ?? []).map((item) => h('li', { text: item.text })));
  }
  field.input.addEventListener('change', showPreview);
  field.setType = async (next) => {
    type = next;
    templates = [];
    try {
      templates = (await loadTemplates(next)) ?? [];
    } catch {
      templates = [];
    }
    if (type !== next) return;
    const active = templates.filter((tpl) => tpl.active !== false);
    field.setOptions(
      [
        { value: 'auto', label: t(active.length ? 'admin.form.template_auto' : 'admin.form.template_auto_none') },
        ...active.map((tpl) => ({
          value: tpl.id,
          label: t('admin.form.template_named', { name: tpl.name, count: tpl.items?.length ?? 0 }),
        })),
        { value: 'none', label: t('admin.form.template_none') },
      ],
      'auto',
    );
    showPreview();
  };
  field.body = () => {
    const v = field.input.value;
    if (v === 'none') return { checklist: [] };
    if (!v || v === 'auto') return {};
    return { checklist_template_id: Number(v) };
  };
  return field;
}
