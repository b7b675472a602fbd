"""One record per person (一次采集、多方利用, issue 16 item 6): the duplicate finder over the
resident register of an admin's area, and the merge of two entries into one.

Rules (a pair is two current entries, both in the admin's area; the strongest rule names it):
  same_name_phone     same name and same phone number                     high
  same_name_household same name in the same household                     high
  same_phone_similar  same phone, same surname (first character), same     medium
                      length, at most one other character different
A pair whose birth years are both known and more than one year apart is `medium` whatever its
rule (a parent and a child may share a name or a phone), and is left out under the third rule
(two brothers 王建国 and 王建军 sharing their mother's phone are not one person). Near misses that
are never pairs: the same common name in two households with different or no phones; one phone
for a family of different surnames.

Candidates first, by GROUP BY over the register (a phone on more than one entry, a name twice in
a household), then equality self-joins of those few, in SQL: the finder never reads the register
into Python (bench: 100,000 residents, see the
report of issue 16).

Merge: the admin keeps one entry and chooses, field by field, whose name, phone, gender, birth
year, relation and household it takes (care flags: the union by default). The other entry is
marked merged_into (never deleted: the audit log and history still name it) and leaves the
directory, the household's residents, imports' matching and the finder. Every part holding a
resident's id moves it through its hook (server/core/residents.py). The person's own account (a
user whose phone is either entry's, holding resident@ a household of either) follows the kept
entry's household. The grids listing either household are told to fetch their directory again
(PROTOCOL.md §27, §8 directory:poke). A retried merge of the same pair answers the same, changing
nothing.
"""

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from server import authz
from server.audit.service import record
from server.auth.models import RoleAssignment, User
from server.core import pokes
from server.core import residents as merge_hooks
from server.core.clock import utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import CARE_FLAGS, Building, Compound, Household, Resident
from server.org.schemas import mask_phone
from server.org.service import directory_grids

RULES = ("same_name_phone", "same_name_household", "same_phone_similar")  # strongest first
MERGE_FIELDS = ("name", "phone", "gender", "birth_year", "relation", "household_id")
NAME_POSITIONS = 4  # names of up to four characters are compared character by character


def _require_admin(user) -> None:
    if not authz.scopes_of(user).is_admin:
        raise Forbidden(_("error.forbidden"))


def _in_area(user):
    """Current entries of the register the admin keeps (not merged away)."""
    return and_(
        Resident.merged_into_id.is_(None),
        Resident.household_id.in_(select(Household.id).where(authz.kept_households(user))),
    )


def _candidates(user):
    """The few entries that can be in a pair, found by GROUP BY over the whole register first
    (one pass, hash aggregates): a phone held by more than one current entry; a name twice in
    one household. Only those, if in the admin's area, are self-joined."""
    # Over every row, merged or not: the groups read the indexes in order (ix_residents_phone,
    # ix_residents_household_name); an entry merged away is dropped by _in_area below.
    shared_phones = (
        select(Resident.phone).where(Resident.phone.is_not(None)).group_by(Resident.phone).having(func.count() > 1)
    )
    twice_at_home = (
        select(Resident.household_id, Resident.name)
        .group_by(Resident.household_id, Resident.name)
        .having(func.count() > 1)
        .subquery("twice")
    )
    columns = (Resident.id, Resident.household_id, Resident.name, Resident.phone, Resident.birth_year)
    by_phone = select(*columns).where(_in_area(user), Resident.phone.in_(shared_phones)).cte("by_phone")
    at_home = (
        select(*columns)
        .join(
            twice_at_home,
            and_(twice_at_home.c.household_id == Resident.household_id, twice_at_home.c.name == Resident.name),
        )
        .where(_in_area(user))
        .cte("at_home")
    )
    return by_phone, at_home


def _years_apart(a, b):
    return and_(a.c.birth_year.is_not(None), b.c.birth_year.is_not(None), func.abs(a.c.birth_year - b.c.birth_year) > 1)


def _one_character_apart(a, b):
    same = sum(
        case((and_(func.length(a.c.name) >= i, func.substr(a.c.name, i, 1) == func.substr(b.c.name, i, 1)), 1), else_=0)
        for i in range(1, NAME_POSITIONS + 1)
    )
    return and_(
        a.c.name != b.c.name,
        func.length(a.c.name) == func.length(b.c.name),
        func.substr(a.c.name, 1, 1) == func.substr(b.c.name, 1, 1),
        same >= func.length(a.c.name) - 1,
    )


def _pairs(user):
    """(a_id, b_id, rule rank) of every pair in the area, a_id < b_id, one row each."""
    by_phone, at_home = _candidates(user)

    def rule(source, rank, matching):
        a, b = aliased(source, name=f"a{rank}"), aliased(source, name=f"b{rank}")
        return select(a.c.id.label("a_id"), b.c.id.label("b_id"), literal(rank).label("rank")).select_from(
            a.join(b, and_(a.c.id < b.c.id, *matching(a, b)))
        )

    found = union_all(
        rule(by_phone, 0, lambda a, b: (a.c.phone == b.c.phone, a.c.name == b.c.name)),
        rule(at_home, 1, lambda a, b: (a.c.household_id == b.c.household_id, a.c.name == b.c.name)),
        rule(
            by_phone,
            2,
            lambda a, b: (a.c.phone == b.c.phone, _one_character_apart(a, b), ~_years_apart(a, b)),
        ),
    ).subquery("found")
    return (
        select(found.c.a_id, found.c.b_id, func.min(found.c.rank).label("rank"))
        .group_by(found.c.a_id, found.c.b_id)
        .subquery("pairs")
    )


def find_duplicates(user, page: int = 1, per_page: int = 20) -> dict:
    """One page of the pairs in the admin's area, strongest rule first (then by the first id);
    the total comes with the page (a window count), counted apart only past the last page."""
    _require_admin(user)
    pairs = _pairs(user)
    rows = db.session.execute(
        select(pairs.c.a_id, pairs.c.b_id, pairs.c.rank, func.count().over().label("total"))
        .order_by(pairs.c.rank, pairs.c.a_id, pairs.c.b_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    total = rows[0].total if rows else db.session.scalar(select(func.count()).select_from(pairs))
    people = _entries({i for row in rows for i in row[:2]})
    items = []
    for a_id, b_id, rank, _total in rows:
        first, second = people[a_id], people[b_id]
        apart = (
            None not in (first["birth_year"], second["birth_year"])
            and abs(first["birth_year"] - second["birth_year"]) > 1
        )
        items.append(
            {
                "rule": RULES[rank],
                "reason": _(f"duplicates.rule.{RULES[rank]}") + (_("duplicates.years_apart") if apart else ""),
                "confidence": "high" if rank < 2 and not apart else "medium",
                "a": first,
                "b": second,
            }
        )
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def _entries(ids) -> dict[int, dict]:
    """The entries of a page with where they live, in one query; phones masked."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Resident, Household.unit, Household.room, Building.name, Compound.name)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Resident.id.in_(ids))
    ).all()
    return {
        resident.id: {
            **_fields(resident),
            "phone_masked": mask_phone(resident.phone),
            "address": " ".join(part for part in (compound, building, unit, room) if part),
        }
        for resident, unit, room, building, compound in rows
    }


def _fields(resident: Resident) -> dict:
    return {
        "id": resident.id,
        "name": resident.name,
        "gender": resident.gender,
        "birth_year": resident.birth_year,
        "relation": resident.relation,
        "household_id": resident.household_id,
        "care_flags": list(resident.care_flags or []),
    }


# --- merge ------------------------------------------------------------------------------------


def _kept_entry(user, resident_id: int) -> Resident:
    """An entry of the admin's register, locked for the merge; outside the area: not found."""
    resident = db.session.scalar(select(Resident).where(Resident.id == resident_id).with_for_update())
    if resident is None or not db.session.scalar(
        select(Household.id).where(Household.id == resident.household_id, authz.kept_households(user))
    ):
        raise NotFound(_("error.not_found"))
    return resident


def merge_residents(user, data: dict) -> dict:
    """Merge `merge_id` into `keep_id` (see the module's docstring); audited, one transaction."""
    _require_admin(user)
    keep_id, merge_id = data["keep_id"], data["merge_id"]
    if keep_id == merge_id:
        message = _("duplicates.same_resident")
        raise Invalid(message, fields={"merge_id": [message]}, code="same_resident")
    keep, gone = _kept_entry(user, keep_id), _kept_entry(user, merge_id)
    if gone.merged_into_id == keep.id and keep.merged_into_id is None:  # a retry: already done
        return {"kept": _fields(keep), "merged_id": gone.id, "already": True}
    if gone.merged_into_id is not None or keep.merged_into_id is not None:
        raise Conflict(_("duplicates.already_merged"), code="already_merged")
    choose = {name: data.get("choose", {}).get(name, "keep") for name in MERGE_FIELDS}
    households = {keep.household_id, gone.household_id}
    phones = {phone for phone in (keep.phone, gone.phone) if phone}  # before the choice: either is theirs
    before = _fields(keep)
    for name, source in choose.items():
        if source == "merge":
            setattr(keep, name, getattr(gone, name))
    flags_from = data.get("care_flags", "union")
    flags = {
        "keep": keep.care_flags or [],
        "merge": gone.care_flags or [],
        "union": [*(keep.care_flags or []), *(gone.care_flags or [])],
    }[flags_from]
    keep.care_flags = [flag for flag in CARE_FLAGS if flag in flags] or None  # one order, no repeats
    gone.merged_into_id, gone.merged_at = keep.id, utcnow()
    db.session.execute(  # entries merged into the merged-away one earlier point at the kept one
        Resident.__table__.update().where(Resident.merged_into_id == gone.id).values(merged_into_id=keep.id)
    )
    moved = merge_hooks.merged(keep.id, gone.id)
    roles = _follow_household(keep.household_id, households, phones)
    record(
        "resident.merge",
        actor=user,
        target=keep,
        kept_id=keep.id,
        merged_id=gone.id,
        chosen={**choose, "care_flags": flags_from},
        before=before,
        merged=_fields(gone),
        after=_fields(keep),
        references_moved=moved,
        roles_moved=roles,
    )
    grids = {grid for household in households for grid in directory_grids(household)}
    pokes.after_commit((f"grid:{grid}" for grid in grids), event=pokes.DIRECTORY)
    db.session.commit()
    return {"kept": _fields(keep), "merged_id": gone.id, "already": False}


def _follow_household(home: int, households: set[int], phones: set[str]) -> list[dict]:
    """The person's own accounts (their phone is either entry's) holding resident@ a household of
    the two entries other than `home`, the kept entry's, move to it; [{user_id, from, to}]."""
    old = households - {home}
    if not phones or not old:
        return []
    held = db.session.scalars(
        select(RoleAssignment)
        .join(User, User.id == RoleAssignment.user_id)
        .where(User.phone.in_(phones), RoleAssignment.role == "resident", RoleAssignment.household_id.in_(old))
    ).all()
    moved = []
    for assignment in held:
        already = db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == assignment.user_id,
                RoleAssignment.role == "resident",
                RoleAssignment.household_id == home,
            )
        )
        moved.append({"user_id": assignment.user_id, "from": assignment.household_id, "to": home})
        if already:
            db.session.delete(assignment)
        else:
            assignment.household_id = home
    return moved
