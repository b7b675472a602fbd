"""Joining a household, and the account's own profile (PROTOCOL.md §19). Routes are thin; this
layer checks, writes, audits, notifies and commits."""

import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server import authz
from server.audit.service import record
from server.auth import service as auth_service
from server.auth.models import RoleAssignment, User
from server.auth.passwords import hash_password, verify_password
from server.core import clock, codes
from server.core.fields import iso
from server.core.pages import paginate
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.join import access, invites, notices
from server.join.models import InviteKey, InviteUse, JoinRequest
from server.org.models import Building, Compound, Household
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation, raise_refusal

_KEY_NAMESPACE = uuid.UUID("0d9c4a5e-6f1b-4c8e-9a57-3f1e2b7c9d14")
KEY_CLIENT = "server:join"


# --- the account ---------------------------------------------------------------------------


def register(data: dict, ip: str | None, user_agent: str | None) -> User:
    """A new account with no role (it sees only what is addressed to it), signed in at once."""
    user = auth_service.create_user(data["phone"], data["display_name"].strip(), data["password"], data["locale"])
    record("join.register", actor=user, target=user)
    db.session.commit()
    return auth_service.sign_in(data["phone"], data["password"], ip, user_agent)


def change_password(user: User, current: str, new: str) -> None:
    """The account's own new password; every other session of it ends (this one stays)."""
    if not verify_password(user.password_hash, current):
        record("join.password_change_failed", actor=user, target=user)
        db.session.commit()
        message = _("join.wrong_password")
        raise Invalid(message, fields={"current_password": [message]}, code="wrong_password")
    user.password_hash = hash_password(new)
    auth_service.end_sessions(user, keep_token=user.session_token)
    record("join.password_changed", actor=user, target=user)
    db.session.commit()


def leave(user: User, household_id: int) -> User:
    """End the account's resident@household; the household's records leave the phone at its
    next pull (PROTOCOL.md §2, scope changes)."""
    assignment = db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == "resident",
            RoleAssignment.household_id == household_id,
        )
    )
    if assignment is None:
        raise NotFound(_("error.not_found"))
    record("join.leave", actor=user, target=user, household_id=household_id)
    db.session.delete(assignment)
    db.session.commit()
    authz.forget_scopes(user)
    return user


def _bind(user: User, household_id: int, by: User | int) -> None:
    db.session.add(
        RoleAssignment(
            user_id=user.id,
            role="resident",
            household_id=household_id,
            granted_by_id=by if isinstance(by, int) else by.id,
        )
    )


def _refuse_if_bound(user: User) -> None:
    if authz.scopes_of(user).household_ids:
        raise Conflict(_("join.already_bound"), code="already_bound")


# --- invitation keys -------------------------------------------------------------------------


def key_id(user_id: int) -> str:
    return str(uuid.uuid5(_KEY_NAMESPACE, f"invite-key:{user_id}"))


def _require_worker(user: User) -> None:
    if not authz.scopes_of(user).grid_ids:
        raise Forbidden(_("join.grid_workers_only"), code="grid_workers_only")


def _writer(user_id: int) -> Writer:
    return Writer(actor=system_actor(None, [f"user:{user_id}"]), client_id=KEY_CLIENT)


def ensure_key(user: User) -> InviteKey:
    """The grid worker's invitation key, made on first ask (their phone then pulls it)."""
    _require_worker(user)
    row = db.session.get(InviteKey, key_id(user.id))
    if row is not None:
        return row
    writer = _writer(user.id)
    writer.create_new(
        "invite_key", {key_id(user.id): {"user_id": user.id, "key": codes.new_key(), "created_at": iso(clock.now())}}
    )
    record("join.key_issued", actor=user, target=user)
    writer.commit()
    return db.session.get(InviteKey, key_id(user.id))


def rotate_key(user: User) -> InviteKey:
    """A new key for the grid worker: every invitation the old one signed stops working."""
    row = ensure_key(user)
    writer = _writer(user.id)
    (result,) = writer.push(
        [
            mutation(
                "invite_key",
                row.id,
                "update",
                {"key": codes.new_key(), "rotated_at": iso(clock.now())},
                base_version=row.version,
            )
        ]
    )
    if result.status != "applied":
        raise_refusal(result)
    record("join.key_rotated", actor=user, target=user)
    writer.commit()
    db.session.refresh(row)
    return row


# --- invitations -----------------------------------------------------------------------------


def _invalid_code(code: str = "invite_invalid"):
    message = _(f"join.{code}")
    return Invalid(message, fields={"code": [message]}, code=code)


def redeem(user: User, typed: str) -> User:
    """Bind the account to the household of a grid worker's invitation: signed with the current
    key of a grid worker covering that household, not expired, never used."""
    invitation = invites.parse(typed)
    if invitation is None or db.session.get(Household, invitation.household_id) is None:
        raise _invalid_code()
    workers = access.workers_covering_household(invitation.household_id)
    keys = db.session.scalars(
        select(InviteKey).where(InviteKey.user_id.in_(workers), InviteKey.deleted.is_(False))
    ).all()
    inviter = next((k.user_id for k in keys if invites.signed_by(invitation, k.key)), None)
    if inviter is None:
        record("join.invite_refused", actor=user, target=user, household_id=invitation.household_id)
        db.session.commit()
        raise _invalid_code()
    if not invites.timely(invitation, clock.now()):
        raise _invalid_code("invite_expired")
    used = select(InviteUse.id).where(
        InviteUse.household_id == invitation.household_id, InviteUse.nonce == invitation.nonce
    )
    if db.session.scalar(used) is not None:
        raise _invalid_code("invite_used")
    _refuse_if_bound(user)
    db.session.add(
        InviteUse(household_id=invitation.household_id, nonce=invitation.nonce, inviter_id=inviter, user_id=user.id)
    )
    _bind(user, invitation.household_id, inviter)
    record("join.invite_redeemed", actor=user, target=user, household_id=invitation.household_id, inviter_id=inviter)
    notices.joined_by_invitation(inviter, user, invitation.household_id, invitation.nonce)
    try:
        db.session.commit()
    except IntegrityError:  # the same code redeemed at the same moment by another account
        db.session.rollback()
        raise _invalid_code("invite_used") from None
    authz.forget_scopes(user)
    return user


# --- requests --------------------------------------------------------------------------------


def public_compounds(q: str | None, page: int, per_page: int) -> dict:
    """Compound names (public: on every gate) for the resident to say where they live."""
    query = select(Compound).order_by(Compound.name, Compound.id)
    if q:
        query = query.where(Compound.name.contains(q, autoescape=True))
    found = paginate(query, page, per_page)
    items = [{"id": c.id, "name": c.name, "community_name": c.community.name} for c in found["items"]]
    return {**found, "items": items}


def create_request(user: User, data: dict) -> dict:
    _refuse_if_bound(user)
    compound = db.session.get(Compound, data["compound_id"])
    if compound is None:
        message = _("join.no_compound")
        raise Invalid(message, fields={"compound_id": [message]}, code="no_compound")
    pending = select(JoinRequest.id).where(JoinRequest.user_id == user.id, JoinRequest.status == "pending")
    if db.session.scalar(pending) is not None:
        raise Conflict(_("join.request_pending"), code="request_pending")
    row = JoinRequest(
        user_id=user.id,
        compound_id=compound.id,
        building=data["building"].strip(),
        unit=(data.get("unit") or "").strip() or None,
        room=data["room"].strip(),
        name=data["name"].strip(),
        note=(data.get("note") or "").strip() or None,
        status="pending",
        created_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    record("join.request", actor=user, target=row, compound_id=compound.id)
    notices.request_sent(access.deciders_of_compound(compound.id), row, compound.name)
    db.session.commit()
    return view(row)


def my_requests(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(JoinRequest).where(JoinRequest.user_id == user.id).order_by(JoinRequest.id.desc()).limit(20)
    )
    return [view(r) for r in rows]


def queue(user: User, status: str, page: int, per_page: int) -> dict:
    """The requests of the compounds in the user's directory (grid workers, admins)."""
    if not authz.works_on_places(authz.scopes_of(user)):
        raise Forbidden(_("join.deciders_only"), code="deciders_only")
    query = (
        select(JoinRequest)
        .where(JoinRequest.status == status, JoinRequest.compound_id.in_(access.decidable_compounds(user)))
        .order_by(JoinRequest.id)
    )
    found = paginate(query, page, per_page)
    return {**found, "items": [view(r) for r in found["items"]]}


def _decidable(user: User, request_id: int) -> JoinRequest:
    if not authz.works_on_places(authz.scopes_of(user)):
        raise Forbidden(_("join.deciders_only"), code="deciders_only")
    row = db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.id == request_id, JoinRequest.compound_id.in_(access.decidable_compounds(user))
        )
    )
    if row is None:
        raise NotFound(_("error.not_found"))
    if row.status != "pending":
        raise Conflict(_("join.request_decided"), code="request_decided")
    return row


def approve(user: User, request_id: int, household_id: int) -> dict:
    """Bind the applicant to a household of the decider's directory in the request's compound."""
    row = _decidable(user, request_id)
    if not access.in_directory(user, household_id):
        message = _("join.household_not_yours")
        raise Invalid(message, fields={"household_id": [message]}, code="household_not_yours")
    compound_id = db.session.scalar(
        select(Building.compound_id)
        .join(Household, Household.building_id == Building.id)
        .where(Household.id == household_id)
    )
    if compound_id != row.compound_id:
        message = _("join.household_elsewhere")
        raise Invalid(message, fields={"household_id": [message]}, code="household_elsewhere")
    applicant = db.session.get(User, row.user_id)
    if authz.scopes_of(applicant).household_ids:
        raise Conflict(_("join.already_bound"), code="already_bound")
    _bind(applicant, household_id, user)
    row.status, row.household_id, row.decided_by_id, row.decided_at = "approved", household_id, user.id, clock.now()
    record("join.request_approved", actor=user, target=row, household_id=household_id, user_id=applicant.id)
    notices.request_decided(row, approved=True)
    db.session.commit()
    return view(row)


def reject(user: User, request_id: int, reason: str) -> dict:
    row = _decidable(user, request_id)
    row.status, row.reason, row.decided_by_id, row.decided_at = "rejected", reason.strip(), user.id, clock.now()
    record("join.request_rejected", actor=user, target=row, user_id=row.user_id)
    notices.request_decided(row, approved=False)
    db.session.commit()
    return view(row)


def withdraw(user: User, request_id: int) -> dict:
    row = db.session.get(JoinRequest, request_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("error.not_found"))
    if row.status != "pending":
        raise Conflict(_("join.request_decided"), code="request_decided")
    row.status, row.decided_at = "withdrawn", clock.now()
    record("join.request_withdrawn", actor=user, target=row)
    db.session.commit()
    return view(row)


def view(row: JoinRequest) -> dict:
    compound = db.session.get(Compound, row.compound_id)
    applicant = db.session.get(User, row.user_id)
    return {
        "id": row.id,
        "user_id": row.user_id,
        "phone": applicant.phone,
        "compound_id": row.compound_id,
        "compound_name": compound.name,
        "building": row.building,
        "unit": row.unit,
        "room": row.room,
        "name": row.name,
        "note": row.note,
        "status": row.status,
        "household_id": row.household_id,
        "reason": row.reason,
        "created_at": row.created_at,
        "decided_at": row.decided_at,
    }


def new_nonce() -> str:
    """A nonce as a phone draws it (the tests')."""
    return "".join(secrets.choice(codes.ALPHABET) for _ in range(invites.NONCE_CHARS))
