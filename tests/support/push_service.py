"""A local push service for tests and the bench (RECIPES.md, "Web Push without a push service").

It plays both the push service and the browser: each Subscriber holds a P-256 key pair and a
16-byte auth secret made here, and POST /push/<id> is its endpoint. Every push is checked the
way a real push service and browser would:
- the VAPID Authorization header (RFC 8292 §3): "vapid t=<jwt>,k=<key>", the ES256 signature
  with k, and the claims: aud is this origin, exp in the future and at most 24 h ahead, sub a
  mailto: or https: URL; k the application server key the subscriber was made with, if given;
- the body is decrypted (aes128gcm, RFC 8291) with the subscriber's private key and secret;
- TTL, Urgency and Topic (RFC 8030 §5) are recorded.

An aiohttp web server on an event loop in a thread of its own, with HTTP/1.1 keep-alive like a
real push service (not werkzeug's dev server, which closes every connection), so connection reuse
can be seen: `connections` counts TCP connections. aiohttp parses HTTP in C: the stand-in's own
cost per push is mostly the decryption, so a benchmark measures the sender, not the stand-in.
Answers can be scripted: `script(429, count=2, retry_after="3")` makes the next two pushes get 429
(`subscriber=` for one subscriber's pushes only, when several go at once). POST /redirect/<id>
answers 307 to that subscriber's endpoint (`redirecting_endpoint`), which a sender must not follow;
`redirects` counts them.

Run alone (for the bench, in its own process): python -m tests.support.push_service --port 8765
"""

import argparse
import asyncio
import base64
import json
import socket
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscriber:
    """A browser's subscription: its keys stay here, the server gets `info`."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None = None

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def info(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }


@dataclass
class Received:
    subscriber_id: str
    status: int
    ttl: str | None
    urgency: str | None
    topic: str | None
    payload: dict | None = None
    claims: dict | None = None
    token: str | None = None
    error: str | None = None
    at: float = field(default_factory=time.time)


class PushServiceStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, decrypt: bool = True, rtt: float = 0.0):
        self.decrypt = decrypt
        self.rtt = rtt  # seconds: a push service across the internet (see _push)
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[Received] = []
        self.connections = 0
        self.redirects = 0
        self._answers: dict[str | None, deque[tuple[int, dict]]] = {}
        self._verified: set[str] = set()  # JWTs whose signature was checked (a push service caches too)
        self._seen: weakref.WeakSet = weakref.WeakSet()  # the connections (transports) that sent a push
        self._lock = threading.Lock()
        self._socket = socket.create_server((host, port), backlog=256)  # a pool of senders connects at once
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> "PushServiceStandIn":
        self._thread = threading.Thread(target=self._loop.run_forever, name="push-service", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result()
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{subscriber}", self._push)
        app.router.add_post("/redirect/{subscriber}", self._redirect)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.SockSite(self._runner, self._socket).start()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
        self._socket.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    async def _push(self, request: web.Request) -> web.Response:
        transport = request.transport
        if transport is not None and transport not in self._seen:  # the connection's first request
            self._seen.add(transport)
            self.connections += 1
            if self.rtt:
                await asyncio.sleep(2 * self.rtt)  # a remote push service: TCP and TLS 1.3 handshakes
        if self.rtt:
            await asyncio.sleep(self.rtt)  # the request's round trip
        body = await request.read()
        status, headers = self.handle_push(request.match_info["subscriber"], request.headers, body)
        return web.Response(status=status, headers=headers)

    async def _redirect(self, request: web.Request) -> web.Response:
        with self._lock:
            self.redirects += 1
        # 307 keeps the method and body: a sender that follows it delivers to /push/<id>, which records it.
        return web.Response(status=307, headers={"Location": f"{self.origin}/push/{request.match_info['subscriber']}"})

    def redirecting_endpoint(self, subscriber: Subscriber) -> str:
        """An endpoint of this stand-in that only redirects to `subscriber`'s."""
        return f"{self.origin}/redirect/{subscriber.id}"

    def new_subscriber(self, application_server_key: str | None = None) -> Subscriber:
        """A browser that subscribed: a fresh key pair and auth secret (RFC 8291 §3)."""
        with self._lock:
            ident = f"s{len(self.subscribers) + 1}"
            subscriber = Subscriber(
                ident,
                f"{self.origin}/push/{ident}",
                ec.generate_private_key(ec.SECP256R1()),
                _random_bytes(16),
                application_server_key,
            )
            self.subscribers[ident] = subscriber
            return subscriber

    def script(
        self, status: int, count: int = 1, retry_after: str | None = None, subscriber: Subscriber | None = None
    ) -> None:
        """Answer the next `count` pushes (to `subscriber`, or to anyone) with `status`, then 201 again."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self._lock:
            self._answers.setdefault(subscriber.id if subscriber else None, deque()).extend([(status, headers)] * count)

    def _next_answer(self, subscriber_id: str) -> tuple[int, dict]:
        with self._lock:
            for key in (subscriber_id, None):
                if self._answers.get(key):
                    return self._answers[key].popleft()
            return 201, {}

    def handle_push(self, subscriber_id: str, headers, body: bytes) -> tuple[int, dict]:
        subscriber = self.subscribers.get(subscriber_id)
        record = Received(subscriber_id, 0, headers.get("TTL"), headers.get("Urgency"), headers.get("Topic"))
        status, extra = self._check(subscriber, headers, body, record)
        if status == 201:
            status, extra = self._next_answer(subscriber_id)
        record.status = status
        with self._lock:
            self.received.append(record)
        return status, {"Location": f"{self.origin}/message/{len(self.received)}", **extra} if status == 201 else extra

    def _check(self, subscriber, headers, body: bytes, record: Received) -> tuple[int, dict]:
        if subscriber is None:
            return 404, {}
        try:
            record.claims, record.token = self._check_vapid(headers.get("Authorization", ""), subscriber)
        except AssertionError as exc:
            record.error = f"vapid: {exc}"
            return 403, {}
        if headers.get("TTL") is None or not headers["TTL"].isdigit():
            record.error = "TTL header missing"  # RFC 8030 §5.2: required
            return 400, {}
        if headers.get("Content-Encoding") != "aes128gcm":
            record.error = f"Content-Encoding {headers.get('Content-Encoding')!r}"
            return 400, {}
        if len(body) > 4096:
            record.error = f"body of {len(body)} bytes"
            return 413, {}
        if self.decrypt:
            try:
                plain = http_ece.decrypt(
                    body, private_key=subscriber.private_key, auth_secret=subscriber.auth_secret, version="aes128gcm"
                )
                record.payload = json.loads(plain)
            except Exception as exc:  # noqa: BLE001  (any failure to decrypt is the sender's bug, recorded)
                record.error = f"decrypt: {type(exc).__name__}: {exc}"
                return 400, {}
        return 201, {}

    def _check_vapid(self, authorization: str, subscriber: Subscriber) -> tuple[dict, str]:
        scheme, _, params = authorization.partition(" ")
        assert scheme.lower() == "vapid", f"scheme {scheme!r}"
        parts = dict(kv.strip().split("=", 1) for kv in params.split(","))
        assert "t" in parts and "k" in parts, "t= and k= required"
        token = parts["t"]
        if token not in self._verified:
            assert Vapid02.verify(authorization), "bad ES256 signature"
            with self._lock:
                self._verified.add(token)
        header = json.loads(b64url_decode(token.split(".")[0]))
        assert header.get("alg") == "ES256", f"alg {header.get('alg')!r}"
        claims = json.loads(b64url_decode(token.split(".")[1]))
        assert claims.get("aud") == self.origin, f"aud {claims.get('aud')!r} is not {self.origin}"
        now = time.time()
        assert now < claims.get("exp", 0) <= now + 86400, "exp not within the next 24 h"
        assert str(claims.get("sub", "")).startswith(("mailto:", "https:")), f"sub {claims.get('sub')!r}"
        if subscriber.application_server_key:
            assert parts["k"].rstrip("=") == subscriber.application_server_key.rstrip("="), (
                "k is not the subscription's application server key"
            )
        return claims, token


def _random_bytes(n: int) -> bytes:
    import os

    return os.urandom(n)


def main() -> None:
    """Serve alone; print the origin, then one subscriber's info per --subscribers as JSON lines
    (with its private key, for a process that wants to decrypt)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--subscribers", type=int, default=1)
    parser.add_argument("--no-decrypt", action="store_true")
    parser.add_argument("--rtt-ms", type=float, default=0.0, help="model a remote push service's round trip")
    args = parser.parse_args()
    service = PushServiceStandIn(port=args.port, decrypt=not args.no_decrypt, rtt=args.rtt_ms / 1000).start()
    print(json.dumps({"origin": service.origin}), flush=True)
    for _ in range(args.subscribers):
        print(json.dumps(service.new_subscriber().info), flush=True)
    try:
        while True:
            line = input()
            if line.strip() == "stats":
                with service._lock:
                    ok = sum(1 for r in service.received if r.status == 201)
                    errors = [r.error for r in service.received if r.error][:3]
                print(
                    json.dumps(
                        {
                            "received": len(service.received),
                            "ok": ok,
                            "connections": service.connections,
                            "errors": errors,
                        }
                    ),
                    flush=True,
                )
    except EOFError:
        service.stop()


if __name__ == "__main__":
    main()
