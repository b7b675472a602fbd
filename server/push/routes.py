"""Web Push over HTTP: the VAPID public key and the signed-in user's device subscriptions."""

from flask import current_app, request
from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core.edge import Blueprint
from server.extensions import csrf, limiter
from server.push import (
    models,  # noqa: F401  (the tables, for the app and Alembic)
    service,
)
from server.push.schemas import (
    CategoriesUpdateSchema,
    EndpointSchema,
    SubscriptionChangeSchema,
    SubscriptionInSchema,
    SubscriptionListSchema,
    SubscriptionSchema,
    VapidKeySchema,
)

blp = Blueprint("push", __name__, url_prefix="/api/push", description="Web Push: VAPID key and device subscriptions")


def _push_limit() -> str:
    return current_app.config["PUSH_RATE_LIMIT"]


def _change_limit() -> str:
    return current_app.config["PUSH_CHANGE_RATE_LIMIT"]


def _per_user() -> str:
    return f"push-subscriptions:{current_user.id}"


def _signed_out() -> bool:
    return not current_user.is_authenticated  # answered 401 anyway


# subscribe, set_categories and unsubscribe count together: REDGRID_PUSH_RATE_LIMIT per user.
_subscriptions_limit = limiter.shared_limit(
    _push_limit, scope="push-subscriptions", key_func=_per_user, exempt_when=_signed_out
)


@blp.route("/vapid-public-key", methods=["GET"])
@blp.response(200, VapidKeySchema)
def vapid_public_key():
    """The server's VAPID public key: the applicationServerKey for pushManager.subscribe()."""
    return {"public_key": current_app.config["VAPID_PUBLIC_KEY"]}


@blp.route("/subscriptions", methods=["GET"])
@login_required
@blp.response(200, SubscriptionListSchema)
def my_subscriptions():
    """Your devices that receive notifications."""
    return {"items": service.list_for(current_user)}


@blp.route("/subscriptions", methods=["POST"])
@_subscriptions_limit
@login_required
@blp.arguments(SubscriptionInSchema)
@blp.response(201, SubscriptionSchema)
@blp.alt_response(200, schema=SubscriptionSchema, description="The endpoint was known: updated", success=True)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`endpoint_taken`: the endpoint is another account's and keys.auth is not its secret",
)
def subscribe(data):
    """Save this browser's PushSubscription (and the categories it wants); 200 when already known.

    The endpoint must be https on port 443 of a known push service's host (REDGRID_PUSH_ENDPOINT_HOSTS;
    no IP address, no user info), else 422 with `fields.endpoint`. An endpoint registered to
    another account moves to you only with the auth secret it was registered with (409 `endpoint_taken`)."""
    subscription, created = service.subscribe(current_user, data, request.user_agent.string)
    return subscription, (201 if created else 200)


@blp.route("/subscriptions", methods=["PATCH"])
@_subscriptions_limit
@login_required
@blp.arguments(CategoriesUpdateSchema)
@blp.response(200, SubscriptionSchema)
def set_categories(data):
    """Choose the alert categories this device receives (null: all)."""
    return service.set_categories(current_user, data["endpoint"], data["categories"])


@blp.route("/subscriptions", methods=["DELETE"])
@_subscriptions_limit
@login_required
@blp.arguments(EndpointSchema)
@blp.response(204)
def unsubscribe(data):
    """Stop notifications to this device (no error when it is already gone)."""
    service.unsubscribe(current_user, data["endpoint"])


@blp.route("/subscriptions/change", methods=["POST"])
@csrf.exempt
@limiter.limit(_change_limit)  # per client address
@blp.arguments(SubscriptionChangeSchema)
@blp.response(200, SubscriptionSchema)
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description="`forbidden`: the old endpoint is unknown or old_auth is not its secret (`fields.old_auth`)",
)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`endpoint_taken`: the new endpoint is another account's device (`fields.subscription.endpoint`)",
)
def subscription_change(data):
    """pushsubscriptionchange: the service worker (no session, no CSRF token) replaces the old
    subscription by the new one.

    It proves it held the old one by its endpoint and auth secret (PROTOCOL.md §13.4). The new
    endpoint obeys the rule of subscribing: https on port 443 of a known push service's host, else
    422 with `fields.subscription.endpoint`."""
    return service.change(data["old_endpoint"], data["old_auth"], data["subscription"], request.user_agent.string)
