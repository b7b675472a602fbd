"""A round of the December evaluation and each evaluator's scoring form (both synced,
PROTOCOL.md §20)."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.sync.models import SyncedMixin

ROUND_STATUSES = ("open", "closed")  # 评议中, 已结束
BALLOT_STATUSES = ("open", "submitted")  # 待评议, 已提交
TITLE_MAX = 60
COMMENT_MAX = 300
MAX_SUBJECTS = 2000  # a community's units and members
MAX_EVALUATORS = 300


class EvaluationRound(SyncedMixin, db.Model):
    __tablename__ = "evaluation_rounds"
    __table_args__ = (Index("ix_evaluation_rounds_community_year", "community_id", "year"),)

    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    status: Mapped[str] = mapped_column(String(12), default="open")
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    weights: Mapped[dict] = mapped_column(JSON)  # {"record", "committee", "members", "residents"}
    # [{key, kind, name, unit_key, facts: {hours, services, activities, wishes, rating, members}, record}]
    subjects: Mapped[list] = mapped_column(JSON)
    evaluator_ids: Mapped[list] = mapped_column(JSON)  # whose phones hold the round
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EvaluationBallot(SyncedMixin, db.Model):
    __tablename__ = "evaluation_ballots"
    __table_args__ = (UniqueConstraint("round_id", "evaluator_id", name="uq_evaluation_ballots_evaluator"),)

    round_id: Mapped[str] = mapped_column(ForeignKey("evaluation_rounds.id"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    group: Mapped[str] = mapped_column(String(12))  # committee 两委 | members 党员 | residents 居民代表
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the round's: who else sees it
    scores: Mapped[dict | None] = mapped_column(JSON)  # {subject key: 0–100}
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    status: Mapped[str] = mapped_column(String(12), default="open")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
