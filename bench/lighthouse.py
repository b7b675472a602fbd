"""Benchmark: Lighthouse's mobile preset (issue 15's targets) on the sign-in screen and on each
role's home — performance, accessibility, best practices and layout shift.

    .venv/bin/python bench/lighthouse.py              # sign-in and the six demo roles' homes
    .venv/bin/python bench/lighthouse.py --only signin --runs 3
    .venv/bin/python bench/lighthouse.py --smoke      # the sign-in screen once (CI: it still runs)

Setup: the demo (server.demo.load_demo) in a scratch SQLite database, served on 127.0.0.1 by
werkzeug in a thread (bench/sync_browser.py's LiveServer). Lighthouse 12 from npm (bench/lighthouse/,
installed there with `npm install` on first run, never committed) runs Debian's Chromium headless with
its defaults: the mobile form factor, simulated slow 4G and a 4x slower CPU, a cold profile. A
role's home is opened with that role's session cookie (signed in through POST /api/auth/login),
sent on every request Lighthouse makes. Each figure is the median of --runs.

Targets: performance >= 95, accessibility 100, best practices 100, layout shift <= 0.02.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync_browser import CHROMIUM, LiveServer  # noqa: E402

RUNNER = ROOT / "bench" / "lighthouse"
PAGES = {  # name: (phone, password) of the demo's accounts; None: signed out
    "signin": None,
    "grid worker": ("13800000003", "grid2026a"),
    "steward": ("13800000005", "steward2026"),
    "property staff": ("13800000006", "wuye2026"),
    "resident": ("13800000007", "jumin2026"),
    "volunteer": ("13800000008", "zhiyuan2026"),
    "admin": ("13800000002", "hexi2026"),
}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "cls": 0.02}


def install() -> Path:
    cli = RUNNER / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        # npm install, not ci: one of Lighthouse's dependencies asks for a package at "latest"
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=RUNNER, check=True, capture_output=True)
    return cli


def session_cookie(base: str, phone: str, password: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = json.load(opener.open(f"{base}/api/csrf"))["csrf_token"]
    request = urllib.request.Request(
        f"{base}/api/auth/login",
        data=json.dumps({"phone": phone, "password": password}).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    opener.open(request).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def audit(cli: Path, url: str, cookie: str | None) -> dict:
    command = [
        "node",
        str(cli),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=performance,accessibility,best-practices",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --lang=zh-CN",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300
    )
    if done.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    scores = {name: round(100 * (cat["score"] or 0)) for name, cat in report["categories"].items()}
    failing = [
        key
        for key, result in report["audits"].items()
        if result.get("score") is not None
        and result["score"] < 1
        and result.get("scoreDisplayMode") in ("binary", "numeric")
        and any(
            key in {r["id"] for r in report["categories"][c]["auditRefs"]} for c in ("accessibility", "best-practices")
        )
    ]
    shifts = report["audits"].get("layout-shifts", {}).get("details", {}).get("items", [])
    return {
        **scores,
        "shifted": [
            (round(item.get("score", 0), 3), (item.get("node") or {}).get("selector", "?")) for item in shifts[:3]
        ],
        "cls": report["audits"]["cumulative-layout-shift"]["numericValue"],
        "lcp": report["audits"]["largest-contentful-paint"]["numericValue"],
        "failing": failing,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", choices=sorted(PAGES), action="append")
    parser.add_argument("--households", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="the sign-in screen once; figures not judged")
    args = parser.parse_args()
    names = ["signin"] if args.smoke else (args.only or list(PAGES))
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    cli = install()
    from bench.demo_scale import run as build_database

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/lighthouse.sqlite3"
        build_database(url, args.households, args.seed)
        from server import create_app

        app = create_app({"DATABASE_URL": url, "REDIS_URL": None, "LOGIN_RATE_LIMIT": "1000 per minute"})
        server = LiveServer(app)
        try:
            for name in names:
                account = PAGES[name]
                runs = []
                for _ in range(args.runs):
                    cookie = session_cookie(server.url, *account) if account else None
                    runs.append(audit(cli, server.url + "/", cookie))
                rows.append((name, runs))
        finally:
            server.close()
    print("Lighthouse 12 mobile preset (simulated slow 4G, 4x CPU), Chromium headless; median of", args.runs)
    print(f"  {'page':16s} {'perf':>5s} {'a11y':>5s} {'best':>5s} {'CLS':>7s} {'LCP ms':>8s}  verdict")
    for name, runs in rows:
        med = {
            k: statistics.median(r[k] for r in runs)
            for k in ("performance", "accessibility", "best-practices", "cls", "lcp")
        }
        ok = (
            med["performance"] >= TARGETS["performance"]
            and med["accessibility"] >= TARGETS["accessibility"]
            and med["best-practices"] >= TARGETS["best-practices"]
            and med["cls"] <= TARGETS["cls"]
        )
        verdict = "(smoke: not judged)" if args.smoke else ("PASS" if ok else "MISS")
        failing = sorted({a for r in runs for a in r["failing"]})
        shifted = runs[0]["shifted"] if med["cls"] > TARGETS["cls"] else []
        print(
            f"  {name:16s} {med['performance']:5.0f} {med['accessibility']:5.0f} {med['best-practices']:5.0f} "
            f"{med['cls']:7.3f} {med['lcp']:8,.0f}  {verdict}" + (f"  failing: {', '.join(failing)}" if failing else "")
        )
        for score, selector in shifted:
            print(f"      shifted {score:.3f}: {selector}")


if __name__ == "__main__":
    main()
