// 批量导入 (#/admin/import): an admin loads households, residents or accounts from a workbook or
// a CSV. Choose what and the file, see the preview (how many rows would be added, changed or
// left, each wrong cell with its row and column, the first rows as read), then import: all rows
// or none (PROTOCOL.md §23). The same file twice changes nothing the second time.

import { t } from '../i18n.js';
import { commitImport, IMPORT_KINDS, previewImport, templateUrl } from '../import-data.js';
import { adminFrame, countPill, errorText, selectField } from './admin-common.js';
import { h } from './dom.js';

const COUNTS = ['create', 'update', 'unchanged', 'error'];

function templateLinks(kind) {
  return h(
    'p',
    { class: 'import-templates', 'data-testid': 'import-templates' },
    h('span', { class: 'muted', text: t('import.template') }),
    ...['xlsx', 'csv'].map((format) =>
      h('a', {
        class: 'btn btn--ghost',
        href: templateUrl(kind, format),
        download: '',
        'data-testid': `import-template-${format}`,
        text: t(`import.template_${format}`),
      }),
    ),
  );
}

function countsRow(counts) {
  return h(
    'div',
    { class: 'pills', 'data-testid': 'import-counts' },
    COUNTS.map((key) => countPill(key, t(`import.count.${key}`), counts[key], key === 'error' ? ' pill--alert' : '')),
  );
}

function errorList(preview) {
  if (!preview.errors.length) return null;
  const more = preview.errors_total - preview.errors.length;
  return h(
    'section',
    { class: 'card import-errors', 'data-testid': 'import-errors' },
    h('h2', { class: 'card__title', text: t('import.errors_title', { count: preview.errors_total }) }),
    h(
      'ul',
      { class: 'plain-list import-errors__list' },
      preview.errors.map((e) =>
        h(
          'li',
          { class: 'import-error', 'data-row': String(e.row), 'data-code': e.code },
          h('strong', { text: t('import.row_column', { row: e.row, column: e.column }) }),
          ` ${e.message}`,
        ),
      ),
    ),
    more > 0 ? h('p', { class: 'muted', text: t('import.errors_more', { count: more }) }) : null,
  );
}

function sampleTable(preview) {
  if (!preview.sample.length) return null;
  const caption = t('import.sample_title', { shown: preview.sample.length, rows: preview.rows });
  return h(
    'section',
    { class: 'card' },
    h('h2', { class: 'card__title', id: 'import-sample-title', text: caption }),
    h(
      'div',
      {
        class: 'import-table-wrap',
        tabindex: '0',
        role: 'region',
        'aria-labelledby': 'import-sample-title',
      },
      h(
        'table',
        { class: 'import-table', 'data-testid': 'import-sample' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', text: t('import.row') }),
            h('th', { scope: 'col', text: t('import.action') }),
            preview.columns.map((c) => h('th', { scope: 'col', text: c.label })),
          ),
        ),
        h(
          'tbody',
          {},
          preview.sample.map((row) =>
            h(
              'tr',
              { class: `import-row import-row--${row.action}`, 'data-action': row.action },
              h('td', { class: 'num', text: String(row.row) }),
              h('td', { text: t(`import.action.${row.action}`) }),
              row.cells.map((cell) => h('td', { text: cell })),
            ),
          ),
        ),
      ),
    ),
  );
}

/** #/admin/import */
export function adminImportScreen() {
  const { screen, body } = adminFrame({
    testid: 'admin-import',
    title: t('import.title'),
    back: '/',
    backText: t('form.back_home'),
    wide: true,
  });
  const kind = selectField({
    label: t('import.kind'),
    testid: 'import-kind',
    options: IMPORT_KINDS.map((k) => ({ value: k, label: t(`import.kind.${k}`) })),
    value: 'residents',
  });
  const templates = h('div', {}, templateLinks('residents'));
  const fileId = 'import-file';
  const file = h('input', {
    type: 'file',
    id: fileId,
    class: 'field__input',
    accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv',
    'data-testid': 'import-file',
    'aria-describedby': 'import-file-hint',
  });
  const fileField = h(
    'div',
    { class: 'field' },
    h('label', { class: 'field__label', for: fileId, text: t('import.file') }),
    file,
    h('p', { class: 'field__hint', id: 'import-file-hint', text: t('import.file_hint') }),
  );
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'import-alert' });
  const previewButton = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': 'import-preview',
    text: t('import.preview'),
  });
  const result = h('div', { class: 'import-result', 'data-testid': 'import-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true },
    h('p', { class: 'muted', text: t('import.about') }),
    kind,
    templates,
    fileField,
    alert,
    previewButton,
  );
  body.replaceChildren(form, result);

  let chosen = null; // {kind, file} of the preview shown

  kind.input.addEventListener('change', () => {
    templates.replaceChildren(templateLinks(kind.input.value));
    forget();
  });
  file.addEventListener('change', forget);

  function forget() {
    chosen = null;
    result.replaceChildren();
    alert.textContent = '';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    const picked = file.files?.[0];
    if (!picked) {
      alert.textContent = t('import.no_file');
      file.focus();
      return;
    }
    previewButton.disabled = true;
    previewButton.textContent = t('import.reading');
    result.replaceChildren();
    try {
      const preview = await previewImport(kind.input.value, picked);
      chosen = { kind: kind.input.value, file: picked };
      showPreview(preview);
    } catch (err) {
      alert.textContent = errorText(err);
    } finally {
      previewButton.disabled = false;
      previewButton.textContent = t('import.preview');
    }
  });

  function showPreview(preview) {
    const summary = h(
      'section',
      { class: 'card', 'data-testid': 'import-preview-card' },
      h('h2', { class: 'card__title', text: t('import.preview_title', { rows: preview.rows }) }),
      countsRow(preview.counts),
      preview.households_created
        ? h('p', { class: 'muted', text: t('import.households_created', { count: preview.households_created }) })
        : null,
      preview.accounts_created
        ? h('p', { class: 'muted', text: t('import.accounts_created', { count: preview.accounts_created }) })
        : null,
      h('p', {
        class: preview.committable ? 'muted' : 'alert',
        'data-testid': 'import-verdict',
        text: preview.committable ? t('import.ready') : t('import.fix_first'),
      }),
    );
    const commitAlert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'import-commit-alert' });
    const commitButton = preview.committable
      ? h('button', {
          type: 'button',
          class: 'btn btn--primary btn--big btn--block',
          'data-testid': 'import-commit',
          text: t('import.commit', { rows: preview.rows }),
          onclick: () => commit(commitButton, commitAlert, t('import.commit', { rows: preview.rows })),
        })
      : null;
    result.replaceChildren(
      ...[summary, errorList(preview), sampleTable(preview), commitAlert, commitButton].filter(Boolean),
    );
  }

  async function commit(button, commitAlert, label) {
    if (!chosen) return;
    button.disabled = true;
    button.textContent = t('admin.working');
    commitAlert.textContent = '';
    try {
      const done = await commitImport(chosen.kind, chosen.file);
      const c = done.counts;
      result.replaceChildren(
        h(
          'section',
          { class: 'card', role: 'status', 'data-testid': 'import-done' },
          h('h2', { class: 'card__title', text: t('import.done_title') }),
          countsRow(c),
          h('p', {
            'data-testid': 'import-done-text',
            text: t('import.done', { create: c.create, update: c.update, unchanged: c.unchanged }),
          }),
        ),
      );
      chosen = null;
    } catch (err) {
      commitAlert.textContent = errorText(err);
      button.disabled = false;
      button.textContent = label;
    }
  }

  return screen;
}
