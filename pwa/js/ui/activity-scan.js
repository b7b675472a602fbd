// 扫码签到 (#/activities/<id>/scan) on the volunteer's phone at the venue: the camera reads the
// organiser's QR — through the browser's BarcodeDetector where it has one, else jsQR on the video's
// frames — and typing the 12 characters under the QR is always there as the fallback. A reading
// is saved on the phone at once (one outbox entry, no signal needed) with the time it was read;
// the server checks it when it syncs (PROTOCOL.md §18.4) and a refusal comes back here, and on
// the activity, in words.
import { nextDirection, readCode, shownSignup, signupId } from '../activities.js';
import { checkInByCode } from '../activity-actions.js';
import { loadActivity, loadSignup } from '../activity-data.js';
import { t } from '../i18n.js';
import { refusedNotes } from './activity-parts.js';
import { h } from './dom.js';
import { startCamera } from './qr-camera.js';
import { watchLocalData } from './watch.js';
import { textInput } from './wish-form.js';
import { backLink } from './wish-parts.js';

/** The screen for #/activities/<id>/scan. */
export function activityScanScreen({ me, params }) {
  const id = params.id;
  const video = h('video', { class: 'scan__video', 'data-testid': 'scan-video', muted: true, playsinline: true });
  video.muted = true; // the property, not only the attribute: muted video may play without a tap
  const cameraNote = h('p', { class: 'muted', 'data-testid': 'scan-camera-note', text: t('activity.scan_starting') });
  const result = h('div', { class: 'scan__result', role: 'status', 'data-testid': 'scan-result' });
  const refusals = h('div', { 'data-testid': 'scan-refusals' });
  const typed = textInput({
    label: t('activity.typed_label'),
    testid: 'scan-typed',
    maxlength: 20,
    hint: t('activity.typed_hint'),
  });
  typed.input.autocomplete = 'off';
  typed.input.setAttribute('autocapitalize', 'characters');
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': 'scan-typed-save',
    text: t('activity.typed_save'),
  });
  const form = h(
    'form',
    { class: 'form scan__typed', novalidate: true, 'data-testid': 'scan-typed-form' },
    typed,
    submit,
  );
  const title = h('p', { class: 'form__subject', 'data-testid': 'scan-activity' });
  const camera = h('div', { class: 'scan__camera' }, video, cameraNote);
  const back = h('a', {
    class: 'btn btn--secondary btn--big btn--block',
    href: `#/activities/${encodeURIComponent(id)}`,
    'data-testid': 'scan-done',
    hidden: true,
    text: t('activity.back_to_activity'),
  });
  const heading = h('h1', { class: 'screen__title', tabindex: '-1', text: t('activity.scan_title') });
  const screen = h(
    'section',
    { class: 'screen scan', 'data-testid': 'activity-scan' },
    backLink(`/activities/${id}`, t('activity.back_to_activity')),
    heading,
    title,
    refusals,
    result,
    camera,
    form,
    back,
  );

  let mySignup = null;
  let myRecord = null;
  let saving = false;
  let stopCamera = () => {};

  /** A code read or typed: saved as a reading, or told why not. True when saved. */
  async function take(text) {
    if (saving) return false;
    const reading = readCode(text, id, Date.now());
    if (reading.error) {
      result.className = 'scan__result alert';
      result.textContent = t(`activity.read.${reading.error}`);
      return false;
    }
    if (!mySignup) {
      result.className = 'scan__result alert';
      result.textContent = t('activity.read.no_signup');
      return false;
    }
    const done = reading.direction === 'in' ? myRecord?.checkin_at : myRecord?.checkout_at;
    if (done) {
      // Already on this phone: the same QR still in front of the camera is not a second reading.
      result.className = 'scan__result note';
      result.textContent = t(reading.direction === 'in' ? 'activity.read.already_in' : 'activity.read.already_out');
      return false;
    }
    saving = true;
    try {
      await checkInByCode(mySignup, reading, new Date());
      stopCamera();
      camera.hidden = true;
      form.hidden = true;
      back.hidden = false;
      result.className = 'scan__result note note--saved';
      result.dataset.direction = reading.direction;
      result.textContent = t(reading.direction === 'in' ? 'activity.read.saved_in' : 'activity.read.saved_out');
      typed.input.value = '';
      return true;
    } catch (err) {
      console.error('could not save the reading', err);
      result.className = 'scan__result alert';
      result.textContent = t('detail.save_failed');
      return false;
    } finally {
      saving = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    take(typed.input.value);
  });
  typed.input.addEventListener('input', () => {
    result.textContent = '';
  });

  async function draw() {
    const { item } = await loadActivity(id);
    title.textContent = item?.activity?.title ?? '';
    const sid = await signupId(id, me.user.id);
    const mine = await loadSignup(sid);
    mySignup = mine.item ? sid : null;
    myRecord = shownSignup(mine.item);
    const direction = nextDirection(myRecord);
    heading.textContent = t(direction === 'out' ? 'activity.scan_out' : 'activity.scan_in');
    refusals.replaceChildren(...refusedNotes(mine.refused, 'scan-refused'));
    if (mine.refused.length && result.classList.contains('note--saved')) {
      result.textContent = ''; // the server said no: the code can be typed again (a fresh one)
      form.hidden = false;
    }
  }
  draw()
    .then(() => {
      stopCamera = startCamera(
        video,
        (text) => {
          take(text);
          return false; // keep looking until saved (take stops the camera)
        },
        (err) => {
          console.info('no camera for scanning', err?.name ?? err);
          cameraNote.textContent = t('activity.scan_no_camera');
          video.hidden = true;
        },
      );
      video.addEventListener('playing', () => {
        cameraNote.textContent = t('activity.scan_point');
      });
    })
    .catch((err) => {
      console.error('could not read the activity', err);
      result.textContent = t('tasks.load_failed');
    });
  watchLocalData(screen, draw);
  return screen;
}
