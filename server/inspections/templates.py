"""Checklist templates (检查表) of inspections, versioned: a draft changes in place; a published
version is frozen, and editing it makes the next version with the same code (a draft until
published); an inspection keeps the version it was made with. Publishing a version retires the
code's earlier published one. Admins manage templates of their subtree (city-wide ones: city
admins); everyone who inspects or answers may read the published ones."""

from sqlalchemy import func, select

from server import authz
from server.audit.service import record as audit
from server.core import clock
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.inspections.models import DEFAULT_SEVERITY_DEADLINES, InspectionTemplate
from server.inspections.scoring import items_of
from server.org.models import OrgUnit

EDITABLE = ("code", "name", "description", "max_score", "severity_deadlines", "categories", "org_unit_id")
TOLERANCE = 1e-6


def check(data: dict) -> None:
    """The rules across fields (the schema checked each field): unique codes, weights adding up
    to max_score. Raises Invalid with a message per field path ("categories.0.items.2.code")."""
    errors: dict[str, list[str]] = {}
    seen_items: set[str] = set()
    seen_categories: set[str] = set()
    total = 0.0
    for c, category in enumerate(data["categories"]):
        if category["code"] in seen_categories:
            errors[f"categories.{c}.code"] = [_("inspection.duplicate_category", code=category["code"])]
        seen_categories.add(category["code"])
        for i, item in enumerate(category["items"]):
            if item["code"] in seen_items:
                errors[f"categories.{c}.items.{i}.code"] = [_("inspection.duplicate_item", code=item["code"])]
            seen_items.add(item["code"])
            total += item["weight"]
    if abs(total - data["max_score"]) > TOLERANCE:
        errors["max_score"] = [_("inspection.weights_sum", total=f"{total:g}", max_score=f"{data['max_score']:g}")]
    if errors:
        raise Invalid(_("error.validation"), errors)


def view(template: InspectionTemplate) -> dict:
    """A template for the API (with its item count)."""
    out = {
        name: getattr(template, name)
        for name in (
            "id",
            "code",
            "version",
            "name",
            "description",
            "status",
            "max_score",
            "severity_deadlines",
            "categories",
            "org_unit_id",
            "created_by_id",
            "created_at",
            "published_at",
        )
    }
    out["item_count"] = len(items_of(template.categories))
    return out


def _manages(user, org_unit_id) -> bool:
    """Admins of the template's unit's subtree; city-wide templates: city admins."""
    s = authz.scopes_of(user)
    if org_unit_id is None:
        return s.is_root_admin
    unit = db.session.get(OrgUnit, org_unit_id)
    return unit is not None and authz.can(user, "tasks.manage_in", unit)


def _readable(user):
    """Admins read every template; other roles the published ones (phones cache them)."""
    if authz.scopes_of(user).is_admin:
        return None
    return InspectionTemplate.status == "published"


def list_templates(user, status: str | None = None, code: str | None = None) -> list[dict]:
    """Templates, newest version first per code."""
    query = select(InspectionTemplate).order_by(InspectionTemplate.code, InspectionTemplate.version.desc())
    readable = _readable(user)
    if readable is not None:
        query = query.where(readable)
    if status:
        query = query.where(InspectionTemplate.status == status)
    if code:
        query = query.where(InspectionTemplate.code == code)
    return [view(t) for t in db.session.scalars(query)]


def get_template(user, template_id: int) -> InspectionTemplate:
    """One template the user may read, else 404."""
    template = db.session.get(InspectionTemplate, template_id)
    readable = _readable(user)
    if template is None or (readable is not None and template.status != "published"):
        raise NotFound(_("error.not_found"))
    return template


def _require_manager(user, org_unit_id) -> None:
    authz.require(user, "tasks.manage")
    if not _manages(user, org_unit_id):
        if org_unit_id is None:
            raise Forbidden(_("inspection.template_city_only"), {"org_unit_id": [_("inspection.template_city_only")]})
        raise NotFound(_("error.not_found"), {"org_unit_id": [_("error.not_found")]})


def create_template(user, data: dict) -> InspectionTemplate:
    """A new template (version 1, a draft). A code in use is refused: edit it instead."""
    data = {"severity_deadlines": dict(DEFAULT_SEVERITY_DEADLINES), "description": None, "org_unit_id": None, **data}
    _require_manager(user, data["org_unit_id"])
    check(data)
    if db.session.scalar(select(InspectionTemplate.id).where(InspectionTemplate.code == data["code"]).limit(1)):
        raise Invalid(
            _("inspection.template_code_taken"),
            {"code": [_("inspection.template_code_taken")]},
            code="template_code_taken",
        )
    template = InspectionTemplate(**{k: data[k] for k in EDITABLE}, version=1, status="draft", created_by_id=user.id)
    db.session.add(template)
    db.session.flush()
    audit("inspection_template.create", actor=user, template_id=template.id, code=template.code)
    db.session.commit()
    return template


def edit_template(user, template_id: int, changes: dict) -> InspectionTemplate:
    """A draft changes in place; a published version stays as it is for the inspections made with
    it, and the changes make (or go to) the code's next version, a draft. Retired: refused."""
    template = get_template(user, template_id)
    _require_manager(user, template.org_unit_id)
    if "org_unit_id" in changes:
        _require_manager(user, changes["org_unit_id"])
    if template.status == "retired":
        raise Invalid(
            _("inspection.template_frozen"), {"_schema": [_("inspection.template_frozen")]}, code="template_frozen"
        )
    changes = {k: v for k, v in changes.items() if k != "code"}  # the code names every version
    # A published version is frozen: the changes go to the code's next version, the draft
    # started already (one at a time) or a new one copied from this version.
    draft = template if template.status == "draft" else _next_draft(template.code)
    data = {**{k: getattr(draft or template, k) for k in EDITABLE}, **changes}
    check(data)
    if draft is not None:
        for name, value in changes.items():
            setattr(draft, name, value)
        audit("inspection_template.update", actor=user, template_id=draft.id, fields=sorted(changes))
        db.session.commit()
        return draft
    latest = db.session.scalar(
        select(func.max(InspectionTemplate.version)).where(InspectionTemplate.code == template.code)
    )
    draft = InspectionTemplate(version=latest + 1, status="draft", created_by_id=user.id)
    db.session.add(draft)
    for name in EDITABLE:
        setattr(draft, name, data[name])
    db.session.flush()
    audit(
        "inspection_template.new_version",
        actor=user,
        template_id=draft.id,
        code=draft.code,
        version=draft.version,
        from_id=template.id,
    )
    db.session.commit()
    return draft


def _next_draft(code: str) -> InspectionTemplate | None:
    """The code's draft of its next version, if one was started (one at a time)."""
    return db.session.scalar(
        select(InspectionTemplate).where(InspectionTemplate.code == code, InspectionTemplate.status == "draft")
    )


def publish_template(user, template_id: int) -> InspectionTemplate:
    """Publish a draft; the code's earlier published version is retired (new inspections use
    this one; those made with the old one keep it)."""
    template = get_template(user, template_id)
    _require_manager(user, template.org_unit_id)
    if template.status != "draft":
        raise Invalid(
            _("inspection.template_not_draft"),
            {"status": [_("inspection.template_not_draft")]},
            code="template_not_draft",
        )
    for older in db.session.scalars(
        select(InspectionTemplate).where(
            InspectionTemplate.code == template.code, InspectionTemplate.status == "published"
        )
    ):
        older.status = "retired"
    template.status, template.published_at = "published", clock.now()
    audit(
        "inspection_template.publish", actor=user, template_id=template.id, code=template.code, version=template.version
    )
    db.session.commit()
    return template


def retire_template(user, template_id: int) -> InspectionTemplate:
    """No new inspections with this version (those made with it keep it)."""
    template = get_template(user, template_id)
    _require_manager(user, template.org_unit_id)
    if template.status == "retired":
        raise Invalid(
            _("inspection.template_retired"), {"status": [_("inspection.template_retired")]}, code="template_retired"
        )
    template.status = "retired"
    audit("inspection_template.retire", actor=user, template_id=template.id)
    db.session.commit()
    return template
