"""Browsing the org tree and places, always within the caller's scope."""

from flask import Response, current_app, request
from flask_login import current_user, login_required

from server.api import PageArgsSchema
from server.core.edge import Blueprint
from server.extensions import limiter
from server.org import scope_search, service
from server.org.schemas import (
    BuildingSchema,
    CompoundDetailSchema,
    CompoundListArgsSchema,
    CompoundPageSchema,
    GridDirectorySchema,
    HouseholdDetailSchema,
    HouseholdPageSchema,
    OrgChildrenArgsSchema,
    OrgUnitDetailSchema,
    OrgUnitSchema,
    ResidentPhoneSchema,
    ResidentSchema,
    ResidentUpdateSchema,
    ScopeHitPageSchema,
    ScopeSearchArgsSchema,
)

blp = Blueprint("org", __name__, url_prefix="/api", description="Org tree and places")


@blp.route("/org/units", methods=["GET"])
@login_required
@blp.arguments(OrgChildrenArgsSchema, location="query")
@blp.response(200, OrgUnitSchema(many=True))
def org_units(args):
    """Children of an org unit that you may see (without parent_id: the top of your tree)."""
    return service.org_children(current_user, args.get("parent_id"))


@blp.route("/org/units/<int:unit_id>", methods=["GET"])
@login_required
@blp.response(200, OrgUnitDetailSchema)
def org_unit(unit_id):
    """One org unit with its ancestors and counts."""
    return service.org_unit_detail(current_user, unit_id)


@blp.route("/org/scopes", methods=["GET"])
@login_required
@blp.arguments(ScopeSearchArgsSchema, location="query")
@blp.response(200, ScopeHitPageSchema)
def scopes(args):
    """Search the org units, compounds and companies within your jurisdiction by name (the scope
    picker): for an admin, those they may grant roles on; for anyone else, those they see.

    Each hit carries its path from the top down; hits sharing a parent come together (ordered by
    the parent's path, then name). `kinds` limits the answer (e.g. `kinds=community` or
    `kinds=grid,compound`); an empty `q` lists them all, page by page."""
    return scope_search.search_scopes(current_user, **args)


@blp.route("/places/compounds", methods=["GET"])
@login_required
@blp.arguments(CompoundListArgsSchema, location="query")
@blp.response(200, CompoundPageSchema)
def compounds(args):
    """Compounds in your scope, optionally inside an org subtree or matching a name."""
    return service.list_compounds(current_user, **args)


@blp.route("/places/compounds/<int:compound_id>", methods=["GET"])
@login_required
@blp.response(200, CompoundDetailSchema)
def compound(compound_id):
    """One compound with its property company and owners' committee."""
    return service.compound_detail(current_user, compound_id)


@blp.route("/places/compounds/<int:compound_id>/buildings", methods=["GET"])
@login_required
@blp.response(200, BuildingSchema(many=True))
def buildings(compound_id):
    """Buildings of a compound that you may see."""
    return service.compound_buildings(current_user, compound_id)


@blp.route("/places/buildings/<int:building_id>/households", methods=["GET"])
@login_required
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, HouseholdPageSchema)
def households(args, building_id):
    """Households of a building (admins and the grid workers of covering grids)."""
    return service.building_households(current_user, building_id, **args)


@blp.route("/places/households/<int:household_id>", methods=["GET"])
@login_required
@blp.response(200, HouseholdDetailSchema)
def household(household_id):
    """A household with its residents; phone numbers are masked."""
    return service.household_detail(current_user, household_id)


@blp.route("/grids/<int:grid_id>/directory", methods=["GET"])
@login_required
@blp.response(200, GridDirectorySchema)
@blp.alt_response(304, description="Not Modified: the If-None-Match tag is still current")
def grid_directory(grid_id):
    """The whole directory of one of your grids (compounds, buildings, households, residents with
    masked phones and care flags), for the phone to keep offline; send If-None-Match to refresh."""
    body = service.directory_json(service.grid_directory(current_user, grid_id))
    etag = service.directory_etag(body)
    # Weak: the same content may travel gzip'd or not (Flask-Compress leaves weak tags alone).
    # private: a directory of people never sits in a shared cache; no-cache: always revalidate.
    headers = {"ETag": f'W/"{etag}"', "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/json", headers=headers)


def _phone_limit() -> str:
    return current_app.config["PHONE_RATE_LIMIT"]


def _per_user() -> str:
    return f"resident-phone:{current_user.id}"


def _signed_out() -> bool:
    return not current_user.is_authenticated  # answered 401 anyway


def _audit_throttled(_limit) -> None:
    service.resident_phone_throttled(current_user, request.view_args["resident_id"])


@blp.route("/residents/<int:resident_id>/phone", methods=["GET"])
@limiter.limit(
    _phone_limit,
    key_func=_per_user,
    exempt_when=_signed_out,
    on_breach=_audit_throttled,
    error_message="resident.phone_throttled",  # a catalog key (server/api.py)
)
@login_required
@blp.response(200, ResidentPhoneSchema)
def resident_phone(resident_id):
    """A resident's full phone number (directory readers only; REDGRID_PHONE_RATE_LIMIT requests
    per user, 30 a minute by default); every number given out is audit-logged, and so is every
    request the limit refuses."""
    return service.resident_phone(current_user, resident_id), 200, {"Cache-Control": "no-store"}


@blp.route("/residents/<int:resident_id>", methods=["PATCH"])
@login_required
@blp.arguments(ResidentUpdateSchema)
@blp.response(200, ResidentSchema)
def update_resident(changes, resident_id):
    """Change a resident's special-care flags (the grid's workers, admins above); audit-logged,
    and phones keeping the grid's directory are told to fetch it again."""
    return service.update_resident(current_user, resident_id, changes)
