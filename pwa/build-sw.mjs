// The service worker as one classic script: sw.js and what it imports (sw/*.js, idb) bundled by
// esbuild. The page registers it without {type: 'module'} (js/app.js), which every browser the
// app targets runs, and a classic worker cannot import. build.mjs writes this into dist/sw.js with
// the shell's lists and version filled in; tests/sw-push.test.mjs runs the same bundle in a VM.
// Not minified: the worker is small, and build.mjs finds `const SHELL_FILES = …;` in it by name.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** {code, metafile} of the bundled worker. */
export async function bundleServiceWorker({ target } = {}) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['sw.js'],
    bundle: true,
    format: 'iife',
    target,
    write: false,
    metafile: true,
    legalComments: 'none', // the licences are in third-party-licenses.txt
    logLevel: 'warning',
  });
  return { code: result.outputFiles[0].text, metafile: result.metafile };
}
