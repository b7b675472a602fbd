"""Checklist templates (one per task type and org unit): the default a new task copies, and the
admins' CRUD. A task copies the items when created, so editing a template never changes tasks
already given out."""

from flask import g, has_app_context
from sqlalchemy import or_, select

from server import authz
from server.audit.service import record as audit
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import OrgUnit
from server.tasks.models import ChecklistTemplate


def default_items(task_type: str, org_path: str) -> list[dict] | None:
    """The items of the active template of this type nearest to the place (the deepest org unit
    above it; a city-wide template last). Templates are read once per type and request."""
    cache = g.setdefault("_redgrid_task_templates", {}) if has_app_context() else {}
    if task_type not in cache:
        with db.session.no_autoflush:  # read in the middle of a push: its pending rows are not templates
            rows = db.session.execute(
                select(ChecklistTemplate.items, OrgUnit.path)
                .outerjoin(OrgUnit, OrgUnit.id == ChecklistTemplate.org_unit_id)
                .where(ChecklistTemplate.task_type == task_type, ChecklistTemplate.active.is_(True))
                .order_by(ChecklistTemplate.id)
            ).all()
        cache[task_type] = [(path or "", items) for items, path in rows]
    best = None
    for path, items in cache[task_type]:
        if org_path.startswith(path) and (best is None or len(path) > len(best[0])):
            best = (path, items)
    return [dict(item) for item in best[1]] if best else None


def items_of(user, template_id: int, task_type: str, field: str = "checklist_template_id") -> list[dict]:
    """A template's items for a new task, if the admin may use it and it fits the type."""
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None or not _readable(user, template):
        raise Invalid(_("task.template_missing"), {field: [_("task.template_missing")]})
    if template.task_type != task_type:
        raise Invalid(_("task.template_type"), {field: [_("task.template_type")]})
    return [dict(item) for item in template.items]


def with_keys(items: list[dict]) -> list[dict]:
    """Items as {"key", "text"}: keys kept when given (unique), made ("item1" …) when not."""
    taken = {item["key"] for item in items if item.get("key")}
    if len(taken) != len([item for item in items if item.get("key")]):
        raise Invalid(_("task.template_duplicate_keys"), {"items": [_("task.template_duplicate_keys")]})
    out, number = [], 0
    for item in items:
        key = item.get("key")
        while not key:
            number += 1
            key = f"item{number}" if f"item{number}" not in taken else None
        out.append({"key": key, "text": item["text"]})
    return out


# --- admins' CRUD ---------------------------------------------------------------------------


def _readable(user, template: ChecklistTemplate) -> bool:
    """City-wide templates, those of units above the admin (they apply here) and in the subtree."""
    if template.org_unit_id is None:
        return authz.can(user, "tasks.manage")
    unit = db.session.get(OrgUnit, template.org_unit_id)
    return authz.can(user, "tasks.manage") and (authz.can(user, "read", unit))


def _manageable(user, template_unit_id: int | None) -> None:
    """Write a template only for a unit inside the jurisdiction; city-wide ones: city admins."""
    authz.require(user, "tasks.manage")
    if template_unit_id is None:
        if not authz.scopes_of(user).is_root_admin:
            raise Forbidden(_("task.template_city_only"), {"org_unit_id": [_("task.template_city_only")]})
        return
    unit = db.session.get(OrgUnit, template_unit_id)
    if unit is None or not authz.can(user, "scope.grant", ("org_unit", unit)):
        raise NotFound(_("error.not_found"), {"org_unit_id": [_("error.not_found")]})


def list_templates(user, task_type=None, include_inactive=False) -> list[ChecklistTemplate]:
    """Templates that apply in the admin's jurisdiction: city-wide, above and inside it."""
    authz.require(user, "tasks.manage")
    query = select(ChecklistTemplate).where(
        or_(
            ChecklistTemplate.org_unit_id.is_(None),
            ChecklistTemplate.org_unit_id.in_(select(OrgUnit.id).where(authz.visible(user, OrgUnit))),
        )
    )
    if task_type:
        query = query.where(ChecklistTemplate.task_type == task_type)
    if not include_inactive:
        query = query.where(ChecklistTemplate.active.is_(True))
    return list(db.session.scalars(query.order_by(ChecklistTemplate.task_type, ChecklistTemplate.id)))


def create_template(user, data: dict) -> ChecklistTemplate:
    """A new template; audit-logged."""
    _manageable(user, data.get("org_unit_id"))
    template = ChecklistTemplate(
        task_type=data["task_type"],
        name=data["name"],
        items=with_keys(data["items"]),
        org_unit_id=data.get("org_unit_id"),
        active=data.get("active", True),
    )
    db.session.add(template)
    db.session.flush()
    audit(
        "checklist_template.create",
        actor=user,
        target=template,
        task_type=template.task_type,
        org_unit_id=template.org_unit_id,
    )
    db.session.commit()
    return template


def _get(user, template_id: int) -> ChecklistTemplate:
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None or not _readable(user, template):
        raise NotFound(_("error.not_found"))
    _manageable(user, template.org_unit_id)
    return template


def update_template(user, template_id: int, changes: dict) -> ChecklistTemplate:
    """Rename, change the items or (de)activate a template; tasks already made keep theirs."""
    template = _get(user, template_id)
    if "items" in changes:
        changes["items"] = with_keys(changes["items"])
    for name, value in changes.items():
        setattr(template, name, value)
    audit("checklist_template.update", actor=user, target=template, changes=sorted(changes))
    db.session.commit()
    return template


def delete_template(user, template_id: int) -> None:
    """Delete a template (tasks hold copies of its items)."""
    template = _get(user, template_id)
    audit("checklist_template.delete", actor=user, target=template, task_type=template.task_type, name=template.name)
    db.session.delete(template)
    db.session.commit()


def forget() -> None:
    """Drop the templates read in this app context (after adding some in it)."""
    if has_app_context():
        g.pop("_redgrid_task_templates", None)
