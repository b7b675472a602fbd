// Redgrid service worker: keeps the app shell so the PWA opens with no signal (sw/shell.js), and
// shows Web Push notifications and tells the server they arrived (sw/push.js, with its own
// IndexedDB in sw/ack-store.js). API data is never cached here: the app keeps it in IndexedDB
// (js/db.js), where it can tell the user how old it is. See STYLE.md rule 10.
//
// build.mjs bundles this file and its imports into one classic script, dist/sw.js (build-sw.mjs),
// and fills in the shell's lists and version there. The shell's listeners come first: both
// modules answer `message` events, each only its own types.
import './sw/shell.js';
import './sw/push.js';
