// 组织架构 (#/admin/org), an admin's: the org tree of the jurisdiction, unfolded level by level
// (the counts of each unit under its name), and per unit what the admin may do there — 添加下级,
// 重命名, 移动 to another parent of the right kind, 合并 a grid into another grid of the community —
// and per grid its 覆盖范围: the compounds and buildings it covers, 划入 (a compound whole or one
// building), 移出. A place another grid covers is moved only when the admin says so (移入本网格):
// its open tasks then go with it to this grid's worker (PROTOCOL.md §25.3). Online only.
import { ORG } from '../constants.js';
import { t } from '../i18n.js';
import {
  assignPlace,
  childKind,
  createUnit,
  loadBuildings,
  loadCoverage,
  loadTree,
  mergeUnit,
  moveUnit,
  parentKind,
  removeCoverage,
  renameUnit,
} from '../org-data.js';
import { adminFrame, errorText, inputField, loadFailed, selectField, showFieldErrors } from './admin-common.js';
import { fill } from './admin-places.js';
import { confirmDialog } from './confirm-dialog.js';
import { h } from './dom.js';
import { scopePicker } from './scope-picker.js';

const kindLabel = (kind) => t(`org.kind.${kind}`);

function countsText(unit) {
  const parts = [];
  if (unit.children_count) parts.push(t('org.count_children', { n: unit.children_count }));
  if (unit.kind === 'community') parts.push(t('org.count_compounds', { n: unit.compounds_count }));
  if (unit.kind === 'grid') {
    parts.push(t('org.count_coverage', { n: unit.coverage_count }));
    parts.push(t('org.count_workers', { n: unit.workers_count }));
  }
  return parts.join(' · ');
}

/** A small form: fields, a status line for the server's answer, and a submit button. */
function miniForm({ testid, fields, submit, onSubmit }) {
  const status = h('p', { class: 'alert', role: 'alert', 'data-testid': `${testid}-error` });
  const button = h('button', {
    type: 'submit',
    class: 'btn btn--primary',
    'data-testid': `${testid}-submit`,
    text: submit,
  });
  const form = h('form', { class: 'form org-form', novalidate: true, 'data-testid': testid }, fields, status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    button.disabled = true;
    try {
      await onSubmit(status);
    } catch (err) {
      status.textContent = err.fields ? showFieldErrors(err, form.byName ?? {}) : errorText(err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function addChildForm(unit, done) {
  const kind = childKind(unit.kind);
  const name = inputField({
    label: t('org.field.name_of', { kind: kindLabel(kind) }),
    testid: 'org-new-name',
    maxlength: ORG.UNIT_NAME_MAX,
    required: true,
  });
  const form = miniForm({
    testid: 'org-add',
    fields: [name],
    submit: t('org.add_child', { kind: kindLabel(kind) }),
    onSubmit: async () => {
      await createUnit({ parent_id: unit.id, kind, name: name.input.value });
      done();
    },
  });
  form.byName = { name, parent_id: name };
  return form;
}

function renameForm(unit, done) {
  const name = inputField({
    label: t('org.field.name'),
    testid: 'org-rename-name',
    value: unit.name,
    maxlength: ORG.UNIT_NAME_MAX,
    required: true,
  });
  const form = miniForm({
    testid: 'org-rename',
    fields: [name],
    submit: t('org.rename'),
    onSubmit: async () => {
      await renameUnit(unit.id, { name: name.input.value });
      done();
    },
  });
  form.byName = { name };
  return form;
}

function moveForm(unit, done) {
  const picker = scopePicker({
    label: t('org.field.new_parent', { kind: kindLabel(parentKind(unit.kind)) }),
    testid: 'org-move-parent',
    kinds: [parentKind(unit.kind)],
  });
  return miniForm({
    testid: 'org-move',
    fields: [picker.node],
    submit: t('org.move'),
    onSubmit: async (status) => {
      const parent = picker.value();
      if (!parent) {
        status.textContent = t('org.pick_first');
        return;
      }
      await moveUnit(unit.id, parent.id);
      done();
    },
  });
}

function mergeForm(unit, siblings, done) {
  const others = siblings.filter((s) => s.id !== unit.id && s.kind === 'grid');
  const into = selectField({
    label: t('org.field.merge_into'),
    testid: 'org-merge-into',
    options: others.map((s) => ({ value: s.id, label: s.name })),
  });
  const form = miniForm({
    testid: 'org-merge',
    fields: [h('p', { class: 'field__hint', text: t('org.merge_about', { name: unit.name }) }), into],
    submit: t('org.merge'),
    onSubmit: async () => {
      const sure = await confirmDialog({
        title: t('org.merge'),
        lines: [t('org.merge_confirm', { name: unit.name, into: into.input.selectedOptions[0]?.textContent ?? '' })],
        confirm: t('org.merge'),
        cancel: t('admin.cancel_edit'),
        testid: 'org-merge-confirm',
      });
      if (!sure) return;
      await mergeUnit(unit.id, Number(into.input.value));
      done();
    },
  });
  form.byName = { into_id: into };
  return others.length ? form : h('p', { class: 'muted', text: t('org.merge_none') });
}

function coveragePanel(unit, changed) {
  const list = h('ul', { class: 'org-coverage', 'data-testid': 'org-coverage' });
  const panel = h(
    'div',
    { class: 'org-coverage-panel' },
    h('h3', { class: 'org-panel__title', text: t('org.coverage') }),
    list,
  );
  async function drawList() {
    const rows = await loadCoverage(unit.id);
    list.replaceChildren(
      ...(rows.length
        ? rows.map((row) =>
            h(
              'li',
              { class: 'org-coverage__row', 'data-testid': 'org-coverage-row' },
              h('span', {
                text: row.building_name
                  ? `${row.compound_name} ${row.building_name}`
                  : t('org.whole_compound', { name: row.compound_name }),
              }),
              h('button', {
                type: 'button',
                class: 'btn btn--ghost',
                'data-testid': 'org-coverage-remove',
                text: t('org.remove'),
                'aria-label': t('org.remove_named', {
                  name: row.building_name ? `${row.compound_name} ${row.building_name}` : row.compound_name,
                }),
                onclick: async () => {
                  await removeCoverage(row.id);
                  await drawList();
                  changed();
                },
              }),
            ),
          )
        : [h('li', { class: 'muted', text: t('org.coverage_none') })]),
    );
  }
  const compound = scopePicker({
    label: t('org.field.compound'),
    testid: 'org-assign-compound',
    kinds: ['compound'],
    onPick: (hit) => pickBuildings(hit),
  });
  const building = selectField({
    label: t('org.field.building'),
    testid: 'org-assign-building',
    options: [{ value: '', label: t('org.whole') }],
  });
  async function pickBuildings(hit) {
    const options = [{ value: '', label: t('org.whole') }];
    if (hit) for (const b of await loadBuildings(hit.id)) options.push({ value: b.id, label: b.name });
    building.setOptions(options, '');
  }
  const moveButton = h('button', {
    type: 'button',
    class: 'btn btn--secondary',
    hidden: true,
    'data-testid': 'org-assign-move',
    text: t('org.move_here'),
  });
  async function assign(move) {
    const hit = compound.value();
    const body = building.input.value ? { building_id: Number(building.input.value) } : { compound_id: hit.id };
    await assignPlace(unit.id, { ...body, move });
    moveButton.hidden = true;
    await drawList();
    changed();
  }
  const form = miniForm({
    testid: 'org-assign',
    fields: [compound.node, building],
    submit: t('org.assign'),
    onSubmit: async (status) => {
      if (!compound.value()) {
        status.textContent = t('org.pick_first');
        return;
      }
      try {
        await assign(false);
      } catch (err) {
        if (err.code !== 'covered_elsewhere') throw err;
        status.textContent = err.message;
        moveButton.hidden = false;
      }
    },
  });
  moveButton.addEventListener('click', () =>
    assign(true).catch((err) => (form.querySelector('.alert').textContent = errorText(err))),
  );
  form.append(moveButton);
  panel.append(form);
  drawList().catch((err) => list.replaceChildren(h('li', { class: 'alert', text: errorText(err) })));
  return panel;
}

function unitNode(unit, siblings, redrawParent) {
  const children = h('ul', { class: 'org-tree__children', hidden: true });
  const actions = h('div', { class: 'org-actions', hidden: true, 'data-testid': 'org-actions' });
  const toggle = h('button', {
    type: 'button',
    class: 'org-tree__toggle',
    'aria-expanded': 'false',
    'aria-label': t('org.expand', { name: unit.name }),
    'data-testid': 'org-toggle',
    disabled: !unit.children_count,
    text: unit.children_count ? '▸' : '·',
  });
  async function drawChildren() {
    const rows = await loadTree(unit.id);
    children.replaceChildren(...rows.map((row) => unitNode(row, rows, drawChildren)));
  }
  toggle.addEventListener('click', async () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? '▾' : '▸';
    children.hidden = !open;
    if (open)
      await drawChildren().catch((err) => children.replaceChildren(h('li', { class: 'alert', text: errorText(err) })));
  });
  const refresh = () => {
    actions.hidden = true;
    redrawParent();
  };
  const manage = h('button', {
    type: 'button',
    class: 'btn btn--ghost org-tree__manage',
    'aria-expanded': 'false',
    'data-testid': 'org-manage',
    text: t('org.manage'),
    'aria-label': t('org.manage_named', { name: unit.name }),
    onclick: () => {
      const open = actions.hidden;
      actions.hidden = !open;
      manage.setAttribute('aria-expanded', String(open));
      if (!open) return;
      fill(
        actions,
        unit.can_add_child
          ? addChildForm(unit, async () => {
              toggle.disabled = false;
              toggle.setAttribute('aria-expanded', 'true');
              toggle.textContent = '▾';
              children.hidden = false;
              actions.hidden = true;
              await drawChildren();
            })
          : null,
        unit.editable ? renameForm(unit, refresh) : null,
        unit.editable && unit.kind !== 'district' ? moveForm(unit, refresh) : null,
        unit.editable && unit.kind === 'grid' ? mergeForm(unit, siblings, refresh) : null,
        unit.kind === 'grid' ? coveragePanel(unit, () => {}) : null,
      );
    },
  });
  const canManage = unit.can_add_child || unit.editable || unit.kind === 'grid';
  return h(
    'li',
    { class: 'org-tree__node', 'data-testid': 'org-node', 'data-kind': unit.kind, 'data-name': unit.name },
    h(
      'div',
      { class: 'org-tree__row' },
      toggle,
      h(
        'div',
        { class: 'org-tree__text' },
        h('span', { class: 'org-tree__name', text: unit.name }),
        h('span', { class: 'chip', text: kindLabel(unit.kind) }),
        h('span', { class: 'muted org-tree__counts', text: countsText(unit) }),
      ),
      canManage ? manage : null,
    ),
    actions,
    children,
  );
}

/** The screen for #/admin/org. */
export function adminOrgScreen() {
  const { screen, body } = adminFrame({
    testid: 'admin-org',
    title: t('org.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  async function draw() {
    const top = await loadTree();
    fill(
      body,
      h('p', { class: 'muted', text: t('org.about') }),
      h(
        'ul',
        { class: 'org-tree', 'data-testid': 'org-tree' },
        top.map((unit) => unitNode(unit, top, draw)),
      ),
    );
  }
  draw().catch((err) => body.replaceChildren(loadFailed(err, draw)));
  return screen;
}
