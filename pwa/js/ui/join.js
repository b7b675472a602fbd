// 加入家庭 (#/join): a registered resident binds their account to their household (PROTOCOL.md
// §19) — with the invitation their grid worker shows at the door (scan the QR with the camera
// where the browser reads QR codes, or type the code; #/join?code=… comes filled in from a QR
// read by the phone's own camera), or by asking (#/join/request: compound from the public list,
// the address as they say it). Both need the network: the server checks them.

import { JOIN } from '../constants.js';
import { t } from '../i18n.js';
import { readInvitation } from '../invite-code.js';
import { findCompounds, households, myRequests, redeem, sendRequest, withdrawRequest } from '../join.js';
import { h } from './dom.js';
import { clearForm, meChanged, sendForm } from './join-parts.js';
import { startCamera } from './qr-camera.js';
import { textInput } from './wish-form.js';
import { backLink, block } from './wish-parts.js';

/** A scan button that reads a QR into `onCode(text)`; hidden where the browser has no camera. */
function scanner(onCode) {
  const video = h('video', { class: 'join__video', playsinline: true, muted: true, hidden: true });
  const button = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'join-scan',
    hidden: true,
    text: t('join.scan'),
  });
  let stopCamera = null;
  const stop = () => {
    stopCamera?.();
    stopCamera = null;
    video.hidden = true;
    button.textContent = t('join.scan');
  };
  if (navigator.mediaDevices?.getUserMedia) button.hidden = false;
  button.addEventListener('click', () => {
    if (stopCamera) return stop();
    video.hidden = false;
    button.textContent = t('join.scan_stop');
    stopCamera = startCamera(
      video,
      (text) => {
        if (!readInvitation(text)) return false;
        stop();
        onCode(text);
        return true;
      },
      () => stop(),
    );
  });
  return h('div', { class: 'join__scanner' }, button, video);
}

function redeemCard(query) {
  const code = textInput({ label: t('join.code'), testid: 'join-code', hint: t('join.code_hint') });
  code.input.setAttribute('autocapitalize', 'characters');
  code.input.setAttribute('autocomplete', 'off');
  code.input.setAttribute('spellcheck', 'false');
  code.input.classList.add('join__code-input');
  const found = readInvitation(query?.get('code') ?? '');
  if (found) code.input.value = found.code.match(/.{1,4}/g).join('-');
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'join-error' });
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'join-submit',
    text: t('join.submit'),
  });
  async function onSubmit(event) {
    event?.preventDefault();
    const form = { fields: { code }, alert, submit };
    clearForm(form);
    if (!readInvitation(code.input.value)) return code.setError(t('join.code_malformed'));
    await sendForm(form, async () => meChanged(await redeem(code.input.value)));
  }
  const scan = scanner((text) => {
    const read = readInvitation(text);
    code.input.value = read.code.match(/.{1,4}/g).join('-');
    onSubmit();
  });
  return block(
    t('join.by_code'),
    'join-by-code',
    h('p', { class: 'muted', text: t('join.by_code_about') }),
    scan,
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit }, code, alert, submit),
  );
}

const STATUS_TEXT = (r) => t(`join.request_status.${r.status}`);

function requestsCard() {
  const list = h('ul', { class: 'join__requests', 'data-testid': 'my-requests' });
  const card = block(t('join.my_requests'), 'join-my-requests', list);
  card.hidden = true;
  const draw = (rows) => {
    card.hidden = !rows.length;
    list.replaceChildren(
      ...rows.map((r) => {
        const withdraw =
          r.status === 'pending'
            ? h('button', {
                type: 'button',
                class: 'btn btn--ghost',
                'data-testid': 'request-withdraw',
                text: t('join.withdraw'),
                onclick: async () => draw(await withdrawRequest(r.id).then(myRequests)),
              })
            : null;
        return h(
          'li',
          { class: 'join__request', 'data-testid': 'my-request', 'data-status': r.status },
          h('p', { class: 'join__request-address', text: [r.compound_name, r.building, r.unit, r.room].join(' ') }),
          h('p', { class: `chip join__status join__status--${r.status}`, text: STATUS_TEXT(r) }),
          r.reason ? h('p', { class: 'muted', text: t('join.reason_line', { reason: r.reason }) }) : null,
          withdraw,
        );
      }),
    );
  };
  myRequests()
    .then(draw)
    .catch(() => {});
  return card;
}

/** The screen at #/join. */
export function joinScreen({ me, query }) {
  const mine = households(me);
  return h(
    'section',
    { class: 'screen', 'data-testid': 'join' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('join.title') }),
    mine.length
      ? h('p', { class: 'note', 'data-testid': 'join-bound', text: t('join.bound', { place: mine[0].scope_name }) })
      : [
          h('p', { class: 'muted', text: t('join.lead') }),
          redeemCard(query),
          block(
            t('join.by_request'),
            'join-by-request',
            h('p', { class: 'muted', text: t('join.by_request_about') }),
            h('a', {
              class: 'btn btn--secondary btn--block',
              href: '#/join/request',
              'data-testid': 'join-request-open',
              text: t('join.request_open'),
            }),
          ),
          requestsCard(),
        ],
  );
}

/** A compound picked from the public list of names, by typing part of it. */
function compoundPicker() {
  const search = textInput({ label: t('join.compound'), testid: 'request-compound-search', required: true });
  search.input.setAttribute('type', 'search');
  search.input.setAttribute('autocomplete', 'off');
  const options = h('div', { class: 'choices join__compounds', 'data-testid': 'request-compounds' });
  let chosen = null;
  let timer = null;
  const choose = (compound) => {
    chosen = compound;
    search.input.value = compound.name;
    search.setError('');
    options.replaceChildren(
      h('p', {
        class: 'note',
        'data-testid': 'request-compound-chosen',
        text: `${compound.name} · ${compound.community_name}`,
      }),
    );
  };
  search.input.addEventListener('input', () => {
    chosen = null;
    clearTimeout(timer);
    const q = search.input.value.trim();
    if (!q) return options.replaceChildren();
    timer = setTimeout(async () => {
      try {
        const page = await findCompounds(q);
        options.replaceChildren(
          ...page.items.map((c) =>
            h('button', {
              type: 'button',
              class: 'btn btn--ghost btn--block join__compound',
              'data-testid': 'request-compound',
              text: `${c.name} · ${c.community_name}`,
              onclick: () => choose(c),
            }),
          ),
          page.items.length ? null : h('p', { class: 'muted', text: t('join.compound_none') }),
        );
      } catch (err) {
        options.replaceChildren(h('p', { class: 'alert', role: 'alert', text: err.message }));
      }
    }, 250);
  });
  search.chosen = () => chosen;
  return [search, options];
}

/** The screen at #/join/request: ask the compound's grid worker to bind the account. */
export function joinRequestScreen({ me }) {
  const [compound, options] = compoundPicker();
  const building = textInput({
    label: t('join.building'),
    testid: 'request-building',
    maxlength: JOIN.ADDRESS_PART_MAX,
    required: true,
  });
  const unit = textInput({ label: t('join.unit'), testid: 'request-unit', maxlength: JOIN.ADDRESS_PART_MAX });
  const room = textInput({
    label: t('join.room'),
    testid: 'request-room',
    maxlength: JOIN.ADDRESS_PART_MAX,
    required: true,
  });
  const name = textInput({
    label: t('join.name'),
    testid: 'request-name',
    maxlength: JOIN.NAME_MAX,
    required: true,
    value: me.user?.display_name ?? '',
    hint: t('join.name_hint'),
  });
  const note = textInput({ label: t('join.note'), testid: 'request-note', maxlength: JOIN.NOTE_MAX });
  const fields = { compound_id: compound, building, unit, room, name, note };
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'request-error' });
  const done = h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'request-sent', hidden: true });
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'request-submit',
    text: t('join.request_submit'),
  });
  async function onSubmit(event) {
    event.preventDefault();
    clearForm({ fields, alert });
    const chosen = compound.chosen();
    if (!chosen) return compound.setError(t('join.compound_pick'));
    await sendForm({ fields, alert, submit }, async () => {
      await sendRequest({
        compound_id: chosen.id,
        building: building.input.value,
        unit: unit.input.value || null,
        room: room.input.value,
        name: name.input.value,
        note: note.input.value || null,
      });
      done.textContent = t('join.request_sent');
      done.hidden = false;
      form.hidden = true;
    });
  }
  const form = h(
    'form',
    { class: 'form', novalidate: true, onsubmit: onSubmit, 'data-testid': 'request-form' },
    compound,
    options,
    building,
    unit,
    room,
    name,
    note,
    alert,
    submit,
  );
  return h(
    'section',
    { class: 'screen', 'data-testid': 'join-request' },
    backLink('/join', t('join.back')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('join.request_title') }),
    h('p', { class: 'muted', text: t('join.request_lead') }),
    done,
    form,
  );
}
