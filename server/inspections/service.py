"""Inspections and rectification orders at the desk: an admin creates an inspection for a
compound (through the sync engine, as a server-made mutation, PROTOCOL.md §11.3), lists and
opens inspections and orders in scope, and prints an inspection's report. Phones use sync."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from server import authz
from server.audit.service import record as audit
from server.auth.service import display_names
from server.core import clock
from server.core.fields import iso
from server.core.pages import paginate
from server.errors import Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.inspections import notices, scoring
from server.inspections.access import compound_place
from server.inspections.models import Inspection, InspectionTemplate, RectificationOrder
from server.inspections.sync import INSPECTION, ORDER
from server.inspections.templates import view
from server.org.models import Compound, PropertyCompany
from server.sync.writer import Writer, mutation, raise_refusal

UNRESOLVED = ("open", "responded", "reopened")


def create_inspection(user, data: dict, extra: dict | None = None) -> str:
    """An inspection of a compound in the admin's jurisdiction, for its steward (the one given,
    else the compound's first); `extra`: server-only values (period, plan_id, draw_id)."""
    authz.require(user, "tasks.manage")
    compound = db.session.get(Compound, data["compound_id"])
    # The admin's jurisdiction, not every compound the account sees: an admin who is also a red
    # steward or a resident elsewhere must not inspect there as an admin.
    if compound is None or not authz.can(user, "tasks.manage_in", compound.community):
        raise Invalid(
            _("inspection.compound_missing"),
            {"compound_id": [_("inspection.compound_missing")]},
            code="compound_missing",
        )
    fields = {
        "compound_id": data["compound_id"],
        "template_id": data["template_id"],
        "kind": data.get("kind") or "adhoc",
    }
    steward = data["steward_id"] if "steward_id" in data else next(iter(notices.stewards_of(compound.id)), None)
    if steward is not None:
        fields["steward_id"] = steward
    if data.get("due_at") is not None:
        fields["due_at"] = iso(data["due_at"]) if isinstance(data["due_at"], datetime) else data["due_at"]
    record_id = str(uuid.uuid4())
    writer = Writer(user)
    (result,) = writer.push([mutation("inspection", record_id, "create", fields)], {record_id: extra or {}})
    if result.status == "rejected":
        raise_refusal(result)
    audit("inspection.create", actor=user, inspection_id=record_id, compound_id=compound.id, kind=fields["kind"])
    writer.commit()
    return record_id


# --- reading ----------------------------------------------------------------------------------


def _inspection_views(rows: list[Inspection]) -> list[dict]:
    """Records with the names the desk shows, one query per kind of name."""
    compounds = _names(Compound, {r.compound_id for r in rows})
    templates = {
        t.id: t
        for t in db.session.scalars(
            select(InspectionTemplate).where(InspectionTemplate.id.in_({r.template_id for r in rows}))
        )
    }
    people = display_names(r.steward_id for r in rows if r.steward_id)
    views = []
    for row in rows:
        template = templates.get(row.template_id)
        views.append(
            {
                "id": row.id,
                "version": row.version,
                "data": INSPECTION.record_of(row).values,
                "compound_name": compounds.get(row.compound_id),
                "steward_name": people.get(row.steward_id),
                "template_name": template.name if template else None,
                "template_version": template.version if template else None,
            }
        )
    return views


def _order_views(rows: list[RectificationOrder]) -> list[dict]:
    compounds = _names(Compound, {r.compound_id for r in rows})
    companies = _names(PropertyCompany, {r.company_id for r in rows if r.company_id})
    now = clock.now()
    return [
        {
            "id": row.id,
            "version": row.version,
            "data": ORDER.record_of(row).values,
            "compound_name": compounds.get(row.compound_id),
            "company_name": companies.get(row.company_id),
            "overdue": row.status in UNRESOLVED and _aware(row.deadline_at) < now,
        }
        for row in rows
    ]


def _aware(value: datetime) -> datetime:
    """SQLite gives naive UTC times back."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _names(model, ids) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def list_inspections(user, page=1, per_page=50, **filters) -> dict:
    """Inspections in scope, newest first."""
    query = select(Inspection).where(Inspection.deleted.is_(False), authz.visible(user, Inspection))
    for name in ("status", "kind", "compound_id", "steward_id", "period"):
        if filters.get(name) is not None:
            query = query.where(getattr(Inspection, name) == filters[name])
    result = paginate(query.order_by(Inspection.created_at.desc(), Inspection.id), page, per_page)
    result["items"] = _inspection_views(result["items"])
    return result


def list_orders(user, page=1, per_page=50, **filters) -> dict:
    """Rectification orders in scope, the nearest deadline first."""
    query = select(RectificationOrder).where(
        RectificationOrder.deleted.is_(False), authz.visible(user, RectificationOrder)
    )
    status = filters.get("status")
    if status == "unresolved":
        query = query.where(RectificationOrder.status.in_(UNRESOLVED))
    elif status:
        query = query.where(RectificationOrder.status == status)
    for name in ("compound_id", "company_id", "inspection_id", "severity"):
        if filters.get(name) is not None:
            query = query.where(getattr(RectificationOrder, name) == filters[name])
    if filters.get("overdue") is not None:
        late = RectificationOrder.status.in_(UNRESOLVED) & (RectificationOrder.deadline_at < clock.now())
        query = query.where(late if filters["overdue"] else ~late)
    result = paginate(query.order_by(RectificationOrder.deadline_at, RectificationOrder.id), page, per_page)
    result["items"] = _order_views(result["items"])
    return result


def _visible(user, model, record_id: str):
    row = db.session.scalar(
        select(model).where(model.id == record_id, model.deleted.is_(False), authz.visible(user, model))
    )
    if row is None:
        raise NotFound(_("error.not_found"))
    return row


def get_inspection(user, inspection_id: str) -> dict:
    return _inspection_views([_visible(user, Inspection, inspection_id)])[0]


def get_order(user, order_id: str) -> dict:
    return _order_views([_visible(user, RectificationOrder, order_id)])[0]


def report(user, inspection_id: str) -> dict:
    """The printable report: the template's categories with each item's answer and order,
    the score and the orders."""
    inspection = _visible(user, Inspection, inspection_id)
    template = db.session.get(InspectionTemplate, inspection.template_id)
    orders = list(
        db.session.scalars(
            select(RectificationOrder)
            .where(RectificationOrder.inspection_id == inspection.id)
            .order_by(RectificationOrder.deadline_at)
        )
    )
    by_item = {o.item_code: o.id for o in orders}
    answers = inspection.answers or {}
    categories = [
        {
            "code": category["code"],
            "name": category["name"],
            "items": [
                {**item, "answer": answers.get(item["code"]), "order_id": by_item.get(item["code"])}
                for item in category["items"]
            ],
        }
        for category in template.categories
    ]
    counts = {result: 0 for result in ("pass", "fail", "na")}
    for answer in answers.values():
        if answer.get("result") in counts:
            counts[answer["result"]] += 1
    place = compound_place(inspection.compound_id)
    return {
        "inspection": _inspection_views([inspection])[0],
        "template": view(template),
        "categories": categories,
        "orders": _order_views(orders),
        "summary": {
            "score": inspection.score,
            "max_score": inspection.max_score,
            "items": len(scoring.items_of(template.categories)),
            **counts,
            "photos": sum(len(a.get("photos") or []) for a in answers.values()),
            "company_name": _names(PropertyCompany, {place[1]} if place and place[1] else set()).get(
                place[1] if place else None
            ),
        },
    }
