"""A grid worker's invitation key (synced to their phone alone), the invitations redeemed (one
use each), and residents' requests to join a household (PROTOCOL.md §19)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db
from server.sync.models import SyncedMixin

REQUEST_STATUSES = ("pending", "approved", "rejected", "withdrawn")  # 待审核 已通过 未通过 已撤回
ADDRESS_PART_MAX = 20  # 楼号、单元、房号 as the resident types them
NOTE_MAX = 200
REASON_MAX = 200
KEY_MAX = 43  # 32 bytes, base64url without padding


class InviteKey(SyncedMixin, db.Model):
    """The key a grid worker's phone signs invitations with, offline; one per worker, in their
    user:<id> bucket only. Rotating it (a new key) voids every invitation it signed."""

    __tablename__ = "invite_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InviteUse(db.Model):
    """An invitation redeemed: its nonce is spent for that household (single use)."""

    __tablename__ = "invite_uses"
    __table_args__ = (UniqueConstraint("household_id", "nonce", name="uq_invite_uses_household_nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    nonce: Mapped[str] = mapped_column(String(8))
    inviter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JoinRequest(db.Model):
    """A resident's request to be bound to a household of a compound, by the address they typed;
    the compound's grid workers or community admin match it in their directory and decide."""

    __tablename__ = "join_requests"
    __table_args__ = (Index("ix_join_requests_compound_status", "compound_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    building: Mapped[str] = mapped_column(String(ADDRESS_PART_MAX))
    unit: Mapped[str | None] = mapped_column(String(ADDRESS_PART_MAX))
    room: Mapped[str] = mapped_column(String(ADDRESS_PART_MAX))
    name: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
