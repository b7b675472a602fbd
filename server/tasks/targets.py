"""The new-task form's place search (GET /api/task-targets, PROTOCOL.md §11.1): the compounds,
buildings or households of the admin's jurisdiction whose words hold every word of the query —
the compound's name, the building's, the 单元 and the room — ordered so that the hits of one
compound come together (the picker groups them, pwa/js/ui/scope-picker.js), each with the grid a
task on it would go to (places.place_of: the rule a task's grid follows)."""

from sqlalchemy import Integer, String, func, literal, or_, select, union_all

from server import authz
from server.extensions import db
from server.org.models import Building, Compound, Household, OrgUnit
from server.tasks import places
from server.tasks.models import TARGET_PLACE_KINDS as KINDS

MAX_WORDS = 5


def search_targets(user, q: str = "", kinds=("household",), page: int = 1, per_page: int = 20) -> dict:
    """One page of hits: {scope_type, id, kind, name, path: [community, compound], grid_id, grid_name}."""
    authz.require(user, "tasks.manage")
    words = q.split()[:MAX_WORDS]
    arms = [_arm(kind, words).where(authz.jurisdiction(user, Compound)) for kind in KINDS if kind in kinds]
    hits = union_all(*arms).subquery()
    total = db.session.scalar(select(func.count()).select_from(hits))
    rows = db.session.execute(
        select(hits)
        .order_by(
            hits.c.community_path,
            hits.c.compound_name,
            hits.c.compound_id,
            hits.c.depth,
            hits.c.building_id,
            hits.c.unit,
            hits.c.room,
            hits.c.id,
        )  # fmt: skip
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return {"items": _hits(rows), "page": page, "per_page": per_page, "total": total}


def _arm(kind: str, words: list[str]):
    """The select of one kind's hits, with the columns every arm shares."""
    columns = {
        "compound": (Compound.id, Compound.name, literal(0, Integer), literal("", String), literal("", String)),
        "building": (Building.id, Building.name, Building.id, literal("", String), literal("", String)),
        "household": (
            Household.id,
            Building.name + " " + Household.unit + " " + Household.room,
            Building.id,
            Household.unit,
            Household.room,
        ),
    }[kind]
    id_, name, building_id, unit, room = columns
    searched = {
        "compound": (Compound.name,),
        "building": (Compound.name, Building.name),
        "household": (Compound.name, Building.name, Household.unit, Household.room),
    }[kind]
    query = select(
        literal(kind, String).label("kind"),
        id_.label("id"),
        name.label("name"),
        literal(KINDS.index(kind), Integer).label("depth"),
        building_id.label("building_id"),
        unit.label("unit"),
        room.label("room"),
        Compound.id.label("compound_id"),
        Compound.name.label("compound_name"),
        OrgUnit.id.label("community_id"),
        OrgUnit.name.label("community_name"),
        OrgUnit.path.label("community_path"),
    )
    if kind == "household":
        query = query.select_from(Household).join(Building, Building.id == Household.building_id)
    elif kind == "building":
        query = query.select_from(Building)
    if kind != "compound":
        query = query.join(Compound, Compound.id == Building.compound_id)
    query = query.join(OrgUnit, OrgUnit.id == Compound.community_id)
    return query.where(*(or_(*(column.contains(w, autoescape=True) for column in searched)) for w in words))


def _hits(rows) -> list[dict]:
    """The rows with their grids: a look-up per kind for the page, one for the grids' names."""
    for kind in KINDS:
        places.prime(kind, [row.id for row in rows if row.kind == kind])
    grid_of = {(row.kind, row.id): getattr(places.place_of(row.kind, row.id), "grid_id", None) for row in rows}
    grid_ids = {g for g in grid_of.values() if g is not None}
    names = (
        dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(grid_ids))).all())
        if grid_ids
        else {}
    )
    out = []
    for row in rows:
        path = [{"id": row.community_id, "kind": "community", "name": row.community_name}]
        if row.kind != "compound":
            path.append({"id": row.compound_id, "kind": "compound", "name": row.compound_name})
        grid = grid_of[(row.kind, row.id)]
        out.append(
            {
                "scope_type": row.kind,
                "id": row.id,
                "kind": row.kind,
                "name": row.name,
                "path": path,
                "grid_id": grid,
                "grid_name": names.get(grid),
            }
        )
    return out
