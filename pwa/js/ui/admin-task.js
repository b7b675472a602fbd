// 任务详情 for admins (#/admin/tasks/<id>): the task as the server has it (GET /api/tasks/<id>),
// the worker's report and photos, every status change and reassignment with who (named by the
// server), when (the phone's time and the server's) and where; and the admin's actions by status:
// 修改, 改派, 取消任务 (with a reason), 重新派发. An open conflict of the task is pointed out
// (resolved at #/sync). The view follows the server live while no action form is open.
import { adminActionsFor, hasReport, isoToLocalInput, localInputToIso } from '../admin.js';
import {
  adminSession,
  cancelTask,
  editTask,
  loadOpenConflicts,
  loadTask,
  reassignTask,
  reopenTask,
} from '../admin-data.js';
import { TASKS } from '../constants.js';
import { t } from '../i18n.js';
import { PRIORITIES, TASK_TYPES } from '../tasks.js';
import {
  adminFrame,
  dueField,
  errorText,
  flashNote,
  inputField,
  loadFailed,
  placeText,
  showFieldErrors,
  taskStatusChip,
  textField,
  watchServer,
} from './admin-common.js';
import { photoLinks } from './admin-report-card.js';
import { assigneeField } from './admin-target.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import {
  answerLabel,
  coordinatesText,
  dateTime,
  dueText,
  historyLabel,
  locationText,
  outcomeLabel,
  priorityLabel,
  typeLabel,
} from './format.js';
import { priorityChip, typeChip } from './tasks.js';

const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value)
      .map(([label, value, testid]) => [h('dt', { text: label }), h('dd', { 'data-testid': testid, text: value })]),
  );

/** Who made a history entry: "你" for oneself, else the name the server gives with it. */
function who(entry, me) {
  if (entry.by == null) return null;
  return h('span', {
    class: 'history__who',
    text: entry.by === me.user.id ? t('history.you') : (entry.by_name ?? t('admin.user_id', { id: entry.by })),
  });
}

/** A reassignment's "网格员甲 → 网格员乙" (nobody: 未指派). */
function assignees(entry) {
  if (!('assignee_to' in entry)) return null;
  const name = (id, known) => (id == null ? t('admin.unassigned') : (known ?? t('admin.user_id', { id })));
  const text = t('admin.history.assignees', {
    from: name(entry.assignee_from, entry.assignee_from_name),
    to: name(entry.assignee_to, entry.assignee_to_name),
  });
  return h('span', { class: 'history__reason', 'data-testid': 'admin-history-assignees', text });
}

function historyCard(task, me) {
  const entries = [...(task.history ?? [])].reverse();
  if (!entries.length) return null;
  return h(
    'section',
    { class: 'card', 'data-testid': 'admin-history' },
    h('h2', { class: 'card__title', text: t('detail.history') }),
    h(
      'ol',
      { class: 'history' },
      entries.map((entry) => {
        const when = entry.device_at
          ? t('admin.history.when_device', { device: dateTime(entry.device_at), server: dateTime(entry.server_at) })
          : dateTime(entry.server_at);
        return h(
          'li',
          { class: 'history__item', 'data-testid': 'admin-history-entry', 'data-to': entry.to },
          h('strong', { text: historyLabel(entry) }),
          who(entry, me),
          assignees(entry),
          h('span', { class: 'history__when', text: when }),
          entry.via === 'conflict_resolution'
            ? h('span', { class: 'chip', text: t('admin.history.via_conflict') })
            : null,
          entry.location ? h('span', { class: 'history__reason muted', text: coordinatesText(entry.location) }) : null,
          entry.reason
            ? h('span', { class: 'history__reason', text: t('admin.history.reason', { reason: entry.reason }) })
            : null,
        );
      }),
    ),
  );
}

function reportCard(task) {
  if (!hasReport(task)) return null;
  const answers = task.checklist_answers ?? {};
  return h(
    'section',
    { class: 'card', 'data-testid': 'admin-task-report' },
    h('h2', { class: 'card__title', text: t('detail.report') }),
    task.status === 'cancelled' ? h('p', { class: 'note', text: t('admin.task.work_kept') }) : null,
    facts([
      [t('field.task.outcome'), outcomeLabel(task.outcome), 'admin-report-outcome'],
      [t('field.task.unable_reason'), task.unable_reason],
      [t('field.task.notes'), task.notes, 'admin-report-notes'],
      [
        t('field.task.location'),
        task.location_status
          ? [locationText(task.location, task.location_status), coordinatesText(task.location)]
              .filter(Boolean)
              .join('\n')
          : '',
        'admin-report-location',
      ],
      [t('field.task.started_at'), dateTime(task.started_at)],
      [t('field.task.finished_at'), dateTime(task.finished_at)],
    ]),
    (task.checklist ?? []).length && Object.keys(answers).length
      ? h(
          'ul',
          { class: 'answers' },
          task.checklist.map((item) =>
            h(
              'li',
              { class: 'answers__item' },
              h('span', { text: item.text }),
              h('strong', { text: answerLabel(answers[item.key]) || '—' }),
            ),
          ),
        )
      : null,
    photoLinks(task.photos, { testid: 'admin-task-photo' }),
  );
}

// --- the action forms -----------------------------------------------------------------------

function panel({ testid, title, fields, submitLabel, danger = false, onSubmit, onClose }) {
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': `${testid}-error` });
  const submit = h('button', {
    type: 'submit',
    class: `btn ${danger ? 'btn--danger' : 'btn--primary'}`,
    'data-testid': `${testid}-submit`,
    text: submitLabel,
  });
  const close = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': `${testid}-close`,
    onclick: onClose,
    text: t('admin.cancel_edit'),
  });
  const form = h(
    'form',
    { class: 'card inline-panel', novalidate: true, 'data-testid': testid },
    h('h2', { class: 'card__title', text: title }),
    fields,
    alert,
    h('div', { class: 'button-row' }, submit, close),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    submit.disabled = true;
    try {
      await onSubmit(alert);
    } catch (err) {
      alert.textContent = err.message ? errorText(err) : String(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function editPanel(task, done, close) {
  const type = choiceGroup({
    legend: t('field.task.type'),
    name: 'edit-type',
    testid: 'edit-type',
    columns: 3,
    value: task.type,
    options: TASK_TYPES.map((value) => ({ value, label: typeLabel(value) })),
  });
  const title = inputField({
    label: t('field.task.title'),
    testid: 'edit-title',
    value: task.title,
    maxlength: TASKS.TITLE_MAX,
    required: true,
  });
  const description = textField({
    label: t('field.task.description'),
    testid: 'edit-description',
    value: task.description ?? '',
    maxlength: TASKS.DESCRIPTION_MAX,
  });
  const due = dueField({ value: isoToLocalInput(task.due_at), testid: 'edit-due' });
  const priority = choiceGroup({
    legend: t('field.task.priority'),
    name: 'edit-priority',
    testid: 'edit-priority',
    columns: 4,
    value: task.priority,
    options: PRIORITIES.map((value) => ({ value, label: priorityLabel(value) })),
  });
  return panel({
    testid: 'edit-panel',
    title: t('admin.task.edit'),
    fields: [type, title, description, due, priority],
    submitLabel: t('form.save'),
    onClose: close,
    async onSubmit(alert) {
      const next = {
        type: type.value,
        title: title.input.value.trim(),
        description: description.input.value.trim() || null,
        due_at: localInputToIso(due.input.value),
        priority: priority.value,
      };
      const changes = Object.fromEntries(
        Object.entries(next).filter(([key, value]) => {
          if (key === 'due_at') return isoToLocalInput(value) !== isoToLocalInput(task.due_at);
          return (value ?? null) !== (task[key] ?? null);
        }),
      );
      if (!changes.title && 'title' in changes) return title.setError(t('admin.form.required_title'));
      if (!Object.keys(changes).length) {
        alert.textContent = t('admin.task.nothing_changed');
        return;
      }
      try {
        await done(editTask(task.id, changes), t('admin.task.edited'));
      } catch (err) {
        alert.textContent = showFieldErrors(err, { type, title, description, due_at: due, priority });
      }
    },
  });
}

function reassignPanel(task, done, close) {
  const assignee = assigneeField({ label: t('admin.task.new_assignee'), testid: 'reassign-assignee' });
  assignee.setGrid(task.grid_id, task.assignee_id);
  return panel({
    testid: 'reassign-panel',
    title: t('admin.task.reassign'),
    fields: [assignee],
    submitLabel: t('admin.task.reassign_submit'),
    onClose: close,
    async onSubmit(alert) {
      const chosen = assignee.value === undefined ? null : assignee.value;
      if (chosen === (task.assignee_id ?? null)) {
        alert.textContent = t('admin.task.same_assignee');
        return;
      }
      await done(reassignTask(task.id, chosen), t('admin.task.reassigned'));
    },
  });
}

function cancelPanel(task, done, close) {
  const reason = textField({
    label: t('admin.task.cancel_reason'),
    testid: 'cancel-reason',
    maxlength: TASKS.CANCEL_REASON_MAX,
    required: true,
    placeholder: t('admin.task.cancel_placeholder'),
  });
  const warning =
    task.status === 'in_progress' ? h('p', { class: 'note', text: t('admin.task.cancel_in_progress') }) : null;
  return panel({
    testid: 'cancel-panel',
    title: t('admin.task.cancel'),
    fields: [warning, reason],
    submitLabel: t('admin.task.cancel_submit'),
    danger: true,
    onClose: close,
    async onSubmit() {
      const text = reason.input.value.trim();
      if (!text) {
        reason.setError(t('admin.task.cancel_required'));
        reason.input.focus();
        return;
      }
      await done(cancelTask(task.id, text), t('admin.task.cancelled'));
    },
  });
}

function reopenPanel(task, done, close) {
  const assignee = assigneeField({ testid: 'reopen-assignee' });
  assignee.setGrid(task.grid_id, task.assignee_id);
  const due = dueField({
    label: t('admin.task.new_due'),
    value: task.due_at && new Date(task.due_at) > new Date() ? isoToLocalInput(task.due_at) : '',
    testid: 'reopen-due',
  });
  return panel({
    testid: 'reopen-panel',
    title: t('admin.task.reopen'),
    fields: [h('p', { class: 'muted', text: t('admin.task.reopen_about') }), assignee, due],
    submitLabel: t('admin.task.reopen_submit'),
    onClose: close,
    async onSubmit(alert) {
      const body = { due_at: localInputToIso(due.input.value) };
      if (assignee.value !== undefined) body.assignee_id = assignee.value;
      try {
        await done(reopenTask(task.id, body), t('admin.task.reopened'));
      } catch (err) {
        alert.textContent = showFieldErrors(err, { assignee_id: assignee, due_at: due });
      }
    },
  });
}

const PANELS = { edit: editPanel, reassign: reassignPanel, cancel: cancelPanel, reopen: reopenPanel };

/** #/admin/tasks/<id> */
export function adminTaskScreen({ me, params }) {
  adminSession(me.user.id);
  const id = params.id;
  const { screen, heading, body } = adminFrame({
    testid: 'admin-task',
    title: t('app.loading'),
    back: '/admin/tasks',
    backText: t('admin.back_tasks'),
    wide: false,
  });
  heading.dataset.testid = 'admin-task-title';
  const flash = flashNote();
  const saved = h('p', { class: 'status-line', role: 'status', 'data-testid': 'admin-task-saved' });
  const chips = h('div', { class: 'detail__chips' });
  const info = h('div', { class: 'admin-task__info' });
  const actions = h('div', { class: 'button-row admin-task__actions', 'data-testid': 'admin-task-actions' });
  const slot = h('div', { class: 'admin-task__panel' });
  const rest = h('div', {});
  let task = null;

  function closePanel() {
    slot.replaceChildren();
    drawActions();
  }

  async function done(request, message) {
    task = await request;
    slot.replaceChildren();
    flash?.remove(); // "已派发" belongs to the moment the task was made
    saved.textContent = message;
    draw();
    actions.querySelector('button')?.focus();
  }

  function drawActions() {
    const open = slot.firstChild;
    actions.replaceChildren(
      ...adminActionsFor(task).map((action) =>
        h('button', {
          type: 'button',
          class: `btn ${action === 'cancel' ? 'btn--danger' : 'btn--secondary'}`,
          'data-testid': `admin-task-${action}`,
          'aria-expanded': String(open?.dataset.testid === `${action}-panel`),
          text: t(`admin.task.${action}`),
          onclick: () => {
            saved.textContent = '';
            const form = PANELS[action](task, done, closePanel);
            slot.replaceChildren(form);
            drawActions();
            form.querySelector('input, textarea, select')?.focus();
          },
        }),
      ),
    );
  }

  function draw() {
    heading.textContent = task.title;
    chips.replaceChildren(
      ...[
        typeChip(task.type),
        priorityChip(task.priority),
        taskStatusChip(task, 'admin-task-status'),
        task.overdue ? h('span', { class: 'chip chip--urgent', text: t('admin.progress.overdue') }) : null,
      ].filter(Boolean),
    );
    const due = dueText(task);
    info.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('dt', { text: t('detail.place') }),
        h('dd', { 'data-testid': 'admin-task-place', text: placeText(task) }),
        h('dt', { text: t('field.task.assignee_id') }),
        h('dd', {
          'data-testid': 'admin-task-assignee',
          text: task.assignee_id
            ? (task.assignee_name ?? t('admin.user_id', { id: task.assignee_id }))
            : t('admin.unassigned'),
        }),
        h('dt', { text: t('field.task.due_at') }),
        h('dd', {
          class: due.overdue ? 'task-row__due--overdue' : '',
          text: task.due_at ? `${dateTime(task.due_at)}${due.overdue ? `（${due.text}）` : ''}` : t('task.no_due'),
        }),
        h('dt', { text: t('admin.task.created') }),
        h('dd', { text: dateTime(task.created_at) }),
        task.source_report_id
          ? [h('dt', { text: t('admin.task.source') }), h('dd', { text: t('admin.task.from_report') })]
          : null,
        task.description ? [h('dt', { text: t('field.task.description') }), h('dd', { text: task.description })] : null,
      ),
    );
    if (!slot.firstChild) drawActions();
    const conflicts = h('div', {});
    loadOpenConflicts(task.id).then(
      (page) => {
        if (!page?.total) return;
        conflicts.replaceChildren(
          h(
            'div',
            { class: 'note note--conflict', 'data-testid': 'admin-task-conflict' },
            h('p', { class: 'note__main', text: t('admin.task.conflicts', { count: page.total }) }),
            h('a', {
              class: 'btn btn--secondary',
              href: '#/sync',
              'data-testid': 'admin-task-conflicts-open',
              text: t('admin.task.conflicts_open'),
            }),
          ),
        );
      },
      () => {},
    );
    rest.replaceChildren(
      ...[
        conflicts,
        (task.checklist ?? []).length && !hasReport(task)
          ? h(
              'section',
              { class: 'card' },
              h('h2', { class: 'card__title', text: t('detail.checklist') }),
              h(
                'ol',
                { class: 'checklist-preview' },
                task.checklist.map((c) => h('li', { text: c.text })),
              ),
            )
          : null,
        reportCard(task),
        historyCard(task, me),
      ].filter(Boolean),
    );
  }

  async function load() {
    try {
      task = await loadTask(id);
    } catch (err) {
      if (!task) {
        heading.textContent = t('detail.missing_title');
        body.replaceChildren(loadFailed(err, load));
      } else saved.textContent = errorText(err);
      return;
    }
    if (!body.contains(info)) body.replaceChildren(...[flash, chips, saved, info, actions, slot, rest].filter(Boolean));
    draw();
  }
  load();
  watchServer(screen, load, { entities: ['task'] });
  return screen;
}
