// Screens loaded on first use: the admin's screens are code a grid worker's phone never runs, so
// they are not parsed at start (the worker's task list renders sooner). The files are still in
// the service worker's shell cache, so they open offline too.
import { t } from '../i18n.js';
import { h } from './dom.js';

/**
 * A screen function that shows "loading" at once and puts the real screen in its place when
 * the module (`load()` → import()) is there; focus goes to its heading as for any new screen.
 */
export function lazyScreen(load, name) {
  return (props) => {
    const holder = h(
      'section',
      { class: 'screen', 'aria-busy': 'true' },
      h('p', { class: 'muted', text: t('app.loading') }),
    );
    load()
      .then((module) => {
        if (!holder.isConnected) return; // left before it loaded
        const screen = module[name](props);
        holder.replaceWith(screen);
        screen.querySelector('h1')?.focus({ preventScroll: true });
      })
      .catch((err) => {
        console.error(`could not load the screen ${name}`, err);
        holder.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('error.unexpected') }));
      });
    return holder;
  };
}
