// The admin's part of the home screen: 任务管理 (progress per grid, giving out tasks) and
// 问题上报 (the queue of problems reported from the field, with how many wait). Nothing for
// users who are no admin.
import { isAdmin } from '../admin.js';
import { adminSession, countNewReports } from '../admin-data.js';
import { t } from '../i18n.js';
import { isOnline } from '../net.js';
import { h } from './dom.js';
import { linkCard } from './home-links.js';

/** The section, or null for a user who is no admin. */
export function adminSection({ me }) {
  if (!isAdmin(me)) return null;
  adminSession(me.user.id);
  const waiting = h('span', { class: 'count count--alert', 'data-testid': 'admin-reports-count', hidden: true });
  if (isOnline()) {
    countNewReports().then(
      (count) => {
        waiting.textContent = t('admin.home.reports_waiting', { count });
        waiting.hidden = !count;
      },
      () => {},
    );
  }
  return h(
    'nav',
    { class: 'admin-home', 'data-testid': 'admin-home', 'aria-label': t('admin.home.label') },
    // 工作看板 (issue 16): the jurisdiction's figures per community or grid, live.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/dashboard',
      testid: 'admin-dashboard-open',
      title: t('dashboard.title'),
      about: t('dashboard.home_about'),
    }),
    linkCard({
      kind: 'admin-link',
      href: '#/admin/tasks',
      testid: 'admin-tasks-open',
      title: t('admin.tasks.title'),
      about: t('admin.home.tasks_about'),
    }),
    linkCard({
      kind: 'admin-link',
      href: '#/admin/reports',
      testid: 'admin-reports-open',
      title: t('admin.reports.title'),
      about: t('admin.home.reports_about'),
      badge: waiting,
    }),
    // 通知管理 (issue 6): publish alerts, see who got them.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/alerts',
      testid: 'admin-alerts-open',
      title: t('alerts.admin.title'),
      about: t('alerts.admin.about'),
    }),
    // 心愿审核 (S5): residents' wishes waiting to be published on the wall.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/wishes',
      testid: 'admin-wishes-open',
      title: t('wish.admin_title'),
      about: t('wish.admin_home_about'),
    }),
    // 供需对接 (issue 14): residents' needs matched with the units' resources, confirmed in a tap.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/matching',
      testid: 'admin-matching-open',
      title: t('matching.title'),
      about: t('matching.home_about'),
    }),
    // 批量导入 (issue 16): households, residents and accounts from Excel or CSV.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/import',
      testid: 'admin-import-open',
      title: t('import.title'),
      about: t('import.home_about'),
    }),
    // 重复居民 (issue 16): one record per person — find and merge duplicate residents.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/duplicates',
      testid: 'admin-duplicates-open',
      title: t('duplicates.title'),
      about: t('duplicates.home_about'),
    }),
    // 年度评议 (S5): the December evaluation of the units and members reporting to a community.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/evaluation',
      testid: 'admin-evaluation-open',
      title: t('evaluation.admin_title'),
      about: t('evaluation.admin_home_about'),
    }),
    // Property services (红色物业): how the companies score, random checks, the inspection plans.
    linkCard({
      kind: 'admin-link',
      href: '#/admin/scorecards',
      testid: 'admin-scorecards-open',
      title: t('scorecards.title'),
      about: t('admin.home.scorecards_about'),
    }),
    // 月度报告 (issue 16): a community's month on paper for the 联席会议, printed from a server page.
    linkCard({
      kind: 'admin-link',
      href: '/reports/monthly',
      testid: 'admin-monthly-open',
      title: t('admin.home.monthly'),
      about: t('admin.home.monthly_about'),
    }),
    linkCard({
      kind: 'admin-link',
      href: '#/admin/spot-checks',
      testid: 'admin-spot-checks-open',
      title: t('spot.title'),
      about: t('admin.home.spot_about'),
    }),
    linkCard({
      kind: 'admin-link',
      href: '#/admin/plans',
      testid: 'admin-plans-open',
      title: t('plans.title'),
      about: t('admin.home.plans_about'),
    }),
    linkCard({
      kind: 'admin-link',
      href: '#/admin/templates',
      testid: 'admin-templates-open',
      title: t('templates.title'),
      about: t('admin.home.templates_about'),
    }),
  );
}
