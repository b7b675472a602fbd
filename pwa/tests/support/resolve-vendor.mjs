// Node resolve hook: the PWA imports idb as the browser sees it ('/vendor/idb/index.js', copied
// there by build.mjs); under node that path is taken from node_modules, so tests need no build.
// Socket.IO is replaced by a recorder (fake-socket.io.mjs): the tests have no server to connect to.
const VENDOR_IDB = '/vendor/idb/';
const VENDOR_SOCKET_IO = '/vendor/socket.io/';

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(VENDOR_IDB)) {
    const url = new URL(`../../node_modules/idb/build/${specifier.slice(VENDOR_IDB.length)}`, import.meta.url);
    return { url: url.href, shortCircuit: true };
  }
  if (specifier.startsWith(VENDOR_SOCKET_IO)) return { url: new URL('./fake-socket.io.mjs', import.meta.url).href, shortCircuit: true };
  return nextResolve(specifier, context);
}
