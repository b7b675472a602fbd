// The position part of a form: looks for a GPS fix as soon as the form opens, says plainly what
// it found (a position and its accuracy, a refused permission, no fix), and offers to try again.
// A save never waits for it: whatever is known at that moment is saved (geo.js positionFields).
import { locate, PENDING } from '../geo.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { coordinatesText, locationText } from './format.js';

/** Returns an element with .position (the latest {location_status, location}). */
export function locationField({ testid = 'location-field', locateFn = locate } = {}) {
  let position = PENDING;
  let attempt = 0;
  const text = h('p', { class: 'location__text', 'data-testid': `${testid}-text`, 'aria-live': 'polite' });
  const coords = h('span', { class: 'location__coords', 'data-testid': `${testid}-coords` });
  const retry = h('button', {
    type: 'button',
    class: 'btn btn--ghost location__retry',
    'data-testid': `${testid}-retry`,
    text: t('location.retry'),
  });
  const field = h(
    'div',
    { class: 'field location', 'data-testid': testid },
    h('p', { class: 'field__label', text: t('location.label') }),
    h('div', { class: 'location__row' }, h('div', { class: 'location__what' }, text, coords), retry),
  );

  function draw() {
    field.dataset.status = position.location_status;
    coords.textContent = position.location_status === 'ok' ? coordinatesText(position.location) : '';
    if (position.location_status === 'ok') text.textContent = locationText(position.location, 'ok');
    else if (position.location_status === 'denied') text.textContent = t('location.denied');
    else if (position.location_status === 'unavailable') text.textContent = t('location.unavailable');
    else text.textContent = t('location.pending');
    retry.hidden = position.location_status === 'pending';
    retry.textContent = position.location_status === 'ok' ? t('location.refresh') : t('location.retry');
  }

  async function find() {
    const mine = (attempt += 1);
    position = PENDING;
    draw();
    // maximumAge 0 on a retry: the worker moved to the window to get a fresh fix.
    const found = await locateFn(mine === 1 ? {} : { maximumAgeMs: 0 });
    if (mine !== attempt) return; // a newer attempt started meanwhile
    position = found;
    draw();
  }

  retry.addEventListener('click', () => find());
  Object.defineProperty(field, 'position', { get: () => position });
  find();
  return field;
}
