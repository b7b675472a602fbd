"""Registering, joining a household (invitation or request), and the account's own password
(PROTOCOL.md §19). Every route but registration needs a session; every state change a CSRF
token (as all the API's)."""

from flask import current_app, request, session
from flask_login import current_user, login_required, login_user

from server.api import ErrorSchema
from server.auth.routes import me_payload
from server.auth.schemas import MeSchema
from server.core.edge import Blueprint
from server.extensions import limiter
from server.join import service
from server.join.schemas import (
    ApproveSchema,
    CompoundArgsSchema,
    InviteKeySchema,
    JoinRequestCreateSchema,
    JoinRequestPageSchema,
    JoinRequestSchema,
    LeaveSchema,
    PasswordChangeSchema,
    PublicCompoundPageSchema,
    RedeemSchema,
    RegisterSchema,
    RejectSchema,
    RequestArgsSchema,
)

blp = Blueprint("join", __name__, url_prefix="/api", description="Residents join: register, invitations, requests")


def _register_limit() -> str:
    return current_app.config["JOIN_REGISTER_RATE_LIMIT"]


def _join_limit() -> str:
    return current_app.config["JOIN_RATE_LIMIT"]


def _per_user() -> str:
    return f"join:{current_user.id}"


def _signed_out() -> bool:
    return not current_user.is_authenticated  # answered 401 anyway


_per_account = limiter.shared_limit(_join_limit, scope="join", key_func=_per_user, exempt_when=_signed_out)


@blp.route("/join/register", methods=["POST"])
@limiter.limit(_register_limit)  # per client address
@blp.arguments(RegisterSchema)
@blp.response(201, MeSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`phone_taken`: an account with this number exists; sign in")
def register(data):
    """Open an account with a phone number and password, and sign in. It holds no role until it
    joins a household: it sees only notices addressed to itself."""
    user = service.register(data, request.remote_addr, request.user_agent.string)
    session.permanent = True
    login_user(user)
    return me_payload(user)


@blp.route("/me/password", methods=["POST"])
@login_required
@_per_account
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(422, schema=ErrorSchema, description="`wrong_password`: the current password is wrong")
def change_password(data):
    """Change your own password (the current one first); your other devices are signed out."""
    service.change_password(current_user, data["current_password"], data["new_password"])


@blp.route("/join/leave", methods=["POST"])
@login_required
@blp.arguments(LeaveSchema)
@blp.response(200, MeSchema)
def leave(data):
    """Leave a household: the resident role there ends; its records leave your phone at the next pull."""
    return me_payload(service.leave(current_user, data["household_id"]))


@blp.route("/join/invite-key", methods=["POST"])
@login_required
@blp.response(200, InviteKeySchema)
@blp.alt_response(403, schema=ErrorSchema, description="`grid_workers_only`: you work no grid")
def invite_key():
    """Your invitation key (made on first ask); your phone also pulls it (entity invite_key, §19.1)."""
    return service.ensure_key(current_user)


@blp.route("/join/invite-key/rotate", methods=["POST"])
@login_required
@blp.response(200, InviteKeySchema)
@blp.alt_response(403, schema=ErrorSchema, description="`grid_workers_only`: you work no grid")
def rotate_invite_key():
    """A new invitation key: every invitation you made before stops working."""
    return service.rotate_key(current_user)


@blp.route("/join/redeem", methods=["POST"])
@login_required
@_per_account
@blp.arguments(RedeemSchema)
@blp.response(200, MeSchema)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="`invite_invalid`: not a code, or not signed by a current key of a grid worker of the household; "
    "`invite_expired`: past its hour (72 h); `invite_used`: redeemed already",
)
@blp.alt_response(409, schema=ErrorSchema, description="`already_bound`: you belong to a household; leave it first")
def redeem(data):
    """Join the household of a grid worker's invitation (typed or scanned)."""
    return me_payload(service.redeem(current_user, data["code"]))


@blp.route("/join/compounds", methods=["GET"])
@login_required
@blp.arguments(CompoundArgsSchema, location="query")
@blp.response(200, PublicCompoundPageSchema)
def compounds(args):
    """Every compound's name and community (public, as on its gate), to say where you live."""
    return service.public_compounds(args.get("q"), args["page"], args["per_page"])


@blp.route("/join/requests", methods=["POST"])
@login_required
@_per_account
@blp.arguments(JoinRequestCreateSchema)
@blp.response(201, JoinRequestSchema)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`already_bound`: you belong to a household; `request_pending`: you have a request waiting",
)
@blp.alt_response(422, schema=ErrorSchema, description="`no_compound`: no such compound")
def create_request(data):
    """Ask to join a household by its address; the compound's grid workers and community admins decide."""
    return service.create_request(current_user, data)


@blp.route("/join/requests/mine", methods=["GET"])
@login_required
@blp.response(200, JoinRequestSchema(many=True))
def my_requests():
    """Your join requests, newest first (the last 20)."""
    return service.my_requests(current_user)


@blp.route("/join/requests/<int:request_id>/withdraw", methods=["POST"])
@login_required
@blp.response(200, JoinRequestSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`request_decided`: handled already")
def withdraw_request(request_id):
    """Withdraw your own pending request."""
    return service.withdraw(current_user, request_id)


@blp.route("/join/requests", methods=["GET"])
@login_required
@blp.arguments(RequestArgsSchema, location="query")
@blp.response(200, JoinRequestPageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="`deciders_only`: you are no grid worker or admin")
def request_queue(args):
    """Join requests for the compounds of your directory (default: pending), oldest first."""
    return service.queue(current_user, args["status"], args["page"], args["per_page"])


@blp.route("/join/requests/<int:request_id>/approve", methods=["POST"])
@login_required
@blp.arguments(ApproveSchema)
@blp.response(200, JoinRequestSchema)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="`household_not_yours`: not in your directory; `household_elsewhere`: not in the request's compound",
)
@blp.alt_response(
    409, schema=ErrorSchema, description="`request_decided`: handled already; `already_bound`: has a household"
)
@blp.alt_response(403, schema=ErrorSchema, description="`deciders_only`: you are no grid worker or admin")
def approve_request(data, request_id):
    """Approve: the applicant becomes a resident of the household you matched in your directory."""
    return service.approve(current_user, request_id, data["household_id"])


@blp.route("/join/requests/<int:request_id>/reject", methods=["POST"])
@login_required
@blp.arguments(RejectSchema)
@blp.response(200, JoinRequestSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`request_decided`: handled already")
@blp.alt_response(403, schema=ErrorSchema, description="`deciders_only`: you are no grid worker or admin")
def reject_request(data, request_id):
    """Return a request with a reason the applicant reads."""
    return service.reject(current_user, request_id, data["reason"])
