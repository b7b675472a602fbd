// The screens reached by the address once signed in (#/tasks/<id>, #/report, …), over the
// home screen at #/. app.js shows the one matching the address; a reload or a reopened app
// (offline too) comes back to it. Each screen gets {me, params, query} (query: URLSearchParams).
//
// Every screen here is loaded on first use (ui/lazy.js), so opening the app into 我的任务 parses
// none of them. The grid worker's screens are precached by the service worker with the shell
// (they open offline); the admin's (ui/admin-*.js) are cached once an admin signs in (build.mjs).
import { adminConsole } from './admin-console.js';
import { lazyScreen } from './lazy.js';

const ROUTES = [
  {
    pattern: /^\/tasks\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./task-detail.js'), 'taskDetailScreen'),
  },
  {
    pattern: /^\/tasks\/([^/]+)\/complete$/,
    names: ['id'],
    screen: lazyScreen(() => import('./task-complete.js'), 'completeScreen'),
  },
  {
    pattern: /^\/tasks\/([^/]+)\/unable$/,
    names: ['id'],
    screen: lazyScreen(() => import('./task-complete.js'), 'unableScreen'),
  },
  // 地图 (issue 15): the grid's open tasks by compound; linked only when maps are configured.
  { pattern: /^\/map$/, names: [], screen: lazyScreen(() => import('./task-map.js'), 'taskMapScreen') },
  { pattern: /^\/report$/, names: [], screen: lazyScreen(() => import('./report.js'), 'reportScreen') },
  { pattern: /^\/sync$/, names: [], screen: lazyScreen(() => import('./conflicts.js'), 'syncScreen') },
  {
    pattern: /^\/inspections\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./inspection.js'), 'inspectionScreen'),
  },
  { pattern: /^\/orders\/([^/]+)$/, names: ['id'], screen: lazyScreen(() => import('./order.js'), 'orderScreen') },
  { pattern: /^\/directory$/, names: [], screen: lazyScreen(() => import('./directory.js'), 'directoryScreen') },
  // 消息 (issue 6): the inbox, an alert, this device's push settings; #/notifications, issue 5's
  // address of its notices, opens the inbox that holds them now.
  { pattern: /^\/(?:inbox|notifications)$/, names: [], screen: lazyScreen(() => import('./inbox.js'), 'inboxScreen') },
  { pattern: /^\/inbox\/([^/]+)$/, names: ['id'], screen: lazyScreen(() => import('./inbox.js'), 'inboxEntryScreen') },
  {
    pattern: /^\/settings\/notifications$/,
    names: [],
    screen: lazyScreen(() => import('./settings-notifications.js'), 'notificationSettingsScreen'),
  },
  // 微心愿 (S5): a resident's wishes, the volunteers' wall, a card, the admins' review.
  { pattern: /^\/wishes$/, names: [], screen: lazyScreen(() => import('./wishes.js'), 'wishesScreen') },
  { pattern: /^\/wishes\/new$/, names: [], screen: lazyScreen(() => import('./wish-form.js'), 'wishFormScreen') },
  {
    pattern: /^\/wishes\/card\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./wish-card.js'), 'wishCardScreen'),
  },
  { pattern: /^\/wishes\/([^/]+)$/, names: ['id'], screen: lazyScreen(() => import('./wish.js'), 'wishScreen') },
  // 社区活动 (issue 14 item 5): the list, an activity, the volunteer's 扫码签到, the organiser's
  // code and attendance screens (open offline: precached), the admin's form; 我的服务时长.
  { pattern: /^\/activities$/, names: [], screen: lazyScreen(() => import('./activities.js'), 'activitiesScreen') },
  {
    pattern: /^\/activities\/new$/,
    names: [],
    screen: lazyScreen(() => import('./admin-activity-form.js'), 'newActivityScreen'),
  },
  {
    pattern: /^\/activities\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./activity.js'), 'activityScreen'),
  },
  {
    pattern: /^\/activities\/([^/]+)\/edit$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-activity-form.js'), 'editActivityScreen'),
  },
  {
    pattern: /^\/activities\/([^/]+)\/scan$/,
    names: ['id'],
    screen: lazyScreen(() => import('./activity-scan.js'), 'activityScanScreen'),
  },
  {
    pattern: /^\/activities\/([^/]+)\/code$/,
    names: ['id'],
    screen: lazyScreen(() => import('./activity-code.js'), 'activityCodeScreen'),
  },
  {
    pattern: /^\/activities\/([^/]+)\/attendance$/,
    names: ['id'],
    screen: lazyScreen(() => import('./activity-attendance.js'), 'activityAttendanceScreen'),
  },
  { pattern: /^\/service$/, names: [], screen: lazyScreen(() => import('./service-record.js'), 'serviceRecordScreen') },
  { pattern: /^\/wall$/, names: [], screen: lazyScreen(() => import('./wall.js'), 'wallScreen') },
  // 年度评议 (S5): the evaluator's scoring forms, offline too; the organiser's rounds.
  {
    pattern: /^\/evaluation$/,
    names: [],
    screen: lazyScreen(() => import('./evaluation.js'), 'evaluationListScreen'),
  },
  {
    pattern: /^\/evaluation\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./evaluation.js'), 'evaluationFormScreen'),
  },
  {
    pattern: /^\/admin\/evaluation$/,
    names: [],
    screen: lazyScreen(() => import('./admin-evaluation.js'), 'adminEvaluationScreen'),
  },
  {
    pattern: /^\/admin\/evaluation\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-evaluation.js'), 'adminRoundScreen'),
  },
  {
    pattern: /^\/admin\/wishes$/,
    names: [],
    screen: lazyScreen(() => import('./admin-wishes.js'), 'adminWishesScreen'),
  },
  {
    pattern: /^\/admin\/wishes\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-wishes.js'), 'adminWishScreen'),
  },
  // 供需对接 (PROTOCOL.md §21): the community admin's needs with suggested resources.
  {
    pattern: /^\/admin\/matching$/,
    names: [],
    screen: lazyScreen(() => import('./admin-matching.js'), 'adminMatchingScreen'),
  },
  // 诉求 (issue 14): a resident's needs, a need (resident, grid worker, admin), the admins' queue.
  { pattern: /^\/needs$/, names: [], screen: lazyScreen(() => import('./needs.js'), 'needsScreen') },
  { pattern: /^\/needs\/new$/, names: [], screen: lazyScreen(() => import('./need-form.js'), 'needFormScreen') },
  { pattern: /^\/needs\/([^/]+)$/, names: ['id'], screen: lazyScreen(() => import('./need.js'), 'needScreen') },
  {
    pattern: /^\/admin\/needs$/,
    names: [],
    screen: lazyScreen(() => import('./admin-needs.js'), 'adminNeedsScreen'),
  },
  // 入户 (PROTOCOL.md §19): join a household, ask to, the deciders' queue, my account, and the
  // grid worker's invitation for a household of their directory (opens offline).
  { pattern: /^\/join$/, names: [], screen: lazyScreen(() => import('./join.js'), 'joinScreen') },
  { pattern: /^\/join\/request$/, names: [], screen: lazyScreen(() => import('./join.js'), 'joinRequestScreen') },
  {
    pattern: /^\/join\/requests$/,
    names: [],
    screen: lazyScreen(() => import('./join-requests.js'), 'joinRequestsScreen'),
  },
  { pattern: /^\/me$/, names: [], screen: lazyScreen(() => import('./me.js'), 'meScreen') },
  // 重置密码验证码 (§19.5): an admin or grid worker makes a one-time code for someone's account.
  {
    pattern: /^\/accounts\/reset-code$/,
    names: [],
    screen: lazyScreen(() => import('./reset-code.js'), 'resetCodeScreen'),
  },
  { pattern: /^\/invite\/(\d+)$/, names: ['id'], screen: lazyScreen(() => import('./invite.js'), 'inviteScreen') },
  // 双报到 (issue 14): report with a code, my reporting, a unit's secretary's screen, the admins' management.
  { pattern: /^\/members\/join$/, names: [], screen: lazyScreen(() => import('./member-join.js'), 'memberJoinScreen') },
  { pattern: /^\/members\/me$/, names: [], screen: lazyScreen(() => import('./member-mine.js'), 'memberMineScreen') },
  {
    pattern: /^\/members\/units\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./member-unit.js'), 'memberUnitScreen'),
  },
  {
    pattern: /^\/admin\/members$/,
    names: [],
    screen: lazyScreen(() => import('./admin-members.js'), 'adminMembersScreen'),
  },
  { pattern: /^\/admin\/alerts$/, names: [], screen: lazyScreen(() => import('./admin-alerts.js'), 'alertsScreen') },
  {
    pattern: /^\/admin\/alerts\/new$/,
    names: [],
    screen: lazyScreen(() => import('./admin-alert-form.js'), 'newAlertScreen'),
  },
  {
    pattern: /^\/admin\/alerts\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-alerts.js'), 'alertScreen'),
  },
  // 重复居民 (issue 16, 一次采集、多方利用): pairs that look like one person, compared and merged.
  {
    pattern: /^\/admin\/duplicates$/,
    names: [],
    screen: lazyScreen(() => import('./admin-duplicates.js'), 'adminDuplicatesScreen'),
  },
  // 批量导入 (issue 16): households, residents and accounts from a workbook or a CSV.
  {
    pattern: /^\/admin\/import$/,
    names: [],
    screen: lazyScreen(() => import('./admin-import.js'), 'adminImportScreen'),
  },
  // 组织架构, 小区与住户, 物业企业 (issue 16 item 2, PROTOCOL.md §25): the org tree and grid coverage, the
  // place browser (compound → buildings → households → residents), the property companies.
  { pattern: /^\/admin\/org$/, names: [], screen: lazyScreen(() => import('./admin-org.js'), 'adminOrgScreen') },
  {
    pattern: /^\/admin\/places$/,
    names: [],
    screen: lazyScreen(() => import('./admin-places.js'), 'adminPlacesScreen'),
  },
  {
    pattern: /^\/admin\/places\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-places.js'), 'adminCompoundScreen'),
  },
  {
    pattern: /^\/admin\/households\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-places.js'), 'adminHouseholdScreen'),
  },
  {
    pattern: /^\/admin\/companies$/,
    names: [],
    screen: lazyScreen(() => import('./admin-companies.js'), 'adminCompaniesScreen'),
  },
  // 工作看板 (issue 16, PROTOCOL.md §26): an org unit's figures per child unit, live; the admin's own unit or one below.
  {
    pattern: /^\/admin\/dashboard$/,
    names: [],
    screen: lazyScreen(() => import('./admin-dashboard.js'), 'adminDashboardScreen'),
  },
  {
    pattern: /^\/admin\/dashboard\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-dashboard.js'), 'adminDashboardScreen'),
  },
  // 人员管理 and 操作日志 (issue 16): the people of the jurisdiction, a person, the audit log.
  {
    pattern: /^\/admin\/people$/,
    names: [],
    screen: lazyScreen(() => import('./admin-people.js'), 'adminPeopleScreen'),
  },
  {
    pattern: /^\/admin\/people\/new$/,
    names: [],
    screen: lazyScreen(() => import('./admin-people.js'), 'adminPersonNewScreen'),
  },
  {
    pattern: /^\/admin\/people\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-person.js'), 'adminPersonScreen'),
  },
  { pattern: /^\/admin\/audit$/, names: [], screen: lazyScreen(() => import('./admin-audit.js'), 'adminAuditScreen') },
  { pattern: /^\/admin\/tasks$/, names: [], screen: lazyScreen(() => import('./admin-tasks.js'), 'adminTasksScreen') },
  {
    pattern: /^\/admin\/tasks\/new$/,
    names: [],
    screen: lazyScreen(() => import('./admin-task-form.js'), 'newTaskScreen'),
  },
  { pattern: /^\/admin\/tasks\/bulk$/, names: [], screen: lazyScreen(() => import('./admin-bulk.js'), 'bulkScreen') },
  {
    pattern: /^\/admin\/tasks\/([^/]+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-task.js'), 'adminTaskScreen'),
  },
  { pattern: /^\/admin\/reports$/, names: [], screen: lazyScreen(() => import('./admin-reports.js'), 'reportsScreen') },
  {
    pattern: /^\/admin\/reports\/([^/]+)\/convert$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-task-form.js'), 'convertScreen'),
  },
  // Inspections of property services (issue 5): scorecards, random spot checks, periodic plans.
  {
    pattern: /^\/admin\/scorecards$/,
    names: [],
    screen: lazyScreen(() => import('./admin-scorecards.js'), 'scorecardsScreen'),
  },
  {
    pattern: /^\/admin\/scorecards\/compounds\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-scorecards.js'), 'compoundScorecardScreen'),
  },
  {
    pattern: /^\/admin\/spot-checks$/,
    names: [],
    screen: lazyScreen(() => import('./admin-spot-checks.js'), 'spotChecksScreen'),
  },
  { pattern: /^\/admin\/plans$/, names: [], screen: lazyScreen(() => import('./admin-plans.js'), 'plansScreen') },
  {
    pattern: /^\/admin\/templates$/,
    names: [],
    screen: lazyScreen(() => import('./admin-templates.js'), 'templatesScreen'),
  },
  {
    pattern: /^\/admin\/templates\/(\d+)$/,
    names: ['id'],
    screen: lazyScreen(() => import('./admin-templates.js'), 'templateScreen'),
  },
];

/**
 * The route of a path such as "/tasks/8c6f/complete?fix=3": {path, screen, params, query},
 * or null for the home screen (and for any address no screen knows).
 */
export function matchRoute(path) {
  const [route, search = ''] = path.split('?');
  for (const { pattern, names, screen } of ROUTES) {
    const match = pattern.exec(route);
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    // The admin console's screens stand in its shell: its sections a tap away (ui/admin-console.js).
    const shown = route.startsWith('/admin/') ? (props) => adminConsole(route, screen(props)) : screen;
    return { path, screen: shown, params, query: new URLSearchParams(search) };
  }
  return null;
}
