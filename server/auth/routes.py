"""Sign in, sign out, the CSRF token and the signed-in user's profile."""

from flask import Response, current_app, request, session
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from server.api import ErrorSchema
from server.auth import service
from server.auth.schemas import (
    CsrfSchema,
    LoginSchema,
    MeSchema,
    ProfileUpdateSchema,
    SessionSchema,
    SignInSchema,
    normalize_phone,
)
from server.core.edge import Blueprint
from server.core.fields import compact_json
from server.errors import DomainError
from server.extensions import limiter
from server.sync import service as sync_service

blp = Blueprint("auth", __name__, url_prefix="/api", description="Accounts and sessions")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _phone_key() -> str:
    body = request.get_json(silent=True)
    phone = body.get("phone") if isinstance(body, dict) else None
    # Normalized, so "138 0000 0003" and "+8613800000003" count against the same account.
    return f"login-phone:{normalize_phone(phone) if isinstance(phone, str) else phone}"


def map_settings() -> dict | None:
    """The tile server the PWA draws maps from (REDGRID_TILE_URL), or None: no maps."""
    url = current_app.config.get("TILE_URL")
    return {"tile_url": url, "attribution": current_app.config.get("TILE_ATTRIBUTION") or ""} if url else None


def me_payload(user) -> dict:
    return {
        "user": user,
        "roles": service.describe_roles(user),
        "map": map_settings(),
        "csrf_token": generate_csrf(),
    }


@blp.route("/csrf", methods=["GET"])
@blp.response(200, CsrfSchema)
def csrf_token():
    """Get a CSRF token for this session; send it as X-CSRFToken on every state-changing request."""
    return {"csrf_token": generate_csrf()}


@blp.route("/session", methods=["GET"])
@blp.response(200, SessionSchema)
def session_state():
    """Whether this browser is signed in, answered 200 either way (the app's first question when it
    opens, preloaded by the page beside its scripts; a 401 would be an error in every signed-out
    browser's console): `signed_in`, GET /api/me's body as `me` when it is, and the CSRF token."""
    if current_user.is_authenticated:
        return {"signed_in": True, "me": me_payload(current_user), "csrf_token": generate_csrf()}
    return {"signed_in": False, "me": None, "csrf_token": generate_csrf()}


@blp.route("/auth/login", methods=["POST"])
@limiter.limit(_login_limit)  # per client address
@limiter.limit(_login_limit, key_func=_phone_key)  # per account, whatever the address
@blp.arguments(LoginSchema)
@blp.response(200, SignInSchema)
@blp.alt_response(
    401,
    schema=ErrorSchema,
    description="`invalid_credentials`: wrong phone number or password; `inactive`: the account is disabled",
)
def sign_in(credentials):
    """Sign in with phone number and password; opens a server-side session."""
    user = service.sign_in(
        credentials["phone"], credentials["password"], request.remote_addr, request.user_agent.string
    )
    session.permanent = True  # a phone stays signed in for REDGRID_SESSION_DAYS
    login_user(user)
    first_pull = credentials.get("pull")
    if first_pull is None:
        return me_payload(user)
    # The first pull page in the same answer (§9.1): the page as POST /api/sync/pull writes it.
    me = compact_json(SignInSchema().dump(me_payload(user)))
    try:
        page = sync_service.page_json(sync_service.pull(user, first_pull["protocol"], None, first_pull["limit"]))
    except DomainError:  # another protocol: signed in all the same, the phone pulls on its own
        return Response(me, mimetype="application/json")
    return Response(f'{me[:-1]},"pull":{page}}}', mimetype="application/json")


@blp.route("/auth/logout", methods=["POST"])
@login_required
@blp.response(204)
def sign_out():
    """Sign out and revoke this session on the server."""
    service.sign_out(current_user)
    logout_user()
    session.clear()


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MeSchema)
def me():
    """The signed-in user, with every role and the name and path of its scope."""
    return me_payload(current_user)


@blp.route("/me", methods=["PATCH"])
@login_required
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, MeSchema)
def update_me(changes):
    """Change your own display name or language."""
    return me_payload(service.update_profile(current_user, changes))
