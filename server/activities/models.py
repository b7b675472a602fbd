"""An activity (public to its community's volunteers), its signing key (its organisers' only) and
each volunteer's sign-up with their attendance (theirs and the organisers'); all synced entities
(PROTOCOL.md §18)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.sync.models import SyncedMixin

ACTIVITY_STATUSES = ("published", "cancelled", "closed")  # 报名中 已取消 已结束
SIGNUP_STATUSES = ("seated", "waiting", "cancelled")  # 已报名 候补 已取消
CHECK_METHODS = ("code", "manual")  # 扫码 / 组织者手动
TITLE_MAX = 60
DESCRIPTION_MAX = 1000
PLACE_MAX = 100
CAPACITY_MAX = 1000
HOURS_MAX = 24.0  # hours credited for one activity
LONGEST_HOURS = 24  # an activity lasts at most a day
MAC_CHARS = 10
KEY_MAX = 64
NAME_MAX = 40  # an account's display name


class Activity(SyncedMixin, db.Model):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_community_starts", "community_id", "starts_at"),)

    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    place: Mapped[str] = mapped_column(String(PLACE_MAX))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int]
    skills: Mapped[list | None] = mapped_column(JSON)  # codes of server/ledger/vocab.py SKILLS
    hours: Mapped[float] = mapped_column(Float)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="published")
    seated_count: Mapped[int | None]
    waiting_count: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    history: Mapped[list | None] = mapped_column(JSON)


class ActivityKey(SyncedMixin, db.Model):
    """The key an organiser's phone signs check-in codes with (PROTOCOL.md §18.2)."""

    __tablename__ = "activity_keys"

    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))


class ActivitySignup(SyncedMixin, db.Model):
    __tablename__ = "activity_signups"
    __table_args__ = (Index("ix_activity_signups_activity_status", "activity_id", "status", "queued_at"),)

    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    user_name: Mapped[str | None] = mapped_column(String(NAME_MAX))  # for the organiser's list
    community_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="seated")
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkin_window: Mapped[int | None]
    checkin_mac: Mapped[str | None] = mapped_column(String(MAC_CHARS))
    checkin_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkin_method: Mapped[str | None] = mapped_column(String(8))
    checkout_window: Mapped[int | None]
    checkout_mac: Mapped[str | None] = mapped_column(String(MAC_CHARS))
    checkout_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkout_method: Mapped[str | None] = mapped_column(String(8))
    used_windows: Mapped[list | None] = mapped_column(JSON)
    hours: Mapped[float | None] = mapped_column(Float)
    confirmed_hours: Mapped[float | None] = mapped_column(Float)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    history: Mapped[list | None] = mapped_column(JSON)
