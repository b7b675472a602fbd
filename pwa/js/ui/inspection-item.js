// One checklist item of an inspection: its text, severity and whether a failure needs a photo;
// 合格 / 不合格 / 不适用 as big buttons; a note and photos (open at once for a failed item,
// folded otherwise); the problem found before submitting and the server's refusal, if any.
import { INSPECTIONS } from '../constants.js';
import { t } from '../i18n.js';
import { ITEM_RESULTS } from '../inspections.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { resultLabel, severityChip } from './inspection-parts.js';
import { photoField, photoStrip } from './photos.js';

/** {unanswered, photos, tooMany}: how many items have each problem (submitProblems' values). */
export function itemProblems(problems) {
  const values = Object.values(problems);
  const count = (kind) => values.filter((v) => v === kind).length;
  return { unanswered: count('unanswered'), photos: count('photo_required'), tooMany: count('too_many_photos') };
}

function readOnly(answer) {
  return [
    h('p', {
      class: `inspection-item__answer inspection-item__answer--${answer?.result ?? 'none'}`,
      'data-testid': 'item-answer',
      text: resultLabel(answer?.result) || '—',
    }),
    answer?.note ? h('p', { class: 'inspection-item__note', text: answer.note }) : null,
    photoStrip(answer?.photos),
  ];
}

/** Scrolls the item's top to just under the sticky progress bar (its height varies), not under it. */
function scrollBelowBar(node) {
  const bar = node.closest('.screen')?.querySelector('.inspection__top');
  const below = bar ? (Number.parseFloat(getComputedStyle(bar).top) || 0) + bar.offsetHeight : 0; // once stuck
  window.scrollTo({ top: window.scrollY + node.getBoundingClientRect().top - below - 8 });
}

/**
 * The compact line of a passed item ("✓ 楼道清洁 合格"): a tap opens the item again.
 */
function compactLine(item, onOpen) {
  return h(
    'button',
    {
      type: 'button',
      class: 'inspection-item__compact',
      'data-testid': 'item-compact',
      'aria-label': t('inspection.compact', { item: item.text, result: resultLabel('pass') }),
      onclick: onOpen,
    },
    h('span', { class: 'inspection-item__tick', 'aria-hidden': 'true', text: '✓' }),
    h('span', { class: 'inspection-item__compact-text', text: item.text }),
    h('span', { class: 'inspection-item__compact-result', text: resultLabel('pass') }),
  );
}

/**
 * The element of one item. onChange(patch, {later}) with patch {result} | {note} | {photos};
 * later: a note being typed (saved once the typing pauses). The element has setProblem(text),
 * setRefused(text), focusProblem() and, editable, setResult(value) (a result given for it by
 * 其余全部合格 or taken back: nothing saved from here) and focusWork(kind). A passed item with no
 * note or photo folds into one line.
 */
export function inspectionItem({ item, answer = {}, editable, onChange }) {
  const code = item.code;
  const problem = h('p', { class: 'field__error', 'data-testid': 'item-problem' });
  const refused = h('p', { class: 'field__error field__error--refused', 'data-testid': 'item-refused' });
  const head = h(
    'div',
    { class: 'inspection-item__head' },
    h('p', { class: 'inspection-item__text', id: `item-${code}-text`, text: item.text }),
    h(
      'span',
      { class: 'task-row__chips' },
      severityChip(item.severity),
      item.photo_required_on_fail
        ? h('span', { class: 'chip chip--photo', text: t('inspection.photo_on_fail') })
        : null,
    ),
  );
  const node = h(
    'article',
    {
      class: 'inspection-item',
      'data-testid': 'inspection-item',
      'data-code': code,
      'data-result': answer?.result ?? '',
    },
    head,
  );
  const setCollapsed = (value) => {
    node.classList.toggle('inspection-item--collapsed', value);
    node.dataset.collapsed = String(value);
  };
  node.setProblem = (text) => {
    problem.textContent = text;
    node.classList.toggle('inspection-item--problem', Boolean(text));
    if (text) setCollapsed(false);
  };
  node.setRefused = (text) => {
    refused.textContent = text;
    node.classList.toggle('inspection-item--refused', Boolean(text));
    if (text) setCollapsed(false);
  };
  node.focusProblem = () => {
    setCollapsed(false);
    scrollBelowBar(node);
    node.querySelector('.choice__input:checked, input, textarea, label.btn')?.focus({ preventScroll: true });
  };
  if (!editable) {
    node.append(...readOnly(answer).filter(Boolean), refused);
    return node;
  }

  const note = h('textarea', {
    class: 'field__input field__textarea',
    rows: 2,
    maxlength: INSPECTIONS.ITEM_NOTE_MAX,
    id: `item-${code}-note`,
    'data-testid': `item-note-${code}`,
    placeholder: t('inspection.note_placeholder'),
  });
  note.value = answer?.note ?? '';
  note.addEventListener('input', () => onChange({ note: note.value }, { later: true }));
  note.addEventListener('change', () => onChange({ note: note.value }));
  const photos = photoField({
    hashes: answer?.photos ?? [],
    testid: `item-photos-${code}`,
    label: t('inspection.item_photos'),
    onChange: (hashes) => onChange({ photos: hashes }),
  });
  const more = h(
    'details',
    {
      class: 'inspection-item__more',
      open: answer?.result === 'fail' || Boolean(answer?.note) || Boolean(answer?.photos?.length),
    },
    h('summary', { class: 'inspection-item__summary', text: t('inspection.note_and_photos') }),
    h(
      'div',
      { class: 'field' },
      h('label', { class: 'field__label', for: `item-${code}-note`, text: t('inspection.note') }),
      note,
    ),
    photos,
  );
  const choices = choiceGroup({
    legend: t('inspection.result_of', { item: item.text }),
    name: `result-${code}`,
    testid: `item-${code}`,
    columns: 3,
    value: answer?.result ?? null,
    options: ITEM_RESULTS.map((value) => ({ value, label: resultLabel(value) })),
    onChange: (value) => {
      node.dataset.result = value;
      if (value === 'fail') more.open = true; // the note and the photo of a failure come next
      onChange({ result: value });
      // 合格 folds the item into one line: the next one moves up under the thumb.
      if (value === 'pass' && plain()) {
        setCollapsed(true);
        compact.focus({ preventScroll: true });
      }
    },
  });
  choices.classList.add('inspection-item__choices');
  const plain = () => !note.value.trim() && !photos.value.length; // nothing more to see than 合格
  const compact = compactLine(item, () => {
    setCollapsed(false);
    node.querySelector('.choice__input:checked')?.focus();
  });
  node.prepend(compact);
  node.append(choices, more, problem, refused);
  node.setResult = (value) => {
    for (const input of choices.querySelectorAll('.choice__input')) input.checked = input.value === value;
    node.dataset.result = value ?? '';
    setCollapsed(value === 'pass' && plain() && !problem.textContent && !refused.textContent);
  };
  /** Brings the item into sight with the focus where the work is: its result, or its camera. */
  node.focusWork = (kind) => {
    setCollapsed(false);
    if (kind === 'missingPhoto') more.open = true;
    scrollBelowBar(node);
    const target =
      kind === 'missingPhoto'
        ? photos.querySelector('input[type=file]')
        : (choices.querySelector('.choice__input:checked') ?? choices.querySelector('.choice__input'));
    target?.focus({ preventScroll: true });
  };
  setCollapsed(answer?.result === 'pass' && plain());
  return node;
}
