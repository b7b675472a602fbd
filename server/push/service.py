"""Device subscriptions: subscribe (upsert by endpoint), unsubscribe, categories per device,
`pushsubscriptionchange`, and the bookkeeping of the push services' answers."""

import hmac
from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from server.core.clock import utcnow
from server.errors import Conflict, Forbidden, NotFound
from server.extensions import db
from server.i18n import _
from server.push.models import PushSubscription


def list_for(user) -> list[PushSubscription]:
    """This user's devices, oldest first."""
    return list(
        db.session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.id)
        )
    )


def subscribe(user, data: dict, user_agent: str | None = None) -> tuple[PushSubscription, bool]:
    """Save the browser's subscription for `user`; (row, created). An endpoint already known moves
    to whoever is signed in now (one browser profile, one person at a time), but only with the
    auth secret it was registered with: that browser holds it (RFC 8291 §3.2), someone who merely
    learnt the endpoint does not. Without it: Conflict `endpoint_taken`, nothing changes."""
    for attempt in (1, 2):
        subscription = _by_endpoint(data["endpoint"])
        created = subscription is None
        if created:
            subscription = PushSubscription(endpoint=data["endpoint"], categories=data.get("categories"))
            db.session.add(subscription)
        else:
            if subscription.user_id != user.id and not _same_secret(subscription.auth, data["keys"]["auth"]):
                raise Conflict(
                    _("push.endpoint_claimed"), {"endpoint": [_("push.endpoint_claimed")]}, code="endpoint_taken"
                )
            if "categories" in data:
                subscription.categories = data["categories"]
        subscription.user_id = user.id
        subscription.p256dh = data["keys"]["p256dh"]
        subscription.auth = data["keys"]["auth"]
        subscription.failed_count = 0
        if "device_label" in data:
            subscription.device_label = data["device_label"]
        if user_agent:
            subscription.user_agent = user_agent[:300]
        try:
            db.session.commit()
            return subscription, created
        except IntegrityError:
            # Two tabs of one browser subscribed at once: the other insert won; update it instead.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def unsubscribe(user, endpoint: str) -> None:
    """Forget this device of the user's (nothing happens for an endpoint not theirs: it may be gone already)."""
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id)
    )
    db.session.commit()


def set_categories(user, endpoint: str, categories: list | None) -> PushSubscription:
    """Which alert categories this device of the user's takes (None: all)."""
    subscription = _by_endpoint(endpoint)
    if subscription is None or subscription.user_id != user.id:
        raise NotFound(_("push.subscription_missing"), {"endpoint": [_("push.subscription_missing")]})
    subscription.categories = categories
    db.session.commit()
    return subscription


def change(old_endpoint: str, old_auth: str, data: dict, user_agent: str | None = None) -> PushSubscription:
    """`pushsubscriptionchange`, from a service worker without a session: the browser replaced its
    subscription. It proves it held the old one by that one's auth secret (RFC 8291 §3.2: only
    the browser and this server know it); an unknown endpoint and a wrong secret are refused alike.
    The row keeps its id, user, categories and label; endpoint and keys become the new ones."""
    old = _by_endpoint(old_endpoint)
    if old is None or not _same_secret(old.auth, old_auth):
        raise Forbidden(_("push.change_refused"), {"old_auth": [_("push.change_refused")]})
    if data["endpoint"] != old.endpoint:
        taken = _by_endpoint(data["endpoint"])
        if taken is not None and taken.user_id != old.user_id:
            # Another person's device: knowing its endpoint is no right to take it over.
            raise _new_endpoint_taken()
        if taken is not None:  # the page subscribed the new one already: one row for the device
            db.session.delete(taken)
            db.session.flush()
    old.endpoint = data["endpoint"]
    old.p256dh = data["keys"]["p256dh"]
    old.auth = data["keys"]["auth"]
    old.failed_count = 0
    if user_agent:
        old.user_agent = user_agent[:300]
    try:
        db.session.commit()
    except IntegrityError:
        # The new endpoint was registered meanwhile (the page, at the same moment).
        db.session.rollback()
        raise _new_endpoint_taken() from None
    return old


def subscriptions_by_ids(ids: Iterable[int]) -> list[PushSubscription]:
    """The rows of these ids that still exist, in the order given."""
    ids = list(ids)
    rows = {row.id: row for row in db.session.scalars(select(PushSubscription).where(PushSubscription.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def record_outcomes(subscriptions: list[PushSubscription], outcomes: list) -> None:
    """Apply the push services' answers: gone rows deleted, successes and failures counted; commits.
    Set-based statements, so a row another worker deleted meanwhile is no error."""
    by_status: dict[str, list[int]] = {"sent": [], "gone": [], "failed": []}
    for subscription, outcome in zip(subscriptions, outcomes, strict=True):
        by_status[outcome.status].append(subscription.id)
    table, options = PushSubscription, {"synchronize_session": False}
    if by_status["sent"]:
        db.session.execute(
            update(table).where(table.id.in_(by_status["sent"])).values(last_success_at=utcnow(), failed_count=0),
            execution_options=options,
        )
    if by_status["failed"]:
        db.session.execute(
            update(table).where(table.id.in_(by_status["failed"])).values(failed_count=table.failed_count + 1),
            execution_options=options,
        )
    if by_status["gone"]:
        db.session.execute(delete(table).where(table.id.in_(by_status["gone"])), execution_options=options)
    for subscription in subscriptions:
        if subscription.id in by_status["gone"]:
            db.session.expunge(subscription)
    db.session.commit()


def _new_endpoint_taken() -> Conflict:
    return Conflict(
        _("push.endpoint_taken"), {"subscription": {"endpoint": [_("push.endpoint_taken")]}}, code="endpoint_taken"
    )


def _same_secret(stored: str, given: str) -> bool:
    """The auth secrets match (base64url, padding or not); in constant time."""
    return hmac.compare_digest(stored.rstrip("=").encode(), given.rstrip("=").encode())


def _by_endpoint(endpoint: str) -> PushSubscription | None:
    return db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
