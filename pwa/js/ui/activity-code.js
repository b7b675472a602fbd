// 签到码 / 签退码 on the organiser's phone (#/activities/<id>/code?dir=in|out), for a venue: a
// big QR and the same code in 12 characters to type, both made on this phone from the activity's
// key (PROTOCOL.md §18.4) — no signal needed — and new every 30 s, with the seconds left. The
// screen stays awake where the browser allows it. A screenshot sent home is refused by the server
// (the code's window is checked against the time it was read).
import QRCode from 'qrcode';
import { DIRECTIONS, organiserCode, secondsLeft } from '../activities.js';
import { loadActivity, loadKey } from '../activity-data.js';
import { timeWindow } from '../codes.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { backLink } from './wish-parts.js';

const TICK_MS = 1000;

async function keepAwake(screen) {
  try {
    const lock = await navigator.wakeLock?.request('screen');
    if (!lock) return;
    const release = () => {
      if (!screen.isConnected) lock.release().catch(() => {});
      else setTimeout(release, 2000);
    };
    release();
  } catch {
    // Not allowed here (battery saver, no user gesture): the organiser taps the screen now and then.
  }
}

/** The screen for #/activities/<id>/code. */
export function activityCodeScreen({ params, query }) {
  const id = params.id;
  const direction = DIRECTIONS.includes(query?.get('dir')) ? query.get('dir') : 'in';
  const base = `#/activities/${encodeURIComponent(id)}/code`;
  const canvas = h('canvas', { class: 'checkin-code__qr', 'data-testid': 'code-qr', role: 'img' });
  const typed = h('p', { class: 'checkin-code__typed', 'data-testid': 'code-typed' });
  const countdown = h('p', { class: 'checkin-code__countdown', 'data-testid': 'code-countdown', 'aria-live': 'off' });
  const title = h('p', { class: 'checkin-code__title', 'data-testid': 'code-activity' });
  const problem = h('p', { class: 'alert', role: 'alert', 'data-testid': 'code-problem', hidden: true });
  const tabs = h(
    'nav',
    { class: 'checkin-code__tabs', 'aria-label': t('activity.code_kind') },
    DIRECTIONS.map((dir) =>
      h('a', {
        class: `btn ${dir === direction ? 'btn--primary' : 'btn--secondary'}`,
        href: `${base}?dir=${dir}`,
        'aria-current': dir === direction ? 'page' : null,
        'data-testid': `code-tab-${dir}`,
        text: t(dir === 'in' ? 'activity.code_in' : 'activity.code_out'),
      }),
    ),
  );
  const screen = h(
    'section',
    { class: 'screen checkin-code', 'data-testid': 'activity-code', 'data-direction': direction },
    backLink(`/activities/${id}`, t('activity.back_to_activity')),
    h('h1', {
      class: 'screen__title',
      tabindex: '-1',
      text: t(direction === 'in' ? 'activity.code_in' : 'activity.code_out'),
    }),
    title,
    tabs,
    problem,
    h(
      'div',
      { class: 'checkin-code__card' },
      canvas,
      h('p', { class: 'checkin-code__hint', text: t('activity.code_hint') }),
      typed,
      countdown,
    ),
  );

  let key = null;
  let shown = null;
  let attached = false;
  async function tick() {
    attached ||= screen.isConnected;
    if (attached && !screen.isConnected) return; // the organiser left the screen
    const now = Date.now();
    const window = timeWindow(now);
    if (key && window !== shown) {
      shown = window;
      const code = await organiserCode(key, id, direction, window);
      await QRCode.toCanvas(canvas, code.qr, { width: 300, margin: 2, errorCorrectionLevel: 'M' });
      canvas.dataset.payload = code.qr;
      canvas.dataset.window = String(window);
      canvas.setAttribute('aria-label', t('activity.code_qr_label', { code: code.typed }));
      typed.textContent = code.typed;
    }
    countdown.textContent = t('activity.code_refresh', { n: secondsLeft(now) });
    setTimeout(() => tick().catch((err) => console.error('could not draw the code', err)), TICK_MS);
  }

  Promise.all([loadActivity(id), loadKey(id)])
    .then(([{ item }, held]) => {
      title.textContent = item?.activity?.title ?? '';
      key = held;
      if (!key) {
        problem.textContent = t('activity.no_key');
        problem.hidden = false;
      }
      return tick();
    })
    .catch((err) => {
      console.error('could not read the key', err);
      problem.textContent = t('tasks.load_failed');
      problem.hidden = false;
    });
  keepAwake(screen);
  return screen;
}
