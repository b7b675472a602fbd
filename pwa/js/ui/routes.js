// The screens reached by the address once signed in (#/tasks/<id>, #/report, …), over the
// home screen at #/. app.js shows the one matching the address; a reload or a reopened app
// (offline too) comes back to it. Each screen gets {me, params, query} (query: URLSearchParams).
import { syncScreen } from './conflicts.js';
import { directoryScreen } from './directory.js';
import { lazyScreen } from './lazy.js';
import { reportScreen } from './report.js';
import { completeScreen, unableScreen } from './task-complete.js';
import { taskDetailScreen } from './task-detail.js';

const ROUTES = [
  { pattern: /^\/tasks\/([^/]+)$/, names: ['id'], screen: taskDetailScreen },
  { pattern: /^\/tasks\/([^/]+)\/complete$/, names: ['id'], screen: completeScreen },
  { pattern: /^\/tasks\/([^/]+)\/unable$/, names: ['id'], screen: unableScreen },
  { pattern: /^\/report$/, names: [], screen: reportScreen },
  { pattern: /^\/sync$/, names: [], screen: syncScreen },
  { pattern: /^\/directory$/, names: [], screen: directoryScreen },
  // The admin's screens (任务管理, 派发, 问题上报处理), loaded on first use.
  { pattern: /^\/admin\/tasks$/, names: [], screen: lazyScreen(() => import('./admin-tasks.js'), 'adminTasksScreen') },
  { pattern: /^\/admin\/tasks\/new$/, names: [], screen: lazyScreen(() => import('./admin-task-form.js'), 'newTaskScreen') },
  { pattern: /^\/admin\/tasks\/bulk$/, names: [], screen: lazyScreen(() => import('./admin-bulk.js'), 'bulkScreen') },
  { pattern: /^\/admin\/tasks\/([^/]+)$/, names: ['id'], screen: lazyScreen(() => import('./admin-task.js'), 'adminTaskScreen') },
  { pattern: /^\/admin\/reports$/, names: [], screen: lazyScreen(() => import('./admin-reports.js'), 'reportsScreen') },
  { pattern: /^\/admin\/reports\/([^/]+)\/convert$/, names: ['id'], screen: lazyScreen(() => import('./admin-task-form.js'), 'convertScreen') },
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
    return { path, screen, params, query: new URLSearchParams(search) };
  }
  return null;
}
