"""Who serves a community, for the December evaluation (server/ledger/roster.py, PROTOCOL.md §15.3):
the units reporting there, each with its active members' accounts, and every active member
(their unit named). Given to the ledger at assembly (part.py's `roster`); the evaluation reads it
without reading this package."""

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.ledger.roster import Subject
from server.members.models import Member, Unit


def subjects(community_id: int) -> list[Subject]:
    units = {
        u.id: u
        for u in db.session.scalars(select(Unit).where(Unit.community_id == community_id, Unit.active.is_(True)))
    }
    rows = db.session.execute(
        select(Member.user_id, Member.unit_id, User.display_name)
        .join(User, User.id == Member.user_id)
        .where(Member.community_id == community_id, Member.active.is_(True), User.active.is_(True))
        .order_by(Member.id)
    ).all()
    accounts: dict[int, list[int]] = {unit_id: [] for unit_id in units}
    members = []
    for user_id, unit_id, name in rows:
        unit_key = f"unit:{unit_id}" if unit_id in units else None
        if unit_key:
            accounts[unit_id].append(user_id)
        members.append(Subject(f"member:{user_id}", "member", name, (user_id,), unit_key))
    unit_subjects = [Subject(f"unit:{i}", "unit", u.name, tuple(accounts[i])) for i, u in units.items()]
    return unit_subjects + members
