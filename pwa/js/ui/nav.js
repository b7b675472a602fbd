// Moving between screens by the address (#/tasks/…), so Android's back button, a reload and
// a reopened app (offline, from the service worker) all land where the worker was.
// Each history entry of ours is numbered (history.state.appIndex) and its path remembered, so
// "back to the task" goes back in history when the entry before is that task (the list keeps
// its place, and a saved form never stays behind the back button), else replaces the address.

let lastIndex = -1;
let replacing = false; // the next new entry takes the place (and number) of the current one
const paths = []; // by appIndex: what each entry of this session showed

/** The route part of the address: "#/tasks/8c6f" → "/tasks/8c6f"; "" → "/". */
export function currentPath() {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/';
}

/** Numbers the current history entry if it is new; call on start and on every hashchange. */
export function trackHistory() {
  const state = history.state;
  if (state && Number.isInteger(state.appIndex)) {
    lastIndex = state.appIndex;
  } else {
    if (!replacing) lastIndex += 1;
    history.replaceState({ ...(state ?? {}), appIndex: lastIndex }, '');
  }
  replacing = false;
  paths[lastIndex] = currentPath();
}

/** Goes to a screen, adding a history entry. */
export function navigate(path) {
  location.hash = `#${path}`;
}

/** Replaces this screen's entry with another (after a save: the form must not come back). */
export function replaceWith(path) {
  if (currentPath() === path) return;
  replacing = true;
  location.replace(`#${path}`);
}

/** Leaves a screen for `parent`: back in history when the entry before shows it, else in its place. */
export function goBack(parent = '/') {
  const index = history.state?.appIndex ?? 0;
  if (index > 0 && paths[index - 1] === parent) history.back();
  else replaceWith(parent);
}
