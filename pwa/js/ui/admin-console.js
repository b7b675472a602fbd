// The admin console's shell around every admin screen (#/admin/…): the sections of
// ui/admin-nav.js as a navigation beside the screen at ≥ 1024 px, and behind one 44 px menu
// button at the top on a phone (a drawer that closes on a choice or Escape).
import { t } from '../i18n.js';
import { ADMIN_SECTIONS, sectionOf } from './admin-nav.js';
import { h } from './dom.js';

/** The console's navigation: links to every section, the current one marked. */
export function consoleNav(path, { onChoose = () => {} } = {}) {
  const current = sectionOf(path);
  return h(
    'ul',
    { class: 'console-nav__list' },
    ADMIN_SECTIONS.map((section) =>
      h(
        'li',
        {},
        h('a', {
          class: 'console-nav__link',
          href: section.href,
          'data-testid': `console-nav-${section.id}`,
          'aria-current': section === current ? 'page' : null,
          text: t(section.title),
          onclick: onChoose,
        }),
      ),
    ),
  );
}

/** The shell: {menu button, navigation} beside `content` (a screen's node). */
export function adminConsole(path, content) {
  const navId = 'console-nav';
  const toggle = h('button', {
    type: 'button',
    class: 'btn btn--ghost console__menu',
    'aria-expanded': 'false',
    'aria-controls': navId,
    'data-testid': 'console-menu',
    text: t('admin.nav.menu'),
  });
  const nav = h(
    'nav',
    { id: navId, class: 'console-nav', 'aria-label': t('admin.nav.label'), 'data-testid': 'console-nav' },
    h('a', { class: 'console-nav__home', href: '#/', text: t('admin.nav.home') }),
    consoleNav(path, { onChoose: () => setOpen(false) }),
  );
  function setOpen(open) {
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('console-nav--open', open);
  }
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    setOpen(open);
    if (open) nav.querySelector('[aria-current="page"], a')?.focus();
  });
  nav.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && nav.classList.contains('console-nav--open')) {
      setOpen(false);
      toggle.focus();
    }
  });
  const bar = h('div', { class: 'console__bar' }, toggle);
  return h(
    'div',
    { class: 'console', 'data-testid': 'admin-console' },
    bar,
    nav,
    h('div', { class: 'console__content' }, content),
  );
}
