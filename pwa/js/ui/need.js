// One need (#/needs/<id>) for whoever holds it: the resident's words, photos and place, its
// timeline (received → accepted → in progress → resolved | referred) and next deadline, the
// handler's note, photos or referral, the rating. The grid's worker (or an admin) 受理, 开始办理,
// 办结 with a note and photos, or 转办 to the community or a named department with a reason; an
// admin 收回 a referred or resolved need; the resident 评价 a resolution 1–5 (2 or less sends it
// to the community again). Every tap is saved on the phone (outbox) and sent with the next sync;
// a refusal stays in sight with the server's words.
import { isAdmin } from '../admin.js';
import { NEEDS } from '../constants.js';
import { t } from '../i18n.js';
import { moveNeed, rateNeed } from '../need-actions.js';
import { loadNeed } from '../need-data.js';
import { handleProblems, needActions, rateProblems, reopens } from '../needs.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { coordinatesText, dateTime } from './format.js';
import { busyButton } from './inspection-parts.js';
import { categoryChip, deadlineLine, escalatedChip, needHistory, needStatusChip, timelineBlock } from './need-parts.js';
import { photoField, photoStrip } from './photos.js';
import { clearOnChange, saveBar, saveFailed, textArea } from './task-complete.js';
import { syncBadges } from './tasks.js';
import { textInput } from './wish-form.js';
import { backLink, block, followedDetail, pendingNote, refusedNotes, starPicker, starsText } from './wish-parts.js';

/** 办结 or 转办: the outcome, a note (what was done, or why referred), photos or whom to. */
function handleForm(id) {
  const outcome = choiceGroup({
    legend: t('need.handle_title'),
    name: 'need-outcome',
    testid: 'need-outcome',
    columns: 2,
    value: 'resolved',
    options: [
      { value: 'resolved', label: t('need.resolve') },
      { value: 'referred', label: t('need.refer') },
    ],
    onChange: (value) => show(value),
  });
  const note = textArea({
    label: t('field.need.handle_note'),
    testid: 'need-note',
    maxlength: NEEDS.NOTE_MAX,
    required: true,
    placeholder: t('need.resolve_placeholder'),
  });
  const photos = photoField({ testid: 'need-handle-photos', label: t('need.resolve_photos') });
  const referredTo = textInput({
    label: t('field.need.referred_to'),
    testid: 'need-referred-to',
    maxlength: NEEDS.REFERRED_TO_MAX,
    required: true,
    hint: t('need.referred_to_hint'),
  });
  const toCommunity = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': 'need-refer-community',
    text: t('need.refer_to_community'),
    onclick: () => {
      referredTo.input.value = t('need.refer_to_community');
      referredTo.setError('');
    },
  });
  const referPart = h('div', { class: 'need-refer', hidden: true }, referredTo, toCommunity);
  function show(value) {
    const referring = value === 'referred';
    referPart.hidden = !referring;
    photos.hidden = referring;
    note.input.placeholder = t(referring ? 'need.refer_placeholder' : 'need.resolve_placeholder');
    bar.save.textContent = t(referring ? 'need.refer' : 'need.resolve');
  }
  const bar = saveBar('need-handle');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'need-handle-form' },
    outcome,
    note,
    photos,
    referPart,
    bar.element,
  );
  show('resolved');
  clearOnChange(form, bar);
  note.input.addEventListener('input', () => note.setError(''));
  referredTo.input.addEventListener('input', () => referredTo.setError(''));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { outcome: outcome.value, note: note.input.value, referredTo: referredTo.input.value };
    const problems = handleProblems(values);
    note.setError(problems.handle_note ? t(problems.handle_note) : '');
    referredTo.setError(problems.referred_to ? t(problems.referred_to) : '');
    bar.alert.textContent = Object.values(problems)
      .map((key) => t(key))
      .join(' ');
    if (Object.keys(problems).length) return;
    bar.busy(true);
    try {
      await photos.settled();
      await moveNeed(id, values.outcome, { ...values, photos: values.outcome === 'resolved' ? photos.value : [] });
      form.reset(); // saved: the screen may draw the handled need in its place
      window.scrollTo(0, 0);
    } catch (err) {
      saveFailed(bar, 'could not handle the need', err);
    }
  });
  return form;
}

/** 评价: 1–5 (required) and a comment; a low one says it goes back to the community. */
function rateForm(id) {
  const stars = starPicker({ legend: t('need.rating'), testid: 'need-rating' });
  const warning = h('p', { class: 'note note--pending', 'data-testid': 'need-reopen-warning', hidden: true });
  stars.addEventListener('change', () => {
    warning.hidden = !reopens(stars.value);
    warning.textContent = t('need.reopen_warning');
  });
  const comment = textArea({
    label: t('field.need.rating_comment'),
    testid: 'need-rating-comment',
    maxlength: NEEDS.COMMENT_MAX,
    placeholder: t('need.comment_placeholder'),
  });
  const bar = saveBar('need-rate');
  bar.save.textContent = t('need.rate');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'need-rate-form' },
    h('h2', { class: 'form__section', text: t('need.rate_title') }),
    stars,
    warning,
    comment,
    bar.element,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { rating: stars.value, comment: comment.input.value };
    const problems = rateProblems(values);
    stars.setError(problems.rating ? t(problems.rating) : '');
    bar.alert.textContent = problems.rating ? t(problems.rating) : '';
    if (problems.rating) return;
    bar.busy(true);
    try {
      await rateNeed(id, values);
      form.reset(); // saved: the screen may draw the rating in its place
      window.scrollTo(0, 0);
    } catch (err) {
      saveFailed(bar, 'could not rate the need', err);
    }
  });
  return form;
}

const MOVES = { accept: 'accepted', start: 'in_progress', take_back: 'in_progress' };

function moveButton(id, action, status) {
  return busyButton({
    testid: `need-${action}`,
    text: t(`need.${action}`),
    busyText: t('form.saving'),
    status,
    action: async () => {
      await moveNeed(id, MOVES[action]);
      return true;
    },
  });
}

/** What the handler did: the note, the photos, whom it went to. */
function handledBlock(need) {
  if (!need.handle_note && !need.handle_photos?.length && !need.referred_to) return null;
  return block(
    t('need.handled'),
    'need-handled',
    need.referred_to
      ? h('p', { 'data-testid': 'need-referred-to-shown', text: t('need.referred_to_shown', { to: need.referred_to }) })
      : null,
    need.handle_note ? h('p', { 'data-testid': 'need-note-shown', text: need.handle_note }) : null,
    // The photos are a resolution's evidence: a referral's note is not about them.
    need.status === 'referred' ? null : photoStrip(need.handle_photos),
  );
}

function detail(item, refused, me) {
  const { need } = item;
  const actions = needActions(item, me);
  const status = h('p', { class: 'field__hint', role: 'status' });
  const deadline = deadlineLine(need);
  const createRefused = refused.find((entry) => entry.op === 'create');
  return [
    h(
      'div',
      { class: 'detail__chips' },
      categoryChip(need.category),
      needStatusChip(need),
      escalatedChip(need),
      syncBadges(item),
    ),
    h('h1', {
      class: 'screen__title need__text',
      tabindex: '-1',
      'data-testid': 'need-text-shown',
      text: need.text ?? '',
    }),
    refusedNotes(refused),
    createRefused
      ? h('a', {
          class: 'btn btn--secondary btn--block',
          href: `#/needs/new?fix=${createRefused.seq}`,
          'data-testid': 'refused-fix',
          text: t('need.fix'),
        })
      : null,
    pendingNote(item),
    deadline
      ? h('p', {
          class: `need__deadline${deadline.overdue ? ' task-row__due--overdue' : ''}`,
          'data-testid': 'need-deadline',
          text: deadline.text,
        })
      : null,
    need.photos?.length || need.location
      ? block(
          t('need.resident_words'),
          'need-words',
          photoStrip(need.photos),
          need.location ? h('p', { class: 'muted', text: coordinatesText(need.location) }) : null,
          need.filed_at
            ? h('p', { class: 'muted', text: t('need.filed_at', { when: dateTime(need.filed_at) }) })
            : null,
        )
      : null,
    timelineBlock(need),
    handledBlock(need),
    need.rating
      ? block(
          t('need.rated'),
          'need-rated',
          starsText(need.rating),
          need.rating_comment ? h('p', { class: 'muted', text: need.rating_comment }) : null,
        )
      : null,
    ['accept', 'start', 'take_back'].filter((a) => actions.includes(a)).map((a) => moveButton(item.id, a, status)),
    status,
    actions.includes('resolve') ? handleForm(item.id) : null,
    actions.includes('rate') ? rateForm(item.id) : null,
    needHistory(need, me),
  ];
}

/** The screen for #/needs/<id>. */
export function needScreen({ me, params }) {
  const id = params.id;
  const back = h('span');
  return followedDetail({
    testid: 'need',
    back,
    missingTestid: 'need-missing',
    entity: 'need',
    what: 'need',
    read: async (body) => {
      const { item, refused } = await loadNeed(id);
      if (!item) return null;
      const mine = item.need.user_id === me.user.id;
      const to = mine ? '/needs' : isAdmin(me) ? '/admin/needs' : '/';
      back.replaceChildren(backLink(to, t(mine ? 'need.back_to_list' : 'form.back_home')));
      return {
        key: JSON.stringify([item.record.version, item.pending, refused.map((e) => e.seq)]),
        // A form being filled in is not drawn again under the user's thumb.
        busy: () => body.querySelector('form .star__input:checked, form textarea:not(:placeholder-shown)'),
        draw: () => detail(item, refused, me),
      };
    },
  });
}
