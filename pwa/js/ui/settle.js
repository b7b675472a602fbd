// A screen drawn in parts, each filled from IndexedDB (or the network) a moment after the screen
// is built: the task list, the push offer, the inspections, a badge that unhides a link. Were the
// screen shown at once, each part filling in would push the ones below it down under the thumb
// (a tap landing on the wrong task; Lighthouse's layout shift, issue 15). Instead the screen is
// laid out but not painted until the parts are drawn — or until every part still drawing starts
// below the bottom of the screen (what moves there moves unseen), or a part's wait ran out.
//
//   const settle = settling();
//   settle.after(reload(), { node })   each part: the promise of its first draw, and its element
//   settle.reveal(screenElement);      then the screen shows, once, as complete as it needs to be

import { h } from './dom.js';

export const PART_WAIT_MS = 800; // a part slower than this (the network) fills in where it stands

/** Whether the element starts below the bottom of the window (laid out, hidden or not). */
const belowTheFold = (node) => node.isConnected && node.getBoundingClientRect().top >= window.innerHeight;

export function settling() {
  const parts = []; // {node, done}
  const note = h('p', { class: 'settle-note', role: 'status' });
  let check = () => {}; // set by reveal()

  return {
    /**
     * A part's first draw; its failure counts as drawn (the part shows its error). node: its
     * element (a part below the fold is not waited for); waitMs: how long it is waited for at most.
     * A part may add parts of its own as it draws (a lazy part's lists).
     */
    after(promise, { node = null, waitMs = PART_WAIT_MS } = {}) {
      const part = { node, done: false };
      parts.push(part);
      let timer;
      const waited = new Promise((resolve) => {
        timer = setTimeout(resolve, waitMs);
      });
      Promise.race([Promise.resolve(promise).catch(() => {}), waited]).then(() => {
        clearTimeout(timer);
        part.done = true;
        check();
      });
      return promise;
    },
    /** What the screen says while it waits (after a moment). */
    say(text) {
      note.textContent = text;
    },
    /** Hides the screen until it can show (above); resolves once it shows. */
    reveal(screen) {
      if (!parts.length) return Promise.resolve();
      screen.classList.add('screen--settling');
      screen.prepend(note);
      return new Promise((resolve) => {
        check = () => {
          const waiting = parts.filter((part) => !part.done);
          if (waiting.length && !waiting.every((part) => part.node && belowTheFold(part.node))) return;
          check = () => {};
          note.remove();
          screen.classList.remove('screen--settling');
          // A hidden heading cannot take the focus app.js gives a new screen: it takes it now.
          if (screen.isConnected && document.activeElement === document.body)
            screen.querySelector('h1')?.focus({ preventScroll: true });
          resolve();
        };
      });
    },
  };
}
