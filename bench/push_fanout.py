"""Benchmark: Web Push fan-out of 10,000 notifications to the local push-service stand-in
(issue 6: ≥ 5× a plain sequential pywebpush.webpush() loop, measured in the same run).

    .venv/bin/python bench/push_fanout.py                       # 10,000 pushes, 16 workers
    .venv/bin/python bench/push_fanout.py --pushes 2000 --plain 200 --workers 8   # quick
    .venv/bin/python bench/push_fanout.py --smoke              # 200 pushes, 20 plain (CI: that it still runs)

The stand-in (tests/support/push_service.py) runs in its own process, so its work does not share
this process's GIL: it checks every push's VAPID JWT (the signature once per distinct token, as a
push service caches it) and decrypts every body (RFC 8291) unless --no-decrypt. It answers over
HTTP/1.1 keep-alive like a real push service.

Ours: server/push/sender.py's PushSender.send_many(): the batch's posts go out together from one
asyncio loop, --workers in flight at once over keep-alive aiohttp connections (one session per
push-service host), one VAPID JWT per audience; every push encrypted anew (pywebpush's
WebPusher.encode: a fresh ECDH key and salt).
Plain: `pywebpush.webpush(info, data, vapid_private_key=…, vapid_claims={"sub": …}, ttl=…,
timeout=…)` in a loop: a new connection, a new JWT and key parsing per push. The plain loop runs
--plain pushes (500) and its rate is extrapolated to --pushes; the script says so.
Both send the same ~300-byte Chinese payload to --subscribers distinct subscriptions in turn.

On loopback (the default) both are CPU-bound on this machine, the stand-in included (it decrypts
every push: an ECDH exchange, as the sender's encryption needs one): on two cores the sender and
the stand-in each get about one. A real push service is a round trip
away, and a new connection costs two more (TCP, TLS): --rtt-ms 20 models that, which is where a
sequential loop that connects per push loses most.

    .venv/bin/python bench/push_fanout.py --rtt-ms 20 --plain 100 --workers 32
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pywebpush  # noqa: E402

from server.push.endpoints import EndpointPolicy  # noqa: E402
from server.push.sender import TTL_AND_URGENCY, PushSender, encode_payload, topic_for  # noqa: E402
from server.push.vapid import VapidSigner, generate_private_key  # noqa: E402

TARGET_RATIO = 5.0
SUBJECT = "mailto:bench@redgrid.example.cn"
PAYLOAD = {
    "alert_id": 1024,
    "level": "notice",
    "category": "utility",
    "url": "/alerts/1024",
    "title": "停水通知：帝豪花园、河西花园",
    "body": "因供水管网改造，12月1日 8:00 至 18:00 帝豪花园、河西花园停水，请居民提前储水。如有困难请联系网格员。",
}


class StandIn:
    """The push-service stand-in in a child process (a pipe for its stats)."""

    def __init__(self, subscribers: int, decrypt: bool, rtt_ms: float):
        args = [
            sys.executable,
            "-m",
            "tests.support.push_service",
            "--subscribers",
            str(subscribers),
            "--rtt-ms",
            str(rtt_ms),
        ]
        if not decrypt:
            args.append("--no-decrypt")
        self.process = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.origin = json.loads(self.process.stdout.readline())["origin"]
        self.subscriptions = [json.loads(self.process.stdout.readline()) for _ in range(subscribers)]

    def stats(self) -> dict:
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def run_ours(standin: StandIn, private_key: str, pushes: int, workers: int) -> float:
    """Seconds for `pushes` pushes through PushSender.send_many."""
    sender = PushSender(
        VapidSigner(private_key, SUBJECT),
        workers=workers,
        max_attempts=1,
        timeout=10,
        endpoints=EndpointPolicy(allow_insecure=True),
    )  # the stand-in is http on this machine
    targets = [standin.subscriptions[i % len(standin.subscriptions)] for i in range(pushes)]
    ttl, urgency = TTL_AND_URGENCY["notice"]
    started = time.perf_counter()
    outcomes = sender.send_many(targets, PAYLOAD, ttl=ttl, urgency=urgency, topic=topic_for("alert", 1024))
    elapsed = time.perf_counter() - started
    sender.close()
    failed = [o for o in outcomes if o.status != "sent"]
    if failed:
        raise SystemExit(f"ours: {len(failed)} pushes failed, e.g. {failed[0]}")
    print(f"  JWTs signed: {sender.signer.signed}")
    return elapsed


def run_plain(standin: StandIn, private_key: str, pushes: int) -> float:
    """Seconds for `pushes` sequential pywebpush.webpush() calls."""
    data = encode_payload(PAYLOAD).decode()
    ttl = TTL_AND_URGENCY["notice"][0]
    started = time.perf_counter()
    for i in range(pushes):
        info = standin.subscriptions[i % len(standin.subscriptions)]
        # A fresh claims dict per call: webpush() writes aud and exp into it (RECIPES.md).
        pywebpush.webpush(info, data, vapid_private_key=private_key, vapid_claims={"sub": SUBJECT}, ttl=ttl, timeout=10)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pushes", type=int, default=10_000)
    parser.add_argument("--plain", type=int, default=500, help="pushes of the plain loop (its rate is extrapolated)")
    parser.add_argument("--workers", type=int, default=16, help="pushes in flight at once (PUSH_WORKERS)")
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--no-decrypt", action="store_true", help="the stand-in skips decryption (JWT still checked)")
    parser.add_argument(
        "--rtt-ms",
        type=float,
        default=0.0,
        help="model a remote push service: each request waits one round trip, each new connection two more (TCP, TLS)",
    )
    parser.add_argument("--smoke", action="store_true", help="200 pushes, 20 plain, 50 subscribers: that it works")
    args = parser.parse_args()
    if args.smoke:
        args.pushes, args.plain, args.subscribers = 200, 20, 50

    private_key = generate_private_key()
    standin = StandIn(args.subscribers, decrypt=not args.no_decrypt, rtt_ms=args.rtt_ms)
    print(
        f"stand-in at {standin.origin}, {args.subscribers} subscriptions, "
        f"payload {len(encode_payload(PAYLOAD))} bytes, "
        f"decrypt {'off' if args.no_decrypt else 'on'}, modelled round trip {args.rtt_ms:g} ms"
    )
    try:
        run_ours(standin, private_key, min(200, args.pushes), args.workers)  # warm-up: imports, pools
        before = standin.stats()
        print(f"ours: {args.pushes} pushes, {args.workers} workers")
        ours = run_ours(standin, private_key, args.pushes, args.workers)
        after_ours = standin.stats()
        print(f"plain: {args.plain} sequential pywebpush.webpush() calls")
        plain = run_plain(standin, private_key, args.plain)
        after = standin.stats()
    finally:
        standin.close()

    ours_rate, plain_rate = args.pushes / ours, args.plain / plain
    print(
        f"  stand-in: ours {after_ours['ok'] - before['ok']} accepted "
        f"over {after_ours['connections'] - before['connections']} new connections; "
        f"plain {after['ok'] - after_ours['ok']} accepted "
        f"over {after['connections'] - after_ours['connections']} connections; "
        f"errors {after['errors'] or 'none'}"
    )
    print(f"ours:  {ours_rate:8.0f} notifications/s ({args.pushes} in {ours:.2f} s)")
    print(
        f"plain: {plain_rate:8.0f} notifications/s (measured on {args.plain}; "
        f"extrapolated: {args.pushes} would take {args.pushes / plain_rate:.1f} s)"
    )
    ratio = ours_rate / plain_rate
    print(f"ratio: {ratio:.1f}x (target ≥ {TARGET_RATIO:.0f}x) {'PASS' if ratio >= TARGET_RATIO else 'FAIL'}")
    if after_ours["ok"] - before["ok"] != args.pushes:
        raise SystemExit("the stand-in did not accept every push of ours")


if __name__ == "__main__":
    main()
