// 心愿审核 of a community's admins: the wishes waiting for review (#/admin/wishes, oldest first)
// and one wish (#/admin/wishes/<id>): the resident's words and photos, and the review — 发布 with
// the wall's public title, text and the photos chosen for it, or 不通过 with a reason. Wishes are
// synced records (the admins' org: buckets), read from IndexedDB; a review is one outbox entry
// like every edit. The server refuses public words that name the resident (private_details):
// its message shows on the field, and the corrected review is sent again as the same change.
import { WISHES } from '../constants.js';
import { t } from '../i18n.js';
import { isOnline } from '../net.js';
import { retry } from '../outbox.js';
import { closeCard, reviewFields, reviewWish } from '../wish-actions.js';
import { loadCardOfWish, loadWish, loadWishes } from '../wish-data.js';
import { mergeTargets, reviewProblems, reviewQueue } from '../wishes.js';
import { exportLink } from './admin-common.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { busyButton, listSection } from './inspection-parts.js';
import { photoStrip, photoThumb } from './photos.js';
import { saveFailed, textArea } from './task-complete.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';
import { textInput } from './wish-form.js';
import {
  backLink,
  block,
  cardStatusChip,
  followedDetail,
  historyBlock,
  pendingNote,
  refusedNotes,
  row,
  wantedByText,
  wishStatusChip,
  wishStatusLabel,
} from './wish-parts.js';

function wishRow(item) {
  const { wish } = item;
  return row({
    href: `#/admin/wishes/${encodeURIComponent(item.id)}`,
    testid: 'admin-wish-row',
    id: item.id,
    status: wish.status ?? 'submitted',
    chips: [wishStatusChip(wish.status), syncBadges(item)],
    title: wish.title ?? '',
    line: [dateTime(wish.created_at), wantedByText(wish.wanted_by)].filter(Boolean).join(' · '),
  });
}

/** The screen for #/admin/wishes. */
export function adminWishesScreen() {
  const lists = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'admin-wishes' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('wish.admin_title') }),
    h('p', { class: 'muted', text: t('wish.admin_about') }),
    // 导出 Excel (GET /api/wishes/export.xlsx): every wish of the jurisdiction with its card.
    h(
      'div',
      { class: 'admin-actions', hidden: !isOnline() },
      exportLink({ testid: 'wishes-export', href: '/api/wishes/export.xlsx' }),
    ),
    lists,
  );
  async function draw() {
    const { waiting, done } = reviewQueue(await loadWishes());
    lists.replaceChildren(
      ...[
        listSection({
          name: 'waiting',
          title: t('wish.admin_waiting'),
          rows: waiting.map(wishRow),
          testid: 'wishes-waiting',
          heading: 'h2',
        }),
        waiting.length
          ? null
          : h('p', { class: 'muted empty', 'data-testid': 'wishes-none', text: t('wish.admin_none') }),
        done.length
          ? listSection({
              name: 'done',
              title: t('wish.admin_done'),
              rows: done.map(wishRow),
              folded: true,
              testid: 'wishes-done',
            })
          : null,
      ].filter(Boolean),
    );
  }
  draw().catch((err) => {
    console.error('could not read the wishes', err);
    lists.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}

/** Checkboxes over the resident's photos: which the wall shows (.value: the chosen hashes). */
function photoPicker(hashes, chosen) {
  const boxes = hashes.map((sha, index) =>
    h('input', {
      type: 'checkbox',
      class: 'photo-pick__input',
      value: sha,
      checked: chosen.includes(sha),
      'aria-label': t('wish.publish_photo_n', { n: index + 1 }),
      'data-testid': 'publish-photo',
    }),
  );
  const field = h(
    'fieldset',
    { class: 'choices-field', 'data-testid': 'publish-photos' },
    h('legend', { class: 'field__label', text: t('field.wish.public_photos') }),
    h(
      'ul',
      { class: 'thumbs photo-pick' },
      boxes.map((box, index) =>
        // The photo opens full screen; the box in its corner (a 44 px target) chooses it.
        h('li', { class: 'thumb' }, photoThumb(hashes[index]), h('label', { class: 'photo-pick__label' }, box)),
      ),
    ),
  );
  Object.defineProperty(field, 'value', { get: () => boxes.filter((box) => box.checked).map((box) => box.value) });
  return field;
}

/** The field messages of a refused review, by field name. */
function refusedFields(entry) {
  const messages = {};
  for (const [name, value] of Object.entries(entry?.error?.fields ?? {})) messages[name] = [].concat(value).join(' ');
  return messages;
}

/** 发布 / 不通过 of a wish waiting for review; `fix`: a refused review to correct and send again. */
function reviewForm(item, fix, targets) {
  const { wish } = item;
  const before = fix?.fields ?? {};
  const errors = refusedFields(fix);
  const title = textInput({
    label: t('field.wish.public_title'),
    testid: 'public-title',
    value: before.public_title ?? wish.public_title ?? wish.title ?? '',
    maxlength: WISHES.TITLE_MAX,
    required: true,
    hint: t('wish.public_hint'),
  });
  const text = textArea({
    label: t('field.wish.public_text'),
    testid: 'public-text',
    value: before.public_text ?? wish.public_text ?? '',
    maxlength: WISHES.PUBLIC_TEXT_MAX,
    placeholder: t('wish.public_text_placeholder'),
  });
  const photos = wish.photos?.length ? photoPicker(wish.photos, before.public_photos ?? wish.photos) : null;
  const note = textArea({
    label: t('field.wish.review_note'),
    testid: 'review-note',
    value: before.review_note ?? '',
    maxlength: WISHES.NOTE_MAX,
    placeholder: t('wish.reject_placeholder'),
  });
  title.setError(errors.public_title ?? '');
  text.setError(errors.public_text ?? '');
  note.setError(errors.review_note ?? '');
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'review-error' });
  const button = (testid, kind, label) =>
    h('button', {
      type: 'submit',
      class: `btn ${kind} btn--big btn--block`,
      value: testid,
      'data-testid': testid,
      text: label,
    });
  const approve = button('wish-approve', 'btn--primary', t('wish.approve'));
  const reject = button('wish-reject', 'btn--danger', t('wish.reject'));
  const mergeInto = h(
    'select',
    { class: 'field__input', id: 'merge-into', 'data-testid': 'merge-into' },
    h('option', { value: '', text: t('wish.merge_choose') }),
    targets.map((other) => h('option', { value: other.id, text: other.wish.public_title ?? other.wish.title ?? '' })),
  );
  const merge = button('wish-merge', 'btn--secondary', t('wish.merge'));
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'review-form' },
    h('h2', { class: 'form__section', text: t('wish.publish_title') }),
    title,
    text,
    photos,
    approve,
    targets.length
      ? [
          h('h2', { class: 'form__section', text: t('wish.merge_title') }),
          h('p', { class: 'muted', text: t('wish.merge_about') }),
          h(
            'div',
            { class: 'field' },
            h('label', { class: 'field__label', for: 'merge-into', text: t('field.wish.merged_into') }),
            mergeInto,
          ),
          merge,
        ]
      : null,
    h('h2', { class: 'form__section', text: t('wish.reject_title') }),
    note,
    reject,
    alert,
    h('p', { class: 'muted savebar__hint', text: t('form.offline_hint') }),
  );
  form.addEventListener('input', () => {
    alert.textContent = '';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const decision = event.submitter === reject ? 'rejected' : event.submitter === merge ? 'merged' : 'approved';
    const values = {
      decision,
      publicTitle: title.input.value,
      publicText: text.input.value,
      publicPhotos: photos?.value ?? [],
      note: decision === 'merged' ? '' : note.input.value,
      mergeInto: mergeInto.value,
    };
    const problems = reviewProblems(values);
    title.setError(problems.public_title ? t(problems.public_title) : '');
    text.setError('');
    note.setError(problems.review_note ? t(problems.review_note) : '');
    if (Object.keys(problems).length) {
      alert.textContent = Object.values(problems)
        .map((key) => t(key))
        .join(' ');
      (problems.public_title ? title.input : problems.merged_into ? mergeInto : note.input).focus();
      return;
    }
    approve.disabled = reject.disabled = merge.disabled = true;
    try {
      if (fix) await retry(fix.seq, { fields: reviewFields(values) });
      else await reviewWish(item.id, values);
      form.dataset.saved = 'true';
      window.scrollTo(0, 0);
    } catch (err) {
      approve.disabled = reject.disabled = merge.disabled = false;
      saveFailed({ alert, busy: () => {} }, 'could not save the review', err);
    }
  });
  return form;
}

/** 关闭 of a card still on the wall (open or claimed): it leaves the wall; the resident sees it closed. */
function closeBlock(cardItem) {
  if (!cardItem || !['open', 'claimed'].includes(cardItem.card.status)) return null;
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'close-message' });
  return block(
    t('wish.close_title'),
    'wish-close',
    h('p', { class: 'muted', text: t('wish.close_about') }),
    busyButton({
      testid: 'card-close',
      text: t('wish.close'),
      busyText: t('form.saving'),
      status: message,
      action: () => (window.confirm(t('wish.close_confirm')) ? closeCard(cardItem.id) : Promise.resolve()),
    }),
    message,
  );
}

function detail(item, refused, cardFound, me, targets) {
  const { wish } = item;
  const fix = refused.find((entry) => entry.op === 'update' && ['approved', 'rejected'].includes(entry.fields?.status));
  const open = (wish.status ?? 'submitted') === 'submitted' || fix;
  return [
    h(
      'div',
      { class: 'detail__chips' },
      wishStatusChip(fix ? 'submitted' : wish.status, 'wish-status'),
      cardFound.item ? cardStatusChip(cardFound.item.card.status, 'wish-card-status') : null,
      syncBadges(item),
    ),
    h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'wish-title-shown', text: wish.title ?? '' }),
    refusedNotes(refused.filter((entry) => entry !== fix)),
    fix
      ? h(
          'div',
          { class: 'alert alert--refused', role: 'alert', 'data-testid': 'wish-refused' },
          h('p', { class: 'alert__title', text: t('detail.refused') }),
          h('p', { text: fix.error?.message ?? '' }),
        )
      : null,
    pendingNote(item),
    block(
      t('wish.resident_words'),
      'wish-words',
      h('p', {
        class: 'muted',
        text: [dateTime(wish.created_at), wantedByText(wish.wanted_by)].filter(Boolean).join(' · '),
      }),
      wish.reason ? h('p', { 'data-testid': 'wish-reason-shown', text: wish.reason }) : null,
      photoStrip(wish.photos),
      h('p', { class: 'note', text: t('wish.private_note') }),
    ),
    open ? reviewForm(item, fix, targets) : null,
    open ? null : closeBlock(cardFound.item),
    !open && wish.status === 'approved'
      ? block(
          t('wish.on_the_wall'),
          'wish-public',
          h('p', { class: 'card__lead', text: wish.public_title ?? '' }),
          wish.public_text ? h('p', { text: wish.public_text }) : null,
          photoStrip(wish.public_photos),
        )
      : null,
    !open && wish.review_note
      ? block(t(`wish.review_${wish.status}`), 'wish-review', h('p', { text: wish.review_note }))
      : null,
    historyBlock(wish.history, me, wishStatusLabel),
  ];
}

/** The screen for #/admin/wishes/<id>. */
export function adminWishScreen({ me, params }) {
  const id = params.id;
  return followedDetail({
    testid: 'admin-wish',
    back: backLink('/admin/wishes', t('wish.back_to_review')),
    missingTestid: 'wish-missing',
    entity: 'wish',
    what: 'wish',
    read: async (body) => {
      const { item, refused } = await loadWish(id);
      if (!item) return null;
      const cardFound = await loadCardOfWish(item.wish, id);
      const targets = mergeTargets(await loadWishes(), item);
      return {
        key: JSON.stringify([
          item.record.version,
          item.pending,
          refused.map((e) => e.seq),
          cardFound.item?.record.version,
          cardFound.item?.card.status,
          cardFound.item?.pending,
          targets.map((other) => other.id),
        ]),
        // A review being written is not drawn again under the admin's hands (a refusal is shown at once).
        busy: () => {
          const form = body.querySelector('[data-testid=review-form]');
          return form && !form.dataset.saved && !refused.length && item.wish.status === 'submitted';
        },
        draw: () => detail(item, refused, cardFound, me, targets),
      };
    },
  });
}
