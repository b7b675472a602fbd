// 批量派发 (#/admin/tasks/bulk): one task per grid, compound or building of an org subtree
// ("check the fire extinguishers in every building of 河西社区"), each for its grid's worker,
// in one request (POST /api/tasks/bulk). Before sending, the admin confirms with the number of
// tasks it will make; after, the server's answer says how many were made, which grids have no
// worker yet (their tasks wait unassigned) and which targets are in no grid (skipped).
import { adminUnits, BULK_KINDS, bulkTitle, bulkTitleExample, bulkUnits, localInputToIso } from '../admin.js';
import { adminSession, bulkCreate, loadOrgChildren, loadOrgUnit, previewBulk } from '../admin-data.js';
import { TASKS } from '../constants.js';
import { t } from '../i18n.js';
import { PRIORITIES, TASK_TYPES } from '../tasks.js';
import {
  adminFrame,
  dueField,
  errorText,
  inputField,
  loadFailed,
  selectField,
  showFieldErrors,
  textField,
} from './admin-common.js';
import { templateField } from './admin-target.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { priorityLabel, typeLabel } from './format.js';

const INDENT = '\u3000'; // an ideographic space: kept in <option> text, unlike ASCII spaces

async function unitsOf(me) {
  const roots = await Promise.all(adminUnits(me).map((unit) => loadOrgUnit(unit.id)));
  return bulkUnits(roots, loadOrgChildren);
}

function resultCard(result, again) {
  const list = (items, text) =>
    items?.length
      ? h(
          'ul',
          { class: 'plain-list' },
          items.map((item) => h('li', { text: text(item) })),
        )
      : null;
  return h(
    'section',
    { class: 'card bulk-result', 'data-testid': 'bulk-result', role: 'status' },
    h('h2', { class: 'card__title', text: t('admin.bulk.result_title') }),
    h('p', { class: 'bulk-result__message', 'data-testid': 'bulk-message', text: result.message }),
    h(
      'div',
      { class: 'pills' },
      h(
        'span',
        { class: 'pill', 'data-count': 'created' },
        h('span', { class: 'pill__label', text: t('admin.bulk.created') }),
        h('strong', { class: 'pill__value', 'data-testid': 'bulk-created', text: String(result.created) }),
      ),
      h(
        'span',
        { class: 'pill', 'data-count': 'assigned' },
        h('span', { class: 'pill__label', text: t('admin.bulk.assigned') }),
        h('strong', { class: 'pill__value', text: String(result.assigned) }),
      ),
      h(
        'span',
        { class: `pill${result.unassigned ? ' pill--alert' : ''}`, 'data-count': 'unassigned' },
        h('span', { class: 'pill__label', text: t('admin.progress.unassigned') }),
        h('strong', { class: 'pill__value', 'data-testid': 'bulk-unassigned', text: String(result.unassigned) }),
      ),
    ),
    result.unassigned_grids?.length ? h('p', { class: 'field__label', text: t('admin.bulk.unassigned_grids') }) : null,
    list(result.unassigned_grids, (g) => g.name),
    result.skipped?.length
      ? h('p', { class: 'field__label', text: t('admin.bulk.skipped', { count: result.skipped.length }) })
      : null,
    list(result.skipped, (s) => `${s.name}：${s.reason}`),
    h(
      'div',
      { class: 'button-row' },
      h('a', {
        class: 'btn btn--primary',
        href: `#/admin/tasks?batch=${encodeURIComponent(result.batch_id)}`,
        'data-testid': 'bulk-show',
        text: t('admin.bulk.show'),
      }),
      h('button', {
        type: 'button',
        class: 'btn btn--ghost',
        'data-testid': 'bulk-again',
        onclick: again,
        text: t('admin.bulk.again'),
      }),
    ),
  );
}

/** #/admin/tasks/bulk */
export function bulkScreen({ me }) {
  adminSession(me.user.id);
  const { screen, body } = adminFrame({
    testid: 'admin-bulk',
    title: t('admin.bulk.title'),
    back: '/admin/tasks',
    backText: t('admin.back_tasks'),
    wide: false,
  });

  async function open() {
    body.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    let units;
    try {
      units = await unitsOf(me);
    } catch (err) {
      body.replaceChildren(loadFailed(err, open));
      return;
    }
    const range = selectField({
      label: t('admin.bulk.range'),
      testid: 'bulk-range',
      required: true,
      hint: t('admin.bulk.range_hint'),
      options: units.map((u) => ({ value: u.id, label: `${INDENT.repeat(u.depth)}${u.name}` })),
    });
    const kind = choiceGroup({
      legend: t('admin.bulk.kind'),
      name: 'bulk-kind',
      testid: 'bulk-kind',
      columns: 3,
      value: 'building',
      required: true,
      options: BULK_KINDS.map((value) => ({
        value,
        label: t(`admin.target.${value === 'grid' ? 'grid_short' : value}`),
      })),
    });
    const template = templateField();
    const type = choiceGroup({
      legend: t('field.task.type'),
      name: 'bulk-type',
      testid: 'task-type',
      columns: 3,
      required: true,
      options: TASK_TYPES.map((value) => ({ value, label: typeLabel(value) })),
      onChange: (value) => template.setType(value),
    });
    // Below TASKS.TITLE_MAX: each target's name replaces {target}, and the server cuts a longer title.
    const title = inputField({
      label: t('field.task.title'),
      testid: 'task-title-input',
      maxlength: 100,
      required: true,
      placeholder: t('admin.bulk.title_placeholder'),
    });
    const withName = h('input', {
      type: 'checkbox',
      class: 'check__input',
      checked: true,
      'data-testid': 'bulk-with-name',
    });
    const example = h('p', { class: 'field__hint', 'data-testid': 'bulk-example', 'aria-live': 'polite' });
    const nameCheck = h('label', { class: 'check' }, withName, h('span', { text: t('admin.bulk.with_name') }));
    title.insertBefore(h('div', {}, nameCheck, example), title.querySelector('.field__error'));
    const description = textField({
      label: t('field.task.description'),
      testid: 'task-description',
      maxlength: TASKS.DESCRIPTION_MAX,
    });
    const due = dueField();
    const priority = choiceGroup({
      legend: t('field.task.priority'),
      name: 'bulk-priority',
      testid: 'task-priority',
      columns: 4,
      value: 'normal',
      options: PRIORITIES.map((value) => ({ value, label: priorityLabel(value) })),
    });
    const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'bulk-error' });
    const preview = h('button', {
      type: 'submit',
      class: 'btn btn--primary btn--big btn--block',
      'data-testid': 'bulk-preview',
      text: t('admin.bulk.preview'),
    });
    const confirmSlot = h('div', { 'aria-live': 'polite' });

    const showExample = () => {
      example.textContent = title.input.value.trim()
        ? t('admin.bulk.example', {
            title: bulkTitleExample(
              title.input.value,
              withName.checked,
              t(`admin.bulk.example_${kind.value ?? 'building'}`),
            ),
          })
        : '';
    };
    title.input.addEventListener('input', showExample);
    withName.addEventListener('change', showExample);

    const form = h(
      'form',
      { class: 'form admin-form', novalidate: true, 'data-testid': 'bulk-form' },
      range,
      kind,
      type,
      title,
      description,
      due,
      priority,
      template,
      alert,
      preview,
      confirmSlot,
    );
    const reset = () => {
      confirmSlot.replaceChildren();
      preview.hidden = false;
    };
    form.addEventListener('input', () => {
      alert.textContent = '';
      if (confirmSlot.firstChild) reset();
    });
    form.addEventListener('change', () => {
      showExample();
      if (confirmSlot.firstChild) reset();
    });

    function request() {
      return {
        org_unit_id: Number(range.input.value),
        target_kind: kind.value,
        type: type.value,
        title: bulkTitle(title.input.value, withName.checked),
        description: description.input.value.trim() || null,
        due_at: localInputToIso(due.input.value),
        priority: priority.value ?? 'normal',
        ...template.body(),
      };
    }

    async function send(button, payload) {
      button.disabled = true;
      button.textContent = t('admin.bulk.sending');
      try {
        const result = await bulkCreate(payload);
        const card = resultCard(result, () => open());
        form.replaceWith(card);
        card.querySelector('h2').setAttribute('tabindex', '-1');
        card.querySelector('h2').focus();
      } catch (err) {
        reset();
        alert.textContent = showFieldErrors(err, {
          type,
          title,
          description,
          due_at: due,
          priority,
          checklist_template_id: template,
          org_unit_id: range,
        });
      }
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const problems = [];
      type.setError(type.value ? '' : t('admin.form.required_type'));
      if (!type.value) problems.push(t('admin.form.required_type'));
      if (!title.input.value.trim()) {
        title.setError(t('admin.form.required_title'));
        problems.push(t('admin.form.required_title'));
      }
      const dueAt = localInputToIso(due.input.value);
      if (dueAt && new Date(dueAt) < new Date()) {
        due.setError(t('admin.form.due_past'));
        problems.push(t('admin.form.due_past'));
      }
      if (problems.length) {
        alert.textContent = problems.join(' ');
        form.querySelector('[aria-invalid="true"], .choices-field--invalid input')?.focus();
        return;
      }
      preview.disabled = true;
      preview.textContent = t('admin.bulk.counting');
      const payload = request();
      const unit = units.find((u) => u.id === payload.org_unit_id);
      let plan;
      try {
        plan = await previewBulk(payload);
      } catch (err) {
        alert.textContent = errorText(err);
        return;
      } finally {
        preview.disabled = false;
        preview.textContent = t('admin.bulk.preview');
      }
      const count = plan.created;
      const what = {
        unit: unit?.name ?? '',
        kind: t(`admin.target.${payload.target_kind}`),
        type: typeLabel(payload.type),
        count,
      };
      const confirm = h('button', {
        type: 'button',
        class: 'btn btn--primary btn--big',
        'data-testid': 'bulk-confirm',
        text: t('admin.bulk.confirm', { count }),
      });
      const back = h('button', {
        type: 'button',
        class: 'btn btn--ghost btn--big',
        'data-testid': 'bulk-back',
        text: t('admin.bulk.back'),
        onclick: () => {
          reset();
          preview.focus();
        },
      });
      confirm.addEventListener('click', () => send(confirm, payload));
      preview.hidden = true;
      confirmSlot.replaceChildren(
        h(
          'div',
          { class: 'card confirm', 'data-testid': 'bulk-confirmation', tabindex: '-1' },
          h('p', {
            class: 'confirm__text',
            'data-testid': 'bulk-confirm-text',
            text: count ? t('admin.bulk.will_make', what) : t('admin.bulk.nothing', what),
          }),
          count ? h('p', { class: 'muted', text: t('admin.bulk.will_make_note') }) : null,
          // The server's own words: grids without a worker, targets in no grid.
          h('p', { class: 'muted', 'data-testid': 'bulk-preview-message', text: plan.message ?? '' }),
          h('p', {
            class: 'muted',
            text: t('admin.bulk.example', {
              title: bulkTitleExample(
                title.input.value,
                withName.checked,
                t(`admin.bulk.example_${payload.target_kind}`),
              ),
            }),
          }),
          h('div', { class: 'button-row' }, count ? confirm : null, back),
        ),
      );
      confirmSlot.firstChild.focus();
    });
    body.replaceChildren(h('p', { class: 'muted', text: t('admin.bulk.explain') }), form);
    showExample();
  }
  open();
  return screen;
}
