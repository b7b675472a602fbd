"""Where a task's target is: its grid and the places above and below it (sync/PROTOCOL.md §11.1).

A target is a grid, a compound, a building or a household. The server derives the task's grid
(its bucket, §2), compound, building and household from it. Grids cover whole compounds or
single buildings (GridCoverage); a household or building is in the grid that covers the
building, else in the grid that covers its compound. A compound split between grids building
by building goes to the grid of its first covered building.

Lookups are cached for the app context (one request), like the org paths of
server.sync.buckets: a push of hundreds of tasks asks for the same few places many times, and
a bulk creation primes the cache for thousands of targets with one query per kind and chunk.
"""

from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import select

from server.auth.models import RoleAssignment, User
from server.core.fields import is_row_id
from server.extensions import db
from server.org.models import Building, Compound, GridCoverage, Household, OrgUnit

CHUNK = 900  # ids per IN (...) list: below SQLite's old limit of 999 bound parameters


@dataclass(frozen=True)
class Place:
    """A target's position in the org tree and among the places. `grid_id` None: in no grid."""

    grid_id: int | None
    org_path: str  # the grid's path, else the compound's community path (for org buckets)
    compound_id: int | None = None
    building_id: int | None = None
    household_id: int | None = None
    name: str = ""  # for people: "河西花园 3号楼 2单元 301"

    def derived(self) -> dict:
        """The task fields the server derives from the target."""
        return {
            "grid_id": self.grid_id,
            "compound_id": self.compound_id,
            "building_id": self.building_id,
            "household_id": self.household_id,
        }


class _Caches:
    """What this app context (one request) has looked up."""

    def __init__(self):
        self.places: dict[tuple[str, int], Place | None] = {}
        self.workers: dict[int, tuple[int, ...]] = {}
        self.buckets: dict[tuple[str, int], list[str]] = {}


def _caches() -> _Caches:
    if not has_app_context():
        return _Caches()
    caches = g.get("_redgrid_task_caches")
    if caches is None:
        caches = g._redgrid_task_caches = _Caches()
    return caches


def _valid_target(kind, target_id) -> bool:
    """A known kind and an id: a client may send anything (the schema says what is wrong later)."""
    return isinstance(kind, str) and kind in _LOADERS and is_row_id(target_id)


def place_of(kind, target_id) -> Place | None:
    """The place of a target, or None when it does not exist (or the values are malformed)."""
    if not _valid_target(kind, target_id):
        return None
    cache = _caches().places
    key = (kind, target_id)
    if key not in cache:
        prime(kind, [target_id])
    return cache.get(key)


def buckets_of(kind, target_id) -> list[str]:
    """The sync buckets of a task on this target (PROTOCOL.md §11.1): grid:<grid> and org:<unit>
    of every unit above it, as server.sync.buckets.grid_buckets gives them; for a target in no
    grid, the org buckets of its community; for no target, none. Called several times per
    mutation by the engine: computed once per target and request."""
    if not _valid_target(kind, target_id):
        return []
    caches = _caches()
    key = (kind, target_id)
    found = caches.buckets.get(key)
    if found is None:
        place = place_of(kind, target_id)
        if place is None:
            return []
        org = [f"org:{unit}" for unit in place.org_path.strip("/").split("/")]
        found = caches.buckets[key] = org if place.grid_id is None else [f"grid:{place.grid_id}", *org]
    return list(found)


def prime(kind: str, ids) -> None:
    """Look up many targets of one kind at once (a bulk creation), and their grids.

    Without autoflush: these lookups run in the middle of a push, whose pending task rows have
    nothing to do with places; flushing them at every cache miss would cost a flush per grid."""
    cache = _caches().places
    wanted = sorted({i for i in ids if is_row_id(i) and (kind, i) not in cache})
    grids = set()
    with db.session.no_autoflush:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            found = _LOADERS[kind](chunk)
            for target_id in chunk:
                place = cache[(kind, target_id)] = found.get(target_id)
                if place is not None and place.grid_id is not None:
                    grids.add(place.grid_id)
    if kind != "grid":
        prime("grid", grids)


def _grids(ids) -> dict[int, Place]:
    rows = db.session.execute(
        select(OrgUnit.id, OrgUnit.path, OrgUnit.name).where(OrgUnit.id.in_(ids), OrgUnit.kind == "grid")
    )
    return {unit_id: Place(unit_id, path, name=name) for unit_id, path, name in rows}


def _compound_rows(ids):
    return db.session.execute(
        select(Compound.id, Compound.name, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == Compound.community_id)
        .where(Compound.id.in_(ids))
    ).all()


def _coverage(compound_ids=(), building_ids=()) -> tuple[dict[int, int], dict[int, int]]:
    """(compound id → grid id, building id → grid id); the lowest grid id wins a tie."""
    by_compound: dict[int, int] = {}
    by_building: dict[int, int] = {}
    if compound_ids:
        rows = db.session.execute(
            select(GridCoverage.compound_id, GridCoverage.grid_id)
            .where(GridCoverage.compound_id.in_(compound_ids))
            .order_by(GridCoverage.grid_id.desc())
        )
        by_compound.update(rows.all())
    if building_ids:
        rows = db.session.execute(
            select(GridCoverage.building_id, GridCoverage.grid_id)
            .where(GridCoverage.building_id.in_(building_ids))
            .order_by(GridCoverage.grid_id.desc())
        )
        by_building.update(rows.all())
    return by_compound, by_building


def _grid_paths(grid_ids) -> dict[int, str]:
    if not grid_ids:
        return {}
    return dict(db.session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(set(grid_ids)))).all())


def _compounds(ids) -> dict[int, Place]:
    rows = _compound_rows(ids)
    whole, _ = _coverage(compound_ids=[r.id for r in rows])
    missing = [r.id for r in rows if r.id not in whole]
    first_building: dict[int, int] = {}
    if missing:
        # Split compounds: the grid of the first covered building (by building id).
        split = db.session.execute(
            select(Building.compound_id, GridCoverage.grid_id)
            .join(GridCoverage, GridCoverage.building_id == Building.id)
            .where(Building.compound_id.in_(missing))
            .order_by(Building.compound_id, Building.id.desc())
        )
        first_building.update(split.all())
    grid_of = {**first_building, **whole}
    paths = _grid_paths(grid_of.values())
    return {
        r.id: Place(grid_of.get(r.id), paths.get(grid_of.get(r.id), r.path), compound_id=r.id, name=r.name)
        for r in rows
    }


def _buildings(ids) -> dict[int, Place]:
    rows = db.session.execute(
        select(Building.id, Building.name, Building.compound_id, Compound.name.label("compound_name"), OrgUnit.path)
        .join(Compound, Compound.id == Building.compound_id)
        .join(OrgUnit, OrgUnit.id == Compound.community_id)
        .where(Building.id.in_(ids))
    ).all()
    by_compound, by_building = _coverage(
        compound_ids=list({r.compound_id for r in rows}), building_ids=[r.id for r in rows]
    )
    grid_of = {r.id: by_building.get(r.id, by_compound.get(r.compound_id)) for r in rows}
    paths = _grid_paths([v for v in grid_of.values() if v is not None])
    return {
        r.id: Place(
            grid_of[r.id],
            paths.get(grid_of[r.id], r.path),
            compound_id=r.compound_id,
            building_id=r.id,
            name=f"{r.compound_name} {r.name}",
        )
        for r in rows
    }


def _households(ids) -> dict[int, Place]:
    rows = db.session.execute(
        select(Household.id, Household.building_id, Household.unit, Household.room).where(Household.id.in_(ids))
    ).all()
    buildings = _buildings(list({r.building_id for r in rows}))
    out = {}
    for r in rows:
        b = buildings[r.building_id]
        out[r.id] = Place(b.grid_id, b.org_path, b.compound_id, b.building_id, r.id, f"{b.name} {r.unit} {r.room}")
    return out


_LOADERS = {"grid": _grids, "compound": _compounds, "building": _buildings, "household": _households}


# --- who works a grid ---------------------------------------------------------------------


def grid_workers(grid_id) -> tuple[int, ...]:
    """Active users holding grid_worker on this grid, by user id."""
    cache = _caches().workers
    if grid_id not in cache:
        prime_grid_workers([grid_id])
    return cache.get(grid_id, ())


def prime_grid_workers(grid_ids) -> None:
    """Look up the workers of many grids at once (a bulk creation)."""
    cache = _caches().workers
    wanted = sorted({i for i in grid_ids if i is not None and i not in cache})
    with db.session.no_autoflush:
        _load_grid_workers(cache, wanted)


def _load_grid_workers(cache: dict, wanted: list[int]) -> None:
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = db.session.execute(
            select(RoleAssignment.org_unit_id, User.id)
            .join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.role == "grid_worker", RoleAssignment.org_unit_id.in_(chunk), User.active.is_(True))
            .order_by(User.id)
        )
        found: dict[int, list[int]] = {}
        for grid_id, user_id in rows:
            found.setdefault(grid_id, []).append(user_id)
        for grid_id in chunk:
            cache[grid_id] = tuple(found.get(grid_id, ()))


def grid_worker_of(grid_id) -> int | None:
    """The grid's worker for a new task: the first by user id; None when the grid has none."""
    workers = grid_workers(grid_id)
    return workers[0] if workers else None


def forget() -> None:
    """Drop the cached places and workers (after a change of coverage or roles in this context)."""
    if has_app_context():
        g.pop("_redgrid_task_caches", None)
