"""The one notification service (DESIGN.md §6): notify() writes one inbox entry per recipient
(phones pull it, offline too, PROTOCOL.md §13) and the delivery records, in the caller's
transaction. The entries are new records the server makes whole, so they go in bulk
(Writer.create_new: the rows and change-log rows the engine writes for a create, one statement
per table) rather than as one engine mutation each: an alert to 1,000 residents spent ~200 ms
there before its first live event (bench/socketio_broadcast.py). Once that transaction commits —
never before (§8) — an `alert` event goes to each recipient's room for a live banner, built from
what notify wrote (it is also the inbox's poke: the client pulls on it, §13.2), and fan-out jobs
(server/notices/fanout.py, off this thread) send the Web Push deliveries.

Every notice may carry a dedupe key: the entry's id is derived from "<key>:<user id>" (a UUID5),
so the same event never makes a second entry for a user, however often it is sent (a job re-run,
two processes at once: the engine's write lock serializes them, the second finds the record).
"""

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from server.auth.models import User
from server.core import clock, pokes
from server.core.after_commit import after_commit
from server.core.fields import iso
from server.extensions import db
from server.notices import fanout
from server.notices.jobs import emit_entries, new_entry_view
from server.notices.limits import DEDUPE_KEY_MAX, INBOX_BODY_MAX, INBOX_TITLE_MAX
from server.notices.models import Delivery, InboxEntry
from server.notices.sync import INBOX
from server.push.models import PushSubscription
from server.sync.actors import system_actor
from server.sync.writer import Writer

log = logging.getLogger(__name__)
CLIENT = "server:notify"
_NAMESPACE = uuid.UUID("6f1d8a52-3b0e-4c0e-9a53-7c3f0b6f9e21")  # of inbox ids made from dedupe keys

Text = str | Callable[[str | None], str] | None  # a text, or one per recipient's locale


@dataclass
class Pending:
    """What to do once the transaction that wrote some entries commits."""

    buckets: set[str] = field(default_factory=set)
    entry_ids: list[str] = field(default_factory=list)
    alert_id: int | None = None
    views: list[tuple[int, dict]] = field(default_factory=list)  # (user id, `alert` event) per entry


def inbox_id(dedupe_key: str | None, user_id: int) -> str:
    """The entry id of a user's notice: fixed by the dedupe key, else fresh."""
    if dedupe_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_NAMESPACE, f"{dedupe_key}:{user_id}"))


def notify(
    user_ids,
    kind: str,
    title: Text,
    body: Text = None,
    link: str | None = None,
    level: str = "notice",
    category: str = "other",
    data: dict | None = None,
    dedupe_key: str | None = None,
    alert_id: int | None = None,
) -> list[int]:
    """One inbox entry per (active) recipient who has none for this dedupe key yet, with its
    deliveries (in-app, and one per push subscription that wants the category), in the caller's
    transaction; returns the users who got a new entry. Socket.IO and Web Push follow the commit."""
    users = db.session.execute(
        select(User.id, User.locale).where(User.id.in_(set(user_ids)), User.active.is_(True)).order_by(User.id)
    ).all()
    planned = {inbox_id(dedupe_key, user_id): (user_id, locale) for user_id, locale in users}
    if dedupe_key is not None and planned:
        existing = set(db.session.scalars(select(InboxEntry.id).where(InboxEntry.id.in_(planned))))
        planned = {k: v for k, v in planned.items() if k not in existing}
    if not planned:
        return []
    now = clock.now()
    buckets = [f"user:{user_id}" for user_id, _ in planned.values()]
    writer = Writer(actor=system_actor(None, buckets), client_id=CLIENT)
    fields = {}
    for record_id, (user_id, locale) in planned.items():
        fields[record_id] = {
            "user_id": user_id,
            "alert_id": alert_id,
            "kind": kind,
            "title": _text(title, locale)[:INBOX_TITLE_MAX],
            "body": (_text(body, locale) or None) and _text(body, locale)[:INBOX_BODY_MAX],
            "level": level,
            "category": category,
            "link": link,
            "data": data,
            "dedupe_key": f"{dedupe_key}:{user_id}"[:DEDUPE_KEY_MAX] if dedupe_key else None,
            "created_at": iso(now),
        }
    made = writer.create_new("inbox", _valid(fields))
    recipients = {record_id: planned[record_id][0] for record_id in made}
    _add_deliveries(recipients, alert_id, category, now)
    views = [(recipients[record_id], new_entry_view(record_id, fields[record_id])) for record_id in made]
    after_commit("notices", _after_commit).setdefault("pending", []).append(
        Pending(set(writer.store.touched), made, alert_id, views)
    )
    return sorted(recipients.values())


def _valid(fields: dict[str, dict]) -> dict[str, dict]:
    """The entries the inbox's schema accepts (PROTOCOL.md §13.1), checked once per shape: a
    notice's entries differ only in their user's id and dedupe key (of one type, cut to length)
    and in the texts of the user's locale. A refused notice is a bug of its caller, as the
    engine's refusal was: logged, and its entries are not made."""
    verdicts: dict[tuple, bool] = {}
    valid = {}
    for record_id, values in fields.items():
        shape = (values["title"], values["body"])
        if shape not in verdicts:
            errors = INBOX.validate(values, "create")
            if errors:
                log.error("inbox entries of kind %s refused: %s", values["kind"], errors)
            verdicts[shape] = not errors
        if verdicts[shape]:
            valid[record_id] = values
    return valid


def _text(text: Text, locale: str | None) -> str | None:
    return text(locale) if callable(text) else text


def push_targets(user_ids, category: str | None) -> dict[int, list[PushSubscription]]:
    """The push subscriptions of these users that want the category, by user: the devices a
    notice of that category is pushed to (and what an alert's preview counts)."""
    subscriptions = db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id.in_(set(user_ids))).order_by(PushSubscription.id)
    ).all()
    by_user: dict[int, list[PushSubscription]] = {}
    for subscription in subscriptions:
        if subscription.wants(category):
            by_user.setdefault(subscription.user_id, []).append(subscription)
    return by_user


def _add_deliveries(recipients: dict[str, int], alert_id: int | None, category: str, now) -> None:
    """In-app (sent: the entry is in the inbox) and one queued per wanting push subscription."""
    by_user = push_targets(recipients.values(), category)
    rows = []
    for record_id, user_id in recipients.items():
        rows.append(
            dict(
                alert_id=alert_id,
                inbox_id=record_id,
                user_id=user_id,
                subscription_id=None,
                state="sent",
                attempts=0,
                token=secrets.token_urlsafe(24),
                queued_at=now,
                sent_at=now,
            )
        )
        rows += [
            dict(
                alert_id=alert_id,
                inbox_id=record_id,
                user_id=user_id,
                subscription_id=s.id,
                state="queued",
                attempts=0,
                token=secrets.token_urlsafe(24),
                queued_at=now,
                sent_at=None,
            )
            for s in by_user.get(user_id, [])
        ]
    if rows:
        db.session.execute(Delivery.__table__.insert(), rows)


def _after_commit(state: dict) -> None:
    """After the commit (never before, PROTOCOL.md §8): the live `alert` events at once, from
    what notify wrote (nothing read back: a first banner within milliseconds of the commit; each
    is also its inbox's poke), then the pushes off this thread (the fan-out). Emits only queue a
    message per socket (or publish it on Redis), as the pokes always did here."""
    pending = state["pending"]
    for p in pending:
        emit_entries(p.views)
    # The `alert` event is its inbox's poke (PROTOCOL.md §8, §13.2: the client pulls on it), so
    # the buckets it reached get no second message; any other bucket (none today) is poked alone,
    # so that no recipient hears who else got the notice.
    alerted = {f"user:{user_id}" for p in pending for user_id, _ in p.views}
    for bucket in sorted(set().union(*(p.buckets for p in pending)) - alerted):
        pokes.notify([bucket])
    for p in pending:
        for start in range(0, len(p.entry_ids), fanout.CHUNK):
            fanout.submit("fan_out", p.entry_ids[start : start + fanout.CHUNK])
