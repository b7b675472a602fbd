"""Benchmark: the PWA's own sync client end to end, in headless Chromium against a live server.

    .venv/bin/python bench/sync_browser.py                  # SQLite, 10,000 tasks in the worker's scope
    .venv/bin/python bench/sync_browser.py --postgres       # a throw-away PostgreSQL database
    .venv/bin/python bench/sync_browser.py --quick          # the smallest demo city, fewer runs
    .venv/bin/python bench/sync_browser.py --smoke          # 500 records, one run of each (CI: that it runs)
    .venv/bin/python bench/sync_browser.py --no-peer        # Redgrid alone, without PouchDB beside it

Setup: a database built like bench/sync_server.py's Setup (demo_scale's run(): migrations, then
load_demo(households=--households, default 2,000); the bench-only entity "bench_task" of
bench/_sync_task.py, ~600 bytes of JSON per record, Chinese text; the change log filled directly
by sync_server's Filler) so that the grid of the demo grid worker 13800000003 (河西社区第一网格)
holds --records tasks (default 10,000) and other grids about as many again. The worker's scope
also holds the demo's own records (a few dozen at 2,000 households): a fresh client pulls them
too, and the first pull's check counts them in (the server's full pull gives their number). The
first page a fresh phone's sign-in brings (PROTOCOL §5.2.1) is set aside: (1) pulls every page. The app
(create_app() of that database, Flask-Compress on as configured) is served on 127.0.0.1 as
`redgrid serve` serves it in production (server/serving.py: gunicorn, one gthread worker, keep-alive),
in a process forked from this one, behind a small WSGI middleware around the app's wsgi_app that
times each API request (the app's wall time, response compression included) and notes its
Content-Encoding and body size (ProductionServer).

The browser: Debian's /usr/bin/chromium through Playwright, one new context (empty IndexedDB,
empty HTTP cache; an off-the-record profile, whose IndexedDB lives in memory: a persistent profile
measured about the same per put here) per fresh client; service workers blocked (the service worker leaves /api/
alone; blocking it keeps its install and precache out of the timings). The page opens the app
shell and signs in through the PWA's own session.signIn() (POST /api/auth/login with the CSRF
token, as the sign-in screen does). Requests carry "Accept-Encoding: gzip" (--accept-encoding;
Chromium itself offers br on 127.0.0.1, which the app would prefer: an extra run reports that
size too). Every figure is timed inside the page with performance.now() around the PWA's own
modules, imported in page.evaluate() before the clock starts:
  (1) a fresh client's first pull: sync-pull.js pullAll() from no cursor, with the PWA's page
      size and format (2: groups, PROTOCOL §5.2.2; the next page asked while one is stored),
      until has_more is false and every page is stored in IndexedDB (the task count in
      IndexedDB is checked afterwards); one warm-up client, then median over --runs clients.
      Bytes on the wire: an extra fresh client with the DevTools protocol's Network domain on,
      summing Network.loadingFinished encodedDataLength (body and headers as received) of the
      /api/sync/pull responses; Content-Encoding is checked on every pull page.
      Breakdown: one more fresh client with window.fetch, Response.json, IDBDatabase.transaction
      and the IndexedDB request methods wrapped: time until response headers (the server's time
      from the middleware beside it), reading the body, JSON decoding, IndexedDB transactions
      (from creation to complete; the PWA's own per-record JavaScript inside them included), the
      IndexedDB requests made, and the rest. Reference, no PWA code: the records it stored, put
      again into a new empty store of the same shape in one transaction without awaiting each
      put (what IndexedDB itself costs per record on this machine); and the same records as
      one value per page (1,000 records) plus one value mapping each id to its page, a page a
      transaction (what a layout of records in chunks would cost, issue 17).
  (2) incremental pull of 100 changes: this process pushes 100 updates (status, notes) of tasks
      in the grid through POST /api/sync/push as the same worker on another device (sync_server's
      change_records(), a Flask test client), then the page runs pullAll() from its cursor (it
      must apply exactly 100 changes); 3 warm-ups, median over --repeat.
  (3) push of 200 creates made offline: with the context offline, outbox.js enqueue() queues 200
      new tasks (sync_server's create_batch() values), as the app queues a local create; online
      again, sync-push.js pushOutbox() is timed until the server's answers are stored (the outbox
      must be empty after); 1 warm-up, median over --repeat. The pull that follows in a real
      sync (the 200 records coming back) is timed separately, for information.
  (4) a repeated sync with nothing new: sync-client.js syncNow() (the app's sync loop: photo
      uploads, push, pull, status) with nothing queued and nothing new on the server;
      3 warm-ups, median over 3 x --repeat. For information: pullAll() alone, and the server
      time of that pull request.
(2), (3) and (4) then run 5 more times each with the wrappers of (1)'s breakdown; the run of
median time gives their breakdown.
The peer (--peer pouchdb, the default; --no-peer leaves it out): right after, in the same Chromium,
bench/peers/pouchdb.py times the same four rows for PouchDB 9.0.0 (browser build, idb adapter)
replicating --records documents of ~630 B from express-pouchdb 4.2.0 on in-memory PouchDB, gzip
on (its docstring says how), with the same --runs and --repeat; then a table prints row | PouchDB |
Redgrid | target. Its npm packages are installed by `npm ci` in bench/peers when missing; under
CI=true a peer that cannot be installed or started fails the bench (--smoke included).
--cpu-throttle N slows the page's CPU N times (DevTools Emulation.setCPUThrottlingRate), as on a
cheap phone. SQLite: a new file in a temporary folder. PostgreSQL: a new database
redgrid_syncb_<pid> on --pg-server, dropped afterwards.
"""

import argparse
import json
import logging
import os
import random
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.scoped_reads import ACCOUNTS  # noqa: E402
from bench.sync_server import BATCH, CHANGED, Setup, change_records, create_batch, full_pull, verdict  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/e2e/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE, PASSWORD = ACCOUNTS["grid worker"]
PULL_PATH, PUSH_PATH = "/api/sync/pull", "/api/sync/push"
PWA_PAGE = 1000  # sync-pull.js PAGE_LIMIT

TARGETS = {  # figure: (target, unit)
    "first_ms": (1000, "ms"),
    "first_kb": (700, "KB"),
    "incremental_ms": (40, "ms"),
    "push_ms": (80, "ms"),
    "nothing_ms": (10, "ms"),
}


# --- the live server ------------------------------------------------------------------------------


class Recorder:
    """WSGI middleware: for each /api/ request, the app's wall time (the body produced and
    compressed in here, as tests/e2e/conftest.py's Draining does), Content-Encoding and body size.
    With `path` (a server in another process), each request is appended to that file as a JSON
    line, before its answer goes out, and take() reads the lines added since."""

    def __init__(self, app, path: str | None = None):
        self.app, self.requests, self.lock, self.path, self.read = app, [], threading.Lock(), path, 0

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if not path.startswith("/api/"):
            return self.app(environ, start_response)
        seen = {}

        def start(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)
            return start_response(status, headers, exc_info)

        started = time.perf_counter()
        result = self.app(environ, start)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        ms = (time.perf_counter() - started) * 1000
        request = {
            "path": path,
            "ms": ms,
            "status": seen.get("status"),
            "bytes": len(body),
            "encoding": seen.get("headers", {}).get("Content-Encoding"),
            "accept": environ.get("HTTP_ACCEPT_ENCODING"),
        }
        with self.lock:
            if self.path is None:
                self.requests.append(request)
            else:
                with open(self.path, "a", encoding="utf-8") as log:
                    log.write(json.dumps(request) + "\n")
        return [body]

    def take(self, path: str | None = None) -> list[dict]:
        """The requests since the last take (only those to `path` when given); forgets them all."""
        with self.lock:
            if self.path is None:
                taken, self.requests = self.requests, []
            else:
                with open(self.path, encoding="utf-8") as log:
                    log.seek(self.read)
                    lines = log.read()
                    self.read = log.tell()
                taken = [json.loads(line) for line in lines.splitlines()]
        return [r for r in taken if path is None or r["path"] == path]


class LiveServer:
    """werkzeug's threaded server in a thread of this process (the other browser benches)."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines
        self.recorder = Recorder(app)
        self.server = make_server("127.0.0.1", 0, self.recorder, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


class ProductionServer:
    """The app served as `redgrid serve` serves it (server/serving.py): gunicorn, one gthread
    worker with the default 100 threads, keep-alive, the periodic jobs running; in a process
    forked from this one once the database is built (the worker disposes of the connections it
    inherited). The Recorder wraps the app's wsgi_app in the worker and writes each request to
    a file that this process reads."""

    THREADS, GRACEFUL_SECONDS = 100, 5

    def __init__(self, app):
        import multiprocessing
        import socket
        import tempfile

        handle, log = tempfile.mkstemp(prefix="redgrid_bench_requests_", suffix=".jsonl")
        os.close(handle)
        self.recorder = Recorder(None, log)
        with socket.socket() as probe:  # a free port, handed to gunicorn
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve_production, args=(app, port, log), name="redgrid-bench-server", daemon=False
        )
        self.process.start()
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if not self.process.is_alive() or time.monotonic() > deadline:
                    self.close()
                    raise SystemExit("the bench's gunicorn server did not start") from None
                time.sleep(0.1)

    def close(self) -> None:
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGTERM)  # gunicorn's graceful stop
            self.process.join(timeout=self.GRACEFUL_SECONDS + 10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        Path(self.recorder.path).unlink(missing_ok=True)


def _serve_production(app, port: int, log: str) -> None:
    """In the forked process: gunicorn's arbiter, whose worker serves `app` (blocks until SIGTERM)."""
    from server import serving
    from server.extensions import db

    def factory():
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's connections stay the parent's
        app.wsgi_app = Recorder(app.wsgi_app, log)
        return app

    options = serving.gunicorn_options("127.0.0.1", port, ProductionServer.THREADS, ProductionServer.GRACEFUL_SECONDS)
    serving.EmbeddedServer(factory, options).run()


# --- in the page ------------------------------------------------------------------------------------
# A backslash at the end of a line in these strings continues the line: Python drops it and the
# newline, so the page gets the JavaScript with that line whole.

SIGN_IN = """async ({ phone, password }) => {
  const session = await import('/js/session.js');
  await session.signIn(phone, password);
  // The sign-in of a fresh phone brings its first pull page (PROTOCOL §5.2.1); (1) times the
  // whole first pull through pullAll(), so that page is set aside and asked for again.
  (await import('/js/sync-pull.js')).offerFirstPage(null);
  // Load every module before any clock starts.
  await Promise.all(['/js/db.js', '/js/sync-pull.js', '/js/sync-push.js', '/js/outbox.js', \
'/js/sync-client.js'].map((u) => import(u)));
}"""

PULL = """async (limit) => {
  const { pullAll } = await import('/js/sync-pull.js');
  const started = performance.now();
  const applied = await pullAll(limit ? { limit } : {});
  return { ms: performance.now() - started, applied };
}"""

TASKS_STORED = "import('/js/db.js').then((db) => db.listRecords('bench_task')).then((records) => records.length)"

ENQUEUE = """async (creates) => {
  const outbox = await import('/js/outbox.js');
  for (const { id, fields } of creates) await outbox.enqueue({ entity: 'bench_task', id, op: 'create', fields });
  return (await outbox.countOutbox()).pending;
}"""

PUSH = """async () => {
  const { pushOutbox } = await import('/js/sync-push.js');
  const { countOutbox } = await import('/js/outbox.js');
  window.benchClientId ??= crypto.randomUUID();
  const started = performance.now();
  const answer = await pushOutbox({ clientId: window.benchClientId });
  const ms = performance.now() - started;
  return { ms, results: answer.results, conflicts: answer.conflicts, left: (await countOutbox()).pending };
}"""

SYNC_NOW = """async () => {
  const client = await import('/js/sync-client.js');
  const started = performance.now();
  const status = await client.syncNow();
  return { ms: performance.now() - started, state: status.state, pending: status.pending, error: status.lastError };
}"""

# Wraps fetch (reads the whole body, then hands the page an equivalent Response), Response.json,
# IDBDatabase.transaction and the IndexedDB request methods, adding up where the time goes;
# window.benchPhases holds the sums.
INSTRUMENT = """() => {
  const p = (window.benchPhases = { requests: 0, headersMs: 0, bodyMs: 0, rawBytes: 0, parseMs: 0, \
idbMs: 0, transactions: 0, idbRequests: 0 });
  const fetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const started = performance.now();
    const response = await fetch(input, init);
    const headers = performance.now();
    const body = await response.arrayBuffer();
    p.requests += 1;
    p.headersMs += headers - started;
    p.bodyMs += performance.now() - headers;
    p.rawBytes += body.byteLength;
    const empty = [101, 204, 205, 304].includes(response.status);
    return new Response(empty ? null : body, { status: response.status, statusText: response.statusText, \
headers: response.headers });
  };
  const json = Response.prototype.json;
  Response.prototype.json = async function () {
    const started = performance.now();
    try {
      return await json.call(this);
    } finally {
      p.parseMs += performance.now() - started;
    }
  };
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = transaction.apply(this, args);
    const started = performance.now();
    const done = () => {
      p.idbMs += performance.now() - started;
      p.transactions += 1;
    };
    tx.addEventListener('complete', done);
    tx.addEventListener('abort', done);
    return tx;
  };
  const methods = ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor'];
  for (const [proto, names] of [[IDBObjectStore.prototype, [...methods, 'put', 'add', 'delete', 'clear']], \
[IDBIndex.prototype, methods]]) {
    for (const name of names) {
      const method = proto[name];
      proto[name] = function (...args) {
        p.idbRequests += 1;
        return method.apply(this, args);
      };
    }
  }
}"""


# The floor under the first pull: the records the pull stored, put again into a new, empty store
# of the same shape in one transaction without awaiting each put (no PWA code). Beside it, for the
# layout issue 17 proposes: the same records as one value per page of PAGE records (the page's
# order) plus, per page, one value mapping each id to its page, in one transaction per page.
PUT_FLOOR = """async (page) => {
  const db = await import('/js/db.js');
  const records = await db.listRecords('bench_task');
  const open = indexedDB.open('bench-floor', 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('records', { keyPath: ['entity', 'id'] }); // db.js version 6: no index
    open.result.createObjectStore('chunks');
  };
  const idb = await new Promise((resolve, reject) => { open.onsuccess = () => resolve(open.result); \
open.onerror = () => reject(open.error); });
  const done = (tx) => new Promise((resolve, reject) => { tx.oncomplete = resolve; \
tx.onerror = () => reject(tx.error); });
  let started = performance.now();
  const tx = idb.transaction(['records'], 'readwrite');
  for (const record of records) tx.objectStore('records').put(record);
  await done(tx);
  const ms = performance.now() - started;
  started = performance.now();
  for (let at = 0; at < records.length; at += page) {
    const chunk = records.slice(at, at + page);
    const tx = idb.transaction(['chunks'], 'readwrite');
    tx.objectStore('chunks').put(chunk, ['bench_task', at]);
    tx.objectStore('chunks').put(Object.fromEntries(chunk.map((record) => [record.id, at])), ['ids', at]);
    await done(tx);
  }
  const chunkedMs = performance.now() - started;
  idb.close();
  return { ms, chunkedMs };
}"""


class Browser:
    def __init__(self, base: str, args):
        from playwright.sync_api import sync_playwright

        self.base, self.args = base, args
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.version = self.browser.version

    def client(self, accept_encoding: str | None):
        """A fresh client: new context (empty IndexedDB), the app shell, signed in."""
        ctx = self.browser.new_context(service_workers="block", viewport={"width": 360, "height": 740}, locale="zh-CN")
        if accept_encoding:
            ctx.set_extra_http_headers({"Accept-Encoding": accept_encoding})
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        page.goto(self.base)
        page.get_by_test_id("signin-form").wait_for()
        if self.args.cpu_throttle > 1:
            ctx.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": self.args.cpu_throttle})
        page.evaluate(SIGN_IN, {"phone": PHONE, "password": PASSWORD})
        return ctx, page

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


def evaluate(page, script: str, arg=None):
    result = page.evaluate(script, arg)
    if page.errors:
        raise SystemExit(f"JavaScript errors on the page: {page.errors}")
    return result


class Wire:
    """Bytes received for /api/sync/pull, from the DevTools protocol's Network domain."""

    def __init__(self, ctx, page):
        self.urls, self.finished, self.encodings = {}, {}, {}
        self.cdp = ctx.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on(
            "Network.loadingFinished", lambda e: self.finished.__setitem__(e["requestId"], e["encodedDataLength"])
        )
        self.cdp.send("Network.enable")

    def _response(self, event) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        self.encodings[event["requestId"]] = headers.get("content-encoding")

    def pulls(self, page, expected: int) -> tuple[int, set]:
        """(bytes summed, Content-Encodings seen) over the pull requests, once `expected` finished."""
        deadline = time.monotonic() + 10
        while True:
            ids = [i for i, url in self.urls.items() if url.endswith(PULL_PATH) and i in self.finished]
            if len(ids) >= expected or time.monotonic() > deadline:
                break
            page.wait_for_timeout(50)
        if len(ids) != expected:
            raise SystemExit(f"DevTools saw {len(ids)} pull responses finish, the server answered {expected}")
        return sum(self.finished[i] for i in ids), {self.encodings.get(i) for i in ids}


# --- the figures ------------------------------------------------------------------------------------


def check_compressed(requests: list[dict], accept_encoding: str | None) -> str:
    """The Content-Encoding of the pull pages (every page big enough to compress must be)."""
    big = [r for r in requests if r["bytes"] > 1000]
    encodings = {r["encoding"] for r in big}
    want = {accept_encoding.split(",")[0].strip()} if accept_encoding else {"gzip", "br"}
    if not big or None in encodings or not encodings <= want:
        raise SystemExit(f"pull pages were not compressed as expected ({want}): Content-Encoding {encodings}")
    return "/".join(sorted(encodings))


class Instrumented:
    """Times one step of a page with INSTRUMENT's wrappers (installed once per page)."""

    def __init__(self, page):
        self.page = page
        evaluate(page, INSTRUMENT)

    def __enter__(self):
        evaluate(self.page, "() => { for (const key of Object.keys(window.benchPhases)) window.benchPhases[key] = 0; }")
        self.phases = {}
        return self.phases

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.phases.update(evaluate(self.page, "window.benchPhases"))


def measured(page, script: str, arg=None, profile: Instrumented | None = None) -> dict:
    """evaluate(), with the phases of that step when `profile` is given."""
    if profile is None:
        return evaluate(page, script, arg)
    with profile as phases:
        result = evaluate(page, script, arg)
    return {**result, "phases": phases}


def first_pull(
    browser: Browser, server: LiveServer, args, *, accept_encoding, wire=False, instrument=False, keep=False
):
    """(1) one fresh client's first pull: its figures, and (ctx, page) when `keep`."""
    ctx, page = browser.client(accept_encoding)
    meter = Wire(ctx, page) if wire else None
    server.recorder.take()
    result = measured(page, PULL, args.page_limit, Instrumented(page) if instrument else None)
    requests = server.recorder.take(PULL_PATH)
    stored = evaluate(page, TASKS_STORED)
    if result["applied"] != args.records + args.demo_records or stored != args.records:
        raise SystemExit(
            f"first pull: {result['applied']} changes applied, {stored} tasks in IndexedDB; expected "
            f"{args.records} tasks and {args.demo_records} records of the demo"
        )
    result.update(
        pages=len(requests),
        server_ms=sum(r["ms"] for r in requests),
        body_bytes=sum(r["bytes"] for r in requests),
        encoding=check_compressed(requests, accept_encoding),
    )
    if meter:
        result["wire_bytes"], encodings = meter.pulls(page, len(requests))
        if encodings != set(result["encoding"].split("/")):
            raise SystemExit(f"the browser received Content-Encoding {encodings}, the server sent {result['encoding']}")
    if instrument:
        floor = evaluate(page, PUT_FLOOR, args.page_limit or PWA_PAGE)
        result["floor_ms"], result["chunked_ms"] = floor["ms"], floor["chunkedMs"]
    if keep:
        return result, (ctx, page)
    ctx.close()
    return result, None


def incremental_pull(page, setup: Setup, server: LiveServer, args, rng, versions: dict, profile=None) -> dict:
    """(2): another device of the worker pushes CHANGED updates; the page pulls them."""
    change_records(setup.worker, versions, rng)
    server.recorder.take()
    result = measured(page, PULL, args.page_limit, profile)
    requests = server.recorder.take(PULL_PATH)
    if result["applied"] != CHANGED:
        raise SystemExit(f"incremental pull applied {result['applied']} changes, expected {CHANGED}")
    return {**result, "server_ms": sum(r["ms"] for r in requests)}


def push(ctx, page, setup: Setup, server: LiveServer, args, rng, profile=None) -> dict:
    """(3): BATCH creates queued offline, then pushOutbox() online; then the pull that follows."""
    creates = [{"id": m["record_id"], "fields": m["fields"]} for m in create_batch(rng, setup.filler.target)]
    ctx.set_offline(True)
    queued = evaluate(page, ENQUEUE, creates)
    ctx.set_offline(False)
    if queued != BATCH:
        raise SystemExit(f"{queued} entries in the outbox, expected {BATCH}")
    server.recorder.take()
    result = measured(page, PUSH, None, profile)
    requests = server.recorder.take(PUSH_PATH)
    if result["results"] != BATCH or result["left"] or result["conflicts"]:
        raise SystemExit(f"push: {result}")
    back = evaluate(page, PULL, args.page_limit)
    if back["applied"] != BATCH:
        raise SystemExit(f"the pull after the push applied {back['applied']} changes, expected {BATCH}")
    return {**result, "server_ms": sum(r["ms"] for r in requests), "pull_back_ms": back["ms"]}


def sync_nothing_new(page, server: LiveServer, args, profile=None) -> dict:
    """(4): syncNow() with nothing to send or receive; then pullAll() alone."""
    server.recorder.take()
    result = measured(page, SYNC_NOW, None, profile)
    requests = server.recorder.take()
    if result["state"] != "idle" or result["pending"]:
        raise SystemExit(f"syncNow: {result}")
    if [r["path"] for r in requests] != [PULL_PATH]:
        raise SystemExit(f"a sync with nothing new sent {[r['path'] for r in requests]}")
    pull = evaluate(page, PULL, args.page_limit)
    if pull["applied"]:
        raise SystemExit(f"the pull found {pull['applied']} changes")
    return {
        **result,
        "server_ms": requests[0]["ms"],
        "pull_ms": pull["ms"],
        "pull_server_ms": server.recorder.take(PULL_PATH)[0]["ms"],
    }


def timed(step, warm_ups: int, runs: int) -> list[dict]:
    for _ in range(warm_ups):
        step()
    return [step() for _ in range(runs)]


def typical(step, runs: int = 5) -> dict:
    """The run of median time among `runs` (one instrumented run alone is too noisy to read)."""
    done = sorted((step() for _ in range(runs)), key=lambda r: r["ms"])
    return done[len(done) // 2]


# --- the run ------------------------------------------------------------------------------------------


def median(values) -> float:
    return statistics.median(values)


def spread(values) -> str:
    values = list(values)
    return f"(min {min(values):,.0f}, max {max(values):,.0f})" if len(values) > 1 else ""


def figure(label: str, value: float, key: str, samples=None, verdict_too: bool = True) -> None:
    unit = TARGETS[key][1]
    text = f"{label:<66}{value:10,.{0 if value >= 100 else 1}f} {unit}"
    if verdict_too:
        text += f"   {verdict(key, value, TARGETS)}"
        if samples:
            text += f"  {spread(samples)}"
    print(text)


def breakdown(label: str, run: dict) -> str:
    p = run["phases"]
    network = p["headersMs"] + p["bodyMs"]
    other = run["ms"] - network - p["parseMs"] - p["idbMs"]
    return (
        f"  {label} {run['ms']:,.1f} ms: network {network:,.1f} ({p['requests']} request(s); "
        f"until headers {p['headersMs']:,.1f}, of which server "
        f"{run['server_ms']:,.1f}; body {p['bodyMs']:,.1f}), JSON decoding {p['parseMs']:,.1f}, "
        "IndexedDB transactions "
        f"{p['idbMs']:,.1f} ({p['transactions']}, {p['idbRequests']:,} requests in them), other {other:,.1f}"
    )


def bench(url: str, kind: str, args) -> None:
    began = time.perf_counter()
    rng = random.Random(f"redgrid-bench:{args.seed}:browser")
    setup = Setup(url, kind, args.log_rows, args)
    if setup.filler.target_records != args.records:
        raise SystemExit(
            f"the worker's grid got {setup.filler.target_records:,} tasks, not {args.records:,}: raise --log-rows"
        )
    scope = full_pull(setup.worker)  # the demo's records in the worker's scope come down too
    if len(scope["versions"]) != args.records:
        raise SystemExit(f"the server's full pull gave {len(scope['versions']):,} tasks, not {args.records:,}")
    args.demo_records = scope["changes"] - args.records
    server = ProductionServer(setup.app)
    browser = Browser(server.url, args)
    ae = args.accept_encoding or None
    try:
        # (1): fresh clients; the last timed one stays open for (2)-(4).
        first_pull(browser, server, args, accept_encoding=ae)  # warm-up
        runs = [
            first_pull(browser, server, args, accept_encoding=ae, keep=i == args.runs - 1) for i in range(args.runs)
        ]
        ctx, page = runs[-1][1]
        runs = [r for r, _ in runs]
        wire, _ = first_pull(browser, server, args, accept_encoding=ae, wire=True)
        own = first_pull(browser, server, args, accept_encoding=None, wire=True)[0] if ae else None
        profiled, _ = first_pull(browser, server, args, accept_encoding=ae, instrument=True)
        # (2)-(4) on the client of the last timed run; then one instrumented run of each.
        versions = full_pull(setup.worker)["versions"]
        b = timed(lambda: incremental_pull(page, setup, server, args, rng, versions), 3, args.repeat)
        c = timed(lambda: push(ctx, page, setup, server, args, rng), 1, args.repeat)
        d = timed(lambda: sync_nothing_new(page, server, args), 3, 3 * args.repeat)
        profile = Instrumented(page)
        b_profiled = typical(lambda: incremental_pull(page, setup, server, args, rng, versions, profile))
        c_profiled = typical(lambda: push(ctx, page, setup, server, args, rng, profile))
        d_profiled = typical(lambda: sync_nothing_new(page, server, args, profile))
        ctx.close()
        # The peer, back to back in the same Chromium (bench/peers/pouchdb.py).
        theirs = run_peer(browser, args)

        stats = "ANALYZE after the log fill" if args.analyze else "no ANALYZE (as the app runs)"
        print(
            f"database {kind}; households {setup.loaded['counts']['households']:,}; "
            f"grids {len(setup.filler.buckets):,}; {stats}"
        )
        print(setup.describe("change log") + f"; {args.demo_records:,} records of the demo in the worker's scope")
        print(
            f"browser Chromium {browser.version} (headless, a new context per fresh client, service workers blocked"
            + (f", CPU throttled {args.cpu_throttle:g}x" if args.cpu_throttle > 1 else "")
            + f"); server gunicorn gthread ({ProductionServer.THREADS} threads, as `redgrid serve`) on {server.url}"
        )
        print(
            f"pull page size {args.page_limit or 'the PWA default'} ({runs[0]['pages']} pages for the first pull); "
            f"Accept-Encoding {ae or 'Chromium default'}"
        )
        print(
            f"runs: (1) {args.runs} fresh clients after 1 warm-up; (2) {args.repeat} after 3; "
            f"(3) {args.repeat} after 1; (4) {3 * args.repeat} after 3"
        )
        print()
        first_ms = median(r["ms"] for r in runs)
        kb = wire["wire_bytes"] / 1000
        b_ms, c_ms, d_ms = (median(r["ms"] for r in figure) for figure in (b, c, d))
        figure(
            f"(1) first pull of {args.records:,} records into IndexedDB (median)",
            first_ms,
            "first_ms",
            [r["ms"] for r in runs],
        )
        figure(f"(1) bytes on the wire, {wire['encoding']} ({wire['pages']} responses, body + headers)", kb, "first_kb")
        if own:
            figure(
                f"    the same with Chromium's own Accept-Encoding ({own['encoding']})",
                own["wire_bytes"] / 1000,
                "first_kb",
                verdict_too=False,
            )
        figure(
            f"(2) incremental pull of {CHANGED} changed records (median)", b_ms, "incremental_ms", [r["ms"] for r in b]
        )
        figure(f"(3) push of {BATCH} offline creates until confirmed (median)", c_ms, "push_ms", [r["ms"] for r in c])
        figure("(4) repeated sync with nothing new, syncNow() (median)", d_ms, "nothing_ms", [r["ms"] for r in d])
        print()
        print("where the time goes:")
        print(
            "  (1) server time (WSGI, compression included), "
            f"median {median(r['server_ms'] for r in runs):,.0f} ms over "
            f"{runs[0]['pages']} requests; bodies as sent {runs[0]['body_bytes'] / 1000:,.0f} KB, "
            f"decoded {profiled['phases']['rawBytes'] / 1000:,.0f} KB"
        )
        print(breakdown("(1) one instrumented fresh pull,", profiled))
        print(
            f"      reference, no PWA code: the {args.records:,} stored records put again into an empty store in one "
            f"transaction, without waiting on each put: {profiled['floor_ms']:,.0f} ms; as one value per page of "
            f"records plus one id map per page (a page a transaction): {profiled['chunked_ms']:,.0f} ms"
        )
        print(f"  (2) server time of the pull request, median {median(r['server_ms'] for r in b):.1f} ms")
        print(breakdown("(2) an instrumented incremental pull (the median of 5),", b_profiled))
        print(
            f"  (3) server time of the push request, median {median(r['server_ms'] for r in c):.1f} ms; the pull that "
            f"follows in a sync (the {BATCH} records coming back) {median(r['pull_back_ms'] for r in c):.1f} ms"
        )
        print(breakdown("(3) an instrumented push (the median of 5),", c_profiled))
        print(
            f"  (4) server time of the pull request, median {median(r['server_ms'] for r in d):.1f} ms; "
            f"pullAll() alone {median(r['pull_ms'] for r in d):.1f} ms"
        )
        print(breakdown("(4) an instrumented syncNow() (the median of 5),", d_profiled))
        if theirs:
            ours = {"first_ms": first_ms, "first_kb": kb, "incremental_ms": b_ms, "push_ms": c_ms, "nothing_ms": d_ms}
            side_by_side(ours, theirs, args)
        print(f"\ntotal run {time.perf_counter() - began:.0f} s")
    finally:
        browser.close()
        server.close()
        setup.close()


ROWS = {  # figure: the row's label in the side-by-side table
    "first_ms": "(1) fresh first pull",
    "first_kb": "(1) bytes on the wire, down",
    "incremental_ms": "(2) incremental pull of 100 changes",
    "push_ms": "(3) push of 200 made offline, until confirmed",
    "nothing_ms": "(4) a sync with nothing new",
}


def run_peer(browser: Browser, args) -> dict | None:
    """The peer's four rows (--peer), or None (--no-peer, or not installable outside CI)."""
    if not args.peer:
        return None
    from bench.peers import pouchdb

    try:
        return pouchdb.run(browser.browser, args)
    except pouchdb.PeerUnavailable as exc:
        pouchdb.unavailable(exc)
        return None


def side_by_side(ours: dict, theirs: dict, args) -> None:
    """row | PouchDB | Redgrid | target, and how many times faster (or smaller) Redgrid is."""
    from bench.peers import pouchdb

    print(f"\nside by side, in the same run and the same Chromium ({pouchdb.describe(theirs)}):")
    print(f"  {'row':<48}{'PouchDB':>12}{'Redgrid':>12}{'target':>12}   Redgrid vs PouchDB")
    for key, label in ROWS.items():
        target, unit = TARGETS[key]
        ratio = theirs[key] / ours[key] if ours[key] else float("inf")
        verdict = f"{ratio:.1f}x {'better' if ratio >= 1 else 'worse'}"
        print(
            f"  {label:<48}{theirs[key]:>9,.1f} {unit:<2}{ours[key]:>9,.1f} {unit:<2}{'<= ' + format(target, ','):>9} "
            f"{unit:<2} {verdict}"
        )


def bench_sqlite(args) -> None:
    with scratch_sqlite("redgrid_syncb_", keep=args.keep) as (folder, (url,)):
        bench(url, "SQLite", args)
        if args.keep:
            print(f"kept in {folder}")


def bench_postgres(args) -> None:
    with scratch_postgres(args.pg_server, "redgrid_syncb") as (_admin, _names, (url,)):
        bench(url, "PostgreSQL", args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000, help="tasks in the worker's grid (its whole scope)")
    parser.add_argument("--households", type=int, default=2_000, help="size of the demo city")
    parser.add_argument(
        "--log-rows",
        type=int,
        default=None,
        help="change log rows (default: enough for --records in the grid and as many elsewhere)",
    )
    parser.add_argument("--runs", type=int, default=7, help="fresh clients timed for (1)")
    parser.add_argument("--repeat", type=int, default=20, help="runs timed for (2) and (3); 3x for (4)")
    parser.add_argument("--page-limit", type=int, default=None, help="pull page size (default: the PWA's own)")
    parser.add_argument(
        "--accept-encoding", default="gzip", help="Accept-Encoding of the page's requests ('' for Chromium's own)"
    )
    parser.add_argument("--cpu-throttle", type=float, default=1, help="slow the page's CPU this many times")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--quick", action="store_true", help="the smallest demo city (1,500 households), 3 runs, 5 repeats"
    )
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ANALYZE after the log fill (default: on PostgreSQL, as autovacuum would; off on SQLite)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument(
        "--peer",
        choices=["pouchdb"],
        default="pouchdb",
        help="run this peer back to back in the same Chromium and print a side-by-side table (bench/peers/)",
    )
    parser.add_argument("--no-peer", dest="peer", action="store_const", const=None, help="Redgrid alone")
    parser.add_argument("--smoke", action="store_true", help="a tiny run: that the bench works, not its figures")
    args = parser.parse_args()
    from server.demo.generator import MIN_HOUSEHOLDS

    if args.quick:
        args.households, args.runs, args.repeat = MIN_HOUSEHOLDS, 3, 5
    if args.smoke:
        args.households, args.records, args.runs, args.repeat = MIN_HOUSEHOLDS, 500, 1, 1
    if args.analyze is None:
        args.analyze = args.postgres
    if args.log_rows is None:
        # Filler puts at most half the records in the worker's grid; a task is in 6 buckets.
        args.log_rows = 2 * args.records * 6 + 1000
    args.grid_tasks = args.records  # what sync_server's Setup reads
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    (bench_postgres if args.postgres else bench_sqlite)(args)


if __name__ == "__main__":
    main()
