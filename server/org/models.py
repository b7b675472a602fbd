"""Org hierarchy (city → … → courtyard) and places (compound → building → household → resident)."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db

# 五级贯通 + city: each kind's parent is the kind before it.
ORG_KINDS = ("city", "district", "street", "community", "grid", "courtyard")
CARE_FLAGS = ("elderly_alone", "low_income", "disability")  # 独居老人, 低保, 残疾: residents needing special care


class OrgUnit(db.Model):
    """One node of the org tree. `path` is a materialized path "/1/5/23/" so a subtree is one
    indexed prefix query (path LIKE '/1/5/%'), never a recursion in Python."""

    __tablename__ = "org_units"
    __table_args__ = (
        CheckConstraint("kind IN ('city','district','street','community','grid','courtyard')", name="kind"),
        Index(
            "ix_org_units_path_prefix",
            "path",
            postgresql_ops={"path": "varchar_pattern_ops"},  # LIKE 'prefix%' uses the index
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), unique=True)
    depth: Mapped[int]
    # A grid merged into another (PROTOCOL.md §25) is kept for the history that names it, but
    # covers nothing, has no workers and is no longer listed.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class PropertyCompany(db.Model):
    """物业服务企业."""

    __tablename__ = "property_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    has_party_branch: Mapped[bool] = mapped_column(default=False)  # 红色物业: company party branch


class Compound(db.Model):
    """小区: belongs to a community; managed by a property company (or self-managed)."""

    __tablename__ = "compounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(160))
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    property_company_id: Mapped[int | None] = mapped_column(ForeignKey("property_companies.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    built_year: Mapped[int | None]

    community: Mapped[OrgUnit] = relationship()
    property_company: Mapped[PropertyCompany | None] = relationship()
    owners_committee: Mapped["OwnersCommittee | None"] = relationship(back_populates="compound")


class OwnersCommittee(db.Model):
    """业委会: at most one per compound."""

    __tablename__ = "owners_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    chair_name: Mapped[str | None] = mapped_column(String(40))
    established_on: Mapped[date | None]
    term_ends_on: Mapped[date | None]

    compound: Mapped[Compound] = relationship(back_populates="owners_committee")


class Building(db.Model):
    """楼栋."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("compound_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))  # "3号楼"
    units: Mapped[int] = mapped_column(default=1)  # 单元 count
    floors: Mapped[int] = mapped_column(default=6)

    compound: Mapped[Compound] = relationship()


class Household(db.Model):
    """户: one flat, addressed by building, unit and room."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("building_id", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(String(8))  # "2单元"
    room: Mapped[str] = mapped_column(String(8))  # "301"

    building: Mapped[Building] = relationship()
    residents: Mapped[list["Resident"]] = relationship(back_populates="household", order_by="Resident.id")

    @property
    def current_residents(self) -> list["Resident"]:
        """The people living here: without entries merged into another (duplicates.py)."""
        return [resident for resident in self.residents if resident.merged_into_id is None]


class Resident(db.Model):
    """居民 (a person in the register, not necessarily a user of Redgrid)."""

    __tablename__ = "residents"
    # The duplicate finder's groups (server/org/duplicates.py): a phone shared, a name twice at home.
    __table_args__ = (
        Index("ix_residents_phone", "phone"),
        Index("ix_residents_household_name", "household_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(1))  # "M" / "F"
    birth_year: Mapped[int | None]
    relation: Mapped[str] = mapped_column(String(16), default="head")  # head, spouse, child, parent, other
    # Special care (CARE_FLAGS): elderly_alone 独居老人, low_income 低保, disability 残疾
    care_flags: Mapped[list | None] = mapped_column(JSON)
    # Merged into another entry of the register (one record per person, server/org/duplicates.py):
    # kept for history (audit entries name it), gone from the directory, lists and the finder.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    merged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    household: Mapped[Household] = relationship(back_populates="residents")


class GridCoverage(db.Model):
    """A grid covers whole compounds or single buildings (exactly one of the two per row)."""

    __tablename__ = "grid_coverages"
    __table_args__ = (
        CheckConstraint("(compound_id IS NULL) <> (building_id IS NULL)", name="compound_xor_building"),
        UniqueConstraint("grid_id", "compound_id", "building_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
