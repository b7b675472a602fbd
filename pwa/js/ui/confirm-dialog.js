// A modal question before an action that cannot be taken back (sending an urgent alert to a
// thousand phones, drawing a spot check): a <dialog> opened with showModal(), so focus stays in it,
// Esc cancels and a screen reader hears its title and text. The safe answer is focused first.
import { h } from './dom.js';

/**
 * confirmDialog({title, lines, confirm, cancel, testid}) → Promise<boolean>: true when
 * the person chose `confirm`. lines: strings, each a paragraph (a warning first if there is one).
 */
export function confirmDialog({ title, lines = [], confirm, cancel, testid = 'confirm' }) {
  const titleId = `${testid}-title`;
  const yes = h('button', {
    type: 'button',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': `${testid}-yes`,
    text: confirm,
  });
  const no = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--big btn--block',
    'data-testid': `${testid}-no`,
    text: cancel,
  });
  const dialog = h(
    'dialog',
    { class: 'confirm', 'data-testid': testid, 'aria-labelledby': titleId },
    h('h2', { class: 'confirm__title', id: titleId, text: title }),
    lines.filter(Boolean).map((line) => h('p', { class: 'confirm__line', text: line })),
    h('div', { class: 'confirm__buttons' }, yes, no),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener('click', () => close(true));
    no.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault(); // Esc: the same as 取消, through close()
      close(false);
    });
    dialog.showModal();
    no.focus();
  });
}
