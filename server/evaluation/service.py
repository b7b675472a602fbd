"""Opening, following and closing a round of the December evaluation (PROTOCOL.md §20.4): the
organiser (an admin over the community) opens it with the evaluators of each group; the round
takes its subjects from the roster and their year from the service record; each evaluator gets
a scoring form on their phone and a notice; the results combine the record and the forms with
the round's weights (server/evaluation/scoring.py); closing tells each subject their grade."""

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from server import authz
from server.audit.service import record as audit
from server.auth.models import RoleAssignment, User
from server.core import clock
from server.core.fields import iso
from server.errors import Invalid, NotFound
from server.evaluation import notices, scoring
from server.evaluation.models import EvaluationBallot, EvaluationRound
from server.evaluation.sync import BALLOT, ROUND
from server.extensions import db
from server.i18n import _
from server.ledger import roster
from server.ledger import service as ledger
from server.org.models import Building, Compound, Household, OrgUnit
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation

CLIENT = "server:evaluation"
GRADE_LABELS = {"excellent": "优秀", "competent": "合格", "basic": "基本合格", "failing": "不合格"}


def _community(user: User, community_id: int) -> OrgUnit:
    unit = db.session.get(OrgUnit, community_id)
    if unit is None or unit.kind != "community" or not authz.can(user, "tasks.manage_in", unit):
        raise NotFound(_("error.not_found"), {"community_id": [_("evaluation.community_unknown")]})
    return unit


def year_facts(community_id: int, year: int) -> list[dict]:
    """The round's subjects with their year in the community: hours, services (activities,
    wishes, projects), the residents' mean rating, and the record score."""
    subjects = roster.subjects(community_id)
    since, until = clock.year_span(year)
    accounts = {a for s in subjects for a in s.account_ids}
    totals = ledger.totals(accounts, since, until, community_id=community_id) if accounts else {}
    empty = ledger.Totals()
    out = []
    for s in subjects:
        rows = [totals.get(a, empty) for a in s.account_ids]
        count = max(len(rows), 1)
        hours = round(sum(t.hours for t in rows) / count, 2)
        services = round(sum(t.count for t in rows) / count, 2)
        ratings = [r for t in rows for r in t.ratings]
        rating = round(sum(ratings) / len(ratings), 2) if ratings else None
        out.append(
            {
                "key": s.key,
                "kind": s.kind,
                "name": s.name,
                "unit_key": s.unit_key,
                "account_ids": list(s.account_ids),
                "facts": {
                    "hours": hours,
                    "services": services,
                    "activities": sum(t.by_kind.get("activity", 0) for t in rows),
                    "wishes": sum(t.by_kind.get("wish", 0) for t in rows),
                    "rating": rating,
                    "members": len(s.account_ids),
                },
                "record": scoring.record_score(hours, services, rating),
            }
        )
    return out


def _check_evaluators(community: OrgUnit, evaluators: dict[str, list[int]]) -> None:
    """Each group's accounts hold the right role in the community; nobody is in two groups."""
    groups = {
        "committee": _committee(community),
        "members": _holders("volunteer", RoleAssignment.org_unit_id == community.id),
        "residents": _residents(community),
    }
    errors, seen = {}, set()
    for group, ids in evaluators.items():
        wrong = [i for i in ids if i not in groups[group]]
        twice = [i for i in ids if i in seen]
        seen |= set(ids)
        if wrong:
            errors[f"evaluators.{group}"] = [_(f"evaluation.not_{group}")]
        elif twice or len(set(ids)) != len(ids):
            errors[f"evaluators.{group}"] = [_("evaluation.evaluator_twice")]
    if not seen and not errors:
        errors["evaluators"] = [_("evaluation.no_evaluators")]
    if errors:
        raise Invalid(_("error.validation"), errors)


def _holders(role: str, where) -> set[int]:
    query = select(RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
    return set(db.session.scalars(query.where(RoleAssignment.role == role, where, User.active.is_(True))))


def _committee(community: OrgUnit) -> set[int]:
    """The 两委: the community's own admins and the grid workers of its grids."""
    grids = select(OrgUnit.id).where(OrgUnit.parent_id == community.id)
    return _holders("admin", RoleAssignment.org_unit_id == community.id) | _holders(
        "grid_worker", RoleAssignment.org_unit_id.in_(grids)
    )


def _residents(community: OrgUnit) -> set[int]:
    homes = (
        select(Household.id)
        .join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Compound.community_id == community.id)
    )
    return _holders("resident", RoleAssignment.household_id.in_(homes))


def open_round(user: User, data: dict) -> EvaluationRound:
    community = _community(user, data["community_id"])
    year = data["year"]
    existing = db.session.scalar(
        select(EvaluationRound.id).where(
            EvaluationRound.community_id == community.id,
            EvaluationRound.year == year,
            EvaluationRound.status == "open",
            EvaluationRound.deleted.is_(False),
        )
    )
    if existing:
        raise Invalid(_("evaluation.round_exists"), {"year": [_("evaluation.round_exists")]}, code="round_exists")
    evaluators = {group: list(data["evaluators"].get(group) or []) for group in scoring.GROUPS}
    _check_evaluators(community, evaluators)
    subjects = year_facts(community.id, year)
    if not subjects:
        raise Invalid(_("evaluation.no_subjects"), {"community_id": [_("evaluation.no_subjects")]}, code="no_subjects")
    now = clock.now()
    round_id = str(uuid.uuid4())
    everyone = [i for ids in evaluators.values() for i in ids]
    values = {
        "community_id": community.id,
        "year": year,
        "title": data.get("title") or f"{community.name}{year}年度双报到评议",
        "status": "open",
        "organiser_id": user.id,
        "weights": data.get("weights") or dict(scoring.DEFAULT_WEIGHTS),
        "subjects": subjects,
        "evaluator_ids": sorted(set(everyone)),
        "closes_on": data["closes_on"].isoformat() if isinstance(data.get("closes_on"), date) else None,
        "created_at": iso(now),
    }
    ballots = {
        str(uuid.uuid4()): {
            "round_id": round_id,
            "evaluator_id": i,
            "group": g,
            "organiser_id": user.id,
            "status": "open",
        }
        for g, ids in evaluators.items()
        for i in ids
    }
    _valid(ROUND, {round_id: values})
    _valid(BALLOT, ballots)
    buckets = set(ROUND.buckets(values)) | {b for v in ballots.values() for b in BALLOT.buckets(v)}
    writer = Writer(actor=system_actor(user, buckets), client_id=CLIENT)
    writer.create_new("evaluation_round", {round_id: values})
    writer.create_new("evaluation_ballot", ballots)
    notices.round_opened(round_id, values["title"], {v["evaluator_id"]: k for k, v in ballots.items()})
    audit(
        "evaluation.open", actor=user, round_id=round_id, community_id=community.id, year=year, evaluators=len(everyone)
    )
    writer.commit()
    return db.session.get(EvaluationRound, round_id)


def _valid(binding, records: dict[str, dict]) -> None:
    for values in records.values():
        errors = binding.validate(values, "create")
        if errors:
            raise Invalid(_("error.validation"), {name: list(messages) for name, messages in errors.items()})


def _round(user: User, round_id: str) -> EvaluationRound:
    found = db.session.get(EvaluationRound, round_id) if isinstance(round_id, str) and len(round_id) <= 36 else None
    if found is None or found.deleted:
        raise NotFound(_("error.not_found"))
    community = db.session.get(OrgUnit, found.community_id)
    if found.organiser_id != user.id and not authz.can(user, "tasks.manage_in", community):
        raise NotFound(_("error.not_found"))
    return found


def rounds(user: User, community_id: int | None) -> list[dict]:
    query = select(EvaluationRound).where(EvaluationRound.deleted.is_(False))
    if community_id is not None:
        query = query.where(EvaluationRound.community_id == _community(user, community_id).id)
    found = db.session.scalars(query.order_by(EvaluationRound.year.desc(), EvaluationRound.created_at.desc()))
    return [view(r) for r in found if r.organiser_id == user.id or _admin_over(user, r)]


def _admin_over(user: User, found: EvaluationRound) -> bool:
    return authz.can(user, "tasks.manage_in", db.session.get(OrgUnit, found.community_id))


def view(found: EvaluationRound) -> dict:
    counts = defaultdict(lambda: [0, 0])
    for group, status in db.session.execute(
        select(EvaluationBallot.group, EvaluationBallot.status).where(EvaluationBallot.round_id == found.id)
    ):
        counts[group][0] += 1
        counts[group][1] += status == "submitted"
    return {
        "id": found.id,
        "community_id": found.community_id,
        "community_name": db.session.get(OrgUnit, found.community_id).name,
        "year": found.year,
        "title": found.title,
        "status": found.status,
        "organiser_id": found.organiser_id,
        "weights": found.weights,
        "closes_on": found.closes_on,
        "created_at": found.created_at,
        "closed_at": found.closed_at,
        "subjects": len(found.subjects),
        "progress": [
            {"group": g, "evaluators": counts[g][0], "submitted": counts[g][1]} for g in scoring.GROUPS if counts[g][0]
        ],
    }


def round_view(user: User, round_id: str) -> dict:
    return view(_round(user, round_id))


def combine(found: EvaluationRound, ballots) -> list[dict]:
    """Each subject's record, group means and combined score and grade, from the submitted forms."""
    by_group: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for group, scores in ballots:
        for key, score in (scores or {}).items():
            by_group[group][key].append(score)
    names = {s["key"]: s["name"] for s in found.subjects}
    out = []
    for s in found.subjects:
        parts = {"record": s["record"]} | {g: scoring.mean(by_group[g].get(s["key"], [])) for g in scoring.GROUPS}
        score = scoring.combined(parts, found.weights)
        grade = scoring.grade(score)
        out.append(
            {
                "key": s["key"],
                "kind": s["kind"],
                "name": s["name"],
                "unit_name": names.get(s.get("unit_key")),
                "hours": s["facts"]["hours"],
                "services": s["facts"]["services"],
                "rating": s["facts"]["rating"],
                **parts,
                "score": score,
                "grade": grade,
                "grade_label": _(f"evaluation.grade.{grade}"),
            }
        )
    return out


def results(user: User, round_id: str) -> dict:
    found = _round(user, round_id)
    submitted = db.session.execute(
        select(EvaluationBallot.group, EvaluationBallot.scores).where(
            EvaluationBallot.round_id == found.id, EvaluationBallot.status == "submitted"
        )
    ).all()
    return {"round": view(found), "results": combine(found, submitted)}


def close_round(user: User, round_id: str) -> dict:
    found = _round(user, round_id)
    if found.status != "open":
        raise Invalid(_("evaluation.round_closed"), {"status": [_("evaluation.round_closed")]}, code="round_closed")
    outcome = results(user, round_id)
    held = {
        "community_id": found.community_id,
        "organiser_id": found.organiser_id,
        "evaluator_ids": found.evaluator_ids,
    }
    writer = Writer(actor=system_actor(user, ROUND.buckets(held)), client_id=CLIENT)
    now = clock.now()
    (result,) = writer.push(
        [mutation("evaluation_round", found.id, "update", {"status": "closed", "closed_at": iso(now)}, found.version)]
    )
    if result.status == "rejected":
        raise Invalid(_("error.validation"), code=result.error["code"])
    accounts = {s["key"]: s["account_ids"] for s in found.subjects}
    notices.round_closed(found.id, found.title, [(accounts[r["key"]], r["grade"]) for r in outcome["results"]])
    audit("evaluation.close", actor=user, round_id=found.id, subjects=len(outcome["results"]))
    writer.commit()
    return results(user, round_id)


def communities(user: User) -> list[dict]:
    """The communities an admin may open a round for, by name."""
    s = authz.scopes_of(user)
    if not s.is_admin:
        return []
    found = db.session.execute(
        select(OrgUnit.id, OrgUnit.name)
        .where(OrgUnit.kind == "community", OrgUnit.id.in_(authz.units_under(s.admin_paths)))
        .order_by(OrgUnit.name, OrgUnit.id)
    ).all()
    return [{"id": unit_id, "name": name} for unit_id, name in found]


def candidates(user: User, community_id: int) -> dict:
    """Who may evaluate in a community, by group: {committee, members, residents: [{id, name}]}."""
    community = _community(user, community_id)
    groups = {
        "committee": _committee(community),
        "members": _holders("volunteer", RoleAssignment.org_unit_id == community.id),
        "residents": _residents(community),
    }
    ids = set().union(*groups.values())
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all() if ids else []
    names = {user_id: name for user_id, name in rows}
    return {
        group: sorted(({"id": i, "name": names[i]} for i in members), key=lambda p: (p["name"], p["id"]))
        for group, members in groups.items()
    }
