"""Fault: a slow and lossy network between the phone and the server (issue 18, item 4).

    .venv/bin/python bench/faults/bad_network.py            # 8 waves of 8 field reports
    .venv/bin/python bench/faults/bad_network.py --smoke    # 3 waves of 4 (CI: that it runs)

The scaled deployment (scripts/scaled.sh: nginx, 3 gunicorn servers, 2 RQ workers) on a new
PostgreSQL database (dropped afterwards) with the demo city, Redis database 5 (flushed). In front
of nginx, a TCP proxy (bench/faults/_lossy_proxy.py; this kernel has no netem) adds 300 ms each
way, and Chromium's own network emulation adds a 3G link (150 ms, 1.6 Mbit/s down, 750 kbit/s up).
The PWA, in Debian's Chromium at 360×740 with its service worker, opens through both, and the
demo grid worker 13800000003 signs in.

  1. lossy: --drop of the connections (20 %) are cut after a random part of the answer, so some
     pushes reach the server and are applied while the phone never hears so. The worker writes
     field reports in waves (the PWA's own outbox.js enqueue(), as the report form does) and the
     app's sync loop carries them, retrying on its own;
  2. outage: a wave is written, then every connection is cut and new ones refused for 5 s; the
     header's sync chip is read through it: it must say, in Chinese, that the phone is offline or
     the sync failed, and that edits wait;
  3. healed (the delay stays): nothing more is done — the app must recover by itself (its backoff
     and retry) and empty its outbox within --converge seconds.

Verdict (exit 1 unless PASS):
  - lost 0: every report written on the phone is in the database, with its text;
  - duplicated 0: one row per report (retries of cut pushes applied once, PROTOCOL §6.4);
  - the outbox empty, nothing refused, and the phone's own copy of each report at the server's
    version (it heard of each, in the end);
  - the chip said what was wrong, in Chinese, during the outage, and 已同步 at the end (within
    --converge s of the healing, the time printed: a pull cut by a dropped connection waits out
    its 30 s timeout before the sync ends);
  - converged within --converge s of the network healing (the time is printed).
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import redis
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench._deployment import free_run, scaled  # noqa: E402
from bench._scratch import scratch_postgres  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.faults._lossy_proxy import LossyProxy  # noqa: E402
from bench.faults.kill_server import PASSWORD, WORKER  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/5"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage"]
THREE_G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}

SIGN_IN = """async ({ phone, password }) => {
  const session = await import('/js/session.js');
  await session.signIn(phone, password);
}"""

WRITE = """async (reports) => {
  const { enqueue } = await import('/js/outbox.js');
  for (const { id, fields } of reports) await enqueue({ entity: 'field_report', id, op: 'create', fields });
  // What saving a form does: the app's sync loop is told, and goes on by itself (not awaited).
  (await import('/js/sync-client.js')).syncNow().catch(() => {});
}"""

OUTBOX = """async () => {
  const { countOutbox } = await import('/js/outbox.js');
  return countOutbox();
}"""

LOCAL_VERSIONS = """async (ids) => {
  const db = await import('/js/db.js');
  const out = {};
  for (const id of ids) out[id] = (await db.getRecord('field_report', id))?.version ?? null;
  return out;
}"""

CHIP = "[data-testid=sync-chip-text]"


def chip(page) -> str:
    try:
        return page.locator(CHIP).first.inner_text(timeout=2000)
    except Exception:  # noqa: BLE001  between screens the chip may be re-drawn
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waves", type=int, default=8)
    parser.add_argument("--per-wave", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds added each way by the TCP proxy")
    parser.add_argument("--drop", type=float, default=0.2, help="share of connections cut in the lossy phase")
    parser.add_argument("--outage", type=float, default=5)
    parser.add_argument("--converge", type=float, default=120, help="seconds allowed after the network heals")
    parser.add_argument("--households", type=int, default=1500, help="size of the demo city")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--smoke", action="store_true", help="3 waves of 4: that the fault run works")
    args = parser.parse_args()
    if args.smoke:
        args.waves, args.per_wave = 3, 4
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")

    run_id = uuid.uuid4().hex[:8]
    redis.Redis.from_url(REDIS_URL).flushdb()
    with (
        scratch_postgres(args.pg_server, "redgrid_fault_net") as (_admin, _names, (url,)),
        tempfile.TemporaryDirectory(prefix="redgrid-fault-net-") as run_dir,
    ):
        port = free_run(4)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("REDGRID_")},
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SCALED_PORT": str(port),
            "SCALED_DIR": run_dir,
            "SCALED_DEMO": "1",
            "SCALED_DEMO_HOUSEHOLDS": str(args.households),
            "SECRET_KEY": "fault-run",
            "REDGRID_REQUEST_LOG": "0",
        }
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        scaled("start", env)
        try:
            with psycopg.connect(dsn) as connection:
                grid_id = connection.execute(
                    "SELECT a.org_unit_id FROM role_assignments a JOIN users u ON u.id = a.user_id "
                    "WHERE u.phone = %s AND a.role = 'grid_worker'",
                    (WORKER,),
                ).fetchone()[0]
            with LossyProxy(port, delay_s=args.delay) as lossy, sync_playwright() as pw:
                outcome = run_phone(pw, lossy, args, grid_id, run_id)
                outcome["proxy"] = dict(lossy.stats)
        finally:
            scaled("stop", env)
        with psycopg.connect(dsn) as connection:
            stored = connection.execute(
                "SELECT id::text, description, version FROM field_reports WHERE description LIKE %s",
                (f"net-{run_id}-%",),
            ).fetchall()
    verdict(outcome, stored, args)


def run_phone(pw, lossy: LossyProxy, args, grid_id: int, run_id: str) -> dict:
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THREE_G)
    base = f"http://127.0.0.1:{lossy.port}"
    opened = time.monotonic()
    page.goto(base + "/", wait_until="load", timeout=120_000)
    page.evaluate(SIGN_IN, {"phone": WORKER, "password": PASSWORD})
    page.reload(wait_until="load", timeout=120_000)
    page.locator(CHIP).first.wait_for(timeout=60_000)
    print(f"opened and signed in through the bad network in {time.monotonic() - opened:.1f} s")

    written: dict[str, str] = {}

    def wave(n: int) -> None:
        reports = []
        for k in range(args.per_wave):
            text = f"net-{run_id}-{n}-{k} 楼道堆物"
            record_id = str(uuid.uuid4())
            written[record_id] = text
            fields = {"grid_id": grid_id, "category": "safety", "description": text, "location_status": "denied"}
            reports.append({"id": record_id, "fields": fields})
        page.evaluate(WRITE, reports)

    lossy.set(drop_rate=args.drop)
    for n in range(args.waves - 1):
        wave(n)
        time.sleep(2)
    print(f"lossy phase: {len(written)} reports written, proxy {lossy.stats}")

    wave(args.waves - 1)
    lossy.outage(args.outage)
    seen = set()
    until = time.monotonic() + args.outage
    while time.monotonic() < until:
        seen.add(chip(page))
        page.wait_for_timeout(250)
    healed = time.monotonic()
    lossy.set(drop_rate=0.0)
    print(f"outage of {args.outage:.0f} s: the chip said {sorted(s for s in seen if s)}")

    converged, left = None, None
    while time.monotonic() - healed < args.converge:
        left = page.evaluate(OUTBOX)
        if left["pending"] == 0 and left["rejected"] == 0:
            converged = time.monotonic() - healed
            break
        page.wait_for_timeout(500)
    # The chip follows the outbox a moment later, or once the pull of the same sync ends: a pull
    # sent into a connection the proxy dropped waits out its timeout (30 s, sync-pull.js) first.
    final_chip, chip_synced = "", None
    while True:
        final_chip = chip(page)
        if "已同步" in final_chip:
            chip_synced = time.monotonic() - healed
            break
        if time.monotonic() - healed >= max(args.converge, (converged or 0) + 5):
            break
        page.wait_for_timeout(250)
    local = page.evaluate(LOCAL_VERSIONS, list(written))
    browser.close()
    return {
        "written": written,
        "chips": seen,
        "converged": converged,
        "left": left,
        "final_chip": final_chip,
        "chip_synced": chip_synced,
        "local": local,
    }


def verdict(outcome: dict, stored: list, args) -> None:
    written, local = outcome["written"], outcome["local"]
    by_id = {row[0]: row for row in stored}
    texts = [row[1] for row in stored]
    lost = [r for r, text in written.items() if by_id.get(r, (None, None))[1] != text]
    duplicated = len(texts) - len(set(texts)) + len([r for r in by_id if r not in written])
    stale = [r for r in written if r in by_id and local.get(r) != by_id[r][2]]
    said = [s for s in outcome["chips"] if ("离线" in s or "失败" in s)]
    print(f"reports written on the phone: {len(written)}; in the database: {len(stored)}")
    print(f"proxy: {outcome['proxy']}")
    if outcome["converged"] is not None:
        print(f"converged {outcome['converged']:.1f} s after the network healed (allowed {args.converge:.0f} s)")
    print(f"lost: {len(lost)}, duplicated: {duplicated}, phone's copy not at the server's version: {len(stale)}")
    synced = outcome["chip_synced"]
    print(
        f"chip at the end: {outcome['final_chip']!r}" + (f", {synced:.1f} s after the network healed" if synced else "")
    )
    failed = [
        *([f"lost {len(lost)}"] if lost else []),
        *([f"duplicated {duplicated}"] if duplicated else []),
        *(
            [f"not converged in {args.converge:.0f} s: outbox {outcome['left']}"]
            if outcome["converged"] is None
            else []
        ),
        *([f"stale on the phone {len(stale)}"] if stale else []),
        *(["the chip never said offline or failed during the outage"] if not said else []),
        *([f"the chip at the end says {outcome['final_chip']!r}"] if "已同步" not in outcome["final_chip"] else []),
        *(["no connection was dropped in the lossy phase"] if args.drop and not outcome["proxy"]["dropped"] else []),
    ]
    print("VERDICT:", "PASS" if not failed else "FAIL — " + "; ".join(failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
