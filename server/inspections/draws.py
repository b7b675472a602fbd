"""Random spot checks (随机抽查): an admin draws k compounds of an org subtree, and each one
drawn gets a random-kind inspection for its red steward.

The draw must be fair and checkable afterwards, so it is deterministic given its inputs:

- population: the compounds of the subtree (Compound.community_id under the unit), ascending
  by id, optionally narrowed by the filters the admin chose, which are recorded:
  `company_id` (only that company's compounds) and `exclude_inspected_this_month` (leave out
  compounds with an inspection submitted in the current month, Asia/Shanghai);
- method "sha256-rank/v1": every compound of the population gets the key
  SHA-256(seed + ":" + compound id) (UTF-8, hex), the population is sorted by key, and the
  first k are drawn, in that order. Any SHA-256 tool can redo it (README);
- seed: given by the admin (e.g. drawn in public from a lottery result) or made with
  `secrets.token_hex(16)`.

The record (SpotCheckDraw) keeps seed, method, filters, the population in the order used, the
picks, who drew and when; `verify` redraws from the record and says whether it matches, and
whether the subtree's population today is still the one recorded.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select

from server import authz
from server.audit.service import record as audit
from server.core import clock
from server.core.pages import paginate
from server.errors import Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.inspections import periods, plans
from server.inspections.models import Inspection, SpotCheckDraw
from server.org.models import Compound, OrgUnit

METHOD = "sha256-rank/v1"
DEFAULT_DUE_DAYS = 7


def rank_key(seed: str, compound_id: int) -> str:
    return hashlib.sha256(f"{seed}:{compound_id}".encode()).hexdigest()


def draw(seed: str, population: list[int], k: int) -> list[int]:
    """The first k compounds of the population ranked by SHA-256(seed:id) (METHOD)."""
    return sorted(population, key=lambda compound_id: (rank_key(seed, compound_id), compound_id))[:k]


def population_of(unit: OrgUnit, filters: dict, now) -> list[int]:
    """The compound ids a draw in `unit` chooses from (the module docstring), ascending."""
    units = select(OrgUnit.id).where(authz.subtree_of(unit.path))
    query = select(Compound.id).where(Compound.community_id.in_(units))
    if filters.get("company_id") is not None:
        query = query.where(Compound.property_company_id == filters["company_id"])
    if filters.get("exclude_inspected_this_month"):
        start, end = periods.month_bounds(periods.month_of(now))
        inspected = select(Inspection.compound_id).where(
            Inspection.status == "submitted",
            Inspection.deleted.is_(False),
            Inspection.submitted_at >= start,
            Inspection.submitted_at < end,
        )
        query = query.where(Compound.id.not_in(inspected))
    return list(db.session.scalars(query.order_by(Compound.id)))


def _filters(data: dict) -> dict:
    """The filters of a draw as recorded (those given)."""
    return {name: data[name] for name in ("company_id", "exclude_inspected_this_month") if data.get(name) is not None}


def population_size(user, data: dict) -> dict:
    """How many compounds a draw in the admin's unit with these filters chooses from now."""
    unit = plans.managed_unit(user, data["org_unit_id"])
    return {"org_unit_id": unit.id, "size": len(population_of(unit, _filters(data), clock.now()))}


def create_draw(user, data: dict) -> SpotCheckDraw:
    """Draw k compounds of the unit, record the draw and give each drawn compound a random
    inspection (one transaction)."""
    unit = plans.managed_unit(user, data["org_unit_id"])
    template = plans.template_by_id(data["template_id"])
    now = clock.now()
    filters = _filters(data)
    population = population_of(unit, filters, now)
    if data["k"] > len(population):
        message = _("inspection.draw_too_many", size=len(population))
        raise Invalid(message, {"k": [message]}, code="draw_too_many")
    seed = data.get("seed") or secrets.token_hex(16)
    row = SpotCheckDraw(
        org_unit_id=unit.id,
        template_id=template.id,
        k=data["k"],
        seed=seed,
        method=METHOD,
        filters=filters,
        population=population,
        picked=draw(seed, population, data["k"]),
        drawn_by_id=user.id,
        drawn_at=now,
        due_at=data.get("due_at") or now + timedelta(days=DEFAULT_DUE_DAYS),
    )
    db.session.add(row)
    db.session.flush()
    planned = [
        plans.PlannedInspection(str(uuid.uuid4()), compound_id, template.id, "random", row.due_at, draw_id=row.id)
        for compound_id in row.picked
    ]
    writer = plans.write_inspections(user, planned)
    audit(
        "inspection.draw",
        actor=user,
        target=row,
        org_unit_id=unit.id,
        k=row.k,
        seed=seed,
        picked=row.picked,
        population=len(population),
    )
    writer.commit()
    return row


def get_draw(user, draw_id: int) -> SpotCheckDraw:
    """A draw made in the admin's jurisdiction."""
    row = db.session.get(SpotCheckDraw, draw_id)
    if row is None:
        raise NotFound(_("error.not_found"))
    plans.managed_unit(user, row.org_unit_id)
    return row


def draw_inspections(row: SpotCheckDraw) -> list[dict]:
    """The inspections a draw made: id, compound, status, score."""
    found = db.session.execute(
        select(Inspection.id, Inspection.compound_id, Inspection.status, Inspection.score).where(
            Inspection.draw_id == row.id
        )
    ).all()
    return [{"id": i, "compound_id": c, "status": s, "score": score} for i, c, s, score in found]


def verify(user, draw_id: int) -> dict:
    """Redraw from the record: do seed and population give the recorded picks? And is the
    subtree's population, with the same filters, still what was recorded (it may have changed
    since: new compounds, inspections submitted)?"""
    row = get_draw(user, draw_id)
    redrawn = draw(row.seed, list(row.population), row.k)
    unit = db.session.get(OrgUnit, row.org_unit_id)
    today = population_of(unit, row.filters or {}, row.drawn_at)
    return {
        "id": row.id,
        "method": row.method,
        "seed": row.seed,
        "k": row.k,
        "picked": list(row.picked),
        "redrawn": redrawn,
        "matches": row.method == METHOD and redrawn == list(row.picked),
        "population_size": len(row.population),
        "population_unchanged": today == list(row.population),
        "keys": [{"compound_id": c, "key": rank_key(row.seed, c)} for c in redrawn],
    }


def list_draws(user, org_unit_id: int | None = None, page: int = 1, per_page: int = 50) -> dict:
    """Draws made in the admin's jurisdiction (or under one unit of it), newest first."""
    query = (
        select(SpotCheckDraw)
        .where(SpotCheckDraw.org_unit_id.in_(plans.jurisdiction_units(user, org_unit_id)))
        .order_by(SpotCheckDraw.id.desc())
    )
    return paginate(query, page, per_page)
