"""The scope picker's search (GET /api/org/scopes): org units, compounds and companies within the
caller's jurisdiction whose name holds a plain substring, each with its path from the top down,
ordered so that hits sharing a parent come together (the picker groups them)."""

from sqlalchemy import String, func, literal, select, true, union_all
from sqlalchemy.orm import aliased

from server import authz
from server.extensions import db
from server.org.models import ORG_KINDS, Compound, OrgUnit, PropertyCompany


def search_scopes(user, q: str = "", kinds=(), page: int = 1, per_page: int = 20) -> dict:
    """One page of hits: {scope_type, id, kind, name, path: [{id, kind, name}]}."""
    kinds = set(kinds)
    arms = []
    unit_kinds = sorted(kinds & set(ORG_KINDS))
    if unit_kinds:
        parent = aliased(OrgUnit)
        arms.append(
            _arm("org_unit", OrgUnit.id, OrgUnit.kind, OrgUnit.name, func.coalesce(parent.path, ""))
            .outerjoin(parent, parent.id == OrgUnit.parent_id)
            .where(OrgUnit.kind.in_(unit_kinds), authz.jurisdiction(user, OrgUnit), _named(OrgUnit.name, q))
        )
    if "compound" in kinds:
        arms.append(
            _arm("compound", Compound.id, literal("compound", String), Compound.name, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Compound.community_id)
            .where(authz.jurisdiction(user, Compound), _named(Compound.name, q))
        )
    if "company" in kinds:
        arms.append(
            _arm(
                "company", PropertyCompany.id, literal("company", String), PropertyCompany.name, literal("", String)
            ).where(authz.jurisdiction(user, PropertyCompany), _named(PropertyCompany.name, q))
        )
    if not arms:
        return {"items": [], "page": page, "per_page": per_page, "total": 0}
    hits = union_all(*arms).subquery()
    total = db.session.scalar(select(func.count()).select_from(hits))
    rows = db.session.execute(
        select(hits)
        .order_by(hits.c.parent_path, hits.c.scope_type.desc(), hits.c.name, hits.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return {"items": _with_paths(rows), "page": page, "per_page": per_page, "total": total}


def _arm(scope_type: str, id_, kind, name, parent_path):
    return select(
        literal(scope_type, String).label("scope_type"),
        id_.label("id"),
        kind.label("kind"),
        name.label("name"),
        parent_path.label("parent_path"),
    )


def _named(column, q: str):
    return column.contains(q, autoescape=True) if q else true()


def _with_paths(rows) -> list[dict]:
    """The hits with their paths' units named: one query for the whole page."""
    paths = {row.parent_path: [int(p) for p in row.parent_path.strip("/").split("/") if p] for row in rows}
    ids = {i for ids in paths.values() for i in ids}
    units = {}
    if ids:
        found = db.session.execute(select(OrgUnit.id, OrgUnit.kind, OrgUnit.name).where(OrgUnit.id.in_(ids)))
        units = {u.id: {"id": u.id, "kind": u.kind, "name": u.name} for u in found}
    return [
        {
            "scope_type": row.scope_type,
            "id": row.id,
            "kind": row.kind,
            "name": row.name,
            "path": [units[i] for i in paths[row.parent_path] if i in units],
        }
        for row in rows
    ]
