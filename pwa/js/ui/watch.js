// Keeps a part of a screen in step with the phone's data: it is drawn again after a local edit
// (the outbox changed), after the server's answers, after a pull brought changes (a new
// assignment arrives without a reload, DESIGN.md S1), when a grid directory arrived (place
// names instead of ids), and optionally on a timer (a task due at
// 17:00 turns overdue at 17:00). Screens are replaced wholesale, so a part no longer on the page
// stops listening by itself.
import { onDirectoriesChange } from '../directory.js';
import { onOutboxChange } from '../outbox.js';
import { onRecordsPulled } from '../sync-pull.js';

const REDRAW_DEBOUNCE_MS = 50; // a sync's several events in a row draw once

/**
 * Calls redraw() (async allowed) after each change while `node` is on the page; never two at
 * once. everyMs: also redraw on that interval. Returns a function that stops it.
 */
export function watchLocalData(node, redraw, { everyMs = null } = {}) {
  const born = Date.now();
  let timer = null;
  let drawing = null;
  let again = false;

  const stops = [onOutboxChange(schedule), onRecordsPulled(schedule), onDirectoriesChange(schedule)];
  const interval = everyMs ? setInterval(schedule, everyMs) : null;

  function stop() {
    stops.forEach((fn) => fn());
    if (interval) clearInterval(interval);
    clearTimeout(timer);
  }

  function schedule() {
    // Not on the page: not attached yet (just built), or gone for good.
    if (!node.isConnected) {
      if (Date.now() - born > 1000) stop();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(run, REDRAW_DEBOUNCE_MS);
  }

  async function run() {
    if (drawing) {
      again = true;
      return;
    }
    drawing = (async () => {
      try {
        await redraw();
      } catch (err) {
        console.warn('could not redraw', err);
      }
    })();
    await drawing;
    drawing = null;
    if (again) {
      again = false;
      schedule();
    }
  }

  return stop;
}
