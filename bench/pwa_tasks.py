"""Benchmark: the grid worker's PWA on a slow phone — opening the app into "my tasks" from
IndexedDB, and the size of the app shell on first load (issue 4's benchmarks).

    .venv/bin/python bench/pwa_tasks.py                 # SQLite, 500 cached tasks, CPU 4x slower
    .venv/bin/python bench/pwa_tasks.py --postgres      # a throw-away PostgreSQL database
    .venv/bin/python bench/pwa_tasks.py --tasks 1000 --cpu-throttle 6 --runs 15
    .venv/bin/python bench/pwa_tasks.py --smoke         # 60 tasks, the smallest city, 3 runs (CI: that it runs)

Setup: the demo city (bench/demo_scale.py's run(): migrations, load_demo(households=--households)),
then admin tasks for the demo grid worker 13800000003 (王志强, 河西社区第一网格) through the app's
own bulk creation (server.tasks.service.bulk_create, one task per building of 河西社区, repeated)
until the worker holds at least --tasks open tasks. The app (create_app(), Flask-Compress as
configured) is served on 127.0.0.1 by werkzeug in a thread (bench/sync_browser.py's LiveServer,
whose middleware notes every response's size and Content-Encoding).

Chromium (Playwright, /usr/bin/chromium), 360 x 740, zh-CN, service worker ON:
  shell: a fresh context opens "/" and waits until the service worker is active and has
         precached the shell. Every response the server sent that is not /api/ is counted: the bytes
         as sent (the app's own encoding) and each body gzipped here at level 9, as a gzip-serving
         front (nginx gzip_static, a CDN) would send it; target <= 150 KB gzip.
  open:  the worker signs in, the app syncs every task into IndexedDB; then the page's CPU is
         slowed --cpu-throttle times (DevTools Emulation.setCPUThrottlingRate, as a cheap phone)
         and, --runs times after 2 warm-ups, the page navigates to "/" again (the service worker
         serves the shell; from about:blank, so no page with 500 rows is unloaded first) and times
         are taken from the navigation's start (performance.now() is relative to it) by a
         MutationObserver added before any page script runs:
           list shown: the first time task rows are on the page — the app draws the groups with
             their counts and the first rows at once, then the other rows in slices between
             frames (js/ui/tasks.js). The bench checks that this first draw fills the screen (its
             last row ends below the 740 px viewport) and stops if it does not: a list that shows
             three rows would not count as shown. Target median <= 300 ms (issue 15).
           all rows: every task row is in the page.
         The same offline (the S1 morning in a basement). The app's own performance marks
         (redgrid:boot, catalog, me, tasks-read, tasks-drawn, tasks-all) are printed as medians.
"""

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.demo_scale import run as build_database  # noqa: E402
from bench.sync_browser import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402

WORKER, WORKER_PASSWORD = "13800000003", "grid2026a"
ADMIN = "13800000002"  # 刘红梅, admin of 河西社区
TARGETS = {"open_ms": 300, "shell_kb": 150}  # open: issue 15 (was 400 in issue 4)

# Before any page script: note when the task list first shows rows (and whether they fill the
# screen), and when it shows them all — shown: on a screen that is painted, not one still settling
# (ui/settle.js: laid out, hidden until its parts are drawn). (A backslash at the end of a line continues it: Python
# drops it and the newline, so the page gets that line whole.)
OBSERVE = """(() => {
  if (!location.protocol.startsWith('http')) return; // about:blank between runs
  window.benchTimes = {};
  const selector = sessionStorage.getItem('benchRow') || '[data-testid="task-row"]';
  const seen = () => {
    const all = document.querySelectorAll(selector);
    if (all[0]?.closest('.screen--settling')) return;
    const rows = all.length;
    if (rows && window.benchTimes.firstRow === undefined) {
      window.benchTimes.firstRow = performance.now();
      window.benchTimes.firstRows = rows;
      window.benchTimes.filled = all[rows - 1].getBoundingClientRect().bottom >= window.innerHeight;
    }
    if (rows >= (window.benchExpected ?? Infinity) && window.benchTimes.list === undefined) \
window.benchTimes.list = performance.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true, attributeFilter: ['class'] });
  window.benchExpected = Number(sessionStorage.getItem('benchExpected') || Infinity);
})()"""

SIGN_IN_AND_SYNC = """async ({ phone, password, entity }) => {
  const session = await import('/js/session.js');
  await session.signIn(phone, password);
  const client = await import('/js/sync-client.js');
  await client.syncNow();
  const db = await import('/js/db.js');
  return (await db.listRecords(entity)).length;
}"""


def seed_tasks(app, wanted: int) -> int:
    """Bulk-created tasks (one per building of 河西社区, as its admin would) until the worker has
    `wanted` open ones (those of the buildings in the worker's grid are assigned to them)."""
    from sqlalchemy import func, select

    from server.auth.models import User
    from server.extensions import db
    from server.org.models import OrgUnit
    from server.tasks import service
    from server.tasks.models import Task

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.phone == ADMIN))
        worker = db.session.scalar(select(User).where(User.phone == WORKER))
        community = db.session.scalar(select(OrgUnit).where(OrgUnit.kind == "community", OrgUnit.name == "河西社区"))

        def count() -> int:
            return db.session.scalar(
                select(func.count())
                .select_from(Task)
                .where(Task.assignee_id == worker.id, Task.status.in_(("assigned", "in_progress")))
            )

        round_ = 0
        while (before := count()) < wanted:
            round_ += 1
            answer = service.bulk_create(
                admin,
                {
                    "org_unit_id": community.id,
                    "target_kind": "building",
                    "type": "hazard",
                    "priority": "normal",
                    "title": f"第{round_}轮：检查{{target}}楼道消防器材",
                    "description": "逐层检查灭火器压力、消防通道是否畅通，拍照留存。",
                },
            )
            if count() == before:
                raise SystemExit(f"bulk creation gave the worker no task: {answer}")
        total = count()
        db.session.remove()
        return total


def shell_size(browser, server: LiveServer) -> dict:
    server.recorder.take()
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = ctx.new_page()
    sent = []

    def on_response(response):
        if "/api/" not in response.url:
            try:
                sent.append((response.url, response.headers.get("content-encoding"), len(response.body())))
            except Exception:  # noqa: BLE001 — a redirect or an aborted response has no body
                pass

    ctx.on("response", on_response)
    page.goto(server.url)
    page.get_by_test_id("signin-form").wait_for()
    # What the service worker precached (its own fetches are not the page's responses).
    cached = page.evaluate("""async () => {
      await navigator.serviceWorker.ready;
      const lists = await Promise.all((await caches.keys()).map(async (k) => (await caches.open(k)).keys()));
      return lists.flat().map((request) => request.url);
    }""")
    ctx.close()
    urls = {url: None for url in cached}
    for url, encoding, _size in sent:
        urls[url] = encoding
    bodies = {url: _fetch(server, url) for url in urls}
    sent_kb = sum(len(_fetch(server, url, encoded=True)) for url in urls) / 1000
    raw = sum(len(b) for b in bodies.values())
    gz = sum(len(gzip.compress(b, 9)) for b in bodies.values())
    encodings = sorted({e or "identity" for e in urls.values()})
    return {
        "files": len(bodies),
        "raw_kb": raw / 1000,
        "sent_kb": sent_kb,
        "gzip_kb": gz / 1000,
        "encodings": encodings,
        "largest": sorted(
            ((len(gzip.compress(b, 9)) / 1000, u.replace(server.url, "")) for u, b in bodies.items()), reverse=True
        )[:5],
    }


def _fetch(server: LiveServer, url: str, encoded: bool = False) -> bytes:
    """The body as the file is (identity), or as sent to a browser that takes br and gzip."""
    import urllib.request

    headers = {"Accept-Encoding": "gzip, deflate, br"} if encoded else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:  # noqa: S310 — our own server
        return response.read()


def open_times(
    browser,
    server: LiveServer,
    args,
    expected: int,
    *,
    phone: str = WORKER,
    password: str = WORKER_PASSWORD,
    entity: str = "task",
    path: str = "/",
    row: str = '[data-testid="task-row"]',
) -> dict:
    """Open the app at `path` with a synced phone, --runs times online and offline, CPU
    throttled: when the first `row`s show (filling the screen) and when `expected` of them do."""
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    ctx.add_init_script(OBSERVE)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url)
    page.get_by_test_id("signin-form").wait_for()
    stored = page.evaluate(SIGN_IN_AND_SYNC, {"phone": phone, "password": password, "entity": entity})
    page.evaluate("navigator.serviceWorker.ready")
    page.evaluate("(n) => sessionStorage.setItem('benchExpected', String(n))", expected)
    page.evaluate("(r) => sessionStorage.setItem('benchRow', r)", row)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_throttle})

    def one(offline: bool) -> dict:
        ctx.set_offline(offline)
        # From a blank page, as when the app is opened from the home screen: the time to unload
        # the list drawn by the run before is not part of opening the app.
        page.goto("about:blank")
        page.goto(server.url + path)
        deadline = time.monotonic() + 60
        while (times := page.evaluate("window.benchTimes")).get("list") is None:  # CSP: no wait_for_function
            if time.monotonic() > deadline:
                raise SystemExit(f"{path} did not show {expected} rows within 60 s: {times}")
            time.sleep(0.02)
        ctx.set_offline(False)
        if not times["filled"]:
            raise SystemExit(
                f"the first draw of the list ({times['firstRows']} rows) does not fill the screen: {times}"
            )
        marks = page.evaluate(
            "performance.getEntriesByType('mark').filter((m) => m.name.startsWith('redgrid:'))"
            ".map((m) => [m.name.slice(8), m.startTime])"
        )
        times["marks"] = {}
        for name, at in marks:  # the first of each: a sync's redraw marks again
            times["marks"].setdefault(name, at)
        return times

    for _ in range(2):
        one(False)
    online = [one(False) for _ in range(args.runs)]
    offline = [one(True) for _ in range(max(3, args.runs // 2))]
    rows = page.locator(row).count()
    ctx.close()
    if errors:
        raise SystemExit(f"JavaScript errors on the page: {errors}")
    return {"stored": stored, "rows": rows, "online": online, "offline": offline}


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def bench(url: str, kind: str, args) -> None:
    from playwright.sync_api import sync_playwright

    began = time.perf_counter()
    loaded = build_database(url, args.households, args.seed)
    from server import create_app

    app = create_app({"DATABASE_URL": url, "REDIS_URL": None})
    tasks = seed_tasks(app, args.tasks)
    server = LiveServer(app)
    with sync_playwright() as playwright:
        # Service workers on, and no bypass of the page's CSP: the app as a phone runs it.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            shell = shell_size(browser, server)
            # The worker's list shows the open tasks (overdue, today, upcoming); done ones are folded.
            opened = open_times(browser, server, args, min(tasks, args.tasks))
        finally:
            browser.close()
            server.close()
    print(
        f"database {kind}; households {loaded['counts']['households']:,}; worker 13800000003 with {tasks:,} open tasks "
        f"({opened['stored']:,} task records in IndexedDB, {opened['rows']:,} rows shown)"
    )
    print(
        f"Chromium {browser.version if hasattr(browser, 'version') else ''} headless, 360x740, service worker on; "
        f"CPU throttled {args.cpu_throttle:g}x for the open figures; {args.runs} runs after 2 warm-ups"
    )
    print()
    online, offline = opened["online"], opened["offline"]
    shown_ms = statistics.median(t["firstRow"] for t in online)
    print(
        f"open the app into my tasks: list shown (median)     {shown_ms:8,.0f} ms   "
        f"target <= {TARGETS['open_ms']} ms  {verdict(shown_ms, TARGETS['open_ms'])}  "
        f"(min {min(t['firstRow'] for t in online):,.0f}, max {max(t['firstRow'] for t in online):,.0f}; "
        f"{statistics.median(t['firstRows'] for t in online):.0f} rows, the screen full)"
    )
    print(
        f"    all {min(tasks, args.tasks):,} rows in the page (median)              "
        f"{statistics.median(t['list'] for t in online):8,.0f} ms"
    )
    print(
        f"    offline: list shown / all rows (median of {len(offline)})     "
        f"{statistics.median(t['firstRow'] for t in offline):8,.0f} / "
        f"{statistics.median(t['list'] for t in offline):,.0f} ms"
    )
    for label, runs in (("online", online), ("offline", offline)):
        names = [
            name
            for name in ("boot", "catalog", "me", "tasks-read", "tasks-drawn", "tasks-all")
            if all(name in t["marks"] for t in runs)
        ]
        print(
            f"    app marks, {label} (median ms): "
            + ", ".join(f"{name} {statistics.median(t['marks'][name] for t in runs):,.0f}" for name in names)
        )
    print(
        f"app shell on first load, gzip -9 ({shell['files']} files)               {shell['gzip_kb']:8,.0f} KB   "
        f"target <= {TARGETS['shell_kb']} KB  {verdict(shell['gzip_kb'], TARGETS['shell_kb'])}"
    )
    print(f"    as the app sends it to Chromium ({', '.join(shell['encodings'])})         {shell['sent_kb']:8,.0f} KB")
    print("    largest (gzip KB): " + ", ".join(f"{path} {kb:.1f}" for kb, path in shell["largest"]))
    print(f"\ntotal run {time.perf_counter() - began:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=500, help="open tasks cached on the worker's phone")
    parser.add_argument("--households", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--cpu-throttle", type=float, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER)
    parser.add_argument("--smoke", action="store_true", help="a tiny run: that the bench works, not its figures")
    args = parser.parse_args()
    if args.smoke:
        from server.demo.generator import MIN_HOUSEHOLDS

        args.tasks, args.households, args.runs = 60, MIN_HOUSEHOLDS, 3
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    if args.postgres:
        with scratch_postgres(args.pg_server, "redgrid_pwab") as (_admin, _names, (url,)):
            bench(url, "PostgreSQL", args)
    else:
        with scratch_sqlite("redgrid_pwab_") as (_folder, (url,)):
            bench(url, "SQLite", args)


if __name__ == "__main__":
    main()
