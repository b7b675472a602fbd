// Copies third-party client libraries from node_modules into vendor/ (never committed), then
// checks what the service worker precaches and writes vendor/shell-version.js for it.
// Run after `npm install` and after changing any shell file: `npm run build`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const VENDOR = path.join(ROOT, 'vendor');
// Folders whose every file must be precached, or the app breaks offline.
const SHELL_DIRS = ['js', 'css', 'i18n', 'icons', 'vendor/idb', 'vendor/socket.io'];

const problems = [];

/** Copies an ES module and every module it imports by relative path. */
async function copyModuleGraph(fromDir, entry, toDir) {
  const seen = new Set();
  const queue = [entry];
  while (queue.length) {
    const rel = queue.shift();
    if (seen.has(rel)) continue;
    seen.add(rel);
    const source = await readFile(path.join(fromDir, rel), 'utf8');
    await mkdir(path.dirname(path.join(toDir, rel)), { recursive: true });
    await writeFile(path.join(toDir, rel), source);
    // `from './x.js'`, `import './x.js'` and `import('./x.js')`
    for (const [, spec] of source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (!spec.startsWith('.')) problems.push(`${rel} imports bare specifier ${spec}: the browser cannot load it`);
      else queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)));
    }
  }
  return [...seen];
}

async function vendorIdb() {
  const pkgDir = path.join(ROOT, 'node_modules', 'idb');
  const pkg = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8'));
  const out = path.join(VENDOR, 'idb');
  const files = await copyModuleGraph(path.join(pkgDir, 'build'), 'index.js', out);
  await copyFile(path.join(pkgDir, 'LICENSE'), path.join(out, 'LICENSE')); // ISC: keep the notice
  return { name: 'idb', version: pkg.version, files };
}

/** socket.io-client's own ES module build: one self-contained file. */
async function vendorSocketIo() {
  const pkgDir = path.join(ROOT, 'node_modules', 'socket.io-client');
  const pkg = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8'));
  const out = path.join(VENDOR, 'socket.io');
  await mkdir(out, { recursive: true });
  await copyFile(path.join(pkgDir, 'dist', 'socket.io.esm.min.js'), path.join(out, 'socket.io.esm.min.js'));
  await copyFile(path.join(pkgDir, 'LICENSE'), path.join(out, 'LICENSE')); // MIT: keep the notice
  return { name: 'socket.io-client', version: pkg.version };
}

async function listFiles(dir) {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name !== 'LICENSE')
    .map((e) => '/' + path.relative(ROOT, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'));
}

/** The SHELL_FILES array literal of sw.js, as URL paths. */
async function precacheList() {
  const sw = await readFile(path.join(ROOT, 'sw.js'), 'utf8');
  const literal = sw.match(/const SHELL_FILES = \[([\s\S]*?)\];/);
  if (!literal) throw new Error('sw.js: SHELL_FILES array not found');
  return [...literal[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

const fileFor = (url) => path.join(ROOT, url === '/' ? 'index.html' : url.slice(1));

async function checkPrecache(urls) {
  for (const url of urls) if (!existsSync(fileFor(url))) problems.push(`sw.js precaches ${url}, which does not exist`);
  const listed = new Set(urls);
  for (const dir of SHELL_DIRS) {
    for (const file of await listFiles(dir)) if (!listed.has(file)) problems.push(`${file} is not in sw.js SHELL_FILES`);
  }
}

/** Both catalogs have the same keys, and every literal t('key') in js/ exists. */
async function checkCatalogs() {
  const zh = JSON.parse(await readFile(path.join(ROOT, 'i18n/zh-CN.json'), 'utf8'));
  const en = JSON.parse(await readFile(path.join(ROOT, 'i18n/en.json'), 'utf8'));
  for (const key of Object.keys(zh)) if (!(key in en)) problems.push(`i18n/en.json lacks ${key}`);
  for (const key of Object.keys(en)) if (!(key in zh)) problems.push(`i18n/zh-CN.json lacks ${key}`);
  for (const file of await listFiles('js')) {
    const source = await readFile(fileFor(file), 'utf8');
    for (const [, key] of source.matchAll(/\bt\(\s*'([^']+)'/g)) {
      if (!(key in zh)) problems.push(`${file} uses unknown key ${key}`);
    }
  }
}

/** The CSP forbids inline script and style; catch them before a browser does. */
async function checkIndexHtml() {
  const html = await readFile(path.join(ROOT, 'index.html'), 'utf8');
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push('index.html has an inline <script>');
  if (/<style\b|\sstyle=/i.test(html)) problems.push('index.html has inline style');
}

/** A hash of every precached file and sw.js: any change makes a new cache name. */
async function shellVersion(urls) {
  const hash = createHash('sha256');
  for (const url of [...urls, '/sw.js'].sort()) {
    hash.update(url).update('\0').update(await readFile(fileFor(url))).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

await rm(VENDOR, { recursive: true, force: true });
await mkdir(VENDOR, { recursive: true });
const idb = await vendorIdb();
const socketIo = await vendorSocketIo();
const urls = await precacheList();
await checkPrecache(urls);
await checkCatalogs();
await checkIndexHtml();
if (problems.length) {
  console.error(`build failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const version = await shellVersion(urls);
await writeFile(path.join(VENDOR, 'shell-version.js'),
  `// Written by build.mjs; imported by sw.js so a shell change installs a new worker.\nself.REDGRID_SHELL_VERSION = '${version}';\n`);
await writeFile(path.join(VENDOR, 'VERSION'), `${idb.name} ${idb.version}\n${socketIo.name} ${socketIo.version}\nshell ${version}\n`);
console.log(`vendor: ${idb.name} ${idb.version} (${idb.files.join(', ')}), ${socketIo.name} ${socketIo.version}; shell version ${version}`);
