"""Sign-in, server-side sessions and the profile of the signed-in user."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from server.audit.service import record
from server.auth.models import RoleAssignment, User, UserSession
from server.auth.passwords import hash_password, needs_rehash, spend_equal_time, verify_password
from server.core.clock import utcnow
from server.errors import Conflict, Unauthorized
from server.extensions import db
from server.i18n import _
from server.org.models import Building, Compound, Household, OrgUnit, PropertyCompany


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(phone: str, password: str, ip: str | None, user_agent: str | None) -> User:
    """Check the credentials, open a server-side session and audit the attempt."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    password_hash = user.password_hash if user is not None else None
    # Argon2 takes tens of milliseconds, seconds under a storm of sign-ins: the read ends here so
    # that its connection goes back to the pool meanwhile (a pool of 15 a process, held through
    # Argon2 by 15 sign-ins, made every other request wait and time out at 30 s:
    # bench/load/field_day.py). Nothing is pending at this point; `user` is read again after.
    db.session.commit()
    if user is None:
        spend_equal_time(password)
        record("auth.sign_in_failed", phone=_mask(phone))
        db.session.commit()
        raise Unauthorized(_("auth.invalid_credentials"), code="invalid_credentials")
    if not verify_password(password_hash, password):
        record("auth.sign_in_failed", target=user)
        db.session.commit()
        raise Unauthorized(_("auth.invalid_credentials"), code="invalid_credentials")
    if not user.active:
        record("auth.sign_in_refused_inactive", target=user)
        db.session.commit()
        raise Unauthorized(_("auth.inactive"), code="inactive")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=current_app.config["SESSION_DAYS"]),
            ip=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    user.last_sign_in_at = now
    record("auth.sign_in", actor=user, target=user)
    db.session.commit()
    user.session_token = token
    return user


def user_for_session(token: str) -> User | None:
    """The user of a live session token, or None when unknown, revoked, expired or disabled."""
    # The user in the same query: every request of a signed-in phone (a sync every minute) pays it.
    row = db.session.scalar(
        select(UserSession).options(joinedload(UserSession.user)).where(UserSession.token_hash == _token_hash(token))
    )
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= utcnow():
        return None
    user = row.user
    if not user.active:
        return None
    # Touch at most once an hour: a busy phone must not write on every request.
    if utcnow() - _aware(row.last_seen_at) > timedelta(hours=1):
        row.last_seen_at = utcnow()
        db.session.commit()
    user.session_token = token
    user._redgrid_scopes = None  # scopes are computed afresh for every request
    return user


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sign_out(user: User) -> None:
    """Revoke the current session on the server."""
    if user.session_token:
        row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(user.session_token)))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
    record("auth.sign_out", actor=user, target=user)
    db.session.commit()


def end_sessions(user: User, keep_token: str | None = None) -> int:
    """Revoke every live session of `user` (on every device) but the one holding `keep_token`;
    the caller commits with the change that calls for it (a new password, a disabled account).
    Answers how many were live."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(UserSession.token_hash != _token_hash(keep_token))
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount or 0


def end_other_sessions(user: User) -> int:
    """Sign out every other device of the signed-in account (this one stays); how many ended."""
    ended = end_sessions(user, keep_token=user.session_token)
    record("auth.other_sessions_ended", actor=user, target=user, ended=ended)
    db.session.commit()
    return ended


def update_profile(user: User, changes: dict) -> User:
    """Change the signed-in user's own display name or locale."""
    for key, value in changes.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def create_user(
    phone: str, display_name: str, password: str, locale: str = "zh-CN", actor=None, org_path: str | None = None
) -> User:
    """Add an account (no role yet); 409 when the phone number is taken. `org_path`: where its
    roles will lie, for the audit log."""
    if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
        raise Conflict(_("user.phone_taken"), fields={"phone": [_("user.phone_taken")]}, code="phone_taken")
    user = User(phone=phone, display_name=display_name, password_hash=hash_password(password), locale=locale)
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, target=user, org_path=org_path)
    return user


def _mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def describe_roles(user: User) -> list[dict]:
    """Each role assignment with the name and path of its scope, for /api/me and the admin."""
    assignments = list(
        db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id).order_by(RoleAssignment.id))
    )
    return describe_assignments(assignments)


def describe_assignments(assignments: list[RoleAssignment]) -> list[dict]:
    """Scope names and org paths for a list of assignments, in a fixed number of queries."""
    units = _load(OrgUnit, {a.org_unit_id for a in assignments if a.org_unit_id})
    compounds = _load(Compound, {a.compound_id for a in assignments if a.compound_id})
    companies = _load(PropertyCompany, {a.company_id for a in assignments if a.company_id})
    households = _load(Household, {a.household_id for a in assignments if a.household_id})
    buildings = _load(Building, {h.building_id for h in households.values()})
    compounds |= _load(Compound, {b.compound_id for b in buildings.values()} - set(compounds))
    paths = {c.community.path for c in compounds.values()} | {u.path for u in units.values()}
    ancestor_ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    names = {u.id: u.name for u in _load(OrgUnit, ancestor_ids).values()}

    def path_names(path: str) -> list[str]:
        return [names[int(p)] for p in path.strip("/").split("/") if p and int(p) in names]

    described = []
    for a in assignments:
        if a.org_unit_id:
            unit = units[a.org_unit_id]
            name, path = unit.name, path_names(unit.path)
        elif a.compound_id:
            compound = compounds[a.compound_id]
            name, path = compound.name, path_names(compound.community.path) + [compound.name]
        elif a.company_id:
            name, path = companies[a.company_id].name, [companies[a.company_id].name]
        else:
            household = households[a.household_id]
            building = buildings[household.building_id]
            compound = compounds[building.compound_id]
            name = f"{compound.name} {building.name} {household.unit} {household.room}"
            path = path_names(compound.community.path) + [compound.name, building.name, household.unit, household.room]
        described.append(
            {
                "id": a.id,
                "role": a.role,
                "scope_type": a.scope_type,
                "scope_id": a.scope_id,
                "scope_name": name,
                "scope_path": path,
            }
        )
    return described


def _load(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def display_names(user_ids) -> dict[int, str]:
    """Users' display names by id, in one query, for the people a response names by id (task
    histories, conflict records); ids of no user are left out."""
    ids = {i for i in user_ids if isinstance(i, int) and not isinstance(i, bool)}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
