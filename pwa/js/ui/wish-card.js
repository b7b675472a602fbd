// A card of the wall (#/wishes/card/<id>): the words and photos the admin published (never who
// asked), the day it is wanted by, and what a volunteer may do: 认领 an open card; for my claim
// 放弃认领 or 完成 (a note and at least one photo). Each tap is one outbox entry, so it works
// with no signal; when two volunteers claimed offline, the second is refused `already_claimed`
// and the refusal stays here, in the server's words, until it is discarded. The resident who
// opens their card (a notice's link) is taken to their wish.
import { WISHES } from '../constants.js';
import { t } from '../i18n.js';
import { loadKeptMine } from '../member-data.js';
import { claimCard, fulfilCard, releaseCard } from '../wish-actions.js';
import { loadCard, loadWishes } from '../wish-data.js';
import { cardActions, claimUnits, fulfilProblems } from '../wishes.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { busyButton } from './inspection-parts.js';
import { replaceWith } from './nav.js';
import { photoField, photoStrip } from './photos.js';
import { saveBar, saveFailed, textArea } from './task-complete.js';
import { syncBadges } from './tasks.js';
import {
  backLink,
  block,
  cardStatusChip,
  followedDetail,
  pendingNote,
  refusedNotes,
  shownCardStatus,
  starsText,
  wantedByText,
} from './wish-parts.js';

const HOURS = [0.5, 1, 1.5, 2, 3, 4]; // what one wish usually takes; counted once the resident confirms

/** 完成: what was done, how long it took, and the photos that show it. */
function fulfilForm(id) {
  const note = textArea({
    label: t('field.wish_card.fulfil_note'),
    testid: 'fulfil-note',
    maxlength: WISHES.NOTE_MAX,
    placeholder: t('wish.fulfil_placeholder'),
  });
  const photos = photoField({ testid: 'fulfil-photos', label: t('wish.fulfil_photos') });
  const hours = choiceGroup({
    legend: t('field.wish_card.hours'),
    options: HOURS.map((value) => ({ value: String(value), label: t('wish.hours_option', { hours: value }) })),
    value: '1',
    testid: 'fulfil-hours',
  });
  const bar = saveBar('fulfil');
  bar.save.textContent = t('wish.fulfil');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'fulfil-form' },
    h('h2', { class: 'form__section', text: t('wish.fulfil_title') }),
    note,
    hours,
    h('p', { class: 'field__hint', text: t('wish.hours_hint') }),
    photos,
    bar.element,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await photos.settled();
    const values = { note: note.input.value, photos: photos.value, hours: Number(hours.value ?? 1) };
    const problems = fulfilProblems(values);
    bar.alert.textContent = problems.evidence_photos ? t(problems.evidence_photos) : '';
    if (problems.evidence_photos) return;
    bar.busy(true);
    try {
      await fulfilCard(id, values);
      form.reset(); // saved: the screen may draw the fulfilled card in its place
      form.dataset.saved = 'true';
      window.scrollTo(0, 0);
    } catch (err) {
      saveFailed(bar, 'could not save the fulfilment', err);
    }
  });
  return form;
}

function detail(item, refused, me, units) {
  const { card } = item;
  const can = cardActions(item, me);
  const status = shownCardStatus(item);
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'card-message' });
  const tap = (testid, text, action) =>
    busyButton({ testid, text, busyText: t('form.saving'), status: message, action: () => action(item.id) });
  return [
    h('div', { class: 'detail__chips' }, cardStatusChip(status, 'card-status'), syncBadges(item)),
    h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'card-title', text: card.title ?? '' }),
    refusedNotes(refused),
    pendingNote(item),
    card.wanted_by
      ? h('p', { class: 'muted', 'data-testid': 'card-wanted-by', text: wantedByText(card.wanted_by) })
      : null,
    card.text || card.photos?.length
      ? block(
          t('wish.card_words'),
          'card-words',
          card.text ? h('p', { 'data-testid': 'card-text', text: card.text }) : null,
          photoStrip(card.photos),
        )
      : null,
    card.status === 'claimed' && card.claim_deadline && card.claimant_id === me.user.id
      ? h('p', { class: 'note', text: t('wish.claim_deadline', { when: dateTime(card.claim_deadline) }) })
      : null,
    can.includes('claim') ? tap('card-claim', t('wish.claim'), claimCard) : null,
    // 双报到: a member reporting with a unit may claim for it (PROTOCOL.md §14.2 claimed_for).
    ...(can.includes('claim') ? units : []).map((unit) =>
      tap('card-claim-unit', t('wish.claim_for_unit', { unit: unit.name }), (id) => claimCard(id, unit.key)),
    ),
    card.claimant_unit
      ? h('p', {
          class: 'note',
          'data-testid': 'card-unit',
          text: t('wish.claimed_for_unit', { unit: card.claimant_unit }),
        })
      : null,
    card.fulfilled_at
      ? block(
          t('wish.fulfilled_on', { when: dateTime(card.fulfilled_at) }),
          'card-fulfilment',
          card.fulfil_note ? h('p', { text: card.fulfil_note }) : null,
          card.hours ? h('p', { class: 'note', text: t('wish.hours_taken', { hours: card.hours }) }) : null,
          photoStrip(card.evidence_photos),
          card.rating ? h('p', {}, starsText(card.rating), ` ${card.rating_comment ?? ''}`) : null,
        )
      : null,
    can.includes('fulfil') ? fulfilForm(item.id) : null,
    can.includes('release')
      ? h(
          'div',
          { class: 'card__actions' },
          busyButton({
            testid: 'card-release',
            text: t('wish.release'),
            busyText: t('form.saving'),
            status: message,
            action: async () => {
              if (!window.confirm(t('wish.release_confirm'))) return false;
              await releaseCard(item.id);
              return true;
            },
          }),
        )
      : null,
    message,
  ];
}

/** The screen for #/wishes/card/<id>. */
export function wishCardScreen({ me, params }) {
  const id = params.id;
  return followedDetail({
    testid: 'wish-card-screen',
    back: backLink('/wall', t('wish.back_to_wall')),
    missingTestid: 'card-missing',
    entity: 'wish_card',
    what: 'card',
    read: async (body) => {
      const { item, refused } = await loadCard(id);
      const own = (await loadWishes()).find((wish) => wish.wish.card_id === id && wish.wish.user_id === me.user.id);
      if (own) {
        replaceWith(`/wishes/${encodeURIComponent(own.id)}`);
        return undefined;
      }
      if (!item) return null;
      const units = claimUnits(await loadKeptMine(), item.card.community_id);
      return {
        key: JSON.stringify([item.record.version, item.card.status, item.pending, refused.map((e) => e.seq)]),
        // A fulfilment being written is not drawn again under the volunteer's thumb.
        busy: () => {
          const form = body.querySelector('[data-testid=fulfil-form]');
          return (
            form &&
            !form.dataset.saved &&
            (form.querySelector('textarea')?.value || form.querySelector('[data-testid=photo-thumb]'))
          );
        },
        draw: () => detail(item, refused, me, units),
      };
    },
  });
}
