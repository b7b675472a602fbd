// The server's limits and vocabularies reach the PWA once, through generated/constants.json
// (scripts/export_constants.py writes it; tests/server/test_client_constants.py fails when it is
// stale): the modules export its values, every form field's maxlength is its limit, and no copy
// of a vocabulary is left in the sources.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';

const ROOT = new URL('../', import.meta.url);
const exported = JSON.parse(await readFile(new URL('generated/constants.json', ROOT), 'utf8'));
const alerts = await import('../js/alerts.js');
const tasks = await import('../js/tasks.js');
const admin = await import('../js/admin.js');
const inspections = await import('../js/inspections.js');
const search = await import('../js/directory-search.js');
const activities = await import('../js/activities.js');
const vocab = await import('../js/vocab.js');

/** [path under pwa/, text] of every script of the app and its service worker. */
async function sources() {
  const files = (await readdir(new URL('js/', ROOT), { recursive: true }))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `js/${f}`);
  const worker = (await readdir(new URL('sw/', ROOT)).catch(() => []))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `sw/${f}`);
  return Promise.all(
    [...files, ...worker, 'sw.js'].map(async (file) => [file, await readFile(new URL(file, ROOT), 'utf8')]),
  );
}

test("the modules export the server's vocabularies and limits", () => {
  const { alerts: A, tasks: T, inspections: I } = exported;
  assert.equal(alerts.TITLE_MAX, A.TITLE_MAX);
  assert.equal(alerts.BODY_MAX, A.BODY_MAX);
  assert.deepEqual(alerts.LEVELS, A.LEVELS);
  assert.deepEqual(alerts.CATEGORIES, A.CATEGORIES);
  assert.deepEqual(alerts.DELIVERY_STATES, A.DELIVERY_STATES);
  assert.deepEqual([...alerts.TARGET_ROLES].sort(), [...exported.roles].sort(), "every role, in the form's own order");

  assert.deepEqual(tasks.TASK_TYPES, T.TYPES);
  assert.deepEqual(tasks.PRIORITIES, T.PRIORITIES);
  assert.deepEqual(tasks.OPEN_STATUSES, T.OPEN_STATUSES);
  assert.deepEqual([...tasks.OPEN_STATUSES, ...tasks.CLOSED_STATUSES].sort(), [...T.STATUSES].sort());
  assert.deepEqual(tasks.OUTCOMES, T.OUTCOMES);
  assert.deepEqual(tasks.CHECKLIST_ANSWERS, T.CHECKLIST_ANSWERS);
  assert.deepEqual(tasks.REPORT_CATEGORIES, T.REPORT_CATEGORIES);
  assert.deepEqual(admin.TASK_STATUSES, T.STATUSES);
  assert.deepEqual(admin.TARGET_KINDS, T.TARGET_KINDS);
  assert.deepEqual(admin.BULK_KINDS, T.BULK_TARGET_KINDS);
  assert.deepEqual(admin.REPORT_FILTERS, [...T.REPORT_STATUSES, 'handled', 'all']);
  assert.deepEqual(search.CARE_FLAGS, T.CARE_FLAGS);

  assert.deepEqual(inspections.INSPECTION_GROUPS, I.STATUSES);
  assert.deepEqual(inspections.ITEM_RESULTS, I.ITEM_RESULTS);
  assert.deepEqual(inspections.SEVERITIES, I.SEVERITIES);
  assert.equal(inspections.MAX_ITEM_PHOTOS, I.MAX_ITEM_PHOTOS);

  assert.deepEqual(activities.STATUSES, exported.activities.STATUSES);
  assert.deepEqual(activities.SIGNUP_STATUSES, exported.activities.SIGNUP_STATUSES);

  assert.deepEqual(vocab.SKILLS, exported.vocab.SKILLS);
  assert.deepEqual(vocab.SLOTS, exported.vocab.SLOTS);
});

test("the shared vocabulary's words are the server's: no catalog of the PWA writes them again", async () => {
  for (const locale of ['zh-CN', 'en']) {
    const catalog = JSON.parse(await readFile(new URL(`i18n/${locale}.json`, ROOT), 'utf8'));
    const copied = Object.keys(catalog).filter((key) => /^(vocab|member)\.(skill|slot)\./.test(key));
    assert.deepEqual(copied, [], `${locale}: the words come from constants.json's vocab.WORDS`);
    const words = exported.vocab.WORDS[locale];
    for (const code of exported.vocab.SKILLS) assert.ok(words[`vocab.skill.${code}`], `${locale} ${code}`);
  }
});

test("the shared constants cannot be changed by one module under another's feet", () => {
  assert.throws(() => tasks.TASK_TYPES.push('x'), TypeError);
  assert.throws(() => {
    alerts.LEVELS[0] = 'x';
  }, TypeError);
});

// Each form field with a maxlength, by file and data-testid: the limit of the server it is.
const LIMITS = {
  'js/ui/admin-alert-form.js': { 'alert-title-input': 'alerts.TITLE_MAX', 'alert-body-input': 'alerts.BODY_MAX' },
  'js/ui/admin-task-form.js': { 'task-title-input': 'tasks.TITLE_MAX', 'task-description': 'tasks.DESCRIPTION_MAX' },
  'js/ui/admin-task.js': {
    'edit-title': 'tasks.TITLE_MAX',
    'edit-description': 'tasks.DESCRIPTION_MAX',
    'cancel-reason': 'tasks.CANCEL_REASON_MAX',
  },
  'js/ui/admin-bulk.js': { 'task-description': 'tasks.DESCRIPTION_MAX' },
  'js/ui/admin-reports.js': { 'dismiss-reason': 'tasks.DISMISS_REASON_MAX' },
  'js/ui/task-complete.js': { notes: 'tasks.NOTES_MAX', 'unable-reason': 'tasks.UNABLE_REASON_MAX' },
  'js/ui/report.js': { 'report-description': 'tasks.REPORT_DESCRIPTION_MAX' },
  'js/ui/inspection-form.js': { 'inspection-notes': 'inspections.NOTES_MAX' },
  'js/ui/inspection-item.js': { 'item-note-${code}': 'inspections.ITEM_NOTE_MAX' },
  'js/ui/order.js': { 'response-text': 'inspections.RESPONSE_TEXT_MAX', 'review-note': 'inspections.REVIEW_NOTE_MAX' },
  'js/ui/wish-form.js': { 'wish-title': 'wishes.TITLE_MAX', 'wish-reason': 'wishes.REASON_MAX' },
  'js/ui/wish.js': { 'rating-comment': 'wishes.COMMENT_MAX' },
  'js/ui/wish-card.js': { 'fulfil-note': 'wishes.NOTE_MAX' },
  'js/ui/evaluation.js': { 'evaluation-comment': 'evaluation.COMMENT_MAX' },
  'js/ui/need-form.js': { 'need-text': 'needs.TEXT_MAX' },
  'js/ui/need.js': {
    'need-note': 'needs.NOTE_MAX',
    'need-referred-to': 'needs.REFERRED_TO_MAX',
    'need-rating-comment': 'needs.COMMENT_MAX',
  },
  'js/ui/admin-wishes.js': {
    'public-title': 'wishes.TITLE_MAX',
    'public-text': 'wishes.PUBLIC_TEXT_MAX',
    'review-note': 'wishes.NOTE_MAX',
  },
  'js/ui/join.js': {
    'request-building': 'join.ADDRESS_PART_MAX',
    'request-unit': 'join.ADDRESS_PART_MAX',
    'request-room': 'join.ADDRESS_PART_MAX',
    'request-name': 'join.NAME_MAX',
    'request-note': 'join.NOTE_MAX',
  },
  'js/ui/join-requests.js': { 'request-reason': 'join.REASON_MAX' },
  'js/ui/me.js': { 'me-name': 'join.NAME_MAX' },
  'js/ui/register.js': { 'register-name': 'join.NAME_MAX' },
  'js/ui/member-parts.js': { '${prefix}-branch': 'members.NAME_MAX', '${prefix}-skills-note': 'members.NOTE_MAX' },
  'js/ui/member-join.js': {
    'unit-name': 'members.NAME_MAX',
    'unit-party-org': 'members.NAME_MAX',
    'unit-contact-name': 'members.PERSON_MAX',
    'unit-about': 'members.TEXT_MAX',
  },
  'js/ui/member-unit.js': {
    'resource-name': 'members.NAME_MAX',
    'resource-description': 'members.TEXT_MAX',
    'resource-availability-note': 'members.NOTE_MAX',
  },
  'js/ui/admin-members.js': {
    'code-note': 'members.NOTE_MAX',
    'project-title': 'members.NAME_MAX',
    'project-description': 'members.TEXT_MAX',
  },
  'js/ui/admin-activity-form.js': {
    'activity-title-input': 'activities.TITLE_MAX',
    'activity-place-input': 'activities.PLACE_MAX',
    'activity-description-input': 'activities.DESCRIPTION_MAX',
  },
  'js/ui/admin-matching.js': {
    'match-activity-title': 'activities.TITLE_MAX',
    'match-activity-place': 'activities.PLACE_MAX',
  },
  'js/ui/admin-org.js': { 'org-new-name': 'org.UNIT_NAME_MAX', 'org-rename-name': 'org.UNIT_NAME_MAX' },
  'js/ui/admin-places.js': {
    'places-q': 'org.SEARCH_MAX',
    'compound-name': 'org.COMPOUND_NAME_MAX',
    'compound-address': 'org.ADDRESS_MAX',
    'committee-name': 'org.COMMITTEE_NAME_MAX',
    'committee-chair': 'org.CHAIR_MAX',
    'building-name': 'org.BUILDING_NAME_MAX',
    'household-unit': 'org.UNIT_MAX',
    'household-room': 'org.ROOM_MAX',
    'resident-name': 'org.RESIDENT_NAME_MAX',
  },
  'js/ui/admin-companies.js': {
    'companies-q': 'org.COMPANY_SEARCH_MAX',
    'company-name': 'org.COMPANY_NAME_MAX',
    'company-code': 'org.CREDIT_CODE_MAX',
    'company-phone': 'org.COMPANY_PHONE_MAX',
  },
  'js/ui/admin-templates.js': {
    'template-name': 'inspections.TEMPLATE_NAME_MAX',
    'category-name': 'inspections.CATEGORY_NAME_MAX',
    'item-text': 'inspections.ITEM_TEXT_MAX',
  },
};
// The PWA's own, not a number the server exports: a bulk title leaves room for the names that
// replace {target}; a draw's seed of 1–64 characters is written in the server's regular expression.
const CLIENT_ONLY = {
  'js/ui/admin-bulk.js': { 'task-title-input': 100 },
  'js/ui/admin-spot-checks.js': { 'draw-seed-input': 64 },
  // A typed check-in code is 12 characters; dashes and spaces as people type them leave room.
  'js/ui/activity-scan.js': { 'scan-typed': 20 },
};

/** The object literal around text[at]: from its unmatched `{` to the matching `}`. */
function enclosingObject(text, at) {
  let depth = 0;
  let start = at;
  for (; start > 0; start -= 1) {
    if (text[start] === '}') depth += 1;
    if (text[start] === '{' && depth-- === 0) break;
  }
  let end = start;
  for (depth = 0; end < text.length; end += 1) {
    if (text[end] === '{') depth += 1;
    if (text[end] === '}' && --depth === 0) break;
  }
  return text.slice(start, end + 1);
}

/** The value of `maxlength: <expr>`: a number, a constant of constants.js, or a name a module exports. */
async function limitOf(expr, source) {
  if (/^\d+$/.test(expr)) return Number(expr);
  const member = expr.match(/^(ORG|ALERTS|TASKS|INSPECTIONS|WISHES|EVALUATION|NEEDS|JOIN|MEMBERS|ACTIVITIES)\.(\w+)$/);
  if (member) return exported[member[1].toLowerCase()][member[2]];
  for (const [, names, from] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    if (
      names
        .split(',')
        .map((n) => n.trim())
        .includes(expr)
    )
      return (await import(new URL(from, new URL('js/ui/', ROOT)).href))[expr];
  }
  return undefined;
}

test("every form field's maxlength is the server's limit for that field", async () => {
  const found = {};
  for (const [file, source] of await sources()) {
    for (const match of source.matchAll(/\bmaxlength:\s*([\w.]+)/g)) {
      const literal = enclosingObject(source, match.index);
      const testid = literal.match(/(?:testid|'data-testid'):\s*['`]([^'`]+)['`]/)?.[1];
      assert.ok(testid, `${file}: a maxlength without a data-testid: ${literal}`);
      (found[file] ??= {})[testid] = await limitOf(match[1], source);
    }
  }
  const expected = structuredClone(CLIENT_ONLY);
  for (const [file, fields] of Object.entries(LIMITS)) {
    for (const [testid, path] of Object.entries(fields)) {
      const [domain, name] = path.split('.');
      assert.equal(typeof exported[domain][name], 'number', `constants.json has ${path}`);
      (expected[file] ??= {})[testid] = exported[domain][name];
    }
  }
  assert.deepEqual(found, expected);
});

test('no vocabulary of the server is written again in the sources', async () => {
  const lists = [['roles', exported.roles]];
  for (const domain of [
    'org',
    'alerts',
    'tasks',
    'inspections',
    'wishes',
    'evaluation',
    'needs',
    'join',
    'members',
    'activities',
  ]) {
    for (const [name, value] of Object.entries(exported[domain]))
      if (Array.isArray(value)) lists.push([`${domain}.${name}`, value]);
  }
  const copies = [];
  for (const [file, source] of await sources()) {
    for (const [name, codes] of lists) {
      const literal = new RegExp(`\\[\\s*${codes.map((code) => `['"]${code}['"]`).join('\\s*,\\s*')}\\s*,?\\s*\\]`);
      if (literal.test(source)) copies.push(`${file}: ${name}`);
    }
  }
  assert.deepEqual(copies, [], 'import these from js/constants.js');
});
