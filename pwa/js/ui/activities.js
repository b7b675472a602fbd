// 社区活动 (#/activities): the community's activities still open for sign-up, soonest first,
// with mine marked (已报名 / 候补 / 已签到); then the ones I signed up for, and past ones I
// organised or attended. An admin gets 发布活动. Read from IndexedDB (offline too), drawn again
// as pulls bring changes.
import { activityLists, isAdmin } from '../activities.js';
import { loadActivities, loadSignups } from '../activity-data.js';
import { t } from '../i18n.js';
import { activityRow } from './activity-parts.js';
import { h } from './dom.js';
import { listSection } from './inspection-parts.js';
import { watchLocalData } from './watch.js';
import { backLink } from './wish-parts.js';

/** The screen for #/activities. */
export function activitiesScreen({ me }) {
  const lists = h('div', { class: 'activity-lists' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'activities' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('activity.list_title') }),
    h('p', { class: 'muted', text: t('activity.list_about') }),
    isAdmin(me)
      ? h('a', {
          class: 'btn btn--primary btn--big btn--block',
          href: '#/activities/new',
          'data-testid': 'activity-new',
          text: t('activity.new'),
        })
      : null,
    lists,
  );
  async function draw() {
    const [activities, signups] = await Promise.all([loadActivities(), loadSignups()]);
    const { upcoming, mine, past } = activityLists(activities, signups, me);
    lists.replaceChildren(
      ...[
        mine.length
          ? listSection({
              name: 'mine',
              title: t('activity.mine'),
              rows: mine.map(activityRow),
              testid: 'activities-mine',
              heading: 'h2',
            })
          : null,
        listSection({
          name: 'upcoming',
          title: t('activity.upcoming'),
          rows: upcoming.map(activityRow),
          testid: 'activities-upcoming',
          heading: 'h2',
        }),
        upcoming.length
          ? null
          : h('p', {
              class: 'muted empty',
              'data-testid': 'activities-empty',
              text: t(mine.length ? 'activity.none_other' : 'activity.none'),
            }),
        past.length
          ? listSection({
              name: 'past',
              title: t('activity.past'),
              rows: past.map(activityRow),
              folded: true,
              testid: 'activities-past',
            })
          : null,
      ].filter(Boolean),
    );
  }
  draw().catch((err) => {
    console.error('could not read the activities', err);
    lists.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
