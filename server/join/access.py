"""Who may invite to, and decide requests for, which households (PROTOCOL.md §19): the grid
workers of the grids covering a household (its compound whole, or its building), and the
admins whose jurisdiction holds its community. A grid worker's directory is exactly these."""

from sqlalchemy import false, or_, select

from server import authz
from server.auth.models import RoleAssignment, User
from server.extensions import db
from server.org.models import Building, Compound, GridCoverage, Household


def grids_covering_household(household_id: int):
    """The ids of the grids covering a household, as a subquery."""
    building = select(Household.building_id).where(Household.id == household_id).scalar_subquery()
    compound = select(Building.compound_id).where(Building.id == building).scalar_subquery()
    return select(GridCoverage.grid_id).where(
        or_(GridCoverage.building_id == building, GridCoverage.compound_id == compound)
    )


def workers_covering_household(household_id: int) -> list[int]:
    """The grid workers who may invite to this household."""
    return list(
        db.session.scalars(
            select(RoleAssignment.user_id)
            .where(RoleAssignment.role == "grid_worker")
            .where(RoleAssignment.org_unit_id.in_(grids_covering_household(household_id)))
            .distinct()
        )
    )


def deciders_of_compound(compound_id: int) -> list[int]:
    """Who hears of a request to join a household of this compound: the grid workers covering
    it (whole, or any of its buildings) and the admins of its community itself (not every admin
    above: a city admin is not a compound's doorkeeper, though they may decide too)."""
    grids = select(GridCoverage.grid_id).where(
        or_(
            GridCoverage.compound_id == compound_id,
            GridCoverage.building_id.in_(select(Building.id).where(Building.compound_id == compound_id)),
        )
    )
    community = select(Compound.community_id).where(Compound.id == compound_id).scalar_subquery()
    return list(
        db.session.scalars(
            select(RoleAssignment.user_id)
            .where(
                or_(
                    (RoleAssignment.role == "grid_worker") & RoleAssignment.org_unit_id.in_(grids),
                    (RoleAssignment.role == "admin") & (RoleAssignment.org_unit_id == community),
                )
            )
            .distinct()
        )
    )


def decidable_compounds(user: User):
    """The compounds whose requests `user` sees and decides, as a subquery: those in their
    directory (grid workers, admins), never a steward's, a volunteer's or a resident's."""
    s = authz.scopes_of(user)
    if not authz.works_on_places(s):
        return select(Compound.id).where(Compound.id.is_(None))
    grids = authz.working_grids(s)
    clauses = [
        Compound.id.in_(select(GridCoverage.compound_id).where(GridCoverage.grid_id.in_(grids))),
        Compound.id.in_(
            select(Building.compound_id).where(
                Building.id.in_(select(GridCoverage.building_id).where(GridCoverage.grid_id.in_(grids)))
            )
        ),
    ]
    if s.admin_paths:
        clauses.append(Compound.community_id.in_(authz.units_under(s.admin_paths)))
    return select(Compound.id).where(or_(*clauses))


def in_directory(user: User, household_id: int) -> bool:
    """Whether a household is in the directory of `user` as a grid worker or admin."""
    s = authz.scopes_of(user)
    if not authz.works_on_places(s):
        return False
    grids = authz.working_grids(s)
    found = (
        select(Household.id)
        .join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Household.id == household_id)
        .where(
            or_(
                Building.id.in_(select(GridCoverage.building_id).where(GridCoverage.grid_id.in_(grids))),
                Compound.id.in_(select(GridCoverage.compound_id).where(GridCoverage.grid_id.in_(grids))),
                Compound.community_id.in_(authz.units_under(s.admin_paths)) if s.admin_paths else false(),
            )
        )
    )
    return db.session.scalar(found) is not None


def households_of(user: User) -> list[int]:
    """The households a user is bound to (resident@household)."""
    return sorted(authz.scopes_of(user).household_ids)


def key_buckets(values) -> list[str]:
    """An invitation key lives in user:<its worker> alone."""
    user_id = values.get("user_id")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return []
    return [f"user:{user_id}"]
