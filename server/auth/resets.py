"""Forgot password without SMS (PROTOCOL.md §19.5): an admin over every role of the account, or
the grid worker of its household (for an account that is only a resident), issues a one-time
code; its holder, signed out, sets a new password with it. The code is shown once to the issuer,
stored only as an HMAC under the app's secret key (eight digits are few: a plain hash of a
leaked table would give them back), used once, and expires; every issue and use is audited,
never the code."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from server import authz
from server.audit.service import record
from server.auth import service as auth_service
from server.auth.models import PasswordResetCode, User
from server.auth.passwords import hash_password
from server.core import clock
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _

CODE_DIGITS = 8
CODE_MINUTES = 30
# Wrong codes typed for an account before its live code stops working (the sign-in rate limit
# slows guessing too: 8 digits and 5 tries are one chance in 20 million).
MAX_FAILED_ATTEMPTS = 5


def _hash(user_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"password-reset:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def issue(issuer: User, phone: str) -> dict:
    """A new code for the account with this phone number; the account's earlier codes stop
    working. 403 for a role that never issues codes, or for an account the issuer knows but is
    not over in every role (`managed_elsewhere`); 404 for an unknown or unseen one."""
    scopes = authz.scopes_of(issuer)
    if not (scopes.is_admin or scopes.grid_ids):
        raise Forbidden(_("auth.reset.issuers_only"), code="forbidden")
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is not None and not authz.can(issuer, "account.reset_code", user):
        if authz.can(issuer, "account.seen_for_reset", user):
            raise Forbidden(_("user.managed_elsewhere"), code="managed_elsewhere")
        user = None
    if user is None:  # unknown, or outside the issuer's places: not told apart
        message = _("auth.reset.not_found")
        raise NotFound(message, fields={"phone": [message]})
    now = clock.now()
    _void_live_codes(user, now)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    row = PasswordResetCode(
        user_id=user.id,
        code_hash=_hash(user.id, code),
        issued_by_id=issuer.id,
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        failed_attempts=0,
    )
    db.session.add(row)
    record("auth.reset_code_issued", actor=issuer, target=user, expires_at=row.expires_at.isoformat())
    db.session.commit()
    return {
        "code": code,
        "expires_at": row.expires_at,
        "user": {"id": user.id, "display_name": user.display_name, "phone": user.phone},
    }


def _void_live_codes(user: User, now: datetime) -> None:
    db.session.execute(
        update(PasswordResetCode)
        .where(PasswordResetCode.user_id == user.id, PasswordResetCode.used_at.is_(None))
        .values(used_at=now)
    )


def reset(phone: str, code: str, new_password: str) -> None:
    """Set a new password with a code; every session of the account ends. A wrong code (or an
    unknown number: the two are not told apart) is `reset_code_invalid`; the right code past its
    time `reset_code_expired`, used or replaced by a newer one `reset_code_used`."""
    now = clock.now()
    user = db.session.scalar(select(User).where(User.phone == phone))
    rows = []
    if user is not None:
        rows = list(
            db.session.scalars(
                select(PasswordResetCode)
                .where(PasswordResetCode.user_id == user.id)
                .order_by(PasswordResetCode.id.desc())
            )
        )
    typed = _hash(user.id, code) if user is not None else None
    match = next((r for r in rows if typed and hmac.compare_digest(r.code_hash, typed)), None)
    live = [r for r in rows if r.used_at is None and _aware(r.expires_at) > now]
    if match is None or match.failed_attempts >= MAX_FAILED_ATTEMPTS:
        for row in live:
            row.failed_attempts += 1
        if user is not None:
            record("auth.reset_code_failed", target=user)
        db.session.commit()
        _refuse("reset_code_invalid")
    if match.used_at is not None:
        _refuse("reset_code_used")
    if _aware(match.expires_at) <= now:
        _refuse("reset_code_expired")
    match.used_at = now
    user.password_hash = hash_password(new_password)
    auth_service.end_sessions(user)
    record("auth.password_reset_with_code", actor=user, target=user, issued_by_id=match.issued_by_id)
    db.session.commit()


def _refuse(code: str):
    message = _(f"auth.{code}")
    raise Invalid(message, fields={"code": [message]}, code=code)
