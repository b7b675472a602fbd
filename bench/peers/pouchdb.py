"""The PouchDB peer of bench/sync_browser.py (issue 17): the same four rows, PouchDB 9.0.0's browser
build (its idb adapter) in the same headless Chromium, replicating with express-pouchdb 4.2.0 on
in-memory PouchDB (pouchdb-adapter-memory), gzip on (express-pouchdb's compression middleware).

    .venv/bin/python bench/peers/pouchdb.py --docs 10000      # alone (sync_browser.py runs it too)

The packages come from npm: bench/peers/package.json and its package-lock.json, installed here by
`npm ci` when bench/peers/node_modules is missing (nothing from npm is committed). When npm fails,
the bench fails under CI=true; elsewhere it says so and the peer is left out.

The server (pouchdb_server.js, node) holds one database of --records documents of ~630 B as JSON
(~670 B with the _rev PouchDB adds: a Chinese title, 5 checklist items, ids and dates). Each figure is timed inside
the page with performance.now() around PouchDB's own replication:
  (1) a fresh client's first pull: a new context (empty IndexedDB), db.replicate.from(remote) with
      PouchDB's defaults (batch_size 100) until complete; bytes on the wire from the DevTools
      protocol (Network.loadingFinished encodedDataLength, down; request bodies, up); median over
      --runs fresh clients after one warm-up.
  (2) incremental pull of 100 changes: the server updates 100 documents (another device's edits),
      then replicate.from() again from the client's checkpoint; 3 warm-ups, median over --repeat.
  (3) push of 200 documents made offline: with the context offline, 200 new documents are put
      (bulkDocs), then online replicate.to(remote) is timed until complete (the server has them);
      the first push after the first pull is printed apart (PouchDB then compares the whole
      database with the server's); 1 warm-up after it, median over --repeat.
  (4) a sync with nothing new: db.sync(remote) once (both directions, as Redgrid's syncNow() pushes
      and pulls); 3 warm-ups, median over 3 x --repeat. For information: replicate.from() alone.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
INCREMENTAL, PUSHED = 100, 200

OPEN = """async () => {
  window.remote = new PouchDB(location.origin + '/tasks');
  window.local = new PouchDB('tasks');
  await window.local.info();
}"""

# One replication, timed: direction 'from' pulls, 'to' pushes, until complete.
REPLICATE = """async (direction) => {
  const started = performance.now();
  const result = await window.local.replicate[direction](window.remote);
  return { ms: performance.now() - started, written: result.docs_written, ok: result.ok };
}"""

COUNT = "async () => (await window.local.info()).doc_count"

MAKE = """async (docs) => {
  await window.local.bulkDocs(docs);
}"""

SYNC = """async () => {
  const started = performance.now();
  const result = await window.local.sync(window.remote);
  return { ms: performance.now() - started, pushed: result.push.docs_written, pulled: result.pull.docs_written };
}"""


class PeerUnavailable(Exception):
    """The peer could not be installed or started (outside CI, the bench goes on without it)."""


def install() -> None:
    """`npm ci` in bench/peers when node_modules is missing."""
    if (HERE / "node_modules" / "express-pouchdb").exists():
        return
    try:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PeerUnavailable(f"npm ci in {HERE} failed: {exc}") from exc
    if done.returncode:
        raise PeerUnavailable(f"npm ci in {HERE} failed ({done.returncode}): {done.stderr[-2000:]}")


class Server:
    """pouchdb_server.js in a child process, on a free port of 127.0.0.1."""

    def __init__(self, docs: int, seed: int):
        self.process = subprocess.Popen(
            ["node", str(HERE / "pouchdb_server.js"), f"--docs={docs}", f"--seed={seed}"],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            self.close()
            raise PeerUnavailable(f"the PouchDB server did not start: {line}{self.process.stdout.read()[-2000:]}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def post(self, path: str):
        import urllib.request

        request = urllib.request.Request(self.url + path, method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def get(self, path: str):
        import urllib.request

        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            return json.loads(response.read())

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Wire:
    """Bytes down (encodedDataLength) and up (request bodies) of the page's requests."""

    def __init__(self, ctx, page):
        self.up, self.finished = 0, {}
        self.cdp = ctx.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on(
            "Network.loadingFinished", lambda e: self.finished.__setitem__(e["requestId"], e["encodedDataLength"])
        )
        self.cdp.send("Network.enable", {"maxPostDataSize": 1 << 26})

    def _sent(self, event) -> None:
        self.up += len(event["request"].get("postData", "").encode())

    def down(self) -> int:
        return sum(self.finished.values())


def evaluate(page, script: str, arg=None):
    result = page.evaluate(script, arg)
    if page.errors:
        raise SystemExit(f"JavaScript errors on the PouchDB page: {page.errors}")
    return result


def client(browser, server: Server, cpu_throttle: float = 1):
    """A fresh client: a new context (empty IndexedDB), PouchDB loaded, the databases opened."""
    ctx = browser.new_context(service_workers="block", viewport={"width": 360, "height": 740})
    ctx.set_extra_http_headers({"Accept-Encoding": "gzip"})
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(server.url + "/_bench/")
    page.wait_for_function("typeof PouchDB === 'function'")
    if cpu_throttle > 1:
        ctx.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu_throttle})
    evaluate(page, OPEN)
    return ctx, page


def first_pull(browser, server: Server, docs: int, args, wire: bool = False, keep: bool = False):
    ctx, page = client(browser, server, args.cpu_throttle)
    meter = Wire(ctx, page) if wire else None
    result = evaluate(page, REPLICATE, "from")
    stored = evaluate(page, COUNT)
    if not result["ok"] or stored != docs:
        raise SystemExit(f"PouchDB first pull: {result}, {stored} documents stored, expected {docs}")
    if meter:
        page.wait_for_timeout(200)  # the last loadingFinished events
        result["down"], result["up"] = meter.down(), meter.up
    if keep:
        return result, (ctx, page)
    ctx.close()
    return result, None


def incremental(page, server: Server) -> dict:
    server.post(f"/_bench/change?n={INCREMENTAL}")
    result = evaluate(page, REPLICATE, "from")
    if result["written"] != INCREMENTAL:
        raise SystemExit(f"PouchDB incremental pull wrote {result['written']} documents, expected {INCREMENTAL}")
    return result


def push(ctx, page, server: Server) -> dict:
    docs = server.get(f"/_bench/docs?n={PUSHED}")
    ctx.set_offline(True)
    evaluate(page, MAKE, docs)
    ctx.set_offline(False)
    result = evaluate(page, REPLICATE, "to")
    if result["written"] != PUSHED:
        raise SystemExit(f"PouchDB push wrote {result['written']} documents, expected {PUSHED}")
    return result


def nothing_new(page) -> dict:
    """sync() with nothing to move; then, for information, one pull alone (replicate.from)."""
    result = evaluate(page, SYNC)
    pull = evaluate(page, REPLICATE, "from")
    if result["pushed"] or result["pulled"] or pull["written"]:
        raise SystemExit(f"PouchDB sync with nothing new moved documents: {result}, {pull}")
    return {**result, "pull_ms": pull["ms"]}


def run(browser, args) -> dict:
    """The four rows against a fresh server of args.records documents: {figure: value} and details."""
    install()
    began = time.perf_counter()
    server = Server(args.records, args.seed)
    try:
        first_pull(browser, server, args.records, args)  # warm-up
        runs = [first_pull(browser, server, args.records, args, keep=i == args.runs - 1) for i in range(args.runs)]
        ctx, page = runs[-1][1]
        firsts = [r for r, _ in runs]
        wire, _ = first_pull(browser, server, args.records, args, wire=True)
        b = [incremental(page, server) for _ in range(3 + args.repeat)][3:]
        first_push = push(ctx, page, server)
        c = [push(ctx, page, server) for _ in range(1 + args.repeat)][1:]
        d = [nothing_new(page) for _ in range(3 + 3 * args.repeat)][3:]
        ctx.close()
    finally:
        server.close()
    median = statistics.median
    return {
        "first_ms": median(r["ms"] for r in firsts),
        "first_kb": wire["down"] / 1000,
        "first_up_kb": wire["up"] / 1000,
        "incremental_ms": median(r["ms"] for r in b),
        "push_ms": median(r["ms"] for r in c),
        "first_push_ms": first_push["ms"],
        "nothing_ms": median(r["ms"] for r in d),
        "nothing_pull_ms": median(r["pull_ms"] for r in d),
        "seconds": time.perf_counter() - began,
    }


def describe(figures: dict) -> str:
    return (
        f"PouchDB 9.0.0 (idb adapter) against express-pouchdb 4.2.0 on in-memory PouchDB, gzip; first pull "
        f"{figures['first_kb']:,.0f} KB down and {figures['first_up_kb']:,.0f} KB up; its first push after the "
        f"first pull {figures['first_push_ms']:,.0f} ms; nothing new, a pull alone (replicate.from) "
        f"{figures['nothing_pull_ms']:,.1f} ms; {figures['seconds']:.0f} s in all"
    )


def unavailable(exc: PeerUnavailable) -> None:
    """Outside CI a missing peer is said and left out; under CI=true it fails the bench."""
    if os.environ.get("CI", "").lower() == "true":
        raise SystemExit(f"the PouchDB peer is required under CI=true: {exc}")
    print(f"PouchDB peer left out: {exc}", file=sys.stderr)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000, help="documents in the database")
    parser.add_argument("--runs", type=int, default=7, help="fresh clients timed for (1)")
    parser.add_argument("--repeat", type=int, default=20, help="runs timed for (2) and (3); 3x for (4)")
    parser.add_argument("--cpu-throttle", type=float, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(HERE.parent.parent))
    from bench.sync_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            figures = run(browser, args)
        except PeerUnavailable as exc:
            unavailable(exc)
            return
        finally:
            browser.close()
    for key, value in figures.items():
        print(f"{key:<16}{value:12,.1f}")
    print(describe(figures))


if __name__ == "__main__":
    main()
