"""What the fault runs that stop a service share (restart_postgres.py, stop_redis.py): a
PostgreSQL cluster and a redis-server of their own (temporary folder, free port), so the shared
ones are never touched; kill_server.py's phones (retrying every unanswered batch through the
proxy), bench/_deployment's scaled.sh and bench/_invariants' check, with the recovery figures
and the printed verdict."""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench import _deployment, _invariants
from bench.faults.kill_server import WORKER, Phone

ROOT = Path(__file__).resolve().parents[2]
BATCH = 5  # mutations per push (kill_server.Phone's)
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def keep_logs(run_dir: str, name: str) -> Path:
    """Copy the deployment's logs out of its run folder (removed afterwards) for a look."""
    kept = Path(tempfile.gettempdir()) / f"redgrid-{name}-logs-{os.getpid()}"
    kept.mkdir(exist_ok=True)
    for log in Path(run_dir).glob("*.log"):
        shutil.copy(log, kept / log.name)
    return kept


def scaled(command: str, env: dict) -> str:
    """bench/_deployment.scaled, keeping the logs before a stop."""
    if command == "stop" and env.get("SCALED_DIR"):
        print(f"logs kept in {keep_logs(env['SCALED_DIR'], env.get('FAULT_NAME', 'fault'))}")
    return _deployment.scaled(command, env)


def free_run(count: int, start: int = 18100, step: int = 97) -> int:
    """The first of `count` consecutive free ports (a port in TIME_WAIT counts as free: the
    servers bind with SO_REUSEADDR too), looked for from a place of this process's own among the
    first 40 after `start` (two fault runs at once in bench/smoke.py both took `start`)."""
    bases = list(range(start, 60000, step))
    turn = os.getpid() % min(40, len(bases))
    for base in bases[turn:] + bases[:turn]:
        try:
            for offset in range(count):
                with socket.socket() as probe:
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    probe.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise SystemExit("no run of free ports")


def scaled_env(url: str, redis_url: str, port: int, run_dir: str, households: int) -> dict:
    """scripts/scaled.sh's environment for a fault run."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("REDGRID_")},
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SCALED_PORT": str(port),
        "SCALED_DIR": run_dir,
        "SCALED_DEMO": "1",
        "SCALED_DEMO_HOUSEHOLDS": str(households),
        "SECRET_KEY": "fault-run",
        "REDGRID_LOGIN_RATE_LIMIT": "1000 per minute",  # every phone signs in as the same worker
        "REDGRID_REQUEST_LOG": "0",
    }


def grid_of_worker(url: str) -> int:
    return _deployment.grid_of(url, WORKER)


def check(url: str, phones: list[Phone], run_id: str) -> dict:
    """bench/_invariants.check over every phone's acknowledged records."""
    acked = {record: text for p in phones for record, text in p.acked.items()}
    return _invariants.check(url, f"fault-{run_id}", acked)


INVARIANTS = _invariants.MUST_BE_ZERO


def recoveries(phones: list[Phone], since: float, origin: float | None = None) -> list[float]:
    """For each phone that met an error after `since`: from `origin` (the fault's end; `since`
    when not given) to its next answered push after its last error."""
    origin = since if origin is None else origin
    found = []
    for phone in phones:
        hit = [t for t, _ in phone.errors if t >= since]
        if hit:
            after = [t for t in phone.answered if t > hit[-1]]
            found.append(max(0.0, after[0] - origin) if after else float("inf"))
    return found


def report(phones: list[Phone], figures: dict, recovered: list[float], target_s: float, what: str, still) -> list:
    """Print the figures of the phones' run; the failed checks (empty: PASS)."""
    pushes = sum(len(p.answered) for p in phones)
    errors = sum(len(p.errors) for p in phones)
    refused = [r for p in phones for r in p.refused]
    print(f"pushes answered: {pushes} ({pushes * BATCH} mutations); errors met and retried: {errors}")
    kinds = sorted({kind for p in phones for _, kind in p.errors})
    print(f"errors by kind: {', '.join(kinds) or 'none'}")
    if recovered:
        print(
            f"phones that met an error after the {what}: {len(recovered)}/{len(phones)}; "
            f"recovery p50 {statistics.median(recovered):.2f} s, max {max(recovered):.2f} s (target ≤ {target_s} s)"
        )
    else:
        print(f"no phone met an error after the {what}")
    for name, value in figures.items():
        print(f"{name}: {value}")
    return [
        *(f"{name} {figures[name]}" for name in INVARIANTS if figures.get(name)),
        *([f"refused {len(refused)}: {refused[:3]}"] if refused else []),
        *([f"phones stuck: {still}"] if still else []),
        *([f"recovery {max(recovered):.1f} s > {target_s} s"] if recovered and max(recovered) > target_s else []),
        *(["no push answered"] if not pushes else []),
    ]


def verdict(failed: list[str]) -> None:
    print("VERDICT:", "PASS" if not failed else "FAIL — " + "; ".join(failed))
    raise SystemExit(1 if failed else 0)


# --- services of the run's own ------------------------------------------------------------------


class OwnPostgres:
    """A PostgreSQL 15 cluster in a temporary folder on a free port (trust, no fsync), run by the
    postgres account (initdb refuses root); stop() / start() for the fault; removed afterwards."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="redgrid-fault-pg-"))
        self.data = self.folder / "data"
        self.port = free_run(1, 25400)
        self.user = [] if os.geteuid() else ["runuser", "-u", "postgres", "--"]
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400"
        self.ctl = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w"]
        self.start()

    @property
    def server_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run([*self.user, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise SystemExit(f"{command[0]} failed: {done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run([*self.ctl, "start"])

    def stop(self, how: str = "fast") -> None:
        self._run([*self.ctl, "-m", how, "stop"])

    def remove(self) -> None:
        subprocess.run([*self.user, *self.ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


class OwnRedis:
    """A redis-server on a free port, nothing saved (`--save '' --appendonly no`): stopping it
    loses everything it held, the RQ queue included — the hardest case."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="redgrid-fault-redis-"))
        self.port = free_run(1, 26400)
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder), "--logfile", str(self.folder / "log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def own_services():
    """(OwnPostgres, OwnRedis), removed afterwards whatever happens."""
    postgres = OwnPostgres()
    try:
        cache = OwnRedis()
        try:
            yield postgres, cache
        finally:
            cache.remove()
    finally:
        postgres.remove()
