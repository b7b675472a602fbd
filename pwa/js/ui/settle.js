// A screen drawn in parts, each filled from IndexedDB (or the network) a moment after the screen
// is built: the task list, the push offer, the inspections, a badge that unhides a link. Were the
// screen shown at once, each part filling in would push the ones below it down under the thumb
// (a tap landing on the wrong task; Lighthouse's layout shift, issue 15). Instead the screen is
// laid out but not painted until every part says its first draw is done, or SETTLE_MS passed.
//
//   const settle = settling();
//   part.after(reload()) …            each part: settle.after(promiseOfItsFirstDraw)
//   settle.reveal(screenElement);     then the screen shows, once, complete

import { h } from './dom.js';

export const SETTLE_MS = 800; // a part slower than this (the network) fills in where it stands

/** Waits for every part, those that a part adds as it draws (a lazy part's own lists) included. */
async function allDrawn(drawn) {
  for (let seen = 0; seen < drawn.length; ) {
    const now = drawn.length;
    await Promise.all(drawn.slice(seen));
    seen = now;
  }
}

export function settling() {
  const drawn = [];
  const note = h('p', { class: 'settle-note', role: 'status' });
  return {
    /**
     * A part's first draw; its failure counts as drawn (the part shows its error). waitMs: how
     * long the screen waits for it at most.
     */
    after(promise, { waitMs = SETTLE_MS } = {}) {
      let timer;
      const waited = new Promise((resolve) => {
        timer = setTimeout(resolve, waitMs);
      });
      const first = Promise.resolve(promise).catch(() => {});
      drawn.push(Promise.race([first, waited]).then(() => clearTimeout(timer)));
      return promise;
    },
    /** What the screen says while it waits (after a moment), e.g. "首次同步…". */
    say(text) {
      note.textContent = text;
    },
    /** Hides the screen until the parts are drawn; resolves once it shows. */
    reveal(screen) {
      if (!drawn.length) return Promise.resolve();
      screen.classList.add('screen--settling');
      screen.prepend(note);
      return allDrawn(drawn).then(() => {
        note.remove();
        screen.classList.remove('screen--settling');
        // A hidden heading cannot take the focus app.js gives a new screen: it takes it now.
        if (screen.isConnected && document.activeElement === document.body)
          screen.querySelector('h1')?.focus({ preventScroll: true });
      });
    },
  };
}
