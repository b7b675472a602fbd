"""The wish (private: its resident's words, household and photos) and its card on the wall
(public: the admin's words); both synced entities (PROTOCOL.md §14)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.sync.models import SyncedMixin

WISH_STATUSES = ("submitted", "approved", "rejected", "merged", "withdrawn")  # 待审核 已发布 未通过 已合并 已撤回
CARD_STATUSES = ("open", "claimed", "fulfilled", "confirmed", "closed")  # 待认领 已认领 已完成 已确认 已关闭
TITLE_MAX = 60  # what is wished: one line on a phone
REASON_MAX = 500
PUBLIC_TEXT_MAX = 300
NOTE_MAX = 500
COMMENT_MAX = 300
MAX_PHOTOS = 6
CLAIM_DAYS = 7  # a claim lapses back to the wall after this many days unless fulfilled
UNIT_KEY_MAX = 20  # "unit:<id>"
UNIT_NAME_MAX = 60
HOURS_MAX = 24.0  # what a volunteer may say one wish took
DEFAULT_HOURS = 1.0  # credited when the volunteer did not say (PROTOCOL.md §14.2)


class Wish(SyncedMixin, db.Model):
    __tablename__ = "wishes"
    __table_args__ = (Index("ix_wishes_community_status", "community_id", "status"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))  # derived from the household
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    photos: Mapped[list | None] = mapped_column(JSON)
    wanted_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    # The admin's review: the words and photos the wall shows, or why not.
    public_title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    public_text: Mapped[str | None] = mapped_column(String(PUBLIC_TEXT_MAX))
    public_photos: Mapped[list | None] = mapped_column(JSON)
    review_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    merged_into: Mapped[str | None] = mapped_column(String(36))
    card_id: Mapped[str | None] = mapped_column(String(36))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    history: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WishCard(SyncedMixin, db.Model):
    __tablename__ = "wish_cards"
    __table_args__ = (Index("ix_wish_cards_community_status", "community_id", "status"),)

    wish_id: Mapped[str] = mapped_column(ForeignKey("wishes.id"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str | None] = mapped_column(String(PUBLIC_TEXT_MAX))
    photos: Mapped[list | None] = mapped_column(JSON)
    wanted_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open")
    claimant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # A claim made for the claimant's unit (双报到): its roster key ("unit:<id>") and its name.
    claimed_for: Mapped[str | None] = mapped_column(String(UNIT_KEY_MAX))
    claimant_unit: Mapped[str | None] = mapped_column(String(UNIT_NAME_MAX))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claim_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fulfil_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    hours: Mapped[float | None]  # the time it took, by the claimant; credited once confirmed
    evidence_photos: Mapped[list | None] = mapped_column(JSON)
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    history: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
