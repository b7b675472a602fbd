"""Matching (供需对接, PROTOCOL.md §21): the community's three lists — residents' open needs
(群众需求清单, from the ledger's lists, server/ledger/lists.py), the units' resources (单位资源清单)
and its service projects (服务项目清单) — and, for each open need, the resources that suit it best
with their reasons (match_rules.py); the open micro-wishes on the wall are on the needs list too.
An admin confirms one in a tap and it becomes what they choose: a service project or an activity
for a need, the wish claimed for the unit for a wish (written through the sync engine with the
admin's roles, so the activity's and the wish's own rules judge it); the unit's secretaries and a
need's grid workers are told. Suggestions are worked out once per (category, grid) of the community's needs,
so 500 needs cost what their few categories and grids cost. Commits here (the routes never do)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.auth.models import RoleAssignment, User
from server.core import clock
from server.core.fields import iso
from server.errors import Conflict, Invalid
from server.extensions import db
from server.i18n import _, current_locale, text_in
from server.ledger import lists
from server.ledger.lists import OpenNeed
from server.members import access
from server.members.match_rules import (
    DEFAULT_LIMIT,
    Offer,
    Reason,
    best,
    candidates,
    reason_text,
    score,
    wanted_skills,
    wish_category,
)
from server.members.models import OUTCOMES_OF, Match, Member, ServiceProject, Unit, UnitGrid, UnitResource
from server.members.service import grids_of
from server.notices.service import notify
from server.sync.writer import Writer, mutation, raise_refusal

# --- reading the lists -------------------------------------------------------------------------------


def offers_of(community_id: int) -> list[Offer]:
    """The resources of the community's active units, each with the grids its unit serves."""
    rows = db.session.execute(
        select(UnitResource, Unit.name)
        .join(Unit, Unit.id == UnitResource.unit_id)
        .where(Unit.community_id == community_id, Unit.active.is_(True))
        .order_by(UnitResource.id)
    ).all()
    grids: dict[int, set[int]] = {}
    for unit_id, grid_id in db.session.execute(
        select(UnitGrid.unit_id, UnitGrid.grid_id)
        .join(Unit, Unit.id == UnitGrid.unit_id)
        .where(Unit.community_id == community_id, Unit.active.is_(True))
    ):
        grids.setdefault(unit_id, set()).add(grid_id)
    return [
        Offer(
            id=r.id,
            unit_id=r.unit_id,
            unit_name=unit_name,
            name=r.name,
            kind=r.kind,
            skills=tuple(r.skills or ()),
            availability=tuple(r.availability or ()),
            grid_ids=frozenset(grids.get(r.unit_id, ())),
        )
        for r, unit_name in rows
    ]


def _matched_need_ids(community_id: int) -> set[str]:
    return set(db.session.scalars(select(Match.item_id).where(Match.community_id == community_id)))


def suggestions(admin: User, community_id: int, need_id: str | None = None, limit: int = DEFAULT_LIMIT) -> dict:
    """The community's three lists counted, and each open need not matched yet with its best
    resources and why (one need only, when named)."""
    community = access.administered_community(admin, community_id)
    matched = _matched_need_ids(community.id)
    needs = [n for n in lists.open_needs(community.id) if n.id not in matched]
    offers = offers_of(community.id)
    projects = db.session.scalar(
        select(func.count())
        .select_from(ServiceProject)
        .where(ServiceProject.community_id == community.id, ServiceProject.status == "open")
    )
    locale = current_locale()
    grid_names = {g.id: g.name for g in grids_of(community)}
    texts: dict[tuple, str] = {}
    suited: dict[str, list[Offer]] = {}  # category -> the offers with a skill it wants
    made: dict[tuple, list[dict]] = {}  # (category, grid) -> its suggestions
    memo: dict = {}  # (category, resource) -> what does not depend on the grid
    out = []
    for need in needs:
        if need_id is not None and need.id != need_id:
            continue
        category = _category(need)
        key = (category, need.grid_id)
        if key not in made:
            if category not in suited:
                suited[category] = candidates(category, offers)
            found = best(category, need.grid_id, suited[category], limit, memo)
            made[key] = [_suggestion_view(o, points, reasons, locale, texts) for o, points, reasons in found]
        out.append({"need": _need_view(need, locale, grid_names), "suggestions": made[key]})
    return {
        "community": {"id": community.id, "name": community.name},
        "counts": {
            "needs": len(needs),
            "resources": len(offers),
            "projects": projects,
        },
        "needs": out,
    }


def _category(need: OpenNeed) -> str:
    """What the need is scored by: its category, or for a wish the skills its words ask for."""
    return wish_category(need.summary) if need.kind == "wish" else need.category


def _need_view(need: OpenNeed, locale: str, grid_names: dict[int, str]) -> dict:
    kind_text = text_in(locale, f"members.match.kind.{need.kind}")
    return {
        "id": need.id,
        "kind": need.kind,
        "kind_text": kind_text,
        "outcomes": list(OUTCOMES_OF[need.kind]),
        "category": need.category,
        "category_text": kind_text if need.kind == "wish" else text_in(locale, f"need.category.{need.category}"),
        "grid_id": need.grid_id,
        "grid_name": grid_names.get(need.grid_id),
        "summary": need.summary,
        "created_at": need.created_at,
    }


def _suggestion_view(offer: Offer, points: int, reasons: list[Reason], locale: str, texts: dict) -> dict:
    rendered = []
    for reason in reasons:
        key = (reason.code, repr(sorted(reason.params.items())))
        if key not in texts:
            texts[key] = reason_text(reason, locale)
        rendered.append({"code": reason.code, "params": reason.params, "text": texts[key]})
    return {
        "resource_id": offer.id,
        "resource_name": offer.name,
        "kind": offer.kind,
        "unit_id": offer.unit_id,
        "unit_name": offer.unit_name,
        "score": points,
        "reasons": rendered,
        "reason_text": ("；" if locale == "zh-CN" else "; ").join(r["text"] for r in rendered),
    }


# --- confirming a suggestion ------------------------------------------------------------------------


def refusal(code: str, field: str, conflict: bool = False) -> Invalid | Conflict:
    message = _(f"members.{code}")
    return (Conflict if conflict else Invalid)(message, {field: [message]}, code=code)


def confirm(admin: User, community_id: int, data: dict) -> dict:
    """确认对接: the item (an open need or wish of the community, not matched yet) and the resource
    (of an active unit of the community) become what the admin chose — a service project or an
    activity for a need, the wish claimed for the unit for a wish; the unit's secretaries (and a
    need's grid workers) are told. Commits."""
    community = access.administered_community(admin, community_id)
    if data["need_id"] in _matched_need_ids(community.id):
        raise refusal("need_matched", "need_id", conflict=True)
    found = lists.open_needs(community.id, data["need_id"])
    if not found:
        raise refusal("need_not_open", "need_id")
    need = found[0]
    offer = next((o for o in offers_of(community.id) if o.id == data["resource_id"]), None)
    if offer is None:
        raise refusal("resource_not_in_community", "resource_id")
    outcome = data["outcome"]
    if outcome not in OUTCOMES_OF[need.kind]:
        raise refusal("outcome_not_for_item", "outcome")
    if outcome == "activity" and data.get("activity") is None:
        raise refusal("activity_required", "activity")
    claimant = _claimant(offer, data.get("claimant_id")) if outcome == "wish" else None
    match = Match(
        community_id=community.id,
        item_id=need.id,
        item_kind=need.kind,
        outcome=outcome,
        resource_id=offer.id,
        unit_id=offer.unit_id,
        created_by_id=admin.id,
        created_at=clock.now(),
    )
    db.session.add(match)
    try:
        db.session.flush()
    except IntegrityError:  # another admin confirmed the same item a moment ago
        db.session.rollback()
        raise refusal("need_matched", "need_id", conflict=True) from None
    made = MAKERS[outcome](admin, community, need, offer, match, data, claimant)
    told = _tell(match, need, offer, made)
    if made.writer is not None:
        made.writer.commit()  # pokes the phones of the records it wrote, after the commit
    else:
        db.session.commit()
    scored = score(_category(need), need.grid_id, offer)
    return {
        "outcome": outcome,
        "project_id": match.project_id,
        "activity_id": match.record_id if outcome == "activity" else None,
        "card_id": match.record_id if outcome == "wish" else None,
        "claimant_id": claimant,
        "need_id": need.id,
        "resource_id": offer.id,
        "unit_id": offer.unit_id,
        "title": made.title,
        "status": made.status,
        "score": scored[0] if scored else 0,
        "notified": told,
    }


@dataclass(frozen=True)
class Made:
    title: str
    status: str
    link: str  # where the unit's secretaries look at it
    outcome_text: Callable[[str], str]  # locale -> the notice's line on what it became
    writer: Writer | None = None  # the synced records' writer, committed by confirm()


def _project(admin, community, need: OpenNeed, offer: Offer, match: Match, data, claimant) -> Made:
    wanted = wanted_skills(_category(need)) or ()
    now = clock.now()
    project = ServiceProject(
        community_id=community.id,
        title=_("members.match.project_title", summary=need.summary)[: ServiceProject.title.type.length],
        description=need.summary,
        skills=[s for s in offer.skills if s in wanted],
        grid_ids=[need.grid_id] if need.grid_id is not None else [],
        availability=list(offer.availability),
        status="open",
        need_id=need.id,
        resource_id=offer.id,
        unit_id=offer.unit_id,
        created_by_id=admin.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(project)
    db.session.flush()
    match.project_id = project.id
    return Made(
        project.title,
        project.status,
        f"#/members/units/{offer.unit_id}",
        lambda locale: text_in(locale, "members.match.outcome.project"),
    )


def _activity(admin, community, need: OpenNeed, offer: Offer, match: Match, data, claimant) -> Made:
    """The activity as the admin checked it, published through the sync engine with the admin's
    roles: the activity's own rules judge it (§18.1), its key follows, phones pull it."""
    form = data["activity"]
    wanted = wanted_skills(_category(need)) or ()
    fields = {
        "community_id": community.id,
        "title": form["title"],
        "description": form.get("description")
        or _("members.match.activity_description", summary=need.summary, resource=offer.name, unit=offer.unit_name),
        "place": form["place"],
        "starts_at": iso(form["starts_at"]),
        "ends_at": iso(form["ends_at"]),
        "capacity": form["capacity"],
        "hours": form["hours"],
        "skills": [s for s in offer.skills if s in wanted] or None,
        "organiser_id": form.get("organiser_id"),
    }
    activity_id = str(uuid.uuid4())
    writer = Writer(admin)
    (result,) = writer.push([mutation("activity", activity_id, "create", fields)])
    if result.status == "rejected":
        raise_refusal(result, prefix="activity.")
    match.record_id = activity_id
    title = form["title"]
    return Made(
        title,
        "published",  # a new activity is (§18.1)
        f"#/activities/{activity_id}",
        lambda locale: text_in(locale, "members.match.outcome.activity", title=title),
        writer,
    )


def _claimant(offer: Offer, chosen: int | None) -> int:
    """Who claims a wish for the unit: the member the admin chose (one of the unit's active
    members, a volunteer of the community as every reporting member is), else its first
    secretary, else its first member."""
    members = db.session.execute(
        select(Member.user_id, Member.unit_role)
        .join(User, User.id == Member.user_id)
        .join(RoleAssignment, RoleAssignment.user_id == Member.user_id)
        .where(
            Member.unit_id == offer.unit_id,
            Member.active.is_(True),
            User.active.is_(True),
            RoleAssignment.role == "volunteer",  # who pulls the wall and may fulfil (§14.2)
            RoleAssignment.org_unit_id == Member.community_id,
        )
        .order_by(Member.unit_role != "secretary", Member.id)
    ).all()
    if chosen is not None:
        if chosen not in {m.user_id for m in members}:
            raise refusal("claimant_not_in_unit", "claimant_id")
        return chosen
    if not members:
        raise refusal("no_unit_member", "resource_id")
    return members[0].user_id


def _wish(admin, community, need: OpenNeed, offer: Offer, match: Match, data, claimant) -> Made:
    """The card claimed for the unit by its member, as a claim the admin makes for them (§14.2):
    the wish's own rules judge it (one claimant at a time: a volunteer's claim that got there
    first wins), the resident and the wall see the unit's name."""
    writer = Writer(admin)
    card = writer.store.get_record("wish_card", need.id)
    (result,) = writer.push(
        [mutation("wish_card", need.id, "update", {"status": "claimed"}, card.version if card else None)],
        extra={need.id: {"claimant_id": claimant, "claimed_for": f"unit:{offer.unit_id}"}},
    )
    if result.status == "rejected":
        raise_refusal(result)  # e.g. already_claimed: a volunteer's claim got there first
    if result.status != "applied":  # changed under us in this very moment: nothing half-done
        db.session.rollback()
        raise refusal("need_matched", "need_id", conflict=True)
    match.record_id = need.id
    name = db.session.get(User, claimant).display_name
    return Made(
        need.summary,
        "claimed",
        f"#/wishes/wall/{need.id}",
        lambda locale: text_in(locale, "members.match.outcome.wish", claimant=name),
        writer,
    )


MAKERS = {"project": _project, "activity": _activity, "wish": _wish}


def _tell(match: Match, need: OpenNeed, offer: Offer, made: Made) -> list[int]:
    secretaries = list(
        db.session.scalars(
            select(Member.user_id).where(
                Member.unit_id == offer.unit_id, Member.unit_role == "secretary", Member.active.is_(True)
            )
        )
    )
    params = {"unit": offer.unit_name, "resource": offer.name, "summary": need.summary}
    unit_title = "notice_title_unit_wish" if need.kind == "wish" else "notice_title_unit"
    told = []
    for users, link, who, title in (
        (secretaries, made.link, "unit", unit_title),
        ([u for u in need.worker_ids if u not in secretaries], f"#/needs/{need.id}", "grid", "notice_title_grid"),
    ):
        if users:
            told += notify(
                users,
                "match_confirmed",
                lambda locale, title=title: text_in(locale, f"members.match.{title}", **params),
                lambda locale: text_in(
                    locale, "members.match.notice_body", outcome=made.outcome_text(locale), **params
                ),
                link,
                data={
                    "match_id": match.id,
                    "need_id": need.id,
                    "resource_id": offer.id,
                    "project_id": match.project_id,
                },
                dedupe_key=f"match:{match.id}:{who}",
            )
    return sorted(told)
