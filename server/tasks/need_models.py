"""A resident's need (诉求, 接诉即办): what they ask of their grid, its deadlines per category,
its way through the grid worker's hands and the resident's rating. One synced record is the one
source of truth for its status (PROTOCOL.md §16): the resident holds it in user:<resident>, the
grid worker works it from grid:<grid> beside their tasks, the admins above see it in org:<unit>."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.sync.models import SyncedMixin

# category → (hours to respond, hours to resolve), from the moment the server receives the need.
# 环境卫生, 设施维修, 安全隐患 (urgent), 矛盾纠纷, 帮扶求助, 政策咨询, 其他
NEED_DEADLINES = {
    "sanitation": (2, 72),
    "repair": (2, 72),
    "safety": (1, 24),
    "dispute": (2, 48),
    "help": (2, 72),
    "policy": (4, 48),
    "other": (4, 120),
}
NEED_CATEGORIES = tuple(NEED_DEADLINES)
# 已接收 已受理 办理中 已办结 已转办
NEED_STATUSES = ("received", "accepted", "in_progress", "resolved", "referred")
OPEN_NEED_STATUSES = ("received", "accepted", "in_progress")
ESCALATION_REASONS = ("response_overdue", "resolution_overdue", "low_rating")
LOW_RATING = 2  # a rating at or below this reopens the need to the community's admins
SATISFIED_RATING = 4  # a rating at or above this counts as satisfied (满意率)
TEXT_MAX = 1000
NOTE_MAX = 500
REFERRED_TO_MAX = 60
COMMENT_MAX = 300
MAX_PHOTOS = 6


class Need(SyncedMixin, db.Model):
    __tablename__ = "needs"
    __table_args__ = (
        Index("ix_needs_grid_status", "grid_id", "status"),
        Index("ix_needs_community_created", "community_id", "created_at"),
        Index("ix_needs_created_at", "created_at"),  # the dashboards' periods (§26)
    )

    # The resident's.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    category: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(TEXT_MAX))
    photos: Mapped[list | None] = mapped_column(JSON)
    location: Mapped[dict | None] = mapped_column(JSON)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # device time
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    # Its lifecycle: the status and, with each change, the phone's clock.
    status: Mapped[str] = mapped_column(String(16), default="received")
    status_device_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The handler's (the grid's worker, or an admin).
    handle_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    handle_photos: Mapped[list | None] = mapped_column(JSON)
    referred_to: Mapped[str | None] = mapped_column(String(REFERRED_TO_MAX))
    # The server's: where it lands, its deadlines and stamps.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    respond_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolve_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalated: Mapped[bool] = mapped_column(default=False)
    escalation: Mapped[str | None] = mapped_column(String(24))  # the latest reason
    escalations: Mapped[list | None] = mapped_column(JSON)  # [{reason, server_at}]
    history: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
