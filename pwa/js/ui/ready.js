// "The first screen is drawn": the home's task list says so once it shows its first rows (or its
// error), and app.js starts the work that can wait for it (syncing, the live connection), so that
// on a slow phone none of it competes with opening the app. Screens without such a list never say
// it: `whenFirstScreen(ms)` then resolves after ms anyway.
let drawn;
const first = new Promise((resolve) => {
  drawn = resolve;
});

/** Called by a screen once the user sees what they opened the app for. Later calls do nothing. */
export function firstScreenDrawn() {
  drawn();
}

/** Resolves once the first screen is drawn, or after timeoutMs, whichever comes first. */
export function whenFirstScreen(timeoutMs) {
  return Promise.race([
    first,
    new Promise((resolve) => {
      setTimeout(resolve, timeoutMs);
    }),
  ]);
}
