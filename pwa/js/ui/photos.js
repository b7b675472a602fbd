// Photos on the grid worker's screens: taking them with the camera (downscaled and queued by
// photos.js) and showing them from the bytes kept on the phone, so they show offline; once the
// server has them and the phone has let the bytes go, from the server's thumbnail. A tap on one
// opens it full screen with the other photos of its record (ui/photo-viewer.js).
import { getPhoto } from '../db.js';
import { t } from '../i18n.js';
import { addPhotoFromFile } from '../photos.js';
import { h } from './dom.js';

let opening = false; // a second tap while the viewer loads opens nothing more

/**
 * Opens the viewer (ui/photo-viewer.js, loaded on first use) at the photo of `button`, with the
 * other photos of the same record, in the order shown: those under its closest
 * [data-photo-record] (a card of a list, one form field's photos being taken), else those of its
 * detail screen (one record each), else those of its own strip.
 */
function openViewer(button) {
  if (opening) return;
  const group = button.closest('[data-photo-record]') ?? button.closest('.screen--detail') ?? button.closest('.thumbs');
  const buttons = [...group.querySelectorAll('.thumb__open')];
  const photos = buttons.map((b) => ({ sha256: b.dataset.sha256, alt: b.dataset.alt }));
  opening = true;
  import('./photo-viewer.js')
    .then((viewer) => viewer.openPhotoViewer(photos, Math.max(0, buttons.indexOf(button)), button))
    .catch((err) => console.warn('could not open the photo viewer', err))
    .finally(() => {
      opening = false;
    });
}

/**
 * A photo by hash as a button that opens it full screen: local bytes when kept, else the
 * server's 320 px thumbnail. `alt` names it in the viewer too ("整改前 第 1 张照片").
 */
export function photoThumb(sha256, { alt = t('photos.alt'), testid = null } = {}) {
  const img = h('img', { class: 'thumb__img', alt: '', width: 96, height: 96, decoding: 'async' });
  const frame = h(
    'button',
    {
      type: 'button',
      class: 'thumb__frame thumb__open',
      'data-sha256': sha256,
      'data-alt': alt,
      'data-testid': testid,
      'aria-label': t('photos.open', { photo: alt }),
      onclick: () => openViewer(frame),
    },
    img,
  );
  img.addEventListener(
    'error',
    () => frame.replaceChildren(h('span', { class: 'thumb__missing', text: t('photos.not_here') })),
    { once: true },
  );
  getPhoto(sha256).then(
    (photo) => {
      if (photo?.bytes) {
        const url = URL.createObjectURL(new Blob([photo.bytes], { type: photo.mime }));
        img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true }); // the decoded image stays
        img.src = url;
      } else {
        img.src = `/api/blobs/${sha256}/thumb`;
      }
    },
    () => {
      img.src = `/api/blobs/${sha256}/thumb`;
    },
  );
  return frame;
}

/** The alt text of photo n (from 1) of a strip, with the strip's label if any ("整改后 第 2 张照片"). */
const photoAlt = (n, label) => (label ? t('photos.alt_of', { label, n }) : t('photos.alt_n', { n }));

/**
 * Thumbnails of saved photos, read-only, each opening the viewer. label: what they show
 * (整改前 …), said in each photo's name; testid: of each photo's button.
 */
export function photoStrip(hashes, { label = '', testid = null } = {}) {
  if (!hashes?.length) return null;
  return h(
    'ul',
    { class: 'thumbs', 'data-testid': 'photo-strip' },
    hashes.map((sha, i) => h('li', { class: 'thumb' }, photoThumb(sha, { alt: photoAlt(i + 1, label), testid }))),
  );
}

/**
 * The photo part of a form: a big "拍照" button (the camera opens straight away on a phone),
 * any number of photos, each with a thumbnail from its local bytes and a remove button.
 * Returns an element with .value (hashes in the order taken) and .settled() (resolves once a
 * photo still being processed is stored: a save waits for it). onChange(hashes): after each
 * photo added or removed (a form that saves as it goes).
 */
export function photoField({ hashes = [], testid = 'photo-field', onChange = null, label = t('photos.label') } = {}) {
  const taken = [...hashes];
  let processing = 0;
  let waiters = [];
  const inputId = `${testid}-input`;
  const input = h('input', {
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    id: inputId,
    class: 'visually-hidden',
    'data-testid': `${testid}-input`,
  });
  const status = h('p', { class: 'photos__status', 'aria-live': 'polite' });
  const error = h('p', { class: 'field__error', role: 'alert' });
  // One record of its own for the viewer: the photos being taken, not those shown around the form.
  const list = h('ul', {
    class: 'thumbs thumbs--editable',
    'data-testid': `${testid}-thumbs`,
    'data-photo-record': '',
  });
  const count = h('span', { class: 'photos__count' });

  function draw() {
    list.replaceChildren(
      ...taken.map((sha, index) =>
        h(
          'li',
          { class: 'thumb', 'data-testid': 'photo-thumb', 'data-sha256': sha },
          photoThumb(sha, { alt: t('photos.alt_n', { n: index + 1 }) }),
          h('button', {
            type: 'button',
            class: 'thumb__remove',
            'aria-label': t('photos.remove_n', { n: index + 1 }),
            text: '×',
            onclick: () => {
              taken.splice(index, 1);
              draw();
              onChange?.([...taken]);
            },
          }),
        ),
      ),
    );
    count.textContent = taken.length ? t('photos.count', { count: taken.length }) : '';
    status.textContent = processing ? t('photos.processing') : '';
  }

  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = ''; // the same photo file may be chosen again
    error.textContent = '';
    processing += files.length;
    draw();
    for (const file of files) {
      try {
        const sha = await addPhotoFromFile(file);
        if (!taken.includes(sha)) taken.push(sha);
      } catch (err) {
        console.warn('could not read the photo', err);
        error.textContent = t('photos.unreadable');
      } finally {
        processing -= 1;
        draw();
      }
    }
    if (!processing) {
      waiters.forEach((resolve) => resolve());
      waiters = [];
    }
    onChange?.([...taken]);
  });

  const field = h(
    'div',
    { class: 'field photos', 'data-testid': testid },
    h('p', { class: 'field__label' }, label, ' ', count),
    list,
    input,
    h(
      'label',
      { for: inputId, class: 'btn btn--secondary btn--block photos__take', 'data-testid': `${testid}-take` },
      t('photos.take'),
    ),
    status,
    error,
  );
  Object.defineProperty(field, 'value', { get: () => [...taken] });
  /** Resolves once every photo chosen so far is stored (a save must not miss one being processed). */
  field.settled = () => (processing ? new Promise((resolve) => waiters.push(resolve)) : Promise.resolve());
  draw();
  return field;
}
