"""Every benchmark in its smoke size, so that a bench that breaks fails CI (issue 17).

    .venv/bin/python bench/smoke.py                    # bench/*.py, faults/*.py, load/*.py (not _*.py, not this)
    .venv/bin/python bench/smoke.py sync_browser lighthouse   # only these
    .venv/bin/python bench/smoke.py --jobs 1           # one at a time

Runs each bench as `python bench/<name>.py --smoke` in a subprocess of its own (its own session,
so a timeout ends its browsers and servers too), with a time limit, in a fresh environment: no
DATABASE_URL (SQLite in a temporary folder, each bench's default), no REDIS_URL (the app's embedded
mode: each bench its own in-memory rate limits, which a shared Redis would make one budget of
sign-ins for benches running at once), PYTHONPATH the repository, Chromium at /usr/bin/chromium as
the benches and the browser tests expect it, and BENCH_DEMO_CACHE a temporary folder
(bench/demo_scale.py: the first bench to build a demo city of a size builds it, the others get a
copy of that SQLite file; demo_scale.py's own figure is always a build). A bench with a deployment
of its own runs in it too (EXTRA: socketio_broadcast --scaled, on PostgreSQL at 127.0.0.1:5432 and
Redis at 127.0.0.1:6379, database 8, which no test uses: the services scripts/test.sh starts;
--redis-url).

The figures are not judged here: a run fails when it exits non-zero (the bench's own checks), runs
out of time, or the bench has no --smoke (argparse's "unrecognized arguments: --smoke"). Prints one
line per run (name, seconds, ok / FAILED / NO --smoke / TIMEOUT), then the output of each that
failed, and exits 1 if any did.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REDIS_URL = "redis://127.0.0.1:6379/8"  # tests use 15 (scripts/test.sh) and the helpers' own
TAIL_LINES = 60  # of a failed bench's output
NO_SMOKE = "unrecognized arguments: --smoke"
# Runs besides the plain --smoke: a bench's other deployment ({redis}: --redis-url).
EXTRA = {"socketio_broadcast": [["--scaled", "--redis", "{redis}"]]}


def benches() -> list[str]:
    """Every bench script: bench/*.py but helper modules (_*.py) and this runner, the fault
    runs bench/faults/*.py (named faults/<name>) and the load runs bench/load/*.py (load/<name>)."""
    scripts = [*HERE.glob("*.py"), *HERE.glob("faults/*.py"), *HERE.glob("load/*.py")]
    return sorted(
        str(p.relative_to(HERE).with_suffix(""))
        for p in scripts
        if not p.name.startswith("_") and p.name != Path(__file__).name
    )


def environment(cache: str) -> dict:
    """This process's environment without the app's settings (DATABASE_URL, REDIS_URL, REDGRID_*)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("REDGRID_")
    }
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", BENCH_DEMO_CACHE=cache)
    return env


def runs(names: list[str], redis_url: str) -> list[tuple[str, list[str]]]:
    """(label, arguments after --smoke) of every run: each bench plain, then its EXTRA runs."""
    done = []
    for name in names:
        done.append((name, []))
        for extra in EXTRA.get(name, []):
            arguments = [a.format(redis=redis_url) for a in extra]
            done.append((f"{name} {arguments[0]}", arguments))
    return done


def run(label: str, arguments: list[str], timeout: float, env: dict) -> dict:
    """One bench with --smoke: {name, seconds, verdict, output}."""
    name = label.split()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(HERE / f"{name}.py"), "--smoke", *arguments],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: Chromium and servers go with it
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        timed_out = True
    seconds = time.perf_counter() - started
    text = output.decode("utf-8", "replace")
    if timed_out:
        verdict = f"TIMEOUT after {timeout:.0f} s"
    elif process.returncode == 0:
        verdict = "ok"
    elif NO_SMOKE in text:
        verdict = "NO --smoke"
    else:
        verdict = f"FAILED (exit {process.returncode})"
    return {"name": label, "seconds": seconds, "verdict": verdict, "output": text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="benches to run (default: all)")
    parser.add_argument("--timeout", type=float, default=480, help="seconds each bench may take")
    parser.add_argument("--jobs", type=int, default=2, help="benches run at once")
    parser.add_argument("--redis-url", default=REDIS_URL, help="Redis of the runs that need one (EXTRA)")
    args = parser.parse_args()
    known = benches()
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"no such bench: {', '.join(unknown)} (there are {', '.join(known)})")
    todo = runs(args.names or known, args.redis_url)
    began = time.perf_counter()
    print(f"{len(todo)} runs with --smoke, {args.jobs} at a time, {args.timeout:.0f} s each at most", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="redgrid-smoke-") as cache, ThreadPoolExecutor(max(1, args.jobs)) as pool:
        env = environment(cache)
        width = max(len(label) for label, _ in todo)
        for result in pool.map(lambda job: run(*job, args.timeout, env), todo):
            results.append(result)
            print(f"  {result['name']:<{width}} {result['seconds']:6.1f} s  {result['verdict']}", flush=True)
    failed = [r for r in results if r["verdict"] != "ok"]
    for result in failed:
        lines = result["output"].rstrip().splitlines()
        print(
            f"\n---- {result['name']}: {result['verdict']}; the last {min(len(lines), TAIL_LINES)} lines of its output"
        )
        print("\n".join(lines[-TAIL_LINES:]))
    total = time.perf_counter() - began
    print(
        f"\nbenches in their smoke size: {len(results) - len(failed)} runs ok, {len(failed)} failed"
        + (f" ({', '.join(r['name'] for r in failed)})" if failed else "")
        + f"; {total:.0f} s in all"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
