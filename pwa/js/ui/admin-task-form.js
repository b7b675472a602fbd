// 派发任务 (#/admin/tasks/new): one task for a grid, compound, building or household of the
// admin's jurisdiction — type, title, description, target, assignee (the grid's workers), due
// time, priority, checklist — POST /api/tasks. 转为任务 (#/admin/reports/<id>/convert): the same
// form prefilled from a field report (GET …/draft), POST …/convert. The server checks every
// field; its messages show next to the fields, and nothing typed is lost on a refusal.
import { localInputToIso } from '../admin.js';
import { adminSession, convertReport, createTask, loadDraft, loadProgress, loadReport } from '../admin-data.js';
import { TASKS } from '../constants.js';
import { t } from '../i18n.js';
import { PRIORITIES, TASK_TYPES } from '../tasks.js';
import {
  adminFrame,
  dueField,
  errorText,
  inputField,
  loadFailed,
  setFlash,
  showFieldErrors,
  submitBar,
  textField,
} from './admin-common.js';
import { reportSummary } from './admin-report-card.js';
import { assigneeField, targetPicker, templateField } from './admin-target.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { priorityLabel, typeLabel } from './format.js';
import { replaceWith } from './nav.js';

/** The fields every task form has: type, title, description, priority, checklist. */
function taskFields(before = {}) {
  const template = templateField();
  const type = choiceGroup({
    legend: t('field.task.type'),
    name: 'task-type',
    testid: 'task-type',
    columns: 3,
    required: true,
    value: before.type ?? null,
    options: TASK_TYPES.map((value) => ({ value, label: typeLabel(value) })),
    onChange: (value) => template.setType(value),
  });
  const title = inputField({
    label: t('field.task.title'),
    testid: 'task-title-input',
    value: before.title ?? '',
    maxlength: TASKS.TITLE_MAX,
    required: true,
    placeholder: t('admin.form.title_placeholder'),
  });
  const description = textField({
    label: t('field.task.description'),
    testid: 'task-description',
    value: before.description ?? '',
    maxlength: TASKS.DESCRIPTION_MAX,
    placeholder: t('admin.form.description_placeholder'),
  });
  const priority = choiceGroup({
    legend: t('field.task.priority'),
    name: 'task-priority',
    testid: 'task-priority',
    columns: 4,
    value: before.priority ?? 'normal',
    options: PRIORITIES.map((value) => ({ value, label: priorityLabel(value) })),
  });
  const due = dueField();
  if (before.type) template.setType(before.type);
  return { type, title, description, priority, due, template };
}

/** Checks on the phone before asking the server: {field: message}. */
function localProblems(f, target) {
  const problems = {};
  if (!f.type.value) problems.type = t('admin.form.required_type');
  if (!f.title.input.value.trim()) problems.title = t('admin.form.required_title');
  if (target?.problem) problems.target = t(`admin.form.required_${target.problem}`);
  if (f.due.input.value && !localInputToIso(f.due.input.value)) problems.due_at = t('admin.form.bad_due');
  else if (f.due.input.value && new Date(localInputToIso(f.due.input.value)) < new Date())
    problems.due_at = t('admin.form.due_past');
  return problems;
}

function showProblems(problems, f, picker, bar) {
  f.type.setError(problems.type ?? '');
  f.title.setError(problems.title ?? '');
  f.due.setError(problems.due_at ?? '');
  picker?.setError(problems.target ?? '');
  bar.alert.textContent = Object.values(problems).join(' ');
  if (problems.type) f.type.querySelector('input')?.focus();
  else if (problems.title) f.title.input.focus();
  else if (problems.target) picker.focusProblem(picker.value().problem);
  else if (problems.due_at) f.due.input.focus();
}

/** The request body of the shared fields. */
function bodyOf(f) {
  return {
    type: f.type.value,
    title: f.title.input.value.trim(),
    description: f.description.input.value.trim() || null,
    priority: f.priority.value ?? 'normal',
    due_at: localInputToIso(f.due.input.value),
    ...f.template.body(),
  };
}

function fieldMap(f, picker, assignee) {
  const target = picker ? { setError: (text) => picker.setError(text) } : null;
  return {
    type: f.type,
    title: f.title,
    description: f.description,
    due_at: f.due,
    priority: f.priority,
    checklist_template_id: f.template,
    checklist: f.template,
    assignee_id: assignee,
    target_id: target,
    target_kind: target,
  };
}

/** #/admin/tasks/new (?grid=<id> preselects a grid) */
export function newTaskScreen({ me, query }) {
  adminSession(me.user.id);
  const { screen, body } = adminFrame({
    testid: 'admin-new',
    title: t('admin.new.title'),
    back: '/admin/tasks',
    backText: t('admin.back_tasks'),
    wide: false,
  });

  async function open() {
    body.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    let progress;
    try {
      progress = await loadProgress();
    } catch (err) {
      body.replaceChildren(loadFailed(err, open));
      return;
    }
    const f = taskFields();
    const assignee = assigneeField();
    const picker = targetPicker({
      grids: progress.grids ?? [],
      gridId: query.get('grid'),
      onGrid: (id) => assignee.setGrid(id),
    });
    if (picker.gridId) assignee.setGrid(picker.gridId);
    const bar = submitBar({ testid: 'new-task', label: t('admin.new.submit') });
    const form = h(
      'form',
      { class: 'form admin-form', novalidate: true, 'data-testid': 'new-task-form' },
      f.type,
      f.title,
      f.description,
      picker.element,
      assignee,
      f.due,
      f.priority,
      f.template,
      bar.element,
    );
    form.addEventListener('input', () => {
      bar.alert.textContent = '';
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const target = picker.value();
      const problems = localProblems(f, target);
      showProblems(problems, f, picker, bar);
      if (Object.keys(problems).length) return;
      const request = { ...bodyOf(f), target_kind: target.target_kind, target_id: target.target_id };
      if (assignee.value !== undefined) request.assignee_id = assignee.value;
      bar.busy(true, t('admin.new.submitting'));
      try {
        const task = await createTask(request);
        setFlash(t('admin.new.done', { title: task.title }));
        replaceWith(`/admin/tasks/${encodeURIComponent(task.id)}`);
      } catch (err) {
        bar.alert.textContent = showFieldErrors(err, fieldMap(f, picker, assignee));
        bar.busy(false);
      }
    });
    body.replaceChildren(form);
  }
  open();
  return screen;
}

/** #/admin/reports/<id>/convert */
export function convertScreen({ me, params }) {
  adminSession(me.user.id);
  const id = params.id;
  const { screen, body } = adminFrame({
    testid: 'admin-convert',
    title: t('admin.convert.title'),
    back: '/admin/reports',
    backText: t('admin.back_reports'),
    wide: false,
  });

  async function open() {
    body.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    let report;
    let draft;
    try {
      [report, draft] = await Promise.all([loadReport(id), loadDraft(id)]);
    } catch (err) {
      body.replaceChildren(loadFailed(err, open));
      return;
    }
    if (report.status !== 'new') {
      body.replaceChildren(
        reportSummary(report),
        h('p', { class: 'note', 'data-testid': 'convert-handled', text: t('admin.convert.handled') }),
      );
      return;
    }
    const f = taskFields(draft);
    const assignee = assigneeField();
    assignee.setGrid(report.grid_id, draft.assignee_id);
    const bar = submitBar({ testid: 'convert', label: t('admin.convert.submit') });
    const target = h(
      'div',
      { class: 'field form__fact', 'data-testid': 'convert-target' },
      h('span', { class: 'field__label', text: t('admin.form.target') }),
      h('span', { text: `${t(`admin.target.${draft.target_kind}`)} · ${draft.target_name}` }),
    );
    const form = h(
      'form',
      { class: 'form admin-form', novalidate: true, 'data-testid': 'convert-form' },
      f.type,
      f.title,
      f.description,
      target,
      assignee,
      f.due,
      f.priority,
      f.template,
      bar.element,
    );
    form.addEventListener('input', () => {
      bar.alert.textContent = '';
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const problems = localProblems(f, null);
      showProblems(problems, f, null, bar);
      if (Object.keys(problems).length) return;
      const request = bodyOf(f);
      if (assignee.value !== undefined) request.assignee_id = assignee.value;
      bar.busy(true, t('admin.new.submitting'));
      try {
        const result = await convertReport(id, request);
        setFlash(t('admin.convert.done', { title: result.task.title }));
        replaceWith(`/admin/tasks/${encodeURIComponent(result.task.id)}`);
      } catch (err) {
        bar.alert.textContent = showFieldErrors(err, fieldMap(f, null, assignee)) || errorText(err);
        bar.busy(false);
      }
    });
    body.replaceChildren(reportSummary(report), form);
  }
  open();
  return screen;
}
