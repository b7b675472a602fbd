// 检查表 (#/admin/templates, issue 5): the checklists red stewards inspect with. A published
// version never changes — an inspection keeps the version it used — so editing one saves the
// next version as a draft; a draft is edited in place, then published (the code's previous
// version is retired) or left. The editor: categories and items with text, points, severity and
// "photo required when failed", hours to fix per severity, and the points' total against the
// maximum score, which must match before the server takes it.

import {
  adminSession,
  loadAllTemplates,
  loadTemplate,
  publishTemplate,
  retireTemplate,
  saveTemplate,
} from '../admin-data.js';
import { INSPECTIONS } from '../constants.js';
import { t } from '../i18n.js';
import { flattenFieldErrors, freshCode, templateBody, templateTotals } from '../template-editor.js';
import { adminFrame, errorText, flashNote, inputField, loadFailed, setFlash } from './admin-common.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

const { SEVERITIES } = INSPECTIONS;

function statusChip(status) {
  return h('span', {
    class: `chip chip--status chip--template-${status}`,
    'data-testid': 'template-status',
    text: t(`templates.status.${status}`),
  });
}

/** #/admin/templates */
export function templatesScreen({ me }) {
  adminSession(me.user.id);
  const { screen, body } = adminFrame({
    testid: 'admin-templates',
    title: t('templates.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  async function show() {
    try {
      const templates = await loadAllTemplates();
      body.replaceChildren(
        flashNote() ?? '',
        h('p', { class: 'muted', text: t('templates.explain') }),
        h(
          'ul',
          { class: 'plan-list', 'data-testid': 'template-list' },
          templates.map((tpl) =>
            h(
              'li',
              { class: 'card plan', 'data-testid': 'template', 'data-id': tpl.id },
              h('a', {
                class: 'plan__compound task-table__link',
                href: `#/admin/templates/${tpl.id}`,
                text: t('templates.name_version', { name: tpl.name, version: tpl.version }),
              }),
              statusChip(tpl.status),
              h('span', { class: 'muted', text: t('templates.items', { count: tpl.item_count }) }),
              tpl.published_at
                ? h('span', {
                    class: 'muted small',
                    text: t('templates.published_at', { time: dateTime(tpl.published_at) }),
                  })
                : null,
            ),
          ),
        ),
      );
    } catch (err) {
      body.replaceChildren(loadFailed(err, show));
    }
  }
  show();
  return screen;
}

function numberInput(value, { testid, label, step = 'any', min = '0' }) {
  const input = h('input', {
    type: 'number',
    class: 'field__input field__input--number',
    inputmode: 'decimal',
    step,
    min,
    'data-testid': testid,
    'aria-label': label,
  });
  input.value = String(value ?? '');
  return input;
}

/** #/admin/templates/<id>: the version, and the editor. */
export function templateScreen({ me, params }) {
  adminSession(me.user.id);
  const { screen, heading, body } = adminFrame({
    testid: 'admin-template',
    title: t('templates.title'),
    back: '/admin/templates',
    backText: `‹ ${t('templates.title')}`,
  });
  let draft = null; // the editor's copy
  let saved = null; // the version as the server has it

  function itemRow(category, item, redraw) {
    const text = h('textarea', {
      class: 'field__input field__textarea',
      rows: 2,
      maxlength: INSPECTIONS.ITEM_TEXT_MAX,
      'data-testid': 'item-text',
      'aria-label': t('templates.item_text'),
    });
    text.value = item.text;
    text.addEventListener('input', () => {
      item.text = text.value;
    });
    const weight = numberInput(item.weight, { testid: 'item-weight', label: t('templates.weight') });
    weight.addEventListener('input', () => {
      item.weight = weight.value;
      redraw.totals();
    });
    const severity = h(
      'select',
      { class: 'field__input', 'data-testid': 'item-severity', 'aria-label': t('templates.severity') },
      SEVERITIES.map((s) =>
        h('option', { value: s, selected: item.severity === s, text: t(`templates.severity.${s}`) }),
      ),
    );
    severity.addEventListener('change', () => {
      item.severity = severity.value;
    });
    const photo = h('input', {
      type: 'checkbox',
      checked: Boolean(item.photo_required_on_fail),
      'data-testid': 'item-photo',
    });
    photo.addEventListener('change', () => {
      item.photo_required_on_fail = photo.checked;
    });
    const remove = h('button', {
      type: 'button',
      class: 'btn btn--ghost',
      'data-testid': 'item-remove',
      text: t('templates.remove_item'),
    });
    remove.addEventListener('click', () => {
      category.items.splice(category.items.indexOf(item), 1);
      redraw.all();
    });
    return h(
      'li',
      { class: 'template-item', 'data-testid': 'template-item', 'data-code': item.code },
      h('span', { class: 'muted small', text: item.code }),
      text,
      h(
        'div',
        { class: 'template-item__row' },
        h('label', { class: 'template-item__weight' }, h('span', { text: t('templates.weight') }), weight),
        h('label', {}, h('span', { class: 'directory__sr-only', text: t('templates.severity') }), severity),
      ),
      h(
        'div',
        { class: 'template-item__row' },
        h('label', { class: 'check-line' }, photo, h('span', { text: t('templates.photo_required') })),
        category.items.length > 1 ? remove : null,
      ),
    );
  }

  function editor() {
    const totals = h('p', { class: 'template-totals', 'data-testid': 'template-totals', role: 'status' });
    const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'template-error' });
    const cats = h('div', { class: 'template-categories' });
    const redraw = {
      totals() {
        const sum = templateTotals(draft.categories);
        const ok = Math.abs(sum.weight - Number(draft.max_score)) < 1e-6;
        totals.className = `template-totals ${ok ? 'note note--saved' : 'alert'}`;
        totals.textContent = t(ok ? 'templates.totals_ok' : 'templates.totals_off', {
          weight: sum.weight,
          max: draft.max_score,
          items: sum.items,
        });
      },
      all() {
        cats.replaceChildren(
          ...draft.categories.map((category) => {
            const name = h('input', {
              class: 'field__input',
              'data-testid': 'category-name',
              maxlength: INSPECTIONS.CATEGORY_NAME_MAX,
              'aria-label': t('templates.category_name'),
            });
            name.value = category.name;
            name.addEventListener('input', () => {
              category.name = name.value;
            });
            const add = h('button', {
              type: 'button',
              class: 'btn btn--secondary',
              'data-testid': 'item-add',
              text: t('templates.add_item'),
            });
            add.addEventListener('click', () => {
              const taken = draft.categories.flatMap((c) => c.items.map((i) => i.code));
              category.items.push({
                code: freshCode(category.code, taken),
                text: '',
                weight: 1,
                severity: 'minor',
                photo_required_on_fail: true,
              });
              redraw.all();
              cats.querySelector(`[data-code="${category.items.at(-1).code}"] textarea`)?.focus();
            });
            return h(
              'section',
              { class: 'card template-category', 'data-testid': 'template-category', 'data-code': category.code },
              name,
              h(
                'ol',
                { class: 'template-items' },
                category.items.map((item) => itemRow(category, item, redraw)),
              ),
              add,
            );
          }),
        );
        redraw.totals();
      },
    };
    const name = inputField({
      label: t('templates.name'),
      testid: 'template-name',
      value: draft.name,
      maxlength: INSPECTIONS.TEMPLATE_NAME_MAX,
      required: true,
    });
    name.input.addEventListener('input', () => {
      draft.name = name.input.value;
    });
    const deadlines = h(
      'fieldset',
      { class: 'card template-deadlines' },
      h('legend', { text: t('templates.deadlines') }),
      ...SEVERITIES.map((s) => {
        const input = numberInput(draft.severity_deadlines[s], {
          testid: `deadline-${s}`,
          label: t(`templates.severity.${s}`),
          step: '1',
          min: '1',
        });
        input.addEventListener('input', () => {
          draft.severity_deadlines[s] = input.value;
        });
        return h(
          'label',
          { class: 'template-deadline' },
          h('span', { text: t(`templates.severity.${s}`) }),
          input,
          h('span', { class: 'muted', text: t('templates.hours') }),
        );
      }),
    );
    const save = h('button', {
      type: 'submit',
      class: 'btn btn--primary btn--big btn--block',
      'data-testid': 'template-save',
      text: saved.status === 'draft' ? t('templates.save_draft') : t('templates.save_version'),
    });
    const form = h(
      'form',
      { class: 'template-editor', novalidate: true, 'data-testid': 'template-editor' },
      name,
      deadlines,
      totals,
      cats,
      alert,
      h('div', { class: 'savebar' }, save),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      alert.replaceChildren();
      save.disabled = true;
      try {
        const next = await saveTemplate(saved.id, templateBody(draft));
        setFlash(next.id === saved.id ? t('templates.saved') : t('templates.saved_version', { version: next.version }));
        location.hash = `#/admin/templates/${next.id}`;
        if (next.id === saved.id) show();
      } catch (err) {
        const lines = flattenFieldErrors(err.fields).filter(([path]) => path !== '_schema');
        alert.replaceChildren(
          h('p', { text: errorText(err) }),
          lines.length
            ? h(
                'ul',
                {},
                lines.map(([path, text]) =>
                  h('li', { 'data-testid': 'template-field-error', 'data-path': path, text: `${path}: ${text}` }),
                ),
              )
            : '',
        );
        alert.scrollIntoView({ block: 'nearest' });
      } finally {
        save.disabled = false;
      }
    });
    redraw.all();
    return form;
  }

  function actions() {
    const row = h('div', { class: 'button-row' });
    const act = (testid, label, run, danger = false) => {
      const button = h('button', {
        type: 'button',
        class: `btn ${danger ? 'btn--danger' : 'btn--secondary'}`,
        'data-testid': testid,
        text: label,
      });
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await run(saved.id);
          setFlash(t(`templates.${testid}-done`));
          show();
        } catch (err) {
          button.disabled = false;
          row.after(h('p', { class: 'alert', role: 'alert', text: errorText(err) }));
        }
      });
      return button;
    };
    if (saved.status === 'draft') row.append(act('template-publish', t('templates.publish'), publishTemplate));
    if (saved.status === 'published') row.append(act('template-retire', t('templates.retire'), retireTemplate, true));
    return row;
  }

  async function show() {
    try {
      saved = await loadTemplate(params.id);
      draft = structuredClone(saved);
      heading.textContent = t('templates.name_version', { name: saved.name, version: saved.version });
      body.replaceChildren(
        flashNote() ?? '',
        h(
          'p',
          {},
          statusChip(saved.status),
          ' ',
          h('span', { class: 'muted', text: t(`templates.about.${saved.status}`) }),
        ),
        actions(),
        saved.status === 'retired' ? h('p', { class: 'muted', text: t('templates.retired_note') }) : editor(),
      );
    } catch (err) {
      body.replaceChildren(loadFailed(err, show));
    }
  }
  show();
  return screen;
}
