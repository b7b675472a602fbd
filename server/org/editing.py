"""Admins edit the org tree and what each grid covers, inside their jurisdiction (PROTOCOL.md §25).

The org part changes its own tables (org units, coverages, the grid workers' roles) and then
tells the other parts through the regrid hooks (server/core/regrid.py), in the same transaction:
the tasks part moves tasks, field reports and needs to their new grid, the sync part logs
records again where their org buckets are now. Phones of the grids concerned are poked to fetch
their directory again (the ETag changed) and to pull (their records moved).

Jurisdiction: an admin manages the units strictly below the top of each admin role (a
community's admin creates and edits its grids, not the community itself); the root admin (the
city) everything. A unit's old and new parent must both be inside.
"""

from sqlalchemy import func, literal, or_, select, update

from server import authz
from server.audit.service import record
from server.auth.models import RoleAssignment
from server.core import pokes, regrid
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import ORG_KINDS, Building, Compound, GridCoverage, OrgUnit


def refusal(code: str, field: str = "_schema", status=Invalid, **params):
    message = _(f"org.{code}", **params)
    return status(message, {field: [message]}, code=code)


def _outside() -> Forbidden:
    message = _("org.outside_jurisdiction")
    return Forbidden(message, code="outside_jurisdiction")


def within(user, unit: OrgUnit, strictly: bool = False) -> bool:
    """The unit lies in the user's jurisdiction (strictly: below the top of an admin role)."""
    s = authz.scopes_of(user)
    if s.is_root_admin:
        return not strictly or unit.parent_id is not None
    return any(unit.path.startswith(p) and not (strictly and unit.path == p) for p in s.admin_paths)


def _unit(user, unit_id: int, field: str = "_schema") -> OrgUnit:
    """A unit the user sees (404 otherwise), not merged away."""
    unit = authz.get_visible(user, OrgUnit, unit_id)
    if unit.merged_into_id is not None:
        raise refusal("unit_merged", field)
    return unit


def _editable(user, unit_id: int, field: str = "_schema") -> OrgUnit:
    authz.require(user, "users.manage")  # admins only (403 for every other role)
    unit = _unit(user, unit_id, field)
    if not within(user, unit, strictly=True):
        raise _outside()
    return unit


def _parent_for(user, parent_id: int, kind: str) -> OrgUnit:
    try:
        parent = _unit(user, parent_id, "parent_id")
    except NotFound:
        raise refusal("outside_jurisdiction", "parent_id", status=NotFound) from None
    if not within(user, parent):
        raise _outside()
    if ORG_KINDS.index(kind) != ORG_KINDS.index(parent.kind) + 1:
        raise refusal(
            "wrong_parent_kind",
            "parent_id",
            kind=_(f"org.kind.{kind}"),
            parent=_(f"org.kind.{ORG_KINDS[ORG_KINDS.index(kind) - 1]}"),
        )
    return parent


def _check_unique(unit: OrgUnit | None, parent_id: int, name: str | None, code: str | None) -> None:
    others = OrgUnit.id != unit.id if unit is not None else True
    if name is not None:
        taken = select(OrgUnit.id).where(
            OrgUnit.parent_id == parent_id, OrgUnit.name == name, OrgUnit.merged_into_id.is_(None), others
        )
        if db.session.scalar(taken) is not None:
            raise refusal("name_taken", "name")
    if code:
        if db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code, others)) is not None:
            raise refusal("code_taken", "code")


# --- the tree -------------------------------------------------------------------------------


def tree_children(user, parent_id: int | None) -> list[dict]:
    """Visible children (or the visible top) with their counts, for the console's tree."""
    where = OrgUnit.parent_id == parent_id if parent_id is not None else OrgUnit.parent_id.is_(None)
    if parent_id is not None:
        authz.get_visible(user, OrgUnit, parent_id)
    units = list(
        db.session.scalars(
            select(OrgUnit)
            .where(where, OrgUnit.merged_into_id.is_(None), authz.visible(user, OrgUnit))
            .order_by(OrgUnit.id)
        )
    )
    ids = [u.id for u in units]
    children = _counts(
        select(OrgUnit.parent_id, func.count())
        .where(OrgUnit.parent_id.in_(ids), OrgUnit.merged_into_id.is_(None))
        .group_by(OrgUnit.parent_id)
    )
    compounds = _counts(
        select(Compound.community_id, func.count())
        .where(Compound.community_id.in_(ids))
        .group_by(Compound.community_id)
    )
    coverage = _counts(
        select(GridCoverage.grid_id, func.count()).where(GridCoverage.grid_id.in_(ids)).group_by(GridCoverage.grid_id)
    )
    workers = _counts(
        select(RoleAssignment.org_unit_id, func.count())
        .where(RoleAssignment.org_unit_id.in_(ids), RoleAssignment.role == "grid_worker")
        .group_by(RoleAssignment.org_unit_id)
    )
    return [
        {
            **{c: getattr(u, c) for c in ("id", "kind", "name", "code", "parent_id", "depth")},
            "children_count": children.get(u.id, 0),
            "compounds_count": compounds.get(u.id, 0),
            "coverage_count": coverage.get(u.id, 0),
            "workers_count": workers.get(u.id, 0),
            "editable": within(user, u, strictly=True),
            "can_add_child": u.kind != ORG_KINDS[-1] and within(user, u),
        }
        for u in units
    ]


def _counts(query) -> dict[int, int]:
    return dict(db.session.execute(query).all())


def create_unit(user, data: dict) -> OrgUnit:
    authz.require(user, "users.manage")
    parent = _parent_for(user, data["parent_id"], data["kind"])
    _check_unique(None, parent.id, data["name"], data.get("code"))
    unit = OrgUnit(kind=data["kind"], name=data["name"], code=data.get("code"), parent_id=parent.id)
    unit.path = f"{parent.path}new/"  # a placeholder until the id is known (unique while it lasts)
    unit.depth = parent.depth + 1
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path}{unit.id}/"
    record("org.create", actor=user, target=unit, parent_id=parent.id, kind=unit.kind, name=unit.name)
    db.session.commit()
    return unit


def create_first_unit(kind: str, name: str, parent_id: int | None = None, code: str | None = None) -> OrgUnit:
    """A unit made by whoever runs the server (`redgrid add-unit`): the city itself, which no admin
    is above, and the first units below it before an admin exists. No jurisdiction is checked;
    the tree's rules are (a city has no parent, any other unit one of the kind just above it)."""
    parent = db.session.get(OrgUnit, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise refusal("outside_jurisdiction", "parent_id", status=NotFound)
    wanted = ORG_KINDS[ORG_KINDS.index(kind) - 1] if kind != ORG_KINDS[0] else None
    if (parent.kind if parent else None) != wanted:
        if wanted is None:
            raise refusal("wrong_parent_kind", "parent_id", kind=_(f"org.kind.{kind}"), parent="—")
        raise refusal("wrong_parent_kind", "parent_id", kind=_(f"org.kind.{kind}"), parent=_(f"org.kind.{wanted}"))
    _check_unique(None, parent.id if parent else None, name, code)
    unit = OrgUnit(kind=kind, name=name, code=code, parent_id=parent.id if parent else None)
    unit.path, unit.depth = (f"{parent.path}new/", parent.depth + 1) if parent else ("/new/", 0)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    record("org.create", actor=None, target=unit, parent_id=unit.parent_id, kind=kind, name=name, via="cli")
    db.session.commit()
    return unit


def update_unit(user, unit_id: int, changes: dict) -> OrgUnit:
    unit = _editable(user, unit_id)
    changes = {k: v for k, v in changes.items() if getattr(unit, k) != v}
    if not changes:
        return unit
    _check_unique(unit, unit.parent_id, changes.get("name"), changes.get("code"))
    before = {k: getattr(unit, k) for k in changes}
    for key, value in changes.items():
        setattr(unit, key, value)
    record("org.update", actor=user, target=unit, changes={k: {"from": before[k], "to": v} for k, v in changes.items()})
    if unit.kind == "grid":  # the directory carries the grid's name
        pokes.after_commit([f"grid:{unit.id}"], event=pokes.DIRECTORY)
    db.session.commit()
    return unit


def move_unit(user, unit_id: int, parent_id: int) -> OrgUnit:
    """Another parent of the right kind, inside the jurisdiction; the subtree's paths are
    rewritten in one statement, then every part's records follow (regrid MOVED)."""
    unit = _editable(user, unit_id)
    if unit.parent_id == parent_id:
        return unit
    parent = _parent_for(user, parent_id, unit.kind)
    _check_unique(unit, parent.id, unit.name, None)
    old_parent, old_path = unit.parent_id, unit.path
    new_path = f"{parent.path}{unit.id}/"
    delta = parent.depth + 1 - unit.depth
    db.session.flush()
    db.session.execute(
        update(OrgUnit)
        .where(authz.subtree_of(old_path))
        .values(path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1), depth=OrgUnit.depth + delta)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(OrgUnit).where(OrgUnit.id == unit.id).values(parent_id=parent.id))
    db.session.expire_all()
    record("org.move", actor=user, target=unit, parent_from=old_parent, parent_to=parent.id)
    regrid.changed(regrid.GridChange(regrid.MOVED, user.id, unit_id=unit_id))
    grids = db.session.scalars(select(OrgUnit.id).where(authz.subtree_of(new_path), OrgUnit.kind == "grid"))
    pokes.after_commit([f"grid:{g}" for g in grids], event=pokes.DIRECTORY)  # the path in the directory
    db.session.commit()
    return db.session.get(OrgUnit, unit_id)


def merge_grid(user, grid_id: int, into_id: int) -> OrgUnit:
    """Grid A into grid B of the same community: A's coverages, grid workers (and any other role
    held on A) and courtyards go to B, every part's rows of A follow (regrid MERGED), and A is
    kept, marked merged (the history names it). Answers B."""
    grid = _editable(user, grid_id)
    if grid_id == into_id:
        raise refusal("merge_self", "into_id")
    into = _editable(user, into_id, "into_id")
    if grid.kind != "grid" or into.kind != "grid" or grid.parent_id != into.parent_id:
        raise refusal("merge_grids_only", "into_id")
    # Coverages: B keeps its own; A's that B has too are dropped, the others become B's.
    moved_coverages = 0
    for row in db.session.scalars(select(GridCoverage).where(GridCoverage.grid_id == grid.id)):
        same = db.session.scalar(
            select(GridCoverage.id).where(
                GridCoverage.grid_id == into.id,
                GridCoverage.compound_id.is_(None)
                if row.compound_id is None
                else GridCoverage.compound_id == row.compound_id,
                GridCoverage.building_id.is_(None)
                if row.building_id is None
                else GridCoverage.building_id == row.building_id,
            )
        )
        if same is None:
            row.grid_id = into.id
            moved_coverages += 1
        else:
            db.session.delete(row)
    # Roles on A: the same role on B (a user holding both keeps one).
    moved_roles = []
    for assignment in db.session.scalars(select(RoleAssignment).where(RoleAssignment.org_unit_id == grid.id)):
        has = db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == assignment.user_id,
                RoleAssignment.role == assignment.role,
                RoleAssignment.org_unit_id == into.id,
            )
        )
        if has is None:
            assignment.org_unit_id = into.id
            moved_roles.append(assignment.user_id)
        else:
            db.session.delete(assignment)
    db.session.flush()
    courtyards = list(db.session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == grid.id)))
    for courtyard in courtyards:
        _move_subtree(courtyard, into)
    grid.merged_into_id = into.id
    db.session.flush()
    record(
        "org.merge",
        actor=user,
        target=grid,
        into_id=into.id,
        coverages=moved_coverages,
        workers=sorted(moved_roles),
        courtyards=courtyards,
    )
    regrid.changed(regrid.GridChange(regrid.MERGED, user.id, from_grid_id=grid.id, to_grid_id=into.id))
    buckets = [f"grid:{grid.id}", f"grid:{into.id}"]
    pokes.after_commit(buckets, event=pokes.DIRECTORY)
    pokes.after_commit(buckets)  # the workers' buckets changed: pull (§2, scope changes)
    db.session.commit()
    return into


def _move_subtree(unit_id: int, parent: OrgUnit) -> None:
    unit = db.session.get(OrgUnit, unit_id)
    old_path, new_path = unit.path, f"{parent.path}{unit.id}/"
    delta = parent.depth + 1 - unit.depth
    db.session.execute(
        update(OrgUnit)
        .where(authz.subtree_of(old_path))
        .values(path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1), depth=OrgUnit.depth + delta)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(OrgUnit).where(OrgUnit.id == unit.id).values(parent_id=parent.id))
    db.session.expire_all()


# --- coverage ---------------------------------------------------------------------------------


def coverage_of(user, grid_id: int) -> list[dict]:
    grid = authz.get_visible(user, OrgUnit, grid_id)
    if grid.kind != "grid":
        raise NotFound(_("error.not_found"))
    rows = db.session.execute(
        select(GridCoverage, Compound.name, Building.name)
        .outerjoin(Building, Building.id == GridCoverage.building_id)
        .join(Compound, or_(Compound.id == GridCoverage.compound_id, Compound.id == Building.compound_id))
        .where(GridCoverage.grid_id == grid.id)
        .order_by(Compound.name, Building.name, GridCoverage.id)
    ).all()
    return [_coverage_fields(row, compound, building) for row, compound, building in rows]


def _coverage_fields(row: GridCoverage, compound_name: str, building_name: str | None) -> dict:
    return {
        "id": row.id,
        "grid_id": row.grid_id,
        "compound_id": row.compound_id,
        "building_id": row.building_id,
        "compound_name": compound_name,
        "building_name": building_name,
    }


def assign(user, grid_id: int, data: dict) -> list[dict]:
    """Put a compound (whole) or a building into a grid. Covered by another grid now: refused
    (covered_elsewhere) unless `move`; then it leaves that grid (a compound the other grid
    covered whole, minus one building, stays there building by building) and its open grid work
    follows it (regrid COVERED). Answers the grid's coverage."""
    grid = _editable(user, grid_id)
    if grid.kind != "grid":
        raise refusal("merge_grids_only", "_schema")
    if "compound_id" in data:
        compound = _place(user, Compound, data["compound_id"], "compound_id")
        buildings = list(db.session.scalars(select(Building.id).where(Building.compound_id == compound.id)))
        field = "compound_id"
    else:
        building = _place(user, Building, data["building_id"], "building_id")
        compound = building.compound
        buildings = [building.id]
        field = "building_id"
    if compound.community_id != grid.parent_id:
        raise refusal("place_outside_community", field)
    now = _grid_of_buildings(compound.id)  # building id -> grid covering it now (or None)
    whole = db.session.scalar(select(GridCoverage).where(GridCoverage.compound_id == compound.id))
    if field == "compound_id":
        if whole is not None and whole.grid_id == grid.id:
            raise refusal("already_covered", field)
        others = {now[b] for b in buildings if now.get(b) not in (None, grid.id)}
    else:
        if now.get(buildings[0]) == grid.id:
            raise refusal("already_covered", field)
        others = {now.get(buildings[0])} - {None}
    if others and not data.get("move"):
        name = db.session.scalar(select(OrgUnit.name).where(OrgUnit.id == min(others)))
        raise refusal("covered_elsewhere", field, grid=name)
    for other in others:
        if not within(user, db.session.get(OrgUnit, other), strictly=True):
            raise _outside()
    moved = {b: now.get(b) for b in buildings if now.get(b) != grid.id}
    if field == "compound_id":
        db.session.execute(
            GridCoverage.__table__.delete().where(
                or_(GridCoverage.compound_id == compound.id, GridCoverage.building_id.in_(buildings))
            )
        )
        db.session.add(GridCoverage(grid_id=grid.id, compound_id=compound.id))
    else:
        if whole is not None:
            # The compound's grid keeps its other buildings, one row each.
            db.session.delete(whole)
            for other_building in db.session.scalars(select(Building.id).where(Building.compound_id == compound.id)):
                if other_building != buildings[0]:
                    db.session.add(GridCoverage(grid_id=whole.grid_id, building_id=other_building))
        db.session.execute(GridCoverage.__table__.delete().where(GridCoverage.building_id == buildings[0]))
        db.session.add(GridCoverage(grid_id=grid.id, building_id=buildings[0]))
    db.session.flush()
    record(
        "org.coverage_assign",
        actor=user,
        target=grid,
        compound_id=compound.id if field == "compound_id" else None,
        building_id=buildings[0] if field == "building_id" else None,
        moved_from=sorted({g for g in moved.values() if g is not None}),
    )
    _changed(user, moved, grid.id, whole_compound=compound.id if field == "compound_id" else None)
    db.session.commit()
    return coverage_of(user, grid.id)


def unassign(user, coverage_id: int) -> None:
    """Take a compound or building out of its grid. Its open grid work stays in the grid until
    closed (no grid to go to); the directory changes."""
    row = db.session.get(GridCoverage, coverage_id)
    if row is None:
        raise NotFound(_("error.not_found"))
    grid = _editable(user, row.grid_id)
    record("org.coverage_remove", actor=user, target=grid, compound_id=row.compound_id, building_id=row.building_id)
    buildings = (
        [row.building_id]
        if row.building_id
        else list(db.session.scalars(select(Building.id).where(Building.compound_id == row.compound_id)))
    )
    db.session.delete(row)
    db.session.flush()
    _changed(user, dict.fromkeys(buildings, grid.id), None, whole_compound=row.compound_id)
    db.session.commit()


def _changed(user, moved: dict[int, int | None], to_grid: int | None, whole_compound: int | None) -> None:
    """Tell the parts, one change per grid the buildings left; poke the directories."""
    by_grid: dict[int | None, set[int]] = {}
    for building, from_grid in moved.items():
        by_grid.setdefault(from_grid, set()).add(building)
    for from_grid, buildings in sorted(by_grid.items(), key=lambda item: item[0] or 0):
        regrid.changed(
            regrid.GridChange(
                regrid.COVERED,
                user.id,
                from_grid_id=from_grid,
                to_grid_id=to_grid,
                compound_ids=frozenset([whole_compound] if whole_compound else []),
                building_ids=frozenset(buildings),
            )
        )
    grids = {g for g in by_grid if g is not None} | ({to_grid} if to_grid else set())
    pokes.after_commit([f"grid:{g}" for g in grids], event=pokes.DIRECTORY)


def _grid_of_buildings(compound_id: int) -> dict[int, int]:
    """Building id -> the grid covering it now (its own row first, else its compound's)."""
    whole = db.session.scalar(select(GridCoverage.grid_id).where(GridCoverage.compound_id == compound_id))
    found = dict.fromkeys(db.session.scalars(select(Building.id).where(Building.compound_id == compound_id)), whole)
    rows = db.session.execute(
        select(GridCoverage.building_id, GridCoverage.grid_id)
        .join(Building, Building.id == GridCoverage.building_id)
        .where(Building.compound_id == compound_id)
    )
    found.update(rows.all())
    return {b: g for b, g in found.items() if g is not None}


def _place(user, model, place_id: int, field: str):
    row = db.session.scalar(select(model).where(model.id == place_id, authz.visible(user, model)))
    if row is None:
        raise refusal("outside_jurisdiction", field, status=NotFound)
    return row
