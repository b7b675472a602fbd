// The parts of the admin's task forms that ask the server: where the task goes (a grid of the
// admin's jurisdiction, then the whole grid, a compound, a building or a household of it, from
// the grid's directory), who does it (the grid's workers), and its checklist (the templates of
// its type). Each part has .value for the request body and .setError for the server's message.
import { TARGET_KINDS } from '../admin.js';
import { loadGridPlaces, loadGridWorkers, loadTemplates } from '../admin-data.js';
import { t } from '../i18n.js';
import { roomOf } from '../places.js';
import { selectField } from './admin-common.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';

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
 * 派发对象: grid, then 整个网格 / 小区 / 楼栋 / 住户 and the place. grids: progress rows.
 * onGrid(gridId) is called when the grid changes (the assignee list follows it).
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
  const compound = selectField({ label: t('field.task.compound_id'), testid: 'target-compound', required: true });
  const building = selectField({ label: t('field.task.building_id'), testid: 'target-building', required: true });
  const household = selectField({ label: t('field.task.household_id'), testid: 'target-household', required: true });
  const status = h('p', { class: 'field__hint', 'aria-live': 'polite' });
  const error = h('p', { class: 'field__error', 'data-testid': 'target-error' });
  let places = null;

  function depth() {
    return TARGET_KINDS.indexOf(kind.value ?? 'grid');
  }

  function draw() {
    const d = depth();
    compound.hidden = d < 1;
    building.hidden = d < 2;
    household.hidden = d < 3;
    if (!places) return;
    compound.setOptions(
      choose(t('admin.form.choose_compound')).concat(places.compounds.map((c) => ({ value: c.id, label: c.name }))),
    );
    const inCompound = places.buildings.filter((b) => String(b.compound_id) === compound.input.value);
    building.setOptions(
      choose(t(compound.input.value ? 'admin.form.choose_building' : 'admin.form.choose_compound_first')).concat(
        inCompound.map((b) => ({ value: b.id, label: b.name })),
      ),
    );
    const inBuilding = places.households.filter((hh) => String(hh.building_id) === building.input.value);
    household.setOptions(
      choose(t(building.input.value ? 'admin.form.choose_household' : 'admin.form.choose_building_first')).concat(
        inBuilding.map((hh) => ({
          value: hh.id,
          label: [roomOf(hh), hh.residents?.[0]?.name].filter(Boolean).join(' · '),
        })),
      ),
    );
  }

  async function loadPlaces() {
    places = null;
    const gridId = grid.input.value;
    if (!gridId) return draw();
    if (depth() < 1) return draw();
    status.textContent = t('app.loading');
    try {
      const directory = await loadGridPlaces(gridId);
      if (grid.input.value !== gridId) return; // another grid was chosen meanwhile
      places = {
        compounds: directory.compounds ?? [],
        buildings: directory.buildings ?? [],
        households: directory.households ?? [],
      };
      status.textContent = places.compounds.length ? '' : t('admin.form.grid_no_places');
    } catch (err) {
      status.textContent = err.message;
    }
    draw();
  }

  grid.input.addEventListener('change', () => {
    onGrid(grid.input.value ? Number(grid.input.value) : null);
    loadPlaces();
  });
  kind.addEventListener('change', () => {
    error.textContent = '';
    if (!places && grid.input.value) loadPlaces();
    else draw();
  });
  compound.input.addEventListener('change', draw);
  building.input.addEventListener('change', draw);
  draw();

  const element = h(
    'fieldset',
    { class: 'form-group', 'data-testid': 'target-picker' },
    h('legend', { class: 'form__section', text: t('admin.form.target') }),
    grid,
    kind,
    compound,
    building,
    household,
    status,
    error,
  );
  return {
    element,
    get gridId() {
      return grid.input.value ? Number(grid.input.value) : null;
    },
    /** {target_kind, target_id} or {problem} naming what is missing. */
    value() {
      const k = kind.value ?? 'grid';
      const picked = { grid, compound, building, household }[k].input.value;
      if (!grid.input.value) return { problem: 'grid' };
      if (!picked) return { problem: k };
      return { target_kind: k, target_id: Number(picked) };
    },
    setError(text) {
      error.textContent = text ?? '';
    },
    fields: { grid, compound, building, household },
    focusProblem(problem) {
      (({ grid, compound, building, household })[problem]?.input ?? grid.input).focus();
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
