// The admin console's sections: ONE list that admin home's link cards and the console's
// navigation (ui/admin-console.js) are both drawn from. A new section is one entry here:
//   id:     short name (the console marks the current one)
//   href:   its address; `match` the paths that belong to it (default: href's path and below)
//   title, about: catalog keys of its name and the line under it on admin home
//   testid: admin home's link card (tests open sections by it)
//   server: a page the server draws (not a screen of the app): opened as a link, never current
export const ADMIN_SECTIONS = [
  // 工作看板 (issue 16): how the jurisdiction is doing, live, each figure a way to its records.
  { id: 'dashboard', href: '#/admin/dashboard', title: 'dashboard.title', about: 'dashboard.home_about' },
  { id: 'tasks', href: '#/admin/tasks', title: 'admin.tasks.title', about: 'admin.home.tasks_about' },
  { id: 'reports', href: '#/admin/reports', title: 'admin.reports.title', about: 'admin.home.reports_about' },
  { id: 'alerts', href: '#/admin/alerts', title: 'alerts.admin.title', about: 'alerts.admin.about' },
  { id: 'wishes', href: '#/admin/wishes', title: 'wish.admin_title', about: 'wish.admin_home_about' },
  { id: 'matching', href: '#/admin/matching', title: 'matching.title', about: 'matching.home_about' },
  {
    id: 'evaluation',
    href: '#/admin/evaluation',
    title: 'evaluation.admin_title',
    about: 'evaluation.admin_home_about',
  },
  { id: 'scorecards', href: '#/admin/scorecards', title: 'scorecards.title', about: 'admin.home.scorecards_about' },
  {
    id: 'spot-checks',
    href: '#/admin/spot-checks',
    title: 'spot.title',
    about: 'admin.home.spot_about',
  },
  { id: 'plans', href: '#/admin/plans', title: 'plans.title', about: 'admin.home.plans_about' },
  { id: 'templates', href: '#/admin/templates', title: 'templates.title', about: 'admin.home.templates_about' },
  // 月度报告 (issue 16): a community's month on paper for the 联席会议, printed from a server page.
  {
    id: 'monthly',
    href: '/reports/monthly',
    title: 'admin.home.monthly',
    about: 'admin.home.monthly_about',
    server: true,
  },
  // Who and where (issue 16 item 2): people and roles, the org tree and grids, places, companies.
  { id: 'people', href: '#/admin/people', title: 'people.title', about: 'admin.home.people_about' },
  { id: 'org', href: '#/admin/org', title: 'org.title', about: 'admin.home.org_about' },
  {
    id: 'places',
    href: '#/admin/places',
    match: ['/admin/households'],
    title: 'place.title',
    about: 'admin.home.places_about',
  },
  { id: 'companies', href: '#/admin/companies', title: 'company.title', about: 'admin.home.companies_about' },
  { id: 'duplicates', href: '#/admin/duplicates', title: 'duplicates.title', about: 'duplicates.home_about' },
  { id: 'import', href: '#/admin/import', title: 'import.title', about: 'import.home_about' },
  { id: 'audit', href: '#/admin/audit', title: 'audit.title', about: 'admin.home.audit_about' },
];

/** The link card's test id of a section (admin home). */
export const sectionTestid = (section) => section.testid ?? `admin-${section.id}-open`;

/** The section a path such as "/admin/tasks/8c6f?x=1" belongs to, or null. */
export function sectionOf(path) {
  const bare = path.split('?')[0];
  return (
    ADMIN_SECTIONS.find((section) => {
      if (section.server) return false;
      const owned = [section.href.slice(1), ...(section.match ?? [])]; // "#/admin/tasks" → "/admin/tasks"
      return owned.some((own) => bare === own || bare.startsWith(`${own}/`));
    }) ?? null
  );
}
