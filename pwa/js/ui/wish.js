// A resident's wish (#/wishes/<id>): their words and photos, where it stands, the admin's
// answer, and once published its card on the wall — claimed, fulfilled with the volunteer's
// note and photos. 撤回 while it waits for review; 确认 (1–5 stars and a comment) once the
// card is fulfilled. Every tap is saved on the phone (outbox) and sent with the next sync; a
// refusal stays in sight with the server's words. An admin who opens a wish (a notice's link)
// is taken to its review.
import { isAdmin } from '../admin.js';
import { WISHES } from '../constants.js';
import { t } from '../i18n.js';
import { confirmCard, withdrawWish } from '../wish-actions.js';
import { loadCardOfWish, loadWish } from '../wish-data.js';
import { canWithdraw, cardActions, confirmProblems, wishProgress } from '../wishes.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { busyButton } from './inspection-parts.js';
import { replaceWith } from './nav.js';
import { photoStrip } from './photos.js';
import { saveBar, saveFailed, textArea } from './task-complete.js';
import { syncBadges } from './tasks.js';
import {
  backLink,
  block,
  cardStatusChip,
  cardStatusLabel,
  followedDetail,
  historyBlock,
  pendingNote,
  refusedNotes,
  starPicker,
  starsText,
  wantedByText,
  wishStatusChip,
  wishStatusLabel,
} from './wish-parts.js';

/** 确认: the stars (required) and a comment, for the card a volunteer fulfilled. */
function confirmForm(cardId) {
  const stars = starPicker({ legend: t('wish.rating'), testid: 'rating' });
  const comment = textArea({
    label: t('field.wish_card.rating_comment'),
    testid: 'rating-comment',
    maxlength: WISHES.COMMENT_MAX,
    placeholder: t('wish.comment_placeholder'),
  });
  const bar = saveBar('confirm');
  bar.save.textContent = t('wish.confirm');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'confirm-form' },
    h('h2', { class: 'form__section', text: t('wish.confirm_title') }),
    h('p', { class: 'muted', text: t('wish.confirm_about') }),
    stars,
    comment,
    bar.element,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { rating: stars.value, comment: comment.input.value };
    const problems = confirmProblems(values);
    stars.setError(problems.rating ? t(problems.rating) : '');
    bar.alert.textContent = problems.rating ? t(problems.rating) : '';
    if (problems.rating) return;
    bar.busy(true);
    try {
      await confirmCard(cardId, values);
      form.reset(); // saved: the screen may draw the confirmed card in its place
      window.scrollTo(0, 0);
    } catch (err) {
      saveFailed(bar, 'could not confirm the wish', err);
    }
  });
  return form;
}

/** The card of a published wish: its status, the volunteer's note and photos, the rating. */
function cardBlock(found) {
  const { item } = found;
  if (!item) return block(t('wish.card'), 'wish-card', h('p', { class: 'muted', text: t('wish.card_not_here') }));
  const { card } = item;
  return block(
    t('wish.card'),
    'wish-card',
    h('div', { class: 'detail__chips' }, cardStatusChip(card.status, 'card-status'), syncBadges(item)),
    refusedNotes(found.refused),
    h('p', { class: 'card__lead', 'data-testid': 'card-title', text: card.title ?? '' }),
    card.text ? h('p', { text: card.text }) : null,
    card.claimed_at && card.status === 'claimed'
      ? h('p', { class: 'muted', text: t('wish.claimed_on', { when: dateTime(card.claimed_at) }) })
      : null,
    card.claimant_unit
      ? h('p', {
          class: 'note',
          'data-testid': 'card-unit',
          text: t('wish.claimed_for_unit', { unit: card.claimant_unit }),
        })
      : null,
    card.fulfilled_at
      ? h(
          'div',
          { 'data-testid': 'card-fulfilment' },
          h('h3', { class: 'card__subtitle', text: t('wish.fulfilled_on', { when: dateTime(card.fulfilled_at) }) }),
          card.fulfil_note ? h('p', { 'data-testid': 'fulfil-note-shown', text: card.fulfil_note }) : null,
          photoStrip(card.evidence_photos),
        )
      : null,
    card.rating
      ? h(
          'p',
          { 'data-testid': 'card-confirmed' },
          starsText(card.rating),
          card.rating_comment ? h('span', { class: 'muted', text: ` ${card.rating_comment}` }) : null,
        )
      : null,
  );
}

function detail(item, refused, cardFound, me) {
  const { wish } = item;
  const progress = wishProgress(wish, cardFound.item?.card);
  const status = h('p', { class: 'field__hint', role: 'status' });
  const createRefused = refused.find((entry) => entry.op === 'create');
  return [
    h(
      'div',
      { class: 'detail__chips' },
      wishStatusChip(progress.wish, 'wish-status'),
      progress.card ? cardStatusChip(progress.card, 'wish-card-status') : null,
      syncBadges(item),
    ),
    h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'wish-title-shown', text: wish.title ?? '' }),
    refusedNotes(refused),
    createRefused
      ? h('a', {
          class: 'btn btn--secondary btn--block',
          href: `#/wishes/new?fix=${createRefused.seq}`,
          'data-testid': 'refused-fix',
          text: t('wish.fix'),
        })
      : null,
    pendingNote(item),
    wish.wanted_by ? h('p', { class: 'muted', text: wantedByText(wish.wanted_by) }) : null,
    wish.reason || wish.photos?.length
      ? block(
          t('field.wish.reason'),
          'wish-words',
          wish.reason ? h('p', { text: wish.reason }) : null,
          photoStrip(wish.photos),
        )
      : null,
    wish.status === 'rejected' || wish.status === 'merged'
      ? block(
          t(`wish.review_${wish.status}`),
          'wish-review',
          h('p', { 'data-testid': 'review-note-shown', text: wish.review_note ?? '' }),
        )
      : null,
    wish.status === 'approved' ? cardBlock(cardFound) : null,
    canWithdraw(item, me.user.id)
      ? busyButton({
          testid: 'wish-withdraw',
          text: t('wish.withdraw'),
          busyText: t('form.saving'),
          status,
          action: async () => {
            if (!window.confirm(t('wish.withdraw_confirm'))) return false;
            await withdrawWish(item.id);
            return true;
          },
        })
      : null,
    status,
    cardActions(cardFound.item, me, { ownWish: wish.user_id === me.user.id }).includes('confirm')
      ? confirmForm(cardFound.item.id)
      : null,
    historyBlock(wish.history, me, wishStatusLabel),
    wish.status === 'approved' && cardFound.item
      ? historyBlock(cardFound.item.card.history, me, cardStatusLabel, {
          title: t('wish.card_history'),
          testid: 'card-history',
        })
      : null,
  ];
}

/** The screen for #/wishes/<id>. */
export function wishScreen({ me, params }) {
  const id = params.id;
  return followedDetail({
    testid: 'wish',
    back: backLink('/wishes', t('wish.back_to_list')),
    missingTestid: 'wish-missing',
    entity: 'wish',
    what: 'wish',
    read: async (body) => {
      const { item, refused } = await loadWish(id);
      if (item && isAdmin(me) && item.wish.user_id !== me.user.id) {
        replaceWith(`/admin/wishes/${encodeURIComponent(id)}`);
        return undefined;
      }
      if (!item) return null;
      const cardFound = await loadCardOfWish(item.wish, id);
      return {
        key: JSON.stringify([
          item.record.version,
          item.pending,
          refused.map((e) => e.seq),
          cardFound.item?.record.version,
          cardFound.item?.pending,
          cardFound.refused.map((e) => e.seq),
        ]),
        // The stars being given are not drawn again under the resident's thumb.
        busy: () => body.querySelector('form .star__input:checked, form textarea:not(:placeholder-shown)'),
        draw: () => detail(item, refused, cardFound, me),
      };
    },
  });
}
