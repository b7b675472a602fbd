"""Accounts, role assignments (role @ scope) and server-side sessions."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.clock import utcnow
from server.extensions import db

# Each role has exactly one kind of scope (DESIGN.md §1).
ROLE_SCOPES = {
    "admin": "org_unit",  # any org unit: the subtree below it
    "grid_worker": "org_unit",  # an org unit of kind grid
    "red_steward": "compound",
    "property_staff": "company",
    "resident": "household",
    "volunteer": "org_unit",  # an org unit of kind community
}
ROLES = tuple(ROLE_SCOPES)
# For org_unit-scoped roles, the kind of unit the scope must be (None: any).
ROLE_ORG_KIND = {"admin": None, "grid_worker": "grid", "volunteer": "community"}
SCOPE_COLUMNS = {
    "org_unit": "org_unit_id",
    "compound": "compound_id",
    "company": "company_id",
    "household": "household_id",
}


class User(db.Model):
    """A person who signs in with a mainland mobile number."""

    __tablename__ = "users"
    # The people screen searches name and phone by substring (LIKE '%q%'): trigram indexes on
    # PostgreSQL (migration 0022; SQLite has none, its tables are small). bench/people_search.py.
    __table_args__ = tuple(
        Index(
            f"ix_users_{column}_trgm", column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
        ).ddl_if(dialect="postgresql")
        for column in ("display_name", "phone")
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user",
        order_by="RoleAssignment.id",
        foreign_keys="RoleAssignment.user_id",
    )

    # Flask-Login protocol. The session cookie carries a server-side session token,
    # not the user id, so signing out (or an admin) can revoke it on the server.
    session_token = None  # set per request; not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token


class RoleAssignment(db.Model):
    """One (role, scope) pair of a user; a user may hold several."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','grid_worker','red_steward','property_staff','resident','volunteer')",
            name="role",
        ),
        CheckConstraint(
            "(CASE WHEN org_unit_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN compound_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN company_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN household_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("property_companies.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    @property
    def scope_type(self) -> str:
        return ROLE_SCOPES[self.role]

    @property
    def scope_id(self) -> int:
        return getattr(self, SCOPE_COLUMNS[self.scope_type])


class UserSession(db.Model):
    """A signed-in device. The cookie holds the token; the table holds only its SHA-256."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship()


class PasswordResetCode(db.Model):
    """A one-time code an admin over all of an account's roles, or the grid worker of its
    household, issues when its holder forgot the password (no SMS: PROTOCOL.md §19.5). Shown
    once to the issuer; stored only as an HMAC under the app's secret key; single use; expires."""

    __tablename__ = "password_reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Wrong codes typed for the account while this one was live; at the limit it stops working.
    failed_attempts: Mapped[int] = mapped_column(default=0)
