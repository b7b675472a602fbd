// Node resolve hook: Socket.IO is replaced by a recorder (fake-socket.io.mjs): the tests have
// no server to connect to. Everything else (idb …) resolves from node_modules as in the build.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'socket.io-client')
    return { url: new URL('./fake-socket.io.mjs', import.meta.url).href, shortCircuit: true };
  return nextResolve(specifier, context);
}
