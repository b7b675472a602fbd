// A screen drawn in parts, each filled from IndexedDB (or the network) a moment after the screen
// is built: the task list, the push offer, the inspections, a badge that unhides a link. Were the
// screen shown at once, each part filling in would push the ones below it down under the thumb
// (a tap landing on the wrong task; Lighthouse's layout shift, issue 15). Instead the screen is
// laid out but not painted until every part says its first draw is done, or SETTLE_MS passed.
//
//   const settle = settling();
//   part.after(reload()) …            each part: settle.after(promiseOfItsFirstDraw)
//   settle.reveal(screenElement);     then the screen shows, once, complete

export const SETTLE_MS = 800; // a part slower than this (the network) fills in where it stands

export function settling() {
  const drawn = [];
  return {
    /** A part's first draw; its failure counts as drawn (the part shows its error). */
    after(promise) {
      drawn.push(Promise.resolve(promise).catch(() => {}));
      return promise;
    },
    /** Hides the screen until the parts are drawn; resolves once it shows. */
    reveal(screen, ms = SETTLE_MS) {
      if (!drawn.length) return Promise.resolve();
      screen.classList.add('screen--settling');
      let timer;
      const waited = new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
      });
      return Promise.race([Promise.all(drawn), waited]).then(() => {
        clearTimeout(timer);
        screen.classList.remove('screen--settling');
        // A hidden heading cannot take the focus app.js gives a new screen: it takes it now.
        if (screen.isConnected && document.activeElement === document.body)
          screen.querySelector('h1')?.focus({ preventScroll: true });
      });
    },
  };
}
