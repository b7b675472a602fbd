"""Sign in, sign out, the CSRF token and the signed-in user's profile."""

from flask import Response, current_app, request, session
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from server.api import ErrorSchema
from server.auth import resets, service
from server.auth.schemas import (
    CsrfSchema,
    LoginSchema,
    MeSchema,
    PasswordResetSchema,
    ProfileUpdateSchema,
    ResetCodeIssueSchema,
    ResetCodeSchema,
    SessionSchema,
    SessionsEndedSchema,
    SignInSchema,
    normalize_phone,
)
from server.core.edge import Blueprint
from server.core.fields import compact_json
from server.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api", description="Accounts and sessions")

# Where the sync layer (above this one) registers what writes a sign-in's first pull page
# (server/sync/part.py): f(user, protocol, limit) -> the page's JSON, or None.
FIRST_PULL = "redgrid.first_pull"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _phone_key() -> str:
    body = request.get_json(silent=True)
    phone = body.get("phone") if isinstance(body, dict) else None
    # Normalized, so "138 0000 0003" and "+8613800000003" count against the same account.
    return f"login-phone:{normalize_phone(phone) if isinstance(phone, str) else phone}"


def _phone_limit() -> str:
    return current_app.config["PHONE_RATE_LIMIT"]


def _issuer_key() -> str:
    return f"reset-issue:{current_user.id}"


def _signed_out() -> bool:
    return not current_user.is_authenticated  # answered 401 anyway


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
    asked = credentials.get("pull")
    make_page = current_app.extensions.get(FIRST_PULL)
    if asked is None or make_page is None:
        return me_payload(user)
    # The first pull page in the same answer (PROTOCOL.md §5.2.1), as POST /api/sync/pull writes it;
    # none for another protocol: signed in all the same, the phone pulls on its own.
    me = compact_json(SignInSchema().dump(me_payload(user)))
    page = make_page(user, asked["protocol"], asked["limit"], asked["format"])
    return Response(me if page is None else f'{me[:-1]},"pull":{page}}}', mimetype="application/json")


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


@blp.route("/me/sessions/end-others", methods=["POST"])
@login_required
@blp.response(200, SessionsEndedSchema)
def end_other_sessions():
    """Sign out your other devices: every session of your account but this one ends at once
    (their next request answers 401 `unauthorized`)."""
    return {"ended": service.end_other_sessions(current_user)}


@blp.route("/accounts/reset-codes", methods=["POST"])
@login_required
@limiter.limit(_phone_limit, key_func=_issuer_key, exempt_when=_signed_out)
@blp.arguments(ResetCodeIssueSchema)
@blp.response(201, ResetCodeSchema)
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description="`forbidden`: only admins and grid workers issue codes; `managed_elsewhere`: you know the "
    "account but are not over every role it holds",
)
@blp.alt_response(404, schema=ErrorSchema, description="`not_found`: no such account, or not one of yours")
def issue_reset_code(data):
    """Issue a one-time password code for an account whose holder forgot the password (no SMS):
    an admin over every role the account holds, or a grid worker for an account that is only a
    resident of households in their grids. The code is in this answer only (read it out to the
    holder); it works once, for 30 minutes, and a newer code replaces it. Audited, without the code."""
    return resets.issue(current_user, data["phone"])


@blp.route("/auth/reset-password", methods=["POST"])
@limiter.limit(_login_limit)  # per client address, as sign-in
@limiter.limit(_login_limit, key_func=_phone_key)  # per account, whatever the address
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="`reset_code_invalid`: wrong code or number (after 5 wrong codes the live one stops working); "
    "`reset_code_expired`: past its 30 minutes; `reset_code_used`: used, or replaced by a newer code; "
    "`validation`: the new password breaks the rules",
)
def reset_password(data):
    """Set a new password with a one-time code an admin or grid worker issued (signed out; the
    sign-in screen's 忘记密码). Every session of the account ends; sign in with the new password."""
    resets.reset(data["phone"], data["code"], data["new_password"])
