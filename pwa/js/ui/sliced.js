// Long lists (the grid worker's tasks, the 心愿墙) drawn a screenful at once and the rest in
// slices between frames: a slow phone shows the first screen sooner and stays responsive to a
// tap while the rest arrives. A redraw asks for at least the rows already shown, so the scroll
// position stays put.

export const FIRST_ROWS = 24; // more than a 740 px screen shows
export const SLICE_ROWS = 60;

/**
 * Fill each part's list with the rows of its items: `budget` rows in all at once (the first
 * parts first), the others SLICE_ROWS at a time between frames. parts: [{list, items, row}].
 * Slicing stops as soon as `current()` is false (drawn again since, or the screen left);
 * `done()` runs once every row is in (at once when nothing was left for later).
 */
export function drawSliced(parts, budget, { current, done = () => {} }) {
  const later = [];
  let left = budget;
  for (const { list, items, row } of parts) {
    list.append(...items.slice(0, left).map(row));
    if (items.length > left) later.push({ list, items: items.slice(left), row });
    left = Math.max(0, left - items.length);
  }
  const next = () => {
    if (!later.length) {
      done();
      return;
    }
    setTimeout(() => {
      if (!current()) return;
      const part = later[0];
      part.list.append(...part.items.splice(0, SLICE_ROWS).map(part.row));
      if (!part.items.length) later.shift();
      next();
    }, 0);
  };
  next();
}

/** How many rows a redraw of `container` draws at once: a screenful, or all those shown now. */
export const budgetOf = (container, rowSelector) =>
  Math.max(FIRST_ROWS, container.querySelectorAll(rowSelector).length);
