"""Periodic inspections (定期检查): an admin plans them per compound (template code, monthly or
quarterly, the steward or by default the compound's steward, a start date), and the generator
makes one planned `inspection` per active plan and period.

generate_due(now) is idempotent by construction: the inspection of plan P for period "2026-11"
has the id uuid5(PLAN_NAMESPACE, "plan:P:2026-11"), so a second run (or two at once: the CLI
beside the API button) is refused by the engine as "exists" and makes nothing twice. It makes
the inspection of the period holding `now` only (no back-filling of missed periods), due at the
period's last second in Xuchang, against the latest published version of the plan's template
code. Plans whose code has no published version are reported and skipped.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from server import authz
from server.audit.service import record as audit
from server.auth.models import RoleAssignment
from server.core import clock
from server.core.fields import iso
from server.core.pages import paginate
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.inspections import periods
from server.inspections.access import inspection_buckets
from server.inspections.models import Inspection, InspectionPlan, InspectionTemplate
from server.org.models import Compound, OrgUnit
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation, raise_refusal

PLAN_NAMESPACE = uuid.UUID("6f1c1d52-7a3e-4c55-9d0e-1b7f3f5a2c11")
SYSTEM_CLIENT = "server:inspections"


@dataclass(frozen=True)
class PlannedInspection:
    """A planned inspection the server makes (for a plan's period or a draw's pick)."""

    record_id: str
    compound_id: int
    template_id: int
    kind: str
    due_at: datetime
    steward_id: int | None = None
    plan_id: int | None = None
    period: str | None = None
    draw_id: int | None = None


# --- lookups ---------------------------------------------------------------------------------


def latest_published(code: str) -> InspectionTemplate | None:
    return db.session.scalar(
        select(InspectionTemplate)
        .where(InspectionTemplate.code == code, InspectionTemplate.status == "published")
        .order_by(InspectionTemplate.version.desc())
        .limit(1)
    )


def template_by_id(template_id: int) -> InspectionTemplate:
    """A published template version (a 422 on the field otherwise)."""
    template = db.session.get(InspectionTemplate, template_id)
    if template is None or template.status != "published":
        message = _("inspection.template_unpublished")
        raise Invalid(message, {"template_id": [message]}, code="template_unpublished")
    return template


def stewards_of(compound_ids) -> dict[int, list[int]]:
    """The red stewards of each compound, lowest user id first (the default one, as in
    server.inspections.rules)."""
    rows = db.session.execute(
        select(RoleAssignment.compound_id, RoleAssignment.user_id)
        .where(RoleAssignment.role == "red_steward", RoleAssignment.compound_id.in_(set(compound_ids)))
        .order_by(RoleAssignment.user_id)
    ).all()
    stewards: dict[int, list[int]] = {}
    for compound_id, user_id in rows:
        stewards.setdefault(compound_id, []).append(user_id)
    return stewards


def steward_for(planned: "PlannedInspection", stewards: dict[int, list[int]]) -> int | None:
    """The plan's steward while they still hold the role there, else the compound's (or none:
    the inspection waits unassigned in the compound's steward bucket)."""
    present = stewards.get(planned.compound_id, [])
    if planned.steward_id in present:
        return planned.steward_id
    return present[0] if present else None


def managed_unit(user, org_unit_id: int) -> OrgUnit:
    """An org unit inside the admin's jurisdiction (others: 404, non-admins: 403)."""
    scopes = authz.scopes_of(user)
    if not scopes.is_admin:
        raise Forbidden(_("error.forbidden"))
    unit = db.session.get(OrgUnit, org_unit_id)
    if unit is None or not (scopes.is_root_admin or any(unit.path.startswith(p) for p in scopes.admin_paths)):
        raise NotFound(_("error.not_found"), {"org_unit_id": [_("error.not_found")]})
    return unit


def jurisdiction_units(user, org_unit_id: int | None = None):
    """A select of the org unit ids under one unit of the admin's jurisdiction, or under all of it."""
    paths = (
        [managed_unit(user, org_unit_id).path] if org_unit_id is not None else list(authz.scopes_of(user).admin_paths)
    )
    if not paths:
        raise Forbidden(_("error.forbidden"))
    return select(OrgUnit.id).where(or_(*[authz.subtree_of(p) for p in paths]))


def _managed_compound(user, compound_id: int, field: str = "compound_id") -> Compound:
    """A compound inside the admin's jurisdiction."""
    compound = db.session.get(Compound, compound_id)
    if compound is None:
        raise NotFound(_("error.not_found"), {field: [_("error.not_found")]})
    managed_unit(user, compound.community_id)
    return compound


def _check_steward(compound_id: int, steward_id: int | None) -> None:
    if steward_id is None:
        return
    holds = db.session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == steward_id,
            RoleAssignment.role == "red_steward",
            RoleAssignment.compound_id == compound_id,
        )
    )
    if holds is None:
        message = _("inspection.not_steward_of_compound")
        raise Invalid(message, {"steward_id": [message]}, code="not_steward_of_compound")


def _check_code(code: str) -> None:
    if not db.session.scalar(select(func.count()).where(InspectionTemplate.code == code)):
        message = _("inspection.template_unknown")
        raise Invalid(message, {"template_code": [message]}, code="template_unknown")


# --- plans -----------------------------------------------------------------------------------


def list_plans(
    user, org_unit_id: int | None = None, active: bool | None = None, page: int = 1, per_page: int = 50
) -> dict:
    """Plans of the compounds in the admin's jurisdiction (or under one unit of it)."""
    units = jurisdiction_units(user, org_unit_id)
    query = (
        select(InspectionPlan)
        .join(Compound, Compound.id == InspectionPlan.compound_id)
        .where(Compound.community_id.in_(units))
    )
    if active is not None:
        query = query.where(InspectionPlan.active.is_(active))
    return paginate(query.order_by(InspectionPlan.id), page, per_page)


def create_plan(user, data: dict) -> InspectionPlan:
    """Plan periodic inspections of a compound in the admin's jurisdiction."""
    compound = _managed_compound(user, data["compound_id"])
    _check_code(data["template_code"])
    _check_steward(compound.id, data.get("steward_id"))
    exists = db.session.scalar(
        select(InspectionPlan.id).where(
            InspectionPlan.compound_id == compound.id, InspectionPlan.template_code == data["template_code"]
        )
    )
    if exists is not None:
        message = _("inspection.plan_exists")
        raise Invalid(message, {"template_code": [message]}, code="plan_exists")
    plan = InspectionPlan(
        compound_id=compound.id,
        template_code=data["template_code"],
        period=data.get("period") or "monthly",
        steward_id=data.get("steward_id"),
        starts_on=data.get("starts_on") or periods.local_date(clock.now()),
        active=True,
        created_by_id=user.id,
        created_at=clock.now(),
    )
    db.session.add(plan)
    db.session.flush()
    audit(
        "inspection_plan.create",
        actor=user,
        target=plan,
        compound_id=compound.id,
        template_code=plan.template_code,
        period=plan.period,
    )
    db.session.commit()
    return plan


def managed_plan(user, plan_id: int) -> InspectionPlan:
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound(_("error.not_found"))
    try:
        _managed_compound(user, plan.compound_id)
    except NotFound:
        raise NotFound(_("error.not_found")) from None
    return plan


def update_plan(user, plan_id: int, changes: dict) -> InspectionPlan:
    """Change a plan's period, steward, start date, or (de)activate it. Inspections already
    made keep what they were made with."""
    plan = managed_plan(user, plan_id)
    if "steward_id" in changes:
        _check_steward(plan.compound_id, changes["steward_id"])
    for name in ("period", "steward_id", "starts_on", "active"):
        if name in changes:
            setattr(plan, name, changes[name])
    audit("inspection_plan.update", actor=user, target=plan, fields=sorted(changes))
    db.session.commit()
    return plan


# --- making inspections ----------------------------------------------------------------------


def write_inspections(user, planned: list[PlannedInspection]) -> Writer:
    """Push the creation of these inspections (the caller audits and commits the writer).
    `user`: the admin on whose behalf (None: the server's own job). An inspection that exists
    already (a plan's period made before) is skipped."""
    stewards = stewards_of(p.compound_id for p in planned)
    buckets = [
        b for compound_id in {p.compound_id for p in planned} for b in inspection_buckets({"compound_id": compound_id})
    ]
    writer = Writer(
        actor=system_actor(user, buckets, admin=True), client_id=SYSTEM_CLIENT if user is None else f"api:{user.id}"
    )
    mutations, extra = [], {}
    for p in planned:
        fields = {
            "compound_id": p.compound_id,
            "template_id": p.template_id,
            "kind": p.kind,
            "due_at": iso(p.due_at),
            "steward_id": steward_for(p, stewards),
        }
        made = mutation("inspection", p.record_id, "create", {k: v for k, v in fields.items() if v is not None})
        mutations.append(made)
        extra[p.record_id] = {"plan_id": p.plan_id, "period": p.period, "draw_id": p.draw_id}
    for result in writer.push(mutations, extra):
        if result.status == "rejected" and result.error["code"] != "exists":
            raise_refusal(result)
    return writer


def due_plans(now: datetime, user=None) -> list[tuple[InspectionPlan, str]]:
    """Active plans started by `now` (of the admin's jurisdiction, or all), each with the period
    holding `now`."""
    today = periods.local_date(now)
    query = select(InspectionPlan).where(InspectionPlan.active.is_(True), InspectionPlan.starts_on <= today)
    if user is not None and not authz.scopes_of(user).is_root_admin:
        units = jurisdiction_units(user)
        query = query.join(Compound, Compound.id == InspectionPlan.compound_id).where(Compound.community_id.in_(units))
    plans = db.session.scalars(query.order_by(InspectionPlan.id))
    return [(plan, periods.period_of(plan.period, now)) for plan in plans]


def plan_record_id(plan_id: int, period: str) -> str:
    return str(uuid.uuid5(PLAN_NAMESPACE, f"plan:{plan_id}:{period}"))


def generate_due(now: datetime | None = None, user=None) -> dict:
    """Make the planned inspection of every active plan for the period holding `now`
    (idempotent, see the module docstring); returns counts and the plans skipped."""
    now = now or clock.now()
    due = due_plans(now, user)
    ids = {plan_record_id(plan.id, period): (plan, period) for plan, period in due}
    existing = set(db.session.scalars(select(Inspection.id).where(Inspection.id.in_(list(ids))))) if ids else set()
    templates: dict[str, InspectionTemplate | None] = {}
    planned, skipped = [], []
    for record_id, (plan, period) in ids.items():
        if record_id in existing:
            continue
        if plan.template_code not in templates:
            templates[plan.template_code] = latest_published(plan.template_code)
        template = templates[plan.template_code]
        if template is None:
            skipped.append({"plan_id": plan.id, "reason": "template_unpublished"})
            continue
        planned.append(
            PlannedInspection(
                record_id,
                plan.compound_id,
                template.id,
                "periodic",
                periods.period_due(period),
                plan.steward_id,
                plan.id,
                period,
            )
        )
    if planned:
        writer = write_inspections(user, planned)
        audit("inspection.generate", actor=user, created=len(planned), skipped=len(skipped), at=iso(now))
        writer.commit()
    return {"plans": len(due), "created": len(planned), "existing": len(existing), "skipped": skipped}
