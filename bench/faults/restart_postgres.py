"""Fault: restart PostgreSQL during a push storm (issue 18, item 4).

    .venv/bin/python bench/faults/restart_postgres.py            # 24 phones, 45 s, down 5 s
    .venv/bin/python bench/faults/restart_postgres.py --smoke    # 6 phones, 24 s, down 3 s (CI)

The scaled deployment (scripts/scaled.sh: nginx, 3 gunicorn servers, 2 RQ workers) on a
PostgreSQL cluster and a redis-server of the run's own (bench/faults/_fleet.py: initdb into a
temporary folder, free ports; removed afterwards), so the shared services stay untouched; the
demo city (--households) loaded. N phones — sessions of the demo grid worker 13800000003 — push
batches of 5 field reports through the proxy, each batch again with the same mutation ids until it
is answered (PROTOCOL §6.4). A third of the way in, PostgreSQL stops (`pg_ctl stop -m fast`: every
connection cut, transactions in flight rolled back), stays down --down seconds, and starts again.

What the server answers meanwhile is counted by kind: 503 `database_unavailable` (with
Retry-After) is the contract (PROTOCOL §9); a 500 is a bug.

Verdict (exit 1 unless PASS):
  - lost 0, duplicated 0, the change log complete and below the committed mark (as kill_server.py);
  - no 500 answered (the servers' pools drop the dead connections: pre-ping);
  - recovery ≤ 10 s: for each phone that met an error since the stop, the time from
    PostgreSQL's return to its next answered push after its last error; the longest is judged.
"""

import argparse
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.faults._fleet import (  # noqa: E402
    Phone,
    check,
    free_run,
    grid_of_worker,
    own_services,
    recoveries,
    report,
    scaled,
    scaled_env,
    verdict,
)

RECOVERY_TARGET_S = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--households", type=int, default=2000, help="size of the demo city")
    parser.add_argument("--smoke", action="store_true", help="6 phones for 24 s, down 3 s: that the fault run works")
    args = parser.parse_args()
    if args.smoke:
        args.phones, args.seconds, args.down, args.households = 6, 24, 3, 1500  # the demo's smallest city

    run_id = uuid.uuid4().hex[:8]
    with own_services() as (postgres, cache), tempfile.TemporaryDirectory(prefix="redgrid-fault-") as run_dir:
        url = postgres.server_url.rsplit("/", 1)[0] + "/redgrid_fault"  # scaled.sh makes it
        port = free_run(4, 8300, 10)  # 8300-8303, else 8310-8313 …: clear of the shared 8100
        env = {**scaled_env(url, cache.url, port, run_dir, args.households), "FAULT_NAME": "restart_postgres"}
        started = time.monotonic()
        scaled("start", env)
        print(
            f"scaled deployment up in {time.monotonic() - started:.1f} s on http://127.0.0.1:{port}/ "
            f"(PostgreSQL :{postgres.port}, Redis :{cache.port} of its own)"
        )
        try:
            grid_id = grid_of_worker(url)
            stop = threading.Event()
            base = f"http://127.0.0.1:{port}"
            phones = [Phone(i, base, grid_id, run_id, stop) for i in range(args.phones)]
            for phone in phones:
                phone.sign_in()
            for phone in phones:
                phone.start()
            time.sleep(args.seconds / 3)
            stopped_at = time.monotonic()
            postgres.stop("fast")
            print(
                f"PostgreSQL stopped (fast) in {time.monotonic() - stopped_at:.2f} s with {args.phones} phones pushing"
            )
            time.sleep(args.down)
            postgres.start()
            back_at = time.monotonic()
            print(f"PostgreSQL started again: down {back_at - stopped_at:.2f} s")
            time.sleep(max(5.0, args.seconds * 2 / 3 - args.down))
            stop.set()
            for phone in phones:
                phone.join(timeout=60)
            still = [p.name for p in phones if p.is_alive()]
        finally:
            scaled("stop", env)
        recovered = recoveries(phones, stopped_at, back_at)
        figures = check(url, phones, run_id)
    during = [kind for p in phones for t, kind in p.errors if t >= stopped_at]
    answered_500 = sum(1 for kind in during if kind.startswith("HTTP 500"))
    print(f"answers met during and after the restart: {len(during)}; of them HTTP 500: {answered_500}")
    failed = report(phones, figures, recovered, RECOVERY_TARGET_S, "stop (recovery: from PostgreSQL's return)", still)
    verdict(
        [
            *failed,
            *([f"{answered_500} answers were 500 (503 database_unavailable is the contract)"] if answered_500 else []),
        ]
    )


if __name__ == "__main__":
    main()
