// Node resolve hook: the PWA imports idb as the browser sees it ('/vendor/idb/index.js', copied
// there by build.mjs); under node that path is taken from node_modules, so tests need no build.
const VENDOR_IDB = '/vendor/idb/';

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(VENDOR_IDB)) {
    const url = new URL(`../../node_modules/idb/build/${specifier.slice(VENDOR_IDB.length)}`, import.meta.url);
    return { url: url.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
