"""Web Push sender: encrypt (RFC 8291), sign (VAPID, RFC 8292) and post (RFC 8030) to push services.

Contract for callers (the notification service, server/alerts/):

    deliver(subscription_ids, payload, level, topic=None, *, expires_at=None) -> list[Outcome]

- Needs an app context. Loads the PushSubscription rows by id (missing ids: no outcome), posts
  `payload` (a JSON-able dict, the same for every device) to each at once on the app's
  PushSender (its asyncio loop, below), then applies the push services' answers to the rows in
  the caller's session and commits: 404/410 delete the row, a success sets last_success_at and
  resets failed_count, a failure adds one to failed_count.
- `level` is one of TTL_AND_URGENCY (info, notice, warning, urgent): it sets TTL and Urgency (table below);
  `expires_at` (aware datetime) caps the TTL so a notice never arrives after it expired.
- `topic` (e.g. topic_for("alert", alert.id)): a newer push with the same topic replaces an
  undelivered older one at the push service. Up to 32 characters of [A-Za-z0-9_-].
- The payload is checked once before anything is sent: over PUSH_PAYLOAD_MAX_BYTES (default
  3,072 bytes of compact UTF-8 JSON) raises PayloadTooLarge. fit_payload() trims a text field
  to fit first.
- Each Outcome: subscription_id, user_id, endpoint, status ("sent" | "gone" | "failed"),
  http_status (the push service's last answer, None when it never answered), attempts,
  error (short text), retry_after (seconds the push service asked us to wait when we gave up on
  a 429/5xx: requeue the delivery later). Outcomes come back in the order of the ids given.
- deliver_each(pairs, level, topic=None, *, expires_at=None): the same with its own payload per
  subscription id, pairs = [(subscription_id, payload), …]. Prefer it to one deliver() per user:
  a batch of many users' devices keeps PUSH_WORKERS posts in flight on the sender's loop.

TTL and Urgency per level (RFC 8030 §5.2, §5.3). Urgency lets a phone on battery saver hold a
push until it wakes; TTL is how long the push service keeps it for a phone that is offline:

    level    TTL        Urgency  why
    info     3 days     low      community events: fine to see when the phone next wakes
    notice   3 days     normal   policy notices, rectification results
    warning  1 day      high     weather warnings: stale after a day
    urgent   6 hours    high     water cut now, evacuation: useless once it is over

Answers (RFC 8030 §5, §8.4): 201/202 sent; 404/410 gone (subscription deleted); 413 failed (too
large; not retried); 429 and 5xx retried up to PUSH_MAX_ATTEMPTS times with exponential backoff,
honouring Retry-After (seconds or an HTTP date); a wait longer than PUSH_RETRY_MAX_WAIT gives up
and reports it in Outcome.retry_after; other 4xx failed at once. Network errors are retried like 5xx.
Redirects are never followed (a 3xx is a failure, not retried): a push service answers where it
was asked, and a redirect could point anywhere.

Endpoints (server/push/endpoints.py): before anything is posted each endpoint is checked again by
the sender's EndpointPolicy (from the config at every deliver). One it may not post to (stored
before the rule, or the host list changed since) is never contacted: its Outcome is "gone" with
http_status None, so deliver() deletes the row like a 410 (turning push on again on that device is
then refused in words, 422).

Speed: no thread per push. The posts of a batch go out together from one asyncio event loop, which
runs in a thread of the sender's own (server/push/aio_loop.py; the caller waits for its batch):
PUSH_WORKERS coroutines take the pushes in turn, over one keep-alive aiohttp session per
push-service host; one VAPID JWT per audience (the push service's origin) reused until shortly
before it expires (server/push/vapid.py); pywebpush encrypts each message (WebPusher.encode).
"""

import asyncio
import base64
import hashlib
import inspect
import json
import re
import time
import urllib.request
import weakref
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit

import aiohttp
from pywebpush import WebPusher, WebPushException

from server.core.clock import utcnow
from server.push import service
from server.push.aio_loop import LoopThread
from server.push.endpoints import EndpointPolicy, policy_from_config
from server.push.vapid import VapidSigner, signer_from_config

__all__ = [
    "TTL_AND_URGENCY",
    "Outcome",
    "PayloadTooLarge",
    "PushSender",
    "deliver",
    "deliver_each",
    "encode_payload",
    "fit_payload",
    "get_sender",
    "topic_for",
]

# level: (TTL seconds, Urgency); see the table in the module docstring.
TTL_AND_URGENCY: dict[str, tuple[int, str]] = {
    "info": (3 * 86400, "low"),
    "notice": (3 * 86400, "normal"),
    "warning": (86400, "high"),
    "urgent": (6 * 3600, "high"),
}
# RFC 8291 §4: a push message is one record of at most 4,096 bytes: 86 bytes of header, a 16-byte
# tag and a 1-byte delimiter leave 3,993 bytes of plaintext. DESIGN.md §6 keeps 3 KB (Firefox for Android).
RFC8291_MAX_PLAINTEXT = 3993
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # RFC 8030 §5.4: URL-safe base64 alphabet, ≤ 32


class PayloadTooLarge(ValueError):
    """The payload does not fit in one push message; nothing was sent."""


@dataclass
class Outcome:
    subscription_id: int | None
    user_id: int | None
    endpoint: str
    status: str  # "sent" | "gone" | "failed"
    http_status: int | None = None
    attempts: int = 0
    error: str | None = None
    retry_after: float | None = None


def topic_for(kind: str, ident) -> str:
    """A Topic header for one notice (e.g. topic_for("alert", 42) -> "alert-42"); hashed when too long."""
    topic = f"{kind}-{ident}"
    if _TOPIC.match(topic):
        return topic
    return base64.urlsafe_b64encode(hashlib.sha256(topic.encode()).digest()).decode()[:32]


def encode_payload(payload: dict) -> bytes:
    """The bytes that are encrypted: compact UTF-8 JSON (Chinese as is, a third of \\u escapes)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def fit_payload(payload: dict, limit: int, field: str = "body") -> dict:
    """A copy of `payload` whose `field` is cut (with "…") until the JSON fits in `limit` bytes.
    The PWA fetches the full alert when the notification is opened."""
    fitted = dict(payload)
    text = str(fitted.get(field) or "")
    while len(encode_payload(fitted)) > limit and text:
        excess = len(encode_payload(fitted)) - limit
        # CJK characters are 3 bytes in UTF-8: cut at least a third of the excess in characters.
        text = text[: max(0, len(text) - max(1, excess // 3))]
        fitted[field] = text + "…"
    if len(encode_payload(fitted)) > limit:
        raise PayloadTooLarge(f"payload is {len(encode_payload(fitted))} bytes even without its {field}")
    return fitted


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class PushSender:
    """Posts push messages; one per process (get_sender), safe to share between threads.

    The posts run on an asyncio event loop in a thread of the sender's own ("push-loop", started
    on first use), with one aiohttp.ClientSession per push-service host: up to `workers` pushes in
    flight at once over as many keep-alive connections, in one thread. aiohttp's HTTP parser is
    written in C, and a coroutine waiting for an answer costs no thread switch: a push costs its
    encryption and little more. The methods below are plain calls that wait for their batch."""

    def __init__(
        self,
        signer: VapidSigner,
        *,
        max_attempts: int = 4,
        backoff: float = 1.0,
        retry_max_wait: float = 60.0,
        timeout: float = 10.0,
        workers: int = 16,
        payload_max_bytes: int = 3072,
        endpoints: EndpointPolicy | None = None,
        sleep: Callable[[float], Awaitable[None] | None] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ):
        self.signer = signer
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.retry_max_wait = retry_max_wait
        self.timeout = timeout
        self.workers = max(1, workers)
        self.payload_max_bytes = min(payload_max_bytes, RFC8291_MAX_PLAINTEXT)
        self.endpoints = endpoints or EndpointPolicy()  # the known push services, https only
        self.sleep = sleep  # awaited when it returns an awaitable (tests pass a recorder that returns None)
        self.clock = clock
        self._io = LoopThread()
        # A sender dropped without close() (an app of a test) still closes its connections.
        weakref.finalize(self, self._io.close)

    def close(self) -> None:
        """Close every pooled connection and stop the loop's thread (a later send starts them anew)."""
        self._io.close()

    def check_payload(self, payload: dict) -> bytes:
        """The payload's bytes, or PayloadTooLarge before anything is sent."""
        data = encode_payload(payload)
        if len(data) > self.payload_max_bytes:
            raise PayloadTooLarge(f"payload is {len(data)} bytes; the limit is {self.payload_max_bytes}")
        return data

    def send(
        self, subscription, payload: dict, *, ttl: int, urgency: str = "normal", topic: str | None = None
    ) -> Outcome:
        """Push `payload` to one subscription (a PushSubscription, or a dict with endpoint and keys)."""
        return self.send_each([(subscription, payload)], ttl=ttl, urgency=urgency, topic=topic)[0]

    def send_many(
        self, subscriptions: list, payload: dict, *, ttl: int, urgency: str, topic: str | None = None
    ) -> list[Outcome]:
        """Push one payload to many subscriptions at once; outcomes in the same order."""
        data = self.check_payload(payload)
        return self._run([(sub, data) for sub in subscriptions], ttl, urgency, topic)

    def send_each(self, pairs: list[tuple], *, ttl: int, urgency: str, topic: str | None = None) -> list[Outcome]:
        """Push its own payload to each (subscription, payload) at once; outcomes in order."""
        return self._run([(sub, self.check_payload(payload)) for sub, payload in pairs], ttl, urgency, topic)

    def _run(self, items: list[tuple], ttl: int, urgency: str, topic: str | None) -> list[Outcome]:
        _check_headers(urgency, topic)
        if not items:
            return []
        # Plain values read here: ORM rows are not read from the loop's thread.
        targets = [
            (_subscription_info(sub), getattr(sub, "id", None), getattr(sub, "user_id", None), data)
            for sub, data in items
        ]
        return self._io.run(self._send_all(targets, max(0, int(ttl)), urgency, topic))

    async def _send_all(self, targets: list[tuple], ttl: int, urgency: str, topic: str | None) -> list[Outcome]:
        """`workers` coroutines take the targets in turn (not a task per push waiting on a semaphore:
        10,000 tasks cost the loop more than the pushes' own HTTP)."""
        outcomes: list[Outcome | None] = [None] * len(targets)
        todo = iter(enumerate(targets))

        async def worker():
            for i, target in todo:
                outcomes[i] = await self._send(*target, ttl, urgency, topic)

        await asyncio.gather(*(worker() for _ in range(min(self.workers, len(targets)))))
        return outcomes

    def _session_for(self, endpoint: str) -> tuple[aiohttp.ClientSession, str | None]:
        """The keep-alive session of this push service's host and its proxy (made on first use, in the loop)."""
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        found = self._io.sessions.get(origin)
        if found is None:
            connector = aiohttp.TCPConnector(limit=self.workers, limit_per_host=self.workers)
            session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                skip_auto_headers=("User-Agent",),
            )
            # The proxy from the environment, looked up once per host (not per post).
            proxy = (
                None
                if urllib.request.proxy_bypass(parts.hostname or "")
                else urllib.request.getproxies().get(parts.scheme)
            )
            found = self._io.sessions[origin] = (session, proxy)
        return found

    async def _send(
        self, info: dict, subscription_id, user_id, data: bytes, ttl: int, urgency: str, topic: str | None
    ) -> Outcome:
        outcome = Outcome(subscription_id, user_id, info["endpoint"], "failed")
        refused = self.endpoints.problem(info["endpoint"])
        if refused:  # never contacted; deleted like a 410 (module docstring)
            outcome.status, outcome.error = "gone", f"endpoint refused: {refused}"
            return outcome
        try:
            pusher = WebPusher(info)
        except (
            WebPushException,
            ValueError,
            TypeError,
        ) as exc:  # keys that were valid when saved can't be: fail this one only
            outcome.error = str(exc)[:200]
            return outcome
        session, proxy = self._session_for(info["endpoint"])
        while True:
            outcome.attempts += 1
            headers = {
                "TTL": str(ttl),
                "Urgency": urgency,
                "Content-Encoding": "aes128gcm",
                **self.signer.headers_for(info["endpoint"]),
            }
            if topic:
                headers["Topic"] = topic
            wait = None
            try:
                # A fresh encryption each attempt: a new salt and key (RFC 8291 §3.4 wants them unique).
                body = pusher.encode(data, "aes128gcm")["body"]
                async with session.post(
                    info["endpoint"], data=body, headers=headers, proxy=proxy, allow_redirects=False
                ) as response:
                    text = await response.text(errors="replace")
                    status, retry_after, location = (
                        response.status,
                        response.headers.get("Retry-After"),
                        response.headers.get("Location"),
                    )
            except (TimeoutError, aiohttp.ClientError) as exc:
                outcome.http_status, outcome.error = None, f"{type(exc).__name__}: {exc}"[:200]
                # A kept-alive connection the push service closed meanwhile: try a fresh one at once.
                if outcome.attempts == 1 and isinstance(exc, aiohttp.ClientConnectionError):
                    wait = 0.0
            else:
                outcome.http_status = status
                if status in (200, 201, 202):
                    outcome.status, outcome.error = "sent", None
                    return outcome
                if status in (404, 410):
                    outcome.status, outcome.error = "gone", "subscription expired or unsubscribed"
                    return outcome
                outcome.error = (text or _phrase(status))[:200]
                if 300 <= status < 400:
                    outcome.error = f"redirect not followed: {status} to {location}"[:200]
                if status != 429 and status < 500:
                    return outcome  # 400, 403, 413: retrying the same request cannot help
                wait = parse_retry_after(retry_after, self.clock())
            if outcome.attempts >= self.max_attempts:
                outcome.retry_after = wait
                return outcome
            if wait is None:
                wait = self.backoff * 2 ** (outcome.attempts - 1)
            if wait > self.retry_max_wait:
                outcome.retry_after = wait  # the caller requeues; nothing here waits that long
                return outcome
            if wait > 0:
                waiting = self.sleep(wait)
                if inspect.isawaitable(waiting):
                    await waiting


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _check_headers(urgency: str, topic: str | None) -> None:
    """Refused before anything is sent: RFC 8030 §5.3 urgencies, §5.4 topics."""
    if urgency not in ("very-low", "low", "normal", "high"):
        raise ValueError(f"urgency {urgency!r}")
    if topic is not None and not _TOPIC.match(topic):
        raise ValueError(f"topic {topic!r}: up to 32 characters of [A-Za-z0-9_-]")


def _subscription_info(subscription) -> dict:
    if isinstance(subscription, dict):
        return subscription
    return {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}


def ttl_for(level: str, expires_at: datetime | None, now: datetime) -> int:
    """The level's TTL, cut short by the notice's expiry."""
    ttl = TTL_AND_URGENCY[level][0]
    if expires_at is not None:
        ttl = min(ttl, int((expires_at - now).total_seconds()))
    return max(0, ttl)


def get_sender(app=None) -> PushSender:
    """This app's PushSender, made on first use from its config."""
    from flask import current_app

    app = app or current_app._get_current_object()
    sender = app.extensions.get("redgrid_push_sender")
    if sender is None:
        config = app.config
        sender = PushSender(
            signer_from_config(config),
            max_attempts=config["PUSH_MAX_ATTEMPTS"],
            backoff=config["PUSH_BACKOFF_SECONDS"],
            retry_max_wait=config["PUSH_RETRY_MAX_WAIT"],
            timeout=config["PUSH_TIMEOUT_SECONDS"],
            workers=config["PUSH_WORKERS"],
            payload_max_bytes=config["PUSH_PAYLOAD_MAX_BYTES"],
        )
        sender = app.extensions.setdefault("redgrid_push_sender", sender)
    sender.endpoints = policy_from_config(app.config)  # read at every send: a changed list applies at once
    return sender


def deliver_each(
    pairs: Iterable[tuple[int, dict]], level: str, topic: str | None = None, *, expires_at: datetime | None = None
) -> list[Outcome]:
    """Like deliver(), with a payload of its own per subscription id (e.g. each user's ack token):
    one batch for many users keeps PUSH_WORKERS posts in flight on the sender's loop."""
    if level not in TTL_AND_URGENCY:
        raise ValueError(f"level {level!r}: one of {', '.join(TTL_AND_URGENCY)}")
    payloads = dict(pairs)
    subscriptions = service.subscriptions_by_ids(payloads)
    # Every payload is checked before anything is sent (PayloadTooLarge).
    outcomes = get_sender().send_each(
        [(sub, payloads[sub.id]) for sub in subscriptions],
        ttl=ttl_for(level, expires_at, utcnow()),
        urgency=TTL_AND_URGENCY[level][1],
        topic=topic,
    )
    service.record_outcomes(subscriptions, outcomes)
    return outcomes


def deliver(
    subscription_ids: Iterable[int],
    payload: dict,
    level: str,
    topic: str | None = None,
    *,
    expires_at: datetime | None = None,
) -> list[Outcome]:
    """Push one payload to these subscriptions and record the answers on them (see the module docstring)."""
    get_sender().check_payload(payload)  # refused even when no subscription is left
    return deliver_each(((i, payload) for i in subscription_ids), level, topic, expires_at=expires_at)
