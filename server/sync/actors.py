"""Who acts in the sync engine (PROTOCOL.md §2): a signed-in user, as the buckets of their scope
and the roles they hold in each; or the server itself, as SYSTEM in the buckets of the records
it writes (notices, orders, escalation), on behalf of a user or of its own account."""

from collections import defaultdict

from sqlalchemy import select

from server import authz
from server.auth.models import User
from server.extensions import db
from server.org.models import Building, Household
from sync import Actor

SYSTEM = "system"  # the role of the server's own writes; no client holds it


def actor_for(user: User) -> Actor:
    """The buckets of a user's scope and the roles held in each (PROTOCOL.md §2)."""
    s = authz.scopes_of(user)
    buckets: dict[str, set[str]] = defaultdict(set)
    buckets[f"user:{user.id}"].add("self")
    for path in s.admin_paths:
        buckets[f"org:{path.strip('/').split('/')[-1]}"].add("admin")
    for grid_id in s.grid_ids:
        buckets[f"grid:{grid_id}"].add("grid_worker")
    for compound_id in s.steward_compound_ids:
        buckets[f"compound:{compound_id}"].add("red_steward")
        buckets[f"steward:{compound_id}"].add("red_steward")  # inspections: not the residents' bucket
    for company_id in s.company_ids:
        buckets[f"company:{company_id}"].add("property_staff")
    for household_id in s.household_ids:
        buckets[f"household:{household_id}"].add("resident")
    if s.household_ids:
        compounds = db.session.scalars(
            select(Building.compound_id)
            .join(Household, Household.building_id == Building.id)
            .where(Household.id.in_(s.household_ids))
        )
        for compound_id in set(compounds):
            buckets[f"compound:{compound_id}"].add("resident")
    for community_id in s.volunteer_community_ids:
        buckets[f"community:{community_id}"].add("volunteer")
    return Actor(user.id, {bucket: frozenset(roles) for bucket, roles in buckets.items()})


SERVER_PHONE = "server"  # not a mobile number: nobody signs in with it


def server_account() -> User:
    """The account the server's own jobs act as (the CLI, the escalation thread): inactive,
    without a usable password; made on first use. Sync results and history entries need a user."""
    account = db.session.scalar(select(User).where(User.phone == SERVER_PHONE))
    if account is None:
        account = User(phone=SERVER_PHONE, display_name="红格系统", password_hash="!", active=False)
        db.session.add(account)
        db.session.flush()
    return account


def system_actor(user, buckets, admin: bool = False) -> Actor:
    """The server acting as SYSTEM in these buckets (and, for records only admins and stewards
    create, as an admin in the org buckets), on behalf of `user` or of itself (None)."""
    acting = user if user is not None else server_account()
    roles = {
        b: frozenset({SYSTEM, "admin"}) if admin and b.startswith("org:") else frozenset({SYSTEM}) for b in set(buckets)
    }
    return Actor(acting.id, roles)
