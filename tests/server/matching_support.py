"""Rows for matching's tests and bench (PROTOCOL.md §21): units serving grids, their resources, a
unit's secretary, and residents' needs, written straight to the database."""

import uuid

from server.core import clock
from server.extensions import db
from server.members.models import Member, Unit, UnitGrid, UnitResource
from server.tasks.need_models import Need


def unit(community_id: int, name: str, grid_ids=(), secretary_id: int | None = None) -> int:
    row = Unit(
        community_id=community_id,
        name=name,
        kind="enterprise",
        party_org=f"{name}党支部",
        contact_name="联络员",
        contact_phone="13700000000",
    )
    db.session.add(row)
    db.session.flush()
    db.session.add_all([UnitGrid(unit_id=row.id, grid_id=g) for g in grid_ids])
    if secretary_id is not None:
        db.session.add(Member(user_id=secretary_id, community_id=community_id, unit_id=row.id, unit_role="secretary"))
    return row.id


def resource(unit_id: int, name: str, skills=(), kind="service", availability=()) -> int:
    row = UnitResource(unit_id=unit_id, kind=kind, name=name, skills=list(skills), availability=list(availability))
    db.session.add(row)
    db.session.flush()
    return row.id


def need(world, category="repair", grid_id=None, community_id=None, status="received", text="楼道灯坏了") -> str:
    need_id = str(uuid.uuid4())
    db.session.add(
        Need(
            id=need_id,
            user_id=world.resident,
            household_id=world.hh_hexi1[0],
            category=category,
            text=text,
            status=status,
            grid_id=grid_id,
            community_id=community_id or world.hexi,
            created_at=clock.now(),
        )
    )
    return need_id
