// The full-screen photo viewer: PhotoSwipe 5 (pinch and double-tap zoom, swipe between the
// photos of one record, Esc, focus kept inside and given back), loaded with this module only when
// a photo is first tapped (ui/photos.js). Each photo comes from the phone's own bytes when it
// still has them (IndexedDB, db.js), else the server's full photo, else its thumbnail: the
// browser keeps both (immutable), so a photo seen once opens offline too. The viewer takes a
// history entry of its own: Android's back button closes it instead of leaving the screen.
import PhotoSwipe from 'photoswipe';

import { getPhoto } from '../db.js';
import { t } from '../i18n.js';

const STYLESHEET = '/css/photo-viewer.css'; // photoswipe.css and ours (build.mjs), precached

let stylesheet = null;

/** The viewer's stylesheet, added once and awaited (a viewer without it is unusable). */
function loadStyles() {
  stylesheet ??= new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLESHEET;
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true }); // drawn anyway, rather than nothing
    document.head.append(link);
  });
  return stylesheet;
}

/** Resolves when `src` is decoded: {src, width, height}; rejects when it cannot be read. */
function decoded(src) {
  const img = new Image();
  img.src = src;
  return img.decode().then(() => ({ src, width: img.naturalWidth, height: img.naturalHeight }));
}

/**
 * A slide of photo `sha256`: {src, width, height, alt}, or null when neither the phone nor the
 * network has it. `urls` collects the object URLs made, to let go of when the viewer closes.
 */
async function slideOf({ sha256, alt }, urls) {
  const photo = await getPhoto(sha256).catch(() => null);
  const sources = [];
  if (photo?.bytes) {
    const url = URL.createObjectURL(new Blob([photo.bytes], { type: photo.mime }));
    urls.push(url);
    sources.push(url);
  }
  sources.push(`/api/blobs/${sha256}`, `/api/blobs/${sha256}/thumb`);
  for (const src of sources) {
    try {
      return { ...(await decoded(src)), alt };
    } catch {
      // the next source: the server's photo, then its thumbnail
    }
  }
  return null;
}

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const textSlide = (text, kind) => ({
  html: `<div class="photo-viewer__note photo-viewer__note--${kind}">${escapeHtml(text)}</div>`,
});

/** The caption under the photo: its label ("整改前 第 1 张照片"), read out as it changes. */
function registerCaption(pswp) {
  pswp.ui.registerElement({
    name: 'caption',
    order: 9,
    className: 'pswp__caption pswp__hide-on-close',
    isButton: false,
    appendTo: 'root',
    onInit: (el) => {
      el.setAttribute('aria-live', 'polite');
      el.dataset.testid = 'photo-viewer-caption';
      pswp.on('change', () => {
        el.textContent = pswp.currSlide?.data?.alt ?? '';
      });
    },
  });
}

/**
 * Opens the viewer on `photos` ([{sha256, alt}]) at `index`; `opener` gets the focus back when it
 * closes. Resolves with the PhotoSwipe instance once it is open.
 */
export async function openPhotoViewer(photos, index = 0, opener = document.activeElement) {
  const urls = [];
  const pending = photos.map((photo) => slideOf(photo, urls));
  const [first] = await Promise.all([pending[index], loadStyles()]);
  const missing = textSlide(t('viewer.missing'), 'missing');
  const slides = photos.map((_, i) => (i === index ? (first ?? missing) : textSlide(t('app.loading'), 'loading')));
  const pswp = new PhotoSwipe({
    dataSource: slides,
    index,
    bgOpacity: 1,
    loop: false,
    showHideAnimationType: 'fade',
    showAnimationDuration: 200,
    hideAnimationDuration: 200,
    wheelToZoom: true,
    secondaryZoomLevel: 2.5,
    maxZoomLevel: 6,
    closeTitle: t('viewer.close'),
    zoomTitle: t('viewer.zoom'),
    arrowPrevTitle: t('viewer.previous'),
    arrowNextTitle: t('viewer.next'),
    errorMsg: t('viewer.missing'),
    indexIndicatorSep: ' / ',
    returnFocus: false, // done below: also after a tap, which PhotoSwipe does not count
  });
  pswp.on('uiRegister', () => registerCaption(pswp));
  pswp.on('firstUpdate', () => {
    pswp.element.setAttribute('aria-modal', 'true');
    pswp.element.setAttribute('aria-label', t('viewer.title'));
    pswp.element.dataset.testid = 'photo-viewer';
  });

  // Back (Android's button, the browser's) closes the viewer, not the screen under it.
  history.pushState({ ...(history.state ?? {}), photoViewer: true }, '');
  // PhotoSwipe ignores a close during its opening fade: a quick back would do nothing. Such a
  // close waits for the fade to end instead.
  const close = pswp.close.bind(pswp);
  let closeAsked = false;
  pswp.close = () => {
    if (pswp.opener.isOpen || pswp.isDestroying) close();
    else if (!closeAsked) {
      closeAsked = true;
      pswp.on('openingAnimationEnd', close);
    }
  };
  const onPopState = () => {
    if (!history.state?.photoViewer) pswp.close();
  };
  // Nor does it listen to the keyboard before the fade ends: an Esc meanwhile is heard here.
  const onEarlyKey = (event) => {
    if (event.key === 'Escape') pswp.close();
  };
  document.addEventListener('keydown', onEarlyKey);
  pswp.on('bindEvents', () => document.removeEventListener('keydown', onEarlyKey));
  window.addEventListener('popstate', onPopState);
  pswp.on('destroy', () => {
    window.removeEventListener('popstate', onPopState);
    document.removeEventListener('keydown', onEarlyKey);
    if (history.state?.photoViewer) history.back(); // closed by its button, Esc or a swipe down
    for (const url of urls) URL.revokeObjectURL(url);
    // Back to the thumbnail of the photo last shown (the screen may have been drawn again
    // meanwhile), once PhotoSwipe has let go of its focus trap (right after this event).
    const shown = photos[pswp.currIndex]?.sha256;
    const thumb = [...document.querySelectorAll('.thumb__open')].find((el) => el.dataset.sha256 === shown);
    const target = opener?.isConnected && opener.dataset.sha256 === shown ? opener : (thumb ?? opener);
    queueMicrotask(() => target?.isConnected && target.focus({ preventScroll: true }));
  });
  pswp.init();

  pending.forEach((promise, i) => {
    if (i === index) return;
    promise.then((slide) => {
      if (!pswp.isDestroying && pswp.element) {
        slides[i] = slide ?? missing;
        pswp.refreshSlideContent(i);
      }
    });
  });
  return pswp;
}
