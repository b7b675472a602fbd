"""Report codes, units (驻区单位) and the grids they serve (N对1), members (在职党员), the units'
resources and the communities' service projects (PROTOCOL.md §17). Plain REST rows, not synced:
the PWA keeps a copy of what its user may read for offline use (GET /api/members/me).

The vocabularies matching reads are codes stored in plain columns: the skills and the weekly
times are the shared ones (server/ledger/vocab.py), the kinds of unit and resource this domain's
("members.resource_kind.<code>")."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db

CODE_KINDS = ("unit", "member")  # a unit registers with it; a member joins a unit or the community
CODE_LENGTH = 8  # Crockford base32 (server/core/codes.py): easy to read out and type
CODE_MAX_USES = 500
CODE_MAX_DAYS = 90
UNIT_KINDS = (
    "agency",
    "enterprise",
    "institution",
    "school",
    "hospital",
    "social",
    "other",
)  # 机关 企业 事业单位 学校 医院 社会组织 其他
UNIT_ROLES = ("member", "secretary")  # the secretary (联络员/书记) manages the unit's members and resources
RESOURCE_KINDS = ("venue", "equipment", "service")  # 场地 设备 专业服务
PROJECT_STATUSES = ("draft", "open", "closed")  # 草稿 招募中 已结束
# What a confirmed match (供需对接, PROTOCOL.md §21) becomes: a service project or an activity (for a
# resident's need, 诉求), or the wish claimed for the unit (for a micro-wish on the wall, 微心愿).
MATCH_OUTCOMES = ("project", "activity", "wish")
OUTCOMES_OF = {"need": ("project", "activity"), "wish": ("wish",)}
NAME_MAX = 60
PERSON_MAX = 40
PHONE_MAX = 20
TEXT_MAX = 500
NOTE_MAX = 200
MAX_GRIDS = 50


class ReportCode(db.Model):
    """A code an admin issues: a unit registers with it, or a member joins (a unit or the community)."""

    __tablename__ = "member_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Unit(db.Model):
    """A unit's party organisation reporting to a community (驻区单位)."""

    __tablename__ = "member_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[str] = mapped_column(String(16))
    party_org: Mapped[str] = mapped_column(String(NAME_MAX))  # 党组织名称
    contact_name: Mapped[str] = mapped_column(String(PERSON_MAX))
    contact_phone: Mapped[str] = mapped_column(String(PHONE_MAX))
    about: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UnitGrid(db.Model):
    """A grid a unit serves; several units serve one grid (N对1)."""

    __tablename__ = "member_unit_grids"

    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True, index=True)


class Member(db.Model):
    """An in-service party member reporting to a community (在职党员), maybe through a unit."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("user_id", "community_id", name="one_per_community"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    unit_role: Mapped[str] = mapped_column(String(16), default="member")
    branch: Mapped[str | None] = mapped_column(String(NAME_MAX))  # 所在党支部
    skills: Mapped[list] = mapped_column(JSON, default=list)  # codes of vocab.SKILLS
    skills_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    availability: Mapped[list] = mapped_column(JSON, default=list)  # codes of vocab.SLOTS
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))  # private: self, unit secretary, admins
    active: Mapped[bool] = mapped_column(default=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("member_codes.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UnitResource(db.Model):
    """One line of a unit's resources list (单位资源清单): a venue, equipment or a service."""

    __tablename__ = "member_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    skills: Mapped[list] = mapped_column(JSON, default=list)  # the kinds of service it is for (vocab.SKILLS)
    availability: Mapped[list] = mapped_column(JSON, default=list)  # codes of vocab.SLOTS
    availability_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    capacity: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServiceProject(db.Model):
    """One line of a community's service projects list (服务项目清单), the admin's."""

    __tablename__ = "member_projects"
    __table_args__ = (Index("ix_member_projects_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    skills: Mapped[list] = mapped_column(JSON, default=list)  # skills wanted (vocab.SKILLS)
    grid_ids: Mapped[list] = mapped_column(JSON, default=list)  # grids of the community it serves
    availability: Mapped[list] = mapped_column(JSON, default=list)  # when it happens (vocab.SLOTS)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # A project made by confirming a match (供需对接, PROTOCOL.md §21): the need, one project a need.
    need_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("member_resources.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Match(db.Model):
    """A confirmed match (供需对接, PROTOCOL.md §21): one item of the needs list (a need or a wish
    card, one match each) with a unit's resource, and what it became."""

    __tablename__ = "member_matches"
    __table_args__ = (Index("ix_member_matches_community", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    item_id: Mapped[str] = mapped_column(String(36), unique=True)  # the need's or the wish card's id
    item_kind: Mapped[str] = mapped_column(String(8))  # need | wish
    outcome: Mapped[str] = mapped_column(String(16))  # MATCH_OUTCOMES
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("member_resources.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("member_projects.id", ondelete="SET NULL"))
    record_id: Mapped[str | None] = mapped_column(String(36))  # the activity made, or the wish card claimed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
