"""Admins manage the org tree, what grids cover, and the places (PROTOCOL.md §25); thin routes
over server/org/editing.py and server/org/places_admin.py."""

from flask_login import current_user, login_required

from server.core.edge import Blueprint
from server.org import editing, places_admin
from server.org.schemas import (
    BuildingPatchSchema,
    BuildingSchema,
    BuildingWriteSchema,
    CommitteeWriteSchema,
    CompanyDetailSchema,
    CompanyListArgsSchema,
    CompanyPageSchema,
    CompanyPatchSchema,
    CompanyWriteSchema,
    CompoundDetailSchema,
    CompoundPatchSchema,
    CompoundWriteSchema,
    CoverageCreateSchema,
    CoverageSchema,
    HouseholdPatchSchema,
    HouseholdSchema,
    HouseholdWriteSchema,
    OrgTreeArgsSchema,
    OrgTreeNodeSchema,
    OrgUnitCreateSchema,
    OrgUnitMergeSchema,
    OrgUnitMoveSchema,
    OrgUnitSchema,
    OrgUnitUpdateSchema,
    OwnersCommitteeSchema,
    ResidentAdminSchema,
    ResidentPatchSchema,
    ResidentWriteSchema,
)
from server.org.service import compound_detail

blp = Blueprint("org-admin", __name__, url_prefix="/api", description="Managing the org tree and places (admins)")

# --- the org tree -------------------------------------------------------------------------------


@blp.route("/org/tree", methods=["GET"])
@login_required
@blp.arguments(OrgTreeArgsSchema, location="query")
@blp.response(200, OrgTreeNodeSchema(many=True))
def tree(args):
    """Children of a unit (or the top of your visible tree) with their counts and whether you may
    edit them; merged grids are left out."""
    return editing.tree_children(current_user, args.get("parent_id"))


@blp.route("/org/units", methods=["POST"])
@login_required
@blp.arguments(OrgUnitCreateSchema)
@blp.response(201, OrgUnitSchema)
def create_unit(data):
    """A new unit under a parent of the kind just above (ORG_KINDS: city, district, street,
    community, grid, courtyard) inside your jurisdiction; audited."""
    return editing.create_unit(current_user, data)


@blp.route("/org/units/<int:unit_id>", methods=["PATCH"])
@login_required
@blp.arguments(OrgUnitUpdateSchema)
@blp.response(200, OrgUnitSchema)
def update_unit(changes, unit_id):
    """Rename a unit (or change its code) below the top of your jurisdiction; audited."""
    return editing.update_unit(current_user, unit_id, changes)


@blp.route("/org/units/<int:unit_id>/move", methods=["POST"])
@login_required
@blp.arguments(OrgUnitMoveSchema)
@blp.response(200, OrgUnitSchema)
def move_unit(data, unit_id):
    """Move a unit (a grid, a community …) with its subtree to another parent of the right kind;
    old and new parent both inside your jurisdiction. The records of the subtree follow to their
    new org buckets (PROTOCOL.md §25.1); audited."""
    return editing.move_unit(current_user, unit_id, data["parent_id"])


@blp.route("/org/units/<int:unit_id>/merge", methods=["POST"])
@login_required
@blp.arguments(OrgUnitMergeSchema)
@blp.response(200, OrgUnitSchema)
def merge_unit(data, unit_id):
    """Merge this grid into another grid of the same community: its coverages, grid workers,
    courtyards, tasks, field reports and needs go there; this grid stays, marked merged
    (PROTOCOL.md §25.2). Answers the grid merged into; audited."""
    return editing.merge_grid(current_user, unit_id, data["into_id"])


# --- coverage -----------------------------------------------------------------------------------


@blp.route("/org/grids/<int:grid_id>/coverage", methods=["GET"])
@login_required
@blp.response(200, CoverageSchema(many=True))
def coverage(grid_id):
    """The compounds (whole) and single buildings a grid covers."""
    return editing.coverage_of(current_user, grid_id)


@blp.route("/org/grids/<int:grid_id>/coverage", methods=["POST"])
@login_required
@blp.arguments(CoverageCreateSchema)
@blp.response(201, CoverageSchema(many=True))
def assign(data, grid_id):
    """Put a compound or a building of the grid's community into the grid; one covered by another
    grid needs `"move": true` (else 422 covered_elsewhere), and then its open tasks, new field
    reports and open needs move with it: the phones re-scope (PROTOCOL.md §25.3). Answers the
    grid's coverage; audited."""
    return editing.assign(current_user, grid_id, data)


@blp.route("/org/coverages/<int:coverage_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def unassign(coverage_id):
    """Take a compound or building out of its grid; audited."""
    editing.unassign(current_user, coverage_id)


# --- places -------------------------------------------------------------------------------------


@blp.route("/places/compounds", methods=["POST"])
@login_required
@blp.arguments(CompoundWriteSchema)
@blp.response(201, CompoundDetailSchema)
def create_compound(data):
    """A compound in a community of your jurisdiction; audited."""
    compound = places_admin.create_compound(current_user, data)
    return compound_detail(current_user, compound.id)


@blp.route("/places/compounds/<int:compound_id>", methods=["PATCH"])
@login_required
@blp.arguments(CompoundPatchSchema)
@blp.response(200, CompoundDetailSchema)
def update_compound(data, compound_id):
    """Change a compound (another community only while no grid covers it); audited."""
    places_admin.update_compound(current_user, compound_id, data)
    return compound_detail(current_user, compound_id)


@blp.route("/places/compounds/<int:compound_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_compound(compound_id):
    """Delete a compound without buildings (else 422 compound_not_empty); audited."""
    places_admin.delete_compound(current_user, compound_id)


@blp.route("/places/compounds/<int:compound_id>/committee", methods=["PUT"])
@login_required
@blp.arguments(CommitteeWriteSchema)
@blp.response(200, OwnersCommitteeSchema)
def put_committee(data, compound_id):
    """The compound's owners' committee (业委会), created or replaced whole; audited."""
    return places_admin.put_committee(current_user, compound_id, data)


@blp.route("/places/compounds/<int:compound_id>/committee", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_committee(compound_id):
    """Remove the compound's owners' committee; audited."""
    places_admin.delete_committee(current_user, compound_id)


@blp.route("/places/compounds/<int:compound_id>/buildings", methods=["POST"])
@login_required
@blp.arguments(BuildingWriteSchema)
@blp.response(201, BuildingSchema)
def create_building(data, compound_id):
    """A building of the compound (names unique in it); audited."""
    return places_admin.create_building(current_user, compound_id, data)


@blp.route("/places/buildings/<int:building_id>", methods=["PATCH"])
@login_required
@blp.arguments(BuildingPatchSchema)
@blp.response(200, BuildingSchema)
def update_building(data, building_id):
    """Rename a building or change its units and floors; audited."""
    return places_admin.update_building(current_user, building_id, data)


@blp.route("/places/buildings/<int:building_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_building(building_id):
    """Delete a building without households (else 422 building_not_empty); audited."""
    places_admin.delete_building(current_user, building_id)


@blp.route("/places/buildings/<int:building_id>/households", methods=["POST"])
@login_required
@blp.arguments(HouseholdWriteSchema)
@blp.response(201, HouseholdSchema)
def create_household(data, building_id):
    """A household (unit and room, unique in the building); audited."""
    return places_admin.create_household(current_user, building_id, data)


@blp.route("/places/households/<int:household_id>", methods=["PATCH"])
@login_required
@blp.arguments(HouseholdPatchSchema)
@blp.response(200, HouseholdSchema)
def update_household(data, household_id):
    """Change a household's unit or room; audited."""
    return places_admin.update_household(current_user, household_id, data)


@blp.route("/places/households/<int:household_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_household(household_id):
    """Delete a household with no residents and no resident accounts; audited."""
    places_admin.delete_household(current_user, household_id)


@blp.route("/places/households/<int:household_id>/residents", methods=["POST"])
@login_required
@blp.arguments(ResidentWriteSchema)
@blp.response(201, ResidentAdminSchema)
def create_resident(data, household_id):
    """Register a resident in a household; audited."""
    return places_admin.create_resident(current_user, household_id, data)


@blp.route("/places/residents/<int:resident_id>", methods=["PATCH"])
@login_required
@blp.arguments(ResidentPatchSchema)
@blp.response(200, ResidentAdminSchema)
def update_resident(data, resident_id):
    """Change a resident (name, phone, gender, birth year, relation, care flags); audited (a
    changed phone number is not copied into the audit log)."""
    return places_admin.update_resident(current_user, resident_id, data)


@blp.route("/places/residents/<int:resident_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_resident(resident_id):
    """Remove a resident from the register; audited."""
    places_admin.delete_resident(current_user, resident_id)


# --- property companies -------------------------------------------------------------------------


@blp.route("/places/companies", methods=["GET"])
@login_required
@blp.arguments(CompanyListArgsSchema, location="query")
@blp.response(200, CompanyPageSchema)
def companies(args):
    """Property companies (admins), by name; each says whether you may edit it."""
    return places_admin.list_companies(current_user, **args)


@blp.route("/places/companies", methods=["POST"])
@login_required
@blp.arguments(CompanyWriteSchema)
@blp.response(201, CompanyDetailSchema)
def create_company(data):
    """A property company (统一社会信用代码 checked); audited."""
    return places_admin.create_company(current_user, data)


@blp.route("/places/companies/<int:company_id>", methods=["GET"])
@login_required
@blp.response(200, CompanyDetailSchema)
def company(company_id):
    """One property company."""
    return places_admin.company_detail(current_user, company_id)


@blp.route("/places/companies/<int:company_id>", methods=["PATCH"])
@login_required
@blp.arguments(CompanyPatchSchema)
@blp.response(200, CompanyDetailSchema)
def update_company(data, company_id):
    """Change a company: only an admin over every compound it manages (403 company_spans);
    audited."""
    return places_admin.update_company(current_user, company_id, data)


@blp.route("/places/companies/<int:company_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_company(company_id):
    """Delete a company managing no compound (else 422 company_in_use); audited."""
    places_admin.delete_company(current_user, company_id)
