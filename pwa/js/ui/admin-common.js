// What the admin's screens share: live refetching when a sync poke brings changes (throttled),
// the "needs a network" note, form fields that show the server's messages per field, and the
// labels of a task's place and status. The admin's screens read the server, not IndexedDB.
import { dueShortcuts, LIVE_GAP_MS, throttle } from '../admin.js';
import { t } from '../i18n.js';
import { isOnline, onNetworkChange } from '../net.js';
import { onRecordsPulled } from '../sync-pull.js';
import { h } from './dom.js';
import { statusLabel, taskStatusClass, taskStatusLabel } from './format.js';
import { goBack } from './nav.js';

/**
 * 导出 Excel (PROTOCOL.md §24.1): a plain link to a list's workbook — the session cookie applies,
 * nothing is fetched by script. href may be set later (a list whose filters change).
 */
export function exportLink({ testid, href = undefined, text = t('admin.export_xlsx') }) {
  return h('a', {
    class: 'btn btn--ghost',
    href,
    download: '',
    'data-testid': testid,
    text,
    title: t('admin.export_hint'),
  });
}

/**
 * Calls refetch() again while `node` is on the page whenever a pull brought records of one of
 * `entities` (the admin's socket is in the rooms of its org buckets: a worker's sync pokes it,
 * the sync client pulls, DESIGN.md S1) and when the network comes back; at most once per
 * second. Returns the schedule function (call it to refetch after an action of one's own).
 */
export function watchServer(node, refetch, { entities = ['task'] } = {}) {
  const born = Date.now();
  const schedule = throttle(() => (node.isConnected ? refetch() : undefined), LIVE_GAP_MS);
  const stops = [
    onRecordsPulled(({ entities: pulled }) => {
      // No entity named: the scope changed or a resync swept; worth a look too.
      if (!pulled.length || pulled.some((entity) => entities.includes(entity))) tick();
    }),
    onNetworkChange((online) => online && tick()),
  ];
  function tick() {
    if (!node.isConnected) {
      if (Date.now() - born > 1000) {
        stops.forEach((stop) => stop());
        schedule.cancel();
      }
      return;
    }
    schedule();
  }
  return schedule;
}

/** Says that these screens need the network, while the device is offline (CSS hides it online). */
export function onlineOnlyNote() {
  return h('p', {
    class: 'note note--offline-only',
    role: 'status',
    'data-testid': 'admin-offline',
    text: t('admin.offline'),
  });
}

/** An error of the API as a line for the admin; offline said plainly. */
export function errorText(err) {
  if (err?.code === 'offline') return t('admin.offline_action');
  return err?.message || t('error.unexpected');
}

export function backLink(path, text) {
  return h(
    'a',
    {
      class: 'back',
      href: `#${path}`,
      'data-testid': 'back',
      onclick: (event) => {
        event.preventDefault();
        goBack(path);
      },
    },
    text,
  );
}

let fields = 0;

function wrap({ label, id, required, hint, input, testid }) {
  const error = h('p', { class: 'field__error', id: `${id}-error`, 'data-testid': testid ? `${testid}-error` : null });
  input.setAttribute('aria-describedby', `${id}-error`);
  const element = h(
    'div',
    { class: 'field' },
    h(
      'label',
      { class: 'field__label', for: id },
      label,
      required ? h('span', { class: 'field__required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    hint ? h('p', { class: 'field__hint', text: hint }) : null,
    input,
    error,
  );
  element.input = input;
  element.setError = (text) => {
    error.textContent = text ?? '';
    input.setAttribute('aria-invalid', String(Boolean(text)));
  };
  input.addEventListener('input', () => element.setError(''));
  input.addEventListener('change', () => element.setError(''));
  return element;
}

/** A labelled <input>; .input, .setError(text). */
export function inputField({
  label,
  testid,
  type = 'text',
  value = '',
  maxlength,
  required = false,
  placeholder = '',
  hint = null,
}) {
  const id = `${testid ?? 'field'}-${(fields += 1)}`;
  const input = h('input', {
    id,
    type,
    class: 'field__input',
    'data-testid': testid,
    maxlength,
    required,
    placeholder,
    autocomplete: 'off',
  });
  input.value = value;
  return wrap({ label, id, required, hint, input, testid });
}

/** A labelled <textarea>. */
export function textField({ label, testid, value = '', maxlength, required = false, placeholder = '', rows = 3 }) {
  const id = `${testid ?? 'text'}-${(fields += 1)}`;
  const input = h('textarea', {
    id,
    class: 'field__input field__textarea',
    rows,
    'data-testid': testid,
    maxlength,
    required,
    placeholder,
  });
  input.value = value;
  return wrap({ label, id, required, input, testid });
}

/**
 * A labelled <select>. options: [{value, label}] or groups: [{label, options}] (<optgroup>).
 * .input is the select; .setOptions(options | {groups}, value) redraws it.
 */
export function selectField({
  label,
  testid,
  options = [],
  groups = null,
  lead = null,
  value = '',
  required = false,
  hint = null,
}) {
  const id = `${testid ?? 'select'}-${(fields += 1)}`;
  const input = h('select', { id, class: 'field__input', 'data-testid': testid, required });
  const element = wrap({ label, id, required, hint, input, testid });
  element.setOptions = (next, chosen = input.value) => {
    const option = (o) => h('option', { value: String(o.value), disabled: o.disabled, text: o.label });
    input.replaceChildren(
      ...(next.groups
        ? [
            ...(next.lead ?? []).map(option),
            ...next.groups.map((g) => h('optgroup', { label: g.label }, g.options.map(option))),
          ]
        : next.map(option)),
    );
    if ([...input.options].some((o) => o.value === String(chosen ?? ''))) input.value = String(chosen ?? '');
  };
  element.setOptions(groups ? { groups, lead } : options, value);
  return element;
}

/** 截止时间: a datetime-local field with quick choices (today 18:00, tomorrow, in 3 days, in a week). */
export function dueField({ label = t('field.task.due_at'), value = '', testid = 'task-due-input' } = {}) {
  const field = inputField({ label, testid, type: 'datetime-local', value });
  const quick = h(
    'div',
    { class: 'quick-due', role: 'group', 'aria-label': t('admin.form.due_quick') },
    dueShortcuts().map(({ key, value: local }) =>
      h('button', {
        type: 'button',
        class: 'btn btn--ghost quick-due__btn',
        'data-testid': `due-${key}`,
        text: t(`admin.form.due_${key}`),
        onclick: () => {
          field.input.value = local;
          field.input.dispatchEvent(new Event('input', { bubbles: true }));
        },
      }),
    ),
    h('button', {
      type: 'button',
      class: 'btn btn--ghost quick-due__btn',
      'data-testid': 'due-none',
      text: t('admin.form.due_none'),
      onclick: () => {
        field.input.value = '';
        field.input.dispatchEvent(new Event('input', { bubbles: true }));
      },
    }),
  );
  field.insertBefore(quick, field.querySelector('.field__error'));
  return field;
}

/**
 * Shows an ApiError's field messages next to the fields that have them (byName: server field
 * name → field element) and returns the line for the form's summary.
 */
export function showFieldErrors(err, byName) {
  const unplaced = [];
  for (const [name, messages] of Object.entries(err?.fields ?? {})) {
    const text = [].concat(messages).join(' ');
    if (byName[name]?.setError) byName[name].setError(text);
    else if (name !== '_schema') unplaced.push(text);
  }
  return [errorText(err), ...unplaced].filter(Boolean).join(' ');
}

/** The bottom of an admin form: the summary of problems and the main button. */
export function submitBar({ testid, label }) {
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': `${testid}-error` });
  const button = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': `${testid}-submit`,
    text: label,
  });
  return {
    alert,
    button,
    element: h('div', { class: 'savebar' }, alert, button),
    busy(on, busyLabel = t('admin.working')) {
      button.disabled = on;
      button.textContent = on ? busyLabel : label;
    },
  };
}

/** "河西社区第一网格 · 河西小区 · 1号楼 · 1单元 201": where a task is, from the names the server adds. */
export function placeText(task) {
  // The household's head is read from the register at each read (一次采集、多方利用, issue 16).
  const family = task.household_head ? t('admin.household_of', { name: task.household_head }) : null;
  return [task.grid_name, task.compound_name, task.building_name, task.household_name, family]
    .filter(Boolean)
    .join(' · ');
}

export function statusChip(status, testid = null) {
  return h('span', {
    class: `chip chip--status chip--status-${status ?? 'assigned'}`,
    'data-testid': testid,
    text: statusLabel(status),
  });
}

/** A task's status chip: 逾期完成 for one done after its deadline. */
export function taskStatusChip(task, testid = null) {
  return h('span', {
    class: `chip chip--status chip--status-${taskStatusClass(task)}`,
    'data-testid': testid,
    text: taskStatusLabel(task),
  });
}

/** A count with its label, e.g. 已逾期 2; `key` names it for tests (data-count). */
export function countPill(key, label, value, extra = '') {
  return h(
    'span',
    { class: `pill pill--${key}${value ? '' : ' pill--zero'}${extra}`, 'data-count': key },
    h('span', { class: 'pill__label', text: label }),
    h('strong', { class: 'pill__value', text: String(value ?? 0) }),
  );
}

/** The screen's frame: a wide section (desk screens use the width), its back link and title. */
export function adminFrame({ testid, title, back, backText, wide = true }) {
  const heading = h('h1', { class: 'screen__title', tabindex: '-1', text: title });
  const body = h('div', { class: 'admin-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: `screen screen--admin${wide ? ' screen--wide' : ''}`, 'data-testid': testid },
    back ? backLink(back, backText) : null,
    heading,
    onlineOnlyNote(),
    body,
  );
  return { screen, heading, body };
}

/** Shown instead of a screen's content when loading failed; retry() tries again. */
export function loadFailed(err, retry) {
  return h(
    'div',
    { class: 'admin-failed' },
    h('p', { class: 'alert', role: 'alert', 'data-testid': 'admin-load-error', text: errorText(err) }),
    h('button', { type: 'button', class: 'btn btn--secondary', onclick: retry, text: t('error.retry') }),
  );
}

export const online = isOnline;

// A line for the next screen after an action that moved on ("任务已派发"), shown once.
let flash = null;
export function setFlash(text) {
  flash = text;
}
export function flashNote() {
  const text = flash;
  flash = null;
  return text ? h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'admin-flash', text }) : null;
}

/**
 * 上一页 / 下一页 of a server-paged list: links to `pathOf(page)`; `where` says where one is
 * ("第 2 / 5 页"); the links' test ids are `${testid}-prev` and `${testid}-next`.
 */
export function pagerNav({ page, pathOf, where, testid }) {
  const pages = Math.max(1, Math.ceil(page.total / page.per_page));
  const link = (to, text, suffix) =>
    h('a', { class: 'btn btn--secondary', href: `#${pathOf(to)}`, 'data-testid': `${testid}-${suffix}`, text });
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('people.pages') },
    page.page > 1 ? link(page.page - 1, t('people.prev'), 'prev') : null,
    h('span', { class: 'pager__where', text: where(pages) }),
    page.page < pages ? link(page.page + 1, t('people.next'), 'next') : null,
  );
}
