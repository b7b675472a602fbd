"""Fault: kill -9 a Redgrid server process in the middle of pushes (issue 18, item 4).

    .venv/bin/python bench/faults/kill_server.py            # 24 phones, 45 s
    .venv/bin/python bench/faults/kill_server.py --smoke    # 6 phones, 20 s (CI: that it runs)

The scaled deployment (scripts/scaled.sh: nginx, 3 gunicorn servers, 2 RQ workers) on a new
PostgreSQL database (dropped afterwards) with the demo city (--households), Redis database 6 (flushed). N phones
— sessions of the demo grid worker 13800000003, each with its own client id — push batches of 5
new field reports through the proxy, one after the other, as the PWA's outbox does: a batch that
gets no answer, or a 5xx (the proxy's 502 while a process is gone), is sent again with the same
mutation ids until it is answered (PROTOCOL §6.4). A third of the way in, server 1's gunicorn
master and its worker get SIGKILL together: the process is gone, nothing restarts it, and nginx
must move its phones to the other processes.

Verdict (exit 1 unless PASS):
  - lost 0: every mutation answered `applied` is in the database, with its values;
  - duplicated 0: one field report per mutation, and nothing stored that no phone was told of
    (each phone retries until answered, so stored = acknowledged);
  - the change log holds every acknowledged record at its version, below the committed mark;
  - recovery ≤ 10 s: for each phone that met an error after the kill, the time from the kill to
    its next answered push; the longest is judged.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import _invariants  # noqa: E402
from bench._deployment import grid_of, scaled_deployment  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402

WORKER, PASSWORD = "13800000003", "grid2026a"  # the demo's 王志强, 河西社区第一网格
REDIS_URL = "redis://127.0.0.1:6379/6"
BATCH = 5
RECOVERY_TARGET_S = 10


class Phone(threading.Thread):
    """One phone's outbox loop: push a batch until answered, then the next."""

    def __init__(self, index: int, base: str, grid_id: int, run: str, stop: threading.Event):
        super().__init__(name=f"phone-{index}", daemon=True)
        self.index, self.base, self.grid_id, self.run_id, self.stop = index, base, grid_id, run, stop
        self.acked: dict[str, str] = {}  # record id -> description, answered applied
        self.refused: list[str] = []
        self.errors: list[tuple[float, str]] = []  # (time, what)
        self.answered: list[float] = []  # times a push was answered
        self.session = requests.Session()

    def sign_in(self) -> None:
        token = self.session.get(f"{self.base}/api/csrf", timeout=10).json()["csrf_token"]
        answer = self.session.post(
            f"{self.base}/api/auth/login",
            json={"phone": WORKER, "password": PASSWORD},
            headers={"X-CSRFToken": token},
            timeout=30,
        )
        answer.raise_for_status()
        self.csrf = answer.json()["csrf_token"]

    def batch(self) -> list[dict]:
        mutations = []
        for _ in range(BATCH):
            mutation_id = str(uuid.uuid4())
            mutations.append(
                {
                    "id": mutation_id,
                    "entity": "field_report",
                    "record_id": str(uuid.uuid4()),
                    "op": "create",
                    "fields": {
                        "grid_id": self.grid_id,
                        "category": "safety",
                        "description": f"fault-{self.run_id}-{mutation_id}",
                        "location_status": "denied",
                    },
                }
            )
        return mutations

    def run(self) -> None:
        while not self.stop.is_set():
            mutations = self.batch()
            body = {"protocol": "redgrid-sync/1", "client_id": f"fault-phone-{self.index}", "mutations": mutations}
            while True:  # the same batch until it is answered
                try:
                    answer = self.session.post(
                        f"{self.base}/api/sync/push", json=body, headers={"X-CSRFToken": self.csrf}, timeout=15
                    )
                except requests.RequestException as exc:
                    self.errors.append((time.monotonic(), type(exc).__name__))
                    time.sleep(0.2)
                    continue
                if answer.status_code >= 500:  # the kind: status and error code (502 from nginx has none)
                    ours = answer.headers.get("Content-Type", "").startswith("application/json")
                    code = answer.json().get("error", {}).get("code", "") if ours else ""
                    self.errors.append((time.monotonic(), f"HTTP {answer.status_code} {code}".strip()))
                    time.sleep(0.2)
                    continue
                if answer.status_code != 200:
                    self.refused.append(f"HTTP {answer.status_code}: {answer.text[:200]}")
                    return
                break
            self.answered.append(time.monotonic())
            for mutation, result in zip(mutations, answer.json()["results"], strict=True):
                if result["status"] == "applied":
                    self.acked[mutation["record_id"]] = mutation["fields"]["description"]
                else:
                    self.refused.append(f"{result['status']}: {result.get('error')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--households", type=int, default=2000, help="size of the demo city")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--smoke", action="store_true", help="6 phones for 20 s: that the fault run works")
    args = parser.parse_args()
    if args.smoke:
        args.phones, args.seconds, args.households = 6, 20, 1500  # the demo's smallest city

    run_id = uuid.uuid4().hex[:8]
    with (
        tempfile.TemporaryDirectory(prefix="redgrid-fault-") as run_dir,
        scaled_deployment(
            args.pg_server,
            "redgrid_fault_kill",
            REDIS_URL,
            args.households,
            run_dir,
            REDGRID_LOGIN_RATE_LIMIT="1000 per minute",  # every phone signs in as the same worker
        ) as (base, url, _env),
    ):
        grid_id = grid_of(url, WORKER)
        stop = threading.Event()
        phones = [Phone(i, base, grid_id, run_id, stop) for i in range(args.phones)]
        for phone in phones:
            phone.sign_in()
        for phone in phones:
            phone.start()
        time.sleep(args.seconds / 3)
        master = int(Path(run_dir, "server-1.pid").read_text())
        children = [
            int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
        ]
        killed_at = time.monotonic()
        for pid in [master, *children]:
            os.kill(pid, signal.SIGKILL)
        print(f"SIGKILL to server 1 (gunicorn {master}, worker {children}) with {args.phones} phones pushing")
        time.sleep(args.seconds * 2 / 3)
        stop.set()
        for phone in phones:
            phone.join(timeout=60)
        still = [p.name for p in phones if p.is_alive()]
        figures = _invariants.check(url, f"fault-{run_id}", {r: t for p in phones for r, t in p.acked.items()})

        recoveries = []
        for phone in phones:
            hit = [t for t, _ in phone.errors if t >= killed_at]
            if hit:
                after = [t for t in phone.answered if t > hit[-1]]
                recoveries.append((after[0] - killed_at) if after else float("inf"))

    pushes = sum(len(p.answered) for p in phones)
    errors = sum(len(p.errors) for p in phones)
    refused = [r for p in phones for r in p.refused]
    print(f"pushes answered: {pushes} ({pushes * BATCH} mutations); errors met and retried: {errors}")
    kinds = sorted({what for p in phones for _, what in p.errors})
    print(f"errors by kind: {', '.join(kinds) or 'none'}")
    if recoveries:
        print(
            f"phones that met an error after the kill: {len(recoveries)}/{len(phones)}; "
            f"recovery p50 {statistics.median(recoveries):.2f} s, max {max(recoveries):.2f} s "
            f"(target ≤ {RECOVERY_TARGET_S} s)"
        )
    else:
        print("no phone met an error after the kill (none was on server 1 at that moment)")
    for name, value in figures.items():
        print(f"{name}: {value}")
    failed = [
        *_invariants.failures(figures),
        *([f"refused {len(refused)}: {refused[:3]}"] if refused else []),
        *([f"phones stuck: {still}"] if still else []),
        *(
            [f"recovery {max(recoveries):.1f} s > {RECOVERY_TARGET_S} s"]
            if recoveries and max(recoveries) > RECOVERY_TARGET_S
            else []
        ),
        *(["no push answered"] if not pushes else []),
    ]
    print("VERDICT:", "PASS" if not failed else "FAIL — " + "; ".join(failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
