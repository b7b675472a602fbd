"""Authorization: the one place that answers "may this user do this to this object" and
"which rows may this user see". Every endpoint and service asks here; nothing re-implements it.

Scopes (DESIGN.md §1): admin@org unit (its whole subtree), grid_worker@grid (the compounds and
buildings the grid covers), red_steward@compound, property_staff@company (the company's
compounds), resident@household, volunteer@community. Reads outside scope are answered as
"not found" (404) so that ids outside a scope reveal nothing; a role that may never do an
action at all gets "forbidden" (403).

Grid work: tasks and field reports are seen by the admins above their grid and the grid's
workers; admins manage them ("tasks.manage") in their jurisdiction ("tasks.manage_in" a unit).
What a worker may change in a synced record is decided by the sync rules (server/tasks/rules.py).

Accounts span scopes: one person may work a grid here and be a district admin there. An admin
sees (and grants and revokes roles inside the jurisdiction of) every account holding a role in
it, but changes an account as a whole ("account.manage": password, name, language, active) only
when every role it holds is inside the jurisdiction; the others are managed elsewhere.

Other parts add what only they know, at assembly (create_app): the rows of their models a user
sees (register_visibility: tasks, inspections), actions on their objects (register_action:
photos, server/blobs/access.py) and who else may read a photo (register_blob_reader).
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select, true, union_all
from sqlalchemy.sql.elements import ColumnElement

from server.auth.models import ROLES, RoleAssignment, User
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import (
    Building,
    Compound,
    GridCoverage,
    Household,
    OrgUnit,
    PropertyCompany,
    Resident,
)


@dataclass(frozen=True)
class Scopes:
    """The scope ids of one user, by role."""

    admin_paths: tuple[str, ...] = ()
    grid_ids: frozenset[int] = frozenset()
    steward_compound_ids: frozenset[int] = frozenset()
    company_ids: frozenset[int] = frozenset()
    household_ids: frozenset[int] = frozenset()
    volunteer_community_ids: frozenset[int] = frozenset()
    is_root_admin: bool = False

    @property
    def is_admin(self) -> bool:
        return bool(self.admin_paths)


def scopes_of(user: User) -> Scopes:
    """Load a user's scopes once per loaded user object (one request: Flask-Login loads it anew)."""
    cached = getattr(user, "_redgrid_scopes", None)
    if cached is not None:
        return cached
    rows = db.session.execute(
        select(RoleAssignment, OrgUnit.path, OrgUnit.parent_id)
        .outerjoin(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(RoleAssignment.user_id == user.id)
    ).all()
    ids: dict[str, set[int]] = {role: set() for role in ROLES}
    admin_paths, root = [], False
    for assignment, path, parent_id in rows:
        if assignment.role == "admin":
            admin_paths.append(path)
            root = root or parent_id is None
        ids[assignment.role].add(assignment.scope_id)
    scopes = Scopes(
        admin_paths=tuple(_outermost(admin_paths)),
        grid_ids=frozenset(ids["grid_worker"]),
        steward_compound_ids=frozenset(ids["red_steward"]),
        company_ids=frozenset(ids["property_staff"]),
        household_ids=frozenset(ids["resident"]),
        volunteer_community_ids=frozenset(ids["volunteer"]),
        is_root_admin=root,
    )
    user._redgrid_scopes = scopes
    return scopes


def forget_scopes(user: User) -> None:
    """Drop the cached scopes after a role change in this request."""
    user._redgrid_scopes = None


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths inside another path of the list (their subtree is already covered)."""
    kept = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


# --- "which rows may this user see" ------------------------------------------------------


def _in_subtrees(paths) -> ColumnElement:
    return or_(*[subtree_of(p) for p in paths]) if paths else false()


def subtree_of(path: str, column=None) -> ColumnElement:
    """Org units at or below `path`, as an index range on both databases.

    PostgreSQL: LIKE 'prefix%' uses the varchar_pattern_ops index. SQLite: its LIKE ignores
    case and cannot use an index, but a range does; its default collation compares bytes, and
    every path below "/1/5/" sorts between "/1/5/" and "/1/50" ("/" + 1 is "0").
    `column`: another column holding org paths (default org_units.path)."""
    column = OrgUnit.path if column is None else column
    if db.session.get_bind().dialect.name == "sqlite":
        return (column >= path) & (column < path[:-1] + "0")
    return column.startswith(path)


def units_under(paths):
    return select(OrgUnit.id).where(_in_subtrees(paths))


def working_grids(s: Scopes):
    """Grids whose places the user works on: every unit in admin subtrees plus own grids."""
    return select(OrgUnit.id).where(or_(_in_subtrees(s.admin_paths), OrgUnit.id.in_(s.grid_ids)))


def _covered_compounds(s: Scopes):
    return select(GridCoverage.compound_id).where(
        GridCoverage.grid_id.in_(working_grids(s)), GridCoverage.compound_id.is_not(None)
    )


def _covered_buildings(s: Scopes):
    return select(GridCoverage.building_id).where(
        GridCoverage.grid_id.in_(working_grids(s)), GridCoverage.building_id.is_not(None)
    )


def works_on_places(s: Scopes) -> bool:
    return bool(s.admin_paths or s.grid_ids)


def _directory_buildings(s: Scopes) -> ColumnElement:
    """Buildings whose households an admin or grid worker may see."""
    if not works_on_places(s):
        return false()
    clauses = [
        Building.id.in_(_covered_buildings(s)),
        Building.compound_id.in_(_covered_compounds(s)),
    ]
    if s.admin_paths:
        admin_compounds = select(Compound.id).where(Compound.community_id.in_(units_under(s.admin_paths)))
        clauses.append(Building.compound_id.in_(admin_compounds))
    return or_(*clauses)


def visible_compounds(user: User) -> ColumnElement:
    s = scopes_of(user)
    if s.is_root_admin:
        return true()  # the whole city: no filter to evaluate
    clauses = []
    if works_on_places(s):
        clauses += [
            Compound.id.in_(_covered_compounds(s)),
            Compound.id.in_(select(Building.compound_id).where(Building.id.in_(_covered_buildings(s)))),
        ]
    if s.admin_paths:
        clauses.append(Compound.community_id.in_(units_under(s.admin_paths)))
    if s.steward_compound_ids:
        clauses.append(Compound.id.in_(s.steward_compound_ids))
    if s.company_ids:
        clauses.append(Compound.property_company_id.in_(s.company_ids))
    if s.volunteer_community_ids:
        clauses.append(Compound.community_id.in_(s.volunteer_community_ids))
    if s.household_ids:
        clauses.append(Compound.id.in_(_resident_compounds(s)))
    return or_(*clauses) if clauses else false()


def _resident_compounds(s: Scopes):
    return (
        select(Building.compound_id)
        .join(Household, Household.building_id == Building.id)
        .where(Household.id.in_(s.household_ids))
    )


def visible_buildings(user: User) -> ColumnElement:
    s = scopes_of(user)
    if s.is_root_admin:
        return true()
    clauses = [_directory_buildings(s)]
    if s.steward_compound_ids:
        clauses.append(Building.compound_id.in_(s.steward_compound_ids))
    if s.company_ids:
        company_compounds = select(Compound.id).where(Compound.property_company_id.in_(s.company_ids))
        clauses.append(Building.compound_id.in_(company_compounds))
    if s.household_ids:
        clauses.append(Building.id.in_(select(Household.building_id).where(Household.id.in_(s.household_ids))))
    return or_(*clauses)


def visible_households(user: User) -> ColumnElement:
    """Households: admins and grid workers of the covering grids; a resident their own."""
    s = scopes_of(user)
    if s.is_root_admin:
        return true()
    clauses = []
    if works_on_places(s):
        clauses.append(Household.building_id.in_(select(Building.id).where(_directory_buildings(s))))
    if s.household_ids:
        clauses.append(Household.id.in_(s.household_ids))
    return or_(*clauses) if clauses else false()


def kept_households(user: User) -> ColumnElement:
    """Households whose directory the user keeps (admins of the area, its grid workers): the
    register they may correct and merge (server/org/duplicates.py), not a resident's own home."""
    s = scopes_of(user)
    if s.is_root_admin:
        return true()
    return Household.building_id.in_(select(Building.id).where(_directory_buildings(s)))


def visible_residents(user: User) -> ColumnElement:
    return Resident.household_id.in_(select(Household.id).where(visible_households(user)))


def visible_org_units(user: User) -> ColumnElement:
    """Admin subtrees, own grids and communities, and the ancestors of every scope (for paths)."""
    s = scopes_of(user)
    anchors = set(s.admin_paths)
    anchor_units = s.grid_ids | s.volunteer_community_ids
    if anchor_units:
        anchors |= set(db.session.scalars(select(OrgUnit.path).where(OrgUnit.id.in_(anchor_units))))
    if s.steward_compound_ids or s.company_ids or s.household_ids:
        place_filter = or_(
            Compound.id.in_(s.steward_compound_ids),
            Compound.property_company_id.in_(s.company_ids),
            Compound.id.in_(_resident_compounds(s)),
        )
        anchors |= set(
            db.session.scalars(
                select(OrgUnit.path).join(Compound, Compound.community_id == OrgUnit.id).where(place_filter).distinct()
            )
        )
    ancestor_ids = {int(part) for path in anchors for part in path.strip("/").split("/") if part}
    return or_(_in_subtrees(s.admin_paths), OrgUnit.id.in_(ancestor_ids))


def visible_users(user: User) -> ColumnElement:
    """Users an admin manages: those holding a role inside the admin's jurisdiction. Holding one
    is enough to be seen; changing the account as a whole needs all (users_managed_elsewhere)."""
    s = scopes_of(user)
    if not s.is_admin:
        return false()
    return _holding_inside(s)


def users_managed_elsewhere(admin: User, user_ids) -> set[int]:
    """Of these users, those holding a role outside the admin's jurisdiction (scope.grant).

    Their password, name, language and active state belong to whoever is over all their roles:
    else a community admin could re-password a district admin who also works a grid in the
    community, and sign in with the district's powers (issue 12)."""
    s = scopes_of(admin)
    ids = set(user_ids)
    if s.is_root_admin or not ids:
        return set()
    outside = select(RoleAssignment.user_id).where(RoleAssignment.user_id.in_(ids), ~_held_inside(s, ids))
    return set(db.session.scalars(outside.distinct()))


def assignments_within(admin: User, user_id: int) -> list[RoleAssignment]:
    """A user's role assignments inside the admin's jurisdiction, the only ones the admin sees
    and may revoke."""
    s = scopes_of(admin)
    if not s.is_admin:
        return []
    query = select(RoleAssignment).where(RoleAssignment.user_id == user_id, _held_inside(s, [user_id]))
    return list(db.session.scalars(query.order_by(RoleAssignment.id)))


def audit_in_jurisdiction(user: User, path_column, actor_column) -> ColumnElement:
    """Audit entries an admin reads: those whose org path lies in the admin's subtrees and their
    own actions; a city-level admin all of them."""
    s = scopes_of(user)
    if s.is_root_admin:
        return true()
    if not s.is_admin:
        return false()
    return or_(*[subtree_of(p, path_column) for p in s.admin_paths], actor_column == user.id)


def assignments_of_within(admin: User, user_ids) -> tuple[list[RoleAssignment], set[int]]:
    """For a page of users in one query: their role assignments inside the admin's jurisdiction,
    and which of them are managed elsewhere (hold a role outside it; see users_managed_elsewhere)."""
    s = scopes_of(admin)
    ids = list(user_ids)
    if not s.is_admin or not ids:
        return [], set()
    inside = _held_inside(s, ids)
    rows = db.session.execute(
        select(RoleAssignment, inside.label("inside"))
        .where(RoleAssignment.user_id.in_(ids))
        .order_by(RoleAssignment.user_id, RoleAssignment.id)
    ).all()
    return [a for a, held in rows if held], {a.user_id for a, held in rows if not held}


def users_holding_within(admin: User, role: str | None = None, unit: OrgUnit | None = None) -> ColumnElement:
    """Users holding `role` (any role: None) inside the admin's jurisdiction, or inside `unit`'s
    subtree (a unit the caller checked is in the jurisdiction): a role held elsewhere stays
    unseen, in a filter as in the detail."""
    s = scopes_of(admin)
    if not s.is_admin:
        return false()
    return _holding_inside(s if unit is None else Scopes(admin_paths=(unit.path,)), role)


def count_users_holding(admin: User, role: str | None = None, unit: OrgUnit | None = None) -> int:
    """How many users users_holding_within() selects, counted from the role assignments' side: each
    arm of _granted_assignments reads its own index (org_unit_id, compound_id …), not every user."""
    s = scopes_of(admin)
    if not s.is_admin:
        return 0
    inside = s if unit is None else Scopes(admin_paths=(unit.path,))
    if inside.is_root_admin:
        held = select(RoleAssignment.user_id)
        held = held.where(RoleAssignment.role == role) if role is not None else held
    else:
        held = _granted_assignments(inside, RoleAssignment.user_id, role=role)
    return db.session.scalar(select(func.count(func.distinct(held.subquery().c.user_id))))


def _holding_inside(s: Scopes, role: str | None = None) -> ColumnElement:
    """Users holding a role (`role`, or any) inside an admin's jurisdiction, as an EXISTS on users:
    the same rule as _granted_assignments, probed per user through role_assignments.user_id, so a
    search that keeps few users costs few probes (bench/people_search.py)."""
    if s.is_root_admin and role is None:
        return true()
    ra = select(RoleAssignment.id).where(RoleAssignment.user_id == User.id)
    if role is not None:
        ra = ra.where(RoleAssignment.role == role)
    if not s.is_root_admin:
        units = units_under(s.admin_paths)
        ra = (
            ra.outerjoin(Compound, Compound.id == RoleAssignment.compound_id)
            .outerjoin(Household, Household.id == RoleAssignment.household_id)
            .outerjoin(Building, Building.id == Household.building_id)
            .where(
                or_(
                    RoleAssignment.org_unit_id.in_(units),
                    Compound.community_id.in_(units),
                    (RoleAssignment.household_id.is_not(None)) & _directory_buildings(s),
                    RoleAssignment.company_id.in_(_companies_within(s)),
                )
            )
        )
    return ra.exists()


def _held_inside(s: Scopes, user_ids=None) -> ColumnElement:
    """Role assignments inside an admin's jurisdiction, as a WHERE clause on role_assignments;
    `user_ids`: those of these users only (a page's: the subquery stays a page's size)."""
    if s.is_root_admin:
        return true()
    return RoleAssignment.id.in_(_granted_assignments(s, RoleAssignment.id, user_ids))


def _granted_assignments(s: Scopes, column, user_ids=None, role: str | None = None):
    """`column` of the role assignments inside an admin's jurisdiction (scope.grant, as
    _scope_within answers it for one scope).

    Each arm starts from role_assignments (a few rows per user) and joins towards the org
    tree, so the cost follows the number of assignments, not the number of households."""
    units = units_under(s.admin_paths)
    by_unit = select(column).where(RoleAssignment.org_unit_id.in_(units))
    by_compound = (
        select(column).join(Compound, Compound.id == RoleAssignment.compound_id).where(Compound.community_id.in_(units))
    )
    by_household = (
        select(column)
        .join(Household, Household.id == RoleAssignment.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(_directory_buildings(s))
    )
    by_company = select(column).where(RoleAssignment.company_id.in_(_companies_within(s)))
    arms = (by_unit, by_compound, by_household, by_company)
    if user_ids is not None:
        arms = tuple(arm.where(RoleAssignment.user_id.in_(list(user_ids))) for arm in arms)
    if role is not None:
        arms = tuple(arm.where(RoleAssignment.role == role) for arm in arms)
    return union_all(*arms)  # only ever the right side of IN: no need to drop duplicates


def _companies_within(s: Scopes):
    """Companies all of whose compounds lie inside the admin's subtrees."""
    outside = select(Compound.property_company_id).where(
        Compound.property_company_id.is_not(None),
        Compound.community_id.not_in(units_under(s.admin_paths)),
    )
    inside = select(Compound.property_company_id).where(Compound.community_id.in_(units_under(s.admin_paths)))
    return select(PropertyCompany.id).where(PropertyCompany.id.in_(inside), PropertyCompany.id.not_in(outside))


def jurisdiction(user: User, model) -> ColumnElement:
    """The org units, compounds or companies a user works over, as a WHERE clause: for an admin
    what they may grant roles on (scope.grant, the admin subtrees); for anyone else what they see
    (a company: their own). The scope picker searches these (GET /api/org/scopes)."""
    s = scopes_of(user)
    if s.is_root_admin:
        return true()
    if model is OrgUnit:
        return _in_subtrees(s.admin_paths) if s.is_admin else visible_org_units(user)
    if model is Compound:
        return Compound.community_id.in_(units_under(s.admin_paths)) if s.is_admin else visible_compounds(user)
    if model is PropertyCompany:
        return PropertyCompany.id.in_(_companies_within(s)) if s.is_admin else PropertyCompany.id.in_(s.company_ids)
    raise ValueError(f"no jurisdiction over {model!r}")


VISIBILITY = {
    OrgUnit: visible_org_units,
    Compound: visible_compounds,
    Building: visible_buildings,
    Household: visible_households,
    Resident: visible_residents,
    User: visible_users,
}


def register_visibility(model, fn: Callable[[User], ColumnElement]) -> None:
    """A part's rows (tasks, inspections …): `fn(user)` is the WHERE clause of those the user
    may see, written with the scopes helpers above (create_app registers each part's)."""
    VISIBILITY[model] = fn


def visible(user: User, model) -> ColumnElement:
    """The WHERE clause selecting the rows of `model` that `user` may see."""
    return VISIBILITY[model](user)


def get_visible(user: User, model, id_: int):
    """Load one row by id if the user may see it, else raise NotFound (no existence leak)."""
    row = db.session.scalar(select(model).where(model.id == id_, visible(user, model)))
    if row is None:
        raise NotFound(_("error.not_found"))
    return row


# --- "may this user do this to this object" ----------------------------------------------


def can(user: User, action: str, obj=None) -> bool:
    """Answer whether `user` may perform `action` (on `obj`, when the action needs one)."""
    s = scopes_of(user)
    if action == "read":
        model = type(obj)
        return db.session.scalar(select(model.id).where(model.id == obj.id, visible(user, model))) is not None
    if action in ("users.manage", "users.create"):
        return s.is_admin
    if action == "audit.read":  # entries of the admin's jurisdiction (audit_in_jurisdiction)
        return s.is_admin
    if action == "tasks.manage":  # create, assign and follow tasks, handle field reports
        return s.is_admin
    if action == "alerts.publish":  # write, approve and follow alerts (server/alerts/publishing.py)
        return s.is_admin
    if action == "tasks.manage_in":  # obj: an org unit; the admin's jurisdiction holds it
        return s.is_root_admin or any(obj.path.startswith(p) for p in s.admin_paths)
    if action == "scope.grant":  # obj: (scope_type, scope_row)
        return s.is_admin and _scope_within(s, *obj)
    if action == "account.manage":  # obj: a User; password, name, language, active: over every role
        return s.is_admin and can(user, "read", obj) and not users_managed_elsewhere(user, [obj.id])
    if action == "account.reset_code":  # obj: a User; a one-time password code (PROTOCOL.md §19.5)
        return can(user, "account.manage", obj) or _grid_worker_over_resident(s, obj, every=True)
    if action == "account.seen_for_reset":  # obj: a User; the issuer knows the account (403, not 404)
        return can(user, "read", obj) or _grid_worker_over_resident(s, obj, every=False)
    if action in _ACTIONS:  # "blob.upload"; "blob.read", obj: the blob's sha256 (server/blobs/access.py)
        return _ACTIONS[action](user, obj)
    if action == "directory.read":  # obj: an org unit; only a grid has a directory
        return _can_read_directory(s, obj)
    if action == "resident.phone":  # obj: a Resident; the full number, beyond the masked one
        return _can_read_full_phone(user, s, obj)
    if action == "resident.update":  # obj: a Resident; its care flags, checked (信息核实) by who keeps its directory
        return _can_read_full_phone(user, s, obj)
    raise ValueError(f"unknown action {action!r}")


def require(user: User, action: str, obj=None) -> None:
    """Raise Forbidden unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise Forbidden(_("error.forbidden"))


def _scope_within(s: Scopes, scope_type: str, row) -> bool:
    """A scope inside the admin's jurisdiction: the same rule as _granted_assignments."""
    if s.is_root_admin:
        return True
    if scope_type == "org_unit":
        return any(row.path.startswith(p) for p in s.admin_paths)
    if scope_type == "compound":
        return any(row.community.path.startswith(p) for p in s.admin_paths)
    if scope_type == "household":
        # The directory an admin keeps, not whatever the account may read: an admin who is also
        # a resident elsewhere reads that household, but it is not theirs to give out.
        found = select(Household.id).join(Building, Building.id == Household.building_id)
        return db.session.scalar(found.where(Household.id == row.id, _directory_buildings(s))) is not None
    if scope_type == "company":
        return db.session.scalar(_companies_within(s).where(PropertyCompany.id == row.id)) is not None
    return False


def _grid_worker_over_resident(s: Scopes, target: User, every: bool) -> bool:
    """Whether the account is a resident of households in the grid worker's grids: `every` role
    it holds (it is nothing else: a password code for an account that also works a grid or
    keeps a compound is an admin's), or at least one (the worker knows the account)."""
    if not s.grid_ids:
        return False
    held = db.session.execute(
        select(RoleAssignment.role, RoleAssignment.household_id).where(RoleAssignment.user_id == target.id)
    ).all()
    households = {household_id for role, household_id in held if role == "resident"}
    if not households or (every and any(role != "resident" for role, _ in held)):
        return False
    worker = Scopes(grid_ids=s.grid_ids)  # the grids only, not an admin role the worker may hold too
    found = select(Household.id).join(Building, Building.id == Household.building_id)
    inside = set(db.session.scalars(found.where(Household.id.in_(households), _directory_buildings(worker))))
    return inside == households if every else bool(inside)


# --- the grid directory (DESIGN.md §1: a grid worker sees the directory of own grids only) ---


def _can_read_directory(s: Scopes, unit: OrgUnit) -> bool:
    """A grid's directory: its grid workers and the admins whose subtree holds it. Residents,
    volunteers and stewards may see a grid's ancestors for paths, never its directory."""
    if unit.kind != "grid":
        return False
    return unit.id in s.grid_ids or any(unit.path.startswith(p) for p in s.admin_paths)


def _can_read_full_phone(user: User, s: Scopes, resident: Resident) -> bool:
    """A resident's full number: whoever may read a directory listing that resident. A resident
    account sees its own household (masked) but never gets full numbers through this door."""
    if s.is_root_admin:
        return True
    if not works_on_places(s):
        return False
    found = db.session.scalar(
        select(Household.id)
        .join(Building, Building.id == Household.building_id)
        .where(Household.id == resident.household_id, _directory_buildings(s))
    )
    return found is not None


# --- actions other parts answer -----------------------------------------------------------

# name -> fn(user, obj) -> bool, registered at assembly by the part that owns the objects
# (server/blobs/access.py: "blob.upload", "blob.read").
_ACTIONS: dict[str, Callable[[User, object], bool]] = {}


def holds_household(user_id: int, household_id: int) -> bool:
    """Whether the user is a resident of this household: what a resident files for it (a wish,
    a need) is theirs to file."""
    held = db.session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user_id,
            RoleAssignment.role == "resident",
            RoleAssignment.household_id == household_id,
        )
    )
    return held is not None


def register_action(name: str, fn: Callable[[User, object], bool]) -> None:
    _ACTIONS[name] = fn


# Checks fn(user, sha256) -> bool that grant reading a blob beyond its holders. The sync engine
# registers "can see a record that references this blob"; until then only holders read.
blob_readers: list[Callable[[User, str], bool]] = []


def register_blob_reader(fn: Callable[[User, str], bool]) -> Callable[[User, str], bool]:
    """Add a reader check (registering the same function twice adds it once); usable as a decorator."""
    if fn not in blob_readers:
        blob_readers.append(fn)
    return fn


def unregister_blob_reader(fn: Callable[[User, str], bool]) -> None:
    """Remove a reader check added with register_blob_reader."""
    if fn in blob_readers:
        blob_readers.remove(fn)
