"""A local push service for tests and the bench (RECIPES.md, "Web Push without a push service").

It plays both the push service and the browser: each Subscriber holds a P-256 key pair and a
16-byte auth secret made here, and POST /push/<id> is its endpoint. Every push is checked the
way a real push service and browser would:
- the VAPID Authorization header (RFC 8292 §3): "vapid t=<jwt>,k=<key>", the ES256 signature
  with k, and the claims: aud is this origin, exp in the future and at most 24 h ahead, sub a
  mailto: or https: URL; k the application server key the subscriber was made with, if given;
- the body is decrypted (aes128gcm, RFC 8291) with the subscriber's private key and secret;
- TTL, Urgency and Topic (RFC 8030 §5) are recorded.

A plain http.server with HTTP/1.1 keep-alive, not werkzeug's dev server (which closes every
connection), so connection reuse can be seen: `connections` counts accepted TCP connections.
Answers can be scripted: `script(429, count=2, retry_after="3")` makes the next two pushes get 429
(`subscriber=` for one subscriber's pushes only, when several go at once).

Run alone (for the bench, in its own process): python -m tests.support.push_service --port 8765
"""
import argparse
import base64
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
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
        return b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        ))

    @property
    def info(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)}}


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
        self.rtt = rtt  # seconds: a push service across the internet (see _handler_for)
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[Received] = []
        self.connections = 0
        self._answers: dict[str | None, deque[tuple[int, dict]]] = {}
        self._verified: set[str] = set()  # JWTs whose signature was checked (a push service caches too)
        self._lock = threading.Lock()
        self._server = _Server((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "PushServiceStandIn":
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def new_subscriber(self, application_server_key: str | None = None) -> Subscriber:
        """A browser that subscribed: a fresh key pair and auth secret (RFC 8291 §3)."""
        with self._lock:
            ident = f"s{len(self.subscribers) + 1}"
            subscriber = Subscriber(ident, f"{self.origin}/push/{ident}", ec.generate_private_key(ec.SECP256R1()),
                                    _random_bytes(16), application_server_key)
            self.subscribers[ident] = subscriber
            return subscriber

    def script(self, status: int, count: int = 1, retry_after: str | None = None, subscriber: Subscriber | None = None) -> None:
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
                plain = http_ece.decrypt(body, private_key=subscriber.private_key, auth_secret=subscriber.auth_secret, version="aes128gcm")
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
            assert parts["k"].rstrip("=") == subscriber.application_server_key.rstrip("="), "k is not the subscription's application server key"
        return claims, token


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the listen backlog (5 by default): a pool of senders connects at once
    daemon_threads = True


def _random_bytes(n: int) -> bytes:
    import os

    return os.urandom(n)


def _handler_for(service: PushServiceStandIn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like a real push service

        def setup(self):
            super().setup()
            with service._lock:
                service.connections += 1
            if service.rtt:
                time.sleep(2 * service.rtt)  # a remote push service: TCP and TLS 1.3 handshakes

        def do_POST(self):  # noqa: N802 (http.server's naming)
            if service.rtt:
                time.sleep(service.rtt)  # the request's round trip
            self._push()

        def _push(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = self.path.split("?", 1)[0]
            if path.startswith("/push/"):
                status, headers = service.handle_push(path[len("/push/"):], self.headers, body)
            else:
                status, headers = 404, {}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


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
                print(json.dumps({"received": len(service.received), "ok": ok, "connections": service.connections, "errors": errors}), flush=True)
    except EOFError:
        service.stop()


if __name__ == "__main__":
    main()
