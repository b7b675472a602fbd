"""Who an alert reaches (DESIGN.md S3): any mix of org subtrees, grids, compounds and buildings,
narrowed to roles (no roles: every role), within the author's jurisdiction.

From the targeted places to people:
- the places: the org units at or below each targeted unit and grid (U); the compounds whose
  community is in U, those the grids in U cover whole, and the targeted ones (C); the buildings
  of C, those the grids in U cover one by one, and the targeted ones (B);
- residents (resident@household) of households in B;
- grid workers of grids in U and of the grids covering a compound in C, a building in B or the
  compound of a building in B;
- red stewards of the compounds in C and of the compounds of buildings in B;
- property staff of the companies managing a compound in C;
- volunteers of communities in U; admins of units in U.
Nobody else: a building's notice never reaches its neighbours.

No place at all means the author's whole jurisdiction (an alert to "every grid worker").

Scope: the author must be an admin, and every targeted place must lie in one of their subtrees
(a compound or building by its community). A place outside it, or one that does not exist, is
refused with its field and ids ("targeting.compound_ids": ["… 12"]): ids outside a scope reveal
nothing more than ids that do not exist.
"""

from dataclasses import dataclass

from sqlalchemy import or_, select, union

from server import authz
from server.auth.models import RoleAssignment, User
from server.errors import Invalid
from server.extensions import db
from server.i18n import _
from server.org.models import Building, Compound, GridCoverage, Household, OrgUnit, PropertyCompany

PLACE_FIELDS = ("org_unit_ids", "grid_ids", "compound_ids", "building_ids")


@dataclass(frozen=True)
class Targeting:
    org_unit_ids: tuple[int, ...] = ()
    grid_ids: tuple[int, ...] = ()
    compound_ids: tuple[int, ...] = ()
    building_ids: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: dict) -> "Targeting":
        return cls(**{k: tuple(sorted(set(values.get(k) or ()))) for k in (*PLACE_FIELDS, "roles")})

    def as_json(self) -> dict:
        return {k: list(getattr(self, k)) for k in (*PLACE_FIELDS, "roles")}

    @property
    def has_places(self) -> bool:
        return any(getattr(self, k) for k in PLACE_FIELDS)


def check_scope(author, targeting: Targeting) -> None:
    """Refuse (422, per field) places outside the author's jurisdiction, or that do not exist."""
    paths = authz.scopes_of(author).admin_paths
    if not paths:
        raise Invalid(_("alerts.error.not_publisher"), {"targeting": [_("alerts.error.not_publisher")]})
    inside = authz._in_subtrees(paths)
    errors = {}
    checks = {
        "org_unit_ids": select(OrgUnit.id).where(inside),
        "grid_ids": select(OrgUnit.id).where(inside, OrgUnit.kind == "grid"),
        "compound_ids": select(Compound.id).join(OrgUnit, OrgUnit.id == Compound.community_id).where(inside),
        "building_ids": select(Building.id)
        .join(Compound, Compound.id == Building.compound_id)
        .join(OrgUnit, OrgUnit.id == Compound.community_id)
        .where(inside),
    }
    for name, query in checks.items():
        wanted = set(getattr(targeting, name))
        if not wanted:
            continue
        column = query.selected_columns[0]
        found = set(db.session.scalars(query.where(column.in_(wanted))))
        outside = sorted(wanted - found)
        if outside:
            errors[f"targeting.{name}"] = [_("alerts.error.outside_scope", ids=", ".join(map(str, outside)))]
    if errors:
        raise Invalid(_("alerts.error.outside_scope_summary"), errors)


def is_wide(targeting: Targeting) -> bool:
    """A target that includes a whole street or district (or above): such alerts need approval
    by an admin above the target (server/notices/service.py)."""
    if not targeting.org_unit_ids:
        return False
    kinds = set(db.session.scalars(select(OrgUnit.kind).where(OrgUnit.id.in_(targeting.org_unit_ids))))
    return bool(kinds & {"city", "district", "street"})


def jurisdiction(author) -> Targeting:
    """The author's whole jurisdiction as a target (their admin units)."""
    paths = authz.scopes_of(author).admin_paths
    ids = [int(p.strip("/").split("/")[-1]) for p in paths]
    return Targeting(org_unit_ids=tuple(ids))


def resolve(targeting: Targeting, author=None) -> list[int]:
    """The ids of the users the targeting reaches (sorted, each once)."""
    if not targeting.has_places:
        if author is None:
            return []
        targeting = Targeting(**{**jurisdiction(author).__dict__, "roles": targeting.roles})
    roles = set(targeting.roles) or {"admin", "grid_worker", "red_steward", "property_staff", "resident", "volunteer"}

    unit_paths = list(
        db.session.scalars(select(OrgUnit.path).where(OrgUnit.id.in_(targeting.org_unit_ids + targeting.grid_ids)))
    )
    units = (
        select(OrgUnit.id).where(authz._in_subtrees(unit_paths))
        if unit_paths
        else select(OrgUnit.id).where(OrgUnit.id.in_([]))
    )
    compounds = union(
        select(Compound.id).where(Compound.community_id.in_(units)),
        select(GridCoverage.compound_id).where(GridCoverage.grid_id.in_(units), GridCoverage.compound_id.is_not(None)),
        select(Compound.id).where(Compound.id.in_(targeting.compound_ids)),
    ).subquery()
    compound_ids = select(compounds.c[0])
    buildings = union(
        select(Building.id).where(Building.compound_id.in_(compound_ids)),
        select(GridCoverage.building_id).where(GridCoverage.grid_id.in_(units), GridCoverage.building_id.is_not(None)),
        select(Building.id).where(Building.id.in_(targeting.building_ids)),
    ).subquery()
    building_ids = select(buildings.c[0])

    who = []
    A = RoleAssignment
    if "resident" in roles:
        who.append(
            (A.role == "resident")
            & A.household_id.in_(select(Household.id).where(Household.building_id.in_(building_ids)))
        )
    if "grid_worker" in roles:
        of_buildings = select(Building.compound_id).where(Building.id.in_(building_ids))
        covering = select(GridCoverage.grid_id).where(
            or_(
                GridCoverage.compound_id.in_(compound_ids),
                GridCoverage.compound_id.in_(of_buildings),
                GridCoverage.building_id.in_(building_ids),
            )
        )
        who.append((A.role == "grid_worker") & or_(A.org_unit_id.in_(units), A.org_unit_id.in_(covering)))
    if "red_steward" in roles:
        of_buildings = select(Building.compound_id).where(Building.id.in_(targeting.building_ids))
        who.append((A.role == "red_steward") & or_(A.compound_id.in_(compound_ids), A.compound_id.in_(of_buildings)))
    if "property_staff" in roles:
        companies = select(Compound.property_company_id).where(
            Compound.id.in_(compound_ids), Compound.property_company_id.is_not(None)
        )
        who.append(
            (A.role == "property_staff")
            & A.company_id.in_(select(PropertyCompany.id).where(PropertyCompany.id.in_(companies)))
        )
    if "volunteer" in roles:
        who.append((A.role == "volunteer") & A.org_unit_id.in_(units))
    if "admin" in roles:
        who.append((A.role == "admin") & A.org_unit_id.in_(units))
    if not who:
        return []

    query = select(A.user_id).join(User, User.id == A.user_id).where(User.active.is_(True), or_(*who)).distinct()
    return sorted(db.session.scalars(query))
