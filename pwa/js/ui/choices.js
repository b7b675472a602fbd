// A one-of-several (choiceGroup) or several-of-many (checkGroup) question as big buttons (a thumb on a moving bus hits them): real radio
// inputs, so keyboards and screen readers work as with any form, styled as buttons in app.css.
import { h } from './dom.js';

let groups = 0;

/**
 * A <fieldset> of radio buttons. options: [{value, label}]; value: the one chosen (or null);
 * columns: 2 or 3 per row on a phone (the CSS class choices--N); onChange(value).
 * The element has .value (the chosen value or null) and .setError(text).
 */
export function choiceGroup({
  legend,
  name = `choice-${(groups += 1)}`,
  options,
  value = null,
  columns = 3,
  testid,
  onChange,
  required = false,
}) {
  const error = h('p', { class: 'field__error', id: `${name}-error` });
  const fieldset = h(
    'fieldset',
    { class: 'choices-field', 'data-testid': testid, 'aria-describedby': `${name}-error` },
    h(
      'legend',
      { class: 'field__label' },
      legend,
      required ? h('span', { class: 'field__required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    h(
      'div',
      { class: `choices choices--${columns}` },
      options.map((option) => {
        const input = h('input', {
          type: 'radio',
          class: 'choice__input',
          name,
          value: option.value,
          checked: option.value === value,
          'data-testid': testid ? `${testid}-${option.value}` : null,
        });
        input.addEventListener('change', () => {
          fieldset.setError('');
          onChange?.(option.value);
        });
        return h('label', { class: 'choice' }, input, h('span', { class: 'choice__box', text: option.label }));
      }),
    ),
    error,
  );
  Object.defineProperty(fieldset, 'value', {
    get: () => fieldset.querySelector('.choice__input:checked')?.value ?? null,
  });
  fieldset.setError = (text) => {
    error.textContent = text;
    fieldset.classList.toggle('choices-field--invalid', Boolean(text));
  };
  return fieldset;
}

/** A <fieldset> of checkboxes styled as the app's choice buttons; .value is the chosen values. */
export function checkGroup({ legend, items, chosen = [], columns = 2, testid }) {
  const name = `checks-${(groups += 1)}`;
  const error = h('p', {
    class: 'field__error',
    id: `${name}-error`,
    'data-testid': testid ? `${testid}-error` : null,
  });
  const fieldset = h(
    'fieldset',
    { class: 'choices-field', 'data-testid': testid, 'aria-describedby': `${name}-error` },
    h('legend', { class: 'field__label', text: legend }),
    h(
      'div',
      { class: `choices choices--${columns}` },
      items.map((item) => {
        const input = h('input', {
          type: 'checkbox',
          class: 'choice__input',
          name,
          value: String(item.value),
          checked: chosen.map(String).includes(String(item.value)),
          'data-testid': testid ? `${testid}-${item.value}` : null,
        });
        input.addEventListener('change', () => fieldset.setError(''));
        return h('label', { class: 'choice' }, input, h('span', { class: 'choice__box', text: item.label }));
      }),
    ),
    error,
  );
  Object.defineProperty(fieldset, 'value', {
    get: () => [...fieldset.querySelectorAll('.choice__input:checked')].map((i) => i.value),
  });
  fieldset.setError = (text) => {
    error.textContent = text ?? '';
    fieldset.classList.toggle('choices-field--invalid', Boolean(text));
  };
  return fieldset;
}
