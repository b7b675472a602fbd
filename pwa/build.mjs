// Builds the PWA into dist/, which is what the server sends (server/web/routes.py) — never the
// sources. Run after `npm ci` and after changing any file of the app: `npm run build`.
//
// - JavaScript: esbuild bundles js/ with the npm packages it imports (idb, socket.io-client),
//   minified, split into shared chunks. Modules keep their URL (/js/app.js …) when they are an
//   entry: the app's start, and the modules tests and benches import by URL (one instance with
//   the app's, as chunks are shared). Chunks carry a content hash in their name.
// - Lazy screens (`import()` of ui/admin-*.js) become chunks of their own: a grid worker's phone
//   precaches and parses only what the worker's screens need; an admin's phone caches the admin
//   chunks after sign-in (the service worker's `cache-lazy` message, js/app.js).
// - CSS and the catalogs are minified (css/photo-viewer.css bundled with PhotoSwipe's stylesheet,
//   loaded by the viewer only); every text file gets .gz and .br twins, sent as they are
//   by the server (no compression per request).
// - dist/sw.js is sw.js bundled with its modules (build-sw.mjs), with the shell's file lists and
//   version (a hash of them all) filled in: any change to the app ships as a new service worker
//   and a fresh cache.
// - Checks that fail the build: catalogs with different keys, a literal t('key') missing from
//   the catalog, inline script or style in index.html (the CSP forbids both).
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

import * as esbuild from 'esbuild';

import { bundleServiceWorker } from './build-sw.mjs';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(ROOT, 'dist');
// Entries: the app, and the modules tests and benches import by URL (`await import('/js/db.js')`).
const ENTRIES = ['app', 'db', 'outbox', 'photos', 'session', 'sync-client', 'sync-pull', 'sync-push'];
// Screens only admins open: not precached on every phone (see splitOutputs).
const ADMIN = /^js\/ui\/admin-/;
// Maps (Leaflet and its stylesheet): fetched when a map is first shown, which needs the network
// for its tiles anyway; never precached (a deployment without a tile server never loads them).
const MAP_CODE = /^js\/ui\/map-leaflet\.js$/;
const MAP_FILES = /\/css\/map\.css$/;
// Chart.js: in the dashboard chart's chunk only (lazy: cached after an admin signs in, never in the shell).
const CHART_CODE = /node_modules\/chart\.js\//;
const CHART_ENTRY = /^js\/ui\/admin-dashboard-chart\.js$/;
const COPIED = ['index.html', 'manifest.webmanifest', 'favicon.ico', 'icons'];
const COMPRESSIBLE = /\.(js|css|json|html|webmanifest|txt|ico|svg)$/;
// What the sources already need (Object.hasOwn, crypto.randomUUID): Chrome 93, Safari 15.4, Firefox 92.
const TARGET = ['chrome93', 'safari15.4', 'firefox92'];

const problems = [];
const posix = (p) => p.split(path.sep).join('/');
const url = (file) => `/${posix(path.relative(DIST, file))}`;

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** Both catalogs have the same keys, and every literal t('key') in js/ exists. */
async function checkCatalogs(zh, en) {
  for (const key of Object.keys(zh)) if (!(key in en)) problems.push(`i18n/en.json lacks ${key}`);
  for (const key of Object.keys(en)) if (!(key in zh)) problems.push(`i18n/zh-CN.json lacks ${key}`);
  for (const file of await listFiles(path.join(ROOT, 'js'))) {
    const source = await readFile(file, 'utf8');
    for (const [, key] of source.matchAll(/\bt\(\s*'([^']+)'/g)) {
      if (!(key in zh)) problems.push(`${posix(path.relative(ROOT, file))} uses unknown key ${key}`);
    }
  }
}

/** The CSP forbids inline script and style; catch them before a browser does. */
function checkIndexHtml(html) {
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push('index.html has an inline <script>');
  if (/<style\b|\sstyle=/i.test(html)) problems.push('index.html has inline style');
}

const BUILD_OPTIONS = {
  absWorkingDir: ROOT,
  entryPoints: ENTRIES.map((name) => ({ in: `js/${name}.js`, out: `js/${name}` })),
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: TARGET,
  chunkNames: 'js/chunks/[name]-[hash]',
  legalComments: 'none', // the licences are in third-party-licenses.txt
  metafile: true,
  logLevel: 'warning',
};

/** The output files `roots` import statically, directly or not, themselves included. */
function staticClosure(byFile, roots) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of byFile.get(file).imports)
      if (imp.kind === 'import-statement' && byFile.has(imp.path)) visit(imp.path);
  };
  roots.forEach(visit);
  return seen;
}

/**
 * The modules the app's start needs, and the other entry points: every lazy screen (an
 * `import()`) and the modules tests import by URL. esbuild puts a module in a chunk per set of
 * entry points that reach it, so the start-up path arrives as dozens of small chunks — on a
 * phone 2 s from the server, each wave of 6 (HTTP/1.1) costs a round trip.
 */
function startUp(metafile) {
  const byFile = new Map(Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js')));
  const eager = staticClosure(byFile, ['dist/js/app.js']);
  const modules = new Set([...eager].flatMap((file) => Object.keys(byFile.get(file).inputs)));
  modules.delete('js/app.js'); // the start itself: it boots the app when evaluated
  for (const m of modules) if (!m.endsWith('.js')) modules.delete(m); // data (JSON) comes with its importer
  const entries = [...byFile.values()].map((out) => out.entryPoint).filter((entry) => entry && entry !== 'js/app.js');
  return { modules: [...modules], entries: new Set(entries) };
}

/**
 * An esbuild plugin that makes every other entry point import the start-up modules too (they
 * are loaded first anyway): then they all share one set of entry points, and esbuild writes them
 * as ONE chunk — the start is app.js and that chunk, preloaded together from index.html.
 */
function oneStartChunk({ modules, entries }) {
  const BARREL = 'redgrid:start-up';
  return {
    name: 'one-start-chunk',
    setup(build) {
      build.onResolve({ filter: /^redgrid:start-up$/ }, () => ({ path: BARREL, namespace: 'start-up' }));
      build.onLoad({ filter: /.*/, namespace: 'start-up' }, () => ({
        contents: modules.map((m) => `import ${JSON.stringify(path.join(ROOT, m))};`).join('\n'),
        resolveDir: ROOT,
        loader: 'js',
      }));
      build.onLoad({ filter: /\.js$/ }, async (args) => {
        const relative = posix(path.relative(ROOT, args.path));
        if (!entries.has(relative)) return undefined;
        const source = await readFile(args.path, 'utf8');
        return { contents: `import '${BARREL}';\n${source}`, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

async function bundleScripts() {
  const first = await esbuild.build({ ...BUILD_OPTIONS, write: false });
  const result = await esbuild.build({
    ...BUILD_OPTIONS,
    sourcemap: 'linked',
    plugins: [oneStartChunk(startUp(first.metafile))],
  });
  return result.metafile;
}

/**
 * The script files in three kinds. Every `import()` (screens: ui/routes.js; the Socket.IO client:
 * live.js) is loaded on first use, so opening the app parses none of it. `shell`: what the entries
 * import, and what the grid worker's lazy screens import — precached, they open offline.
 * `lazy`: what only the admin's screens (ADMIN) need — cached after an admin signs in.
 */
function splitOutputs(metafile) {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js'));
  const byFile = new Map(outputs);
  const dynamicRoots = [
    ...new Set(
      outputs.flatMap(([, out]) => out.imports.filter((imp) => imp.kind === 'dynamic-import').map((imp) => imp.path)),
    ),
  ];
  const closure = (roots) => staticClosure(byFile, roots);
  const eager = closure(ENTRIES.map((name) => `dist/js/${name}.js`)); // (an import()'s chunk has an entryPoint too)
  const isAdmin = (file) => ADMIN.test(byFile.get(file).entryPoint ?? '');
  const isMap = (file) => MAP_CODE.test(byFile.get(file).entryPoint ?? '');
  const isChart = (file) => CHART_ENTRY.test(byFile.get(file).entryPoint ?? '');
  const shell = closure([...eager, ...dynamicRoots.filter((file) => !isAdmin(file) && !isMap(file))]);
  const lazy = outputs.map(([file]) => file).filter((file) => !shell.has(file));
  const late = dynamicRoots.filter((file) => eager.has(file));
  if (late.length)
    problems.push(`loaded with import() but also imported at start (nothing gained): ${late.join(', ')}`);
  if (!dynamicRoots.some(isAdmin) || !dynamicRoots.filter(isAdmin).every((file) => lazy.includes(file))) {
    problems.push('the admin screens are no longer loaded on first use only (ui/routes.js)');
  }
  if (!dynamicRoots.some(isMap) || !dynamicRoots.filter(isMap).every((file) => lazy.includes(file))) {
    problems.push('the map code (ui/map-leaflet.js) is no longer loaded only when a map is shown');
  }
  // Chart.js: only the dashboards draw charts (ui/admin-dashboard-chart.js, itself an import()).
  const charts = outputs.filter(([, out]) => Object.keys(out.inputs).some((input) => CHART_CODE.test(input)));
  if (!charts.length || charts.some(([file]) => shell.has(file) || !isChart(file))) {
    problems.push('Chart.js is no longer a lazy chunk of the dashboard chart alone (ui/admin-dashboard-chart.js)');
  }
  const abs = (file) => path.join(ROOT, file);
  const appImports = byFile
    .get('dist/js/app.js')
    .imports.filter((imp) => imp.kind === 'import-statement')
    .map((imp) => imp.path);
  return { eager: [...shell].map(abs), lazy: lazy.map(abs), preload: appImports.map(abs) };
}

/** The licence of every npm package in the bundle, in one file the server sends. */
async function thirdPartyLicenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (match) packages.add(match[1]);
  }
  const parts = [];
  for (const name of [...packages].sort()) {
    const dir = path.join(ROOT, 'node_modules', name);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    const licenceFile = (await readdir(dir)).find((f) => /^licen[cs]e/i.test(f));
    if (!licenceFile) problems.push(`${name} has no LICENSE file to ship with the bundle`);
    const text = licenceFile ? await readFile(path.join(dir, licenceFile), 'utf8') : '';
    parts.push(`${name} ${pkg.version} (${pkg.license})\n\n${text.trim()}\n`);
  }
  await writeFile(path.join(DIST, 'third-party-licenses.txt'), parts.join(`\n${'-'.repeat(72)}\n\n`));
  return [...packages];
}

async function copyStatic(en) {
  for (const name of COPIED) {
    const from = path.join(ROOT, name);
    if ((await stat(from)).isDirectory()) {
      for (const file of await listFiles(from)) {
        const to = path.join(DIST, path.relative(ROOT, file));
        await mkdir(path.dirname(to), { recursive: true });
        await copyFile(file, to);
      }
    } else {
      await copyFile(from, path.join(DIST, name));
    }
  }
  await mkdir(path.join(DIST, 'i18n'), { recursive: true });
  // zh-CN is bundled into the app's code (js/i18n.js): only the others are fetched.
  await writeFile(path.join(DIST, 'i18n/en.json'), JSON.stringify(en));
  await esbuild.build({
    absWorkingDir: ROOT,
    // photo-viewer.css: loaded by the viewer only, with the stylesheet of its library (@import);
    // map.css likewise with Leaflet's, whose few small images are inlined (the CSP allows data:).
    entryPoints: ['css/app.css', 'css/photo-viewer.css', 'css/map.css'],
    loader: { '.png': 'dataurl' },
    outdir: path.join(DIST, 'css'),
    bundle: true,
    minify: true,
    target: TARGET,
    logLevel: 'warning',
  });
}

/** index.html with <link rel="modulepreload"> for the chunks app.js imports: fetched side by side. */
async function writeIndex(html, preload) {
  const links = preload.map((file) => `  <link rel="modulepreload" href="${url(file)}">`).join('\n');
  const out = html.replace(/(\s*<script type="module" src="\/js\/app\.js"><\/script>)/, `\n${links}$1`);
  if (out === html && preload.length)
    problems.push('index.html: the <script type="module" src="/js/app.js"> tag was not found');
  await writeFile(path.join(DIST, 'index.html'), out);
}

/** The shell (precached at install), the lazy chunks, and a version hashed over both. */
async function writeServiceWorker(source, shell, lazy) {
  const hash = createHash('sha256');
  for (const file of [...shell, ...lazy].sort())
    hash
      .update(url(file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  const version = hash.digest('hex').slice(0, 12);
  const urls = (files) =>
    JSON.stringify(
      files
        .map(url)
        .map((u) => (u === '/index.html' ? '/' : u))
        .sort(),
      null,
      2,
    );
  let out = source;
  for (const [name, value] of [
    ['SHELL_VERSION', `'${version}'`],
    ['SHELL_FILES', urls(shell)],
    ['LAZY_FILES', urls(lazy)],
  ]) {
    // esbuild writes a module's top-level const as var in a bundle; written back as const.
    const pattern = new RegExp(`(?:const|var) ${name} = [^;]*;`);
    if (!pattern.test(out)) problems.push(`sw/shell.js: const ${name} = …; not found in the bundled worker`);
    out = out.replace(pattern, `const ${name} = ${value};`);
  }
  await writeFile(path.join(DIST, 'sw.js'), out);
  return version;
}

/** .gz and .br beside every text file where they are smaller, for the server to send as they are. */
async function precompress() {
  const gzip = promisify(zlib.gzip);
  const brotli = promisify(zlib.brotliCompress);
  let raw = 0;
  let gz = 0;
  let br = 0;
  for (const file of await listFiles(DIST)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const bytes = await readFile(file);
    const zipped = await gzip(bytes, { level: 9 });
    const brotlied = await brotli(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    if (zipped.length < bytes.length) await writeFile(`${file}.gz`, zipped);
    if (brotlied.length < bytes.length) await writeFile(`${file}.br`, brotlied);
    raw += bytes.length;
    gz += Math.min(zipped.length, bytes.length);
    br += Math.min(brotlied.length, bytes.length);
  }
  return { raw, gz, br };
}

const sum = async (files) => (await Promise.all(files.map((f) => stat(f)))).reduce((total, s) => total + s.size, 0);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

const zh = JSON.parse(await readFile(path.join(ROOT, 'i18n/zh-CN.json'), 'utf8'));
const en = JSON.parse(await readFile(path.join(ROOT, 'i18n/en.json'), 'utf8'));
const html = await readFile(path.join(ROOT, 'index.html'), 'utf8');
await checkCatalogs(zh, en);
checkIndexHtml(html);
if (problems.length) {
  console.error(`build failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

await rm(DIST, { recursive: true, force: true });
await rm(path.join(ROOT, 'vendor'), { recursive: true, force: true }); // the old build's output
await mkdir(DIST, { recursive: true });
const metafile = await bundleScripts();
const { eager, lazy, preload } = splitOutputs(metafile);
const worker = await bundleServiceWorker({ target: TARGET });
const packages = await thirdPartyLicenses({ inputs: { ...metafile.inputs, ...worker.metafile.inputs } });
await copyStatic(en);
await writeIndex(html, preload);
// Not precached: source maps, the licences, and the manifest's icons (the browser fetches those
// itself when the app is installed; no page uses them).
const NOT_SHELL = /(\.map|third-party-licenses\.txt|\/icons\/icon-[\w-]+\.png)$/;
const files = (await listFiles(DIST)).filter((file) => !NOT_SHELL.test(file));
const shell = files.filter((file) => (!file.endsWith('.js') && !MAP_FILES.test(file)) || eager.includes(file));
lazy.push(...files.filter((file) => MAP_FILES.test(file)));
for (const file of files)
  if (file.endsWith('.js') && !eager.includes(file) && !lazy.includes(file))
    problems.push(`${url(file)}: neither shell nor lazy`);
const version = await writeServiceWorker(worker.code, shell, lazy);
if (problems.length) {
  console.error(`build failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const sizes = await precompress();
console.log(
  `dist/: ${shell.length} shell files (${kb(await sum(shell))}), ` +
    `${lazy.length} lazy chunks (${kb(await sum(lazy))}); ` +
    `all text ${kb(sizes.raw)}, gzip ${kb(sizes.gz)}, br ${kb(sizes.br)}; ` +
    `bundled ${packages.join(', ')}; shell version ${version}`,
);
