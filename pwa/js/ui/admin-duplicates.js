// 重复居民 (#/admin/duplicates; issue 16, 一次采集、多方利用): the pairs of resident entries in the
// admin's area that look like one person (GET /api/places/residents/duplicates, PROTOCOL.md §27),
// each with its reason; a side-by-side compare where the admin picks, field by field, whose value
// the kept entry takes; a merge after a confirm (POST /api/places/residents/merge). Online only:
// the register lives on the server. Paged on the server ("加载更多" fetches the next page).
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { adminFrame, errorText, flashNote, loadFailed } from './admin-common.js';
import { confirmDialog } from './confirm-dialog.js';
import { h } from './dom.js';
import { codeLabel } from './format.js';

const PAGE = 10;
// The fields an admin picks (server/org/duplicates.py MERGE_FIELDS), in the compare's order.
const FIELDS = ['name', 'phone', 'gender', 'birth_year', 'relation', 'household_id'];

/** A field's value as a person reads it. */
function shown(entry, field) {
  if (field === 'phone') return entry.phone_masked || t('directory.phone_none');
  if (field === 'gender') return codeLabel('directory.gender', entry.gender) || '—';
  if (field === 'relation') return codeLabel('resident.relation', entry.relation) || '—';
  if (field === 'household_id') return entry.address;
  const value = entry[field];
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

const careText = (entry) => entry.care_flags.map((flag) => codeLabel('care', flag)).join('、') || '—';

/** One row of the compare: the field, then each side's value — a radio where they differ. */
function fieldRow(pair, index, field, picked) {
  const values = [shown(pair.a, field), shown(pair.b, field)];
  const same = field === 'household_id' ? pair.a.household_id === pair.b.household_id : values[0] === values[1];
  const name = `dup-${index}-${field}`;
  const cell = (side, value) => {
    if (same) return h('td', { text: value });
    const radio = h('input', {
      type: 'radio',
      name,
      value: side,
      checked: side === 'keep',
      'data-testid': `dup-${field}-${side}`,
      onchange: () => {
        picked[field] = side;
      },
    });
    return h('td', {}, h('label', { class: 'dup__pick' }, radio, h('span', { text: value })));
  };
  return h(
    'tr',
    { class: same ? 'dup__same' : 'dup__differs' },
    h('th', { scope: 'row', text: t(`duplicates.field.${field}`) }),
    cell('keep', values[0]),
    cell('merge', values[1]),
  );
}

/** A pair's card: its reason, the compare, the merge button. */
function pairCard(pair, index, merged) {
  const picked = {};
  const problem = h('p', { class: 'alert', role: 'alert', hidden: true });
  const button = h('button', {
    type: 'button',
    class: 'btn btn--primary btn--block',
    'data-testid': 'dup-merge',
    text: t('duplicates.merge'),
  });
  button.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: t('duplicates.confirm_title'),
      lines: [
        t('duplicates.confirm_line', {
          a: pair.a.name,
          a_place: pair.a.address,
          b: pair.b.name,
          b_place: pair.b.address,
        }),
        t('duplicates.keep_note'),
      ],
      confirm: t('duplicates.confirm_yes'),
      cancel: t('duplicates.confirm_no'),
      testid: 'dup-confirm',
    });
    if (!sure) return;
    button.disabled = true;
    try {
      const done = await post('/api/places/residents/merge', {
        keep_id: pair.a.id,
        merge_id: pair.b.id,
        choose: picked,
      });
      merged(t('duplicates.merged', { name: done.kept.name }));
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
      button.disabled = false;
    }
  });
  return h(
    'li',
    { class: 'card dup', 'data-testid': 'dup-pair' },
    h(
      'p',
      { class: 'dup__reason' },
      h('span', {
        class: pair.confidence === 'high' ? 'chip chip--high' : 'chip',
        'data-testid': 'dup-confidence',
        text: t(`duplicates.confidence.${pair.confidence}`),
      }),
      ' ',
      h('span', { 'data-testid': 'dup-reason', text: pair.reason }),
    ),
    h(
      'table',
      { class: 'dup__compare' },
      h('caption', { class: 'visually-hidden', text: t('duplicates.compare') }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: t('duplicates.field.label') }),
          h('th', { scope: 'col', text: t('duplicates.side_keep') }),
          h('th', { scope: 'col', text: t('duplicates.side_merge') }),
        ),
      ),
      h(
        'tbody',
        {},
        FIELDS.map((field) => fieldRow(pair, index, field, picked)),
        h(
          'tr',
          { class: 'dup__same' },
          h('th', { scope: 'row', text: t('duplicates.field.care_flags') }),
          h('td', { text: careText(pair.a) }),
          h('td', { text: careText(pair.b) }),
        ),
      ),
    ),
    h('p', { class: 'muted dup__note', text: t('duplicates.keep_note') }),
    problem,
    button,
  );
}

/** #/admin/duplicates */
export function adminDuplicatesScreen() {
  const { screen, body } = adminFrame({
    testid: 'admin-duplicates',
    title: t('duplicates.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const flash = flashNote() ?? h('p', { class: 'status-line', role: 'status', 'data-testid': 'dup-flash' });
  const count = h('p', { class: 'muted', 'data-testid': 'dup-count', 'aria-live': 'polite' });
  const list = h('ul', { class: 'dup-list', 'data-testid': 'dup-list' });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--ghost btn--block',
    hidden: true,
    'data-testid': 'dup-more',
    text: t('admin.list.more'),
  });
  let pages = 1;

  async function refresh() {
    try {
      const page = await get(`/api/places/residents/duplicates?per_page=${PAGE * pages}`);
      const items = page.items ?? [];
      count.textContent = items.length ? t('duplicates.count', { count: page.total }) : '';
      list.replaceChildren(
        ...(items.length
          ? items.map((pair, index) =>
              pairCard(pair, index, (text) => {
                flash.textContent = text;
                refresh();
              }),
            )
          : [h('li', { class: 'empty empty--good', 'data-testid': 'dup-none', text: t('duplicates.none') })]),
      );
      more.hidden = items.length >= (page.total ?? 0);
      body.replaceChildren(flash, h('p', { class: 'muted', text: t('duplicates.about') }), count, list, more);
    } catch (err) {
      body.replaceChildren(loadFailed(err, refresh));
    }
  }
  more.addEventListener('click', () => {
    pages += 1;
    refresh();
  });
  refresh();
  return screen;
}
