// 我的服务时长 (#/service): the volunteer's service record — every credited entry (an activity's
// confirmed hours, a micro-wish fulfilled …) newest first, with the totals of this year and of all
// time — read from the synced `service_entry` records (PROTOCOL.md §15.2), offline too. 打印
// prints it as a record to hand to one's own organisation (双报告); the print sheet drops the
// buttons and the app's frame (app.css @media print).
import { loadServiceEntries } from '../activity-data.js';
import { getLocale, t } from '../i18n.js';
import { h } from './dom.js';
import { codeLabel } from './format.js';
import { watchLocalData } from './watch.js';
import { backLink } from './wish-parts.js';

const sum = (entries) => Math.round(entries.reduce((total, e) => total + (Number(e.hours) || 0), 0) * 100) / 100;

function entryRow(entry) {
  const day = entry.occurred_at
    ? new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: 'numeric', day: 'numeric' }).format(
        new Date(entry.occurred_at),
      )
    : '';
  return h(
    'tr',
    { 'data-testid': 'service-entry', 'data-kind': entry.kind },
    h('td', { text: day }),
    h('td', {}, h('span', { class: 'tag', text: codeLabel('service.kind', entry.kind) }), ` ${entry.title ?? ''}`),
    h('td', { class: 'num', text: String(entry.hours ?? 0) }),
  );
}

/** The screen for #/service. */
export function serviceRecordScreen({ me }) {
  const body = h('div', { class: 'service-record' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'service-record' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('service.title') }),
    h('p', { class: 'service-record__who', text: t('service.who', { name: me.user.display_name ?? me.user.phone }) }),
    body,
    h('button', {
      type: 'button',
      class: 'btn btn--secondary btn--big btn--block no-print',
      'data-testid': 'service-print',
      text: t('service.print'),
      onclick: () => window.print(),
    }),
  );
  async function draw() {
    const entries = await loadServiceEntries(me.user.id);
    const year = String(new Date().getFullYear());
    const thisYear = entries.filter((e) => String(e.occurred_at ?? '').startsWith(year));
    body.replaceChildren(
      h(
        'div',
        { class: 'service-record__totals' },
        h(
          'p',
          {},
          h('span', { text: t('service.this_year', { year }) }),
          h('strong', { 'data-testid': 'service-year', text: t('activity.hours_n', { n: sum(thisYear) }) }),
        ),
        h(
          'p',
          {},
          h('span', { text: t('service.all_time') }),
          h('strong', { 'data-testid': 'service-total', text: t('activity.hours_n', { n: sum(entries) }) }),
        ),
      ),
      entries.length
        ? h(
            'table',
            { class: 'service-record__table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { text: t('service.when') }),
                h('th', { text: t('service.what') }),
                h('th', { class: 'num', text: t('service.hours') }),
              ),
            ),
            h('tbody', {}, entries.map(entryRow)),
          )
        : h('p', { class: 'muted empty', 'data-testid': 'service-empty', text: t('service.none') }),
    );
  }
  draw().catch((err) => {
    console.error('could not read the service record', err);
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
