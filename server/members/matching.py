"""Matching (供需对接, PROTOCOL.md §21): the community's three lists — residents' open needs
(群众需求清单, from the ledger's lists, server/ledger/lists.py), the units' resources (单位资源清单)
and its service projects (服务项目清单) — and, for each open need, the resources that suit it best
with their reasons (match_rules.py). An admin confirms one in a tap: it becomes an open service
project linked to the need and the resource, and the unit's secretaries and the need's grid
workers are told. Suggestions are worked out once per (category, grid) of the community's needs,
so 500 needs cost what their few categories and grids cost. Commits here (the routes never do)."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.auth.models import User
from server.core import clock
from server.errors import Conflict, Invalid
from server.extensions import db
from server.i18n import _, current_locale, text_in
from server.ledger import lists
from server.ledger.lists import OpenNeed
from server.members import access
from server.members.match_rules import (
    CATEGORY_SKILLS,
    DEFAULT_LIMIT,
    Offer,
    Reason,
    best,
    candidates,
    reason_text,
    score,
)
from server.members.models import Member, ServiceProject, Unit, UnitGrid, UnitResource
from server.members.service import grids_of
from server.notices.service import notify

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
    return set(
        db.session.scalars(
            select(ServiceProject.need_id).where(
                ServiceProject.community_id == community_id, ServiceProject.need_id.is_not(None)
            )
        )
    )


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
        key = (need.category, need.grid_id)
        if key not in made:
            if need.category not in suited:
                suited[need.category] = candidates(need.category, offers)
            found = best(need.category, need.grid_id, suited[need.category], limit, memo)
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


def _need_view(need: OpenNeed, locale: str, grid_names: dict[int, str]) -> dict:
    return {
        "id": need.id,
        "category": need.category,
        "category_text": text_in(locale, f"need.category.{need.category}"),
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
    """确认对接: the need (open, of the community, not matched yet) and the resource (of an active
    unit of the community) become an open service project; the unit's secretaries and the need's
    grid workers are told. Commits."""
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
    scored = score(need.category, need.grid_id, offer)
    wanted = CATEGORY_SKILLS.get(need.category, ())
    now = clock.now()
    project = ServiceProject(
        community_id=community.id,
        title=_title(need),
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
    try:
        db.session.flush()
    except IntegrityError:  # another admin confirmed the same need a moment ago
        db.session.rollback()
        raise refusal("need_matched", "need_id", conflict=True) from None
    told = _tell(project, need, offer)
    db.session.commit()
    return {
        "project_id": project.id,
        "need_id": need.id,
        "resource_id": offer.id,
        "unit_id": offer.unit_id,
        "title": project.title,
        "status": project.status,
        "score": scored[0] if scored else 0,
        "notified": told,
    }


def _title(need: OpenNeed) -> str:
    return _("members.match.project_title", summary=need.summary)[: ServiceProject.title.type.length]


def _tell(project: ServiceProject, need: OpenNeed, offer: Offer) -> list[int]:
    secretaries = list(
        db.session.scalars(
            select(Member.user_id).where(
                Member.unit_id == offer.unit_id, Member.unit_role == "secretary", Member.active.is_(True)
            )
        )
    )
    params = {"unit": offer.unit_name, "resource": offer.name, "summary": need.summary}
    told = []
    for users, link, who in (
        (secretaries, f"#/members/units/{offer.unit_id}", "unit"),
        ([u for u in need.worker_ids if u not in secretaries], f"#/needs/{need.id}", "grid"),
    ):
        if users:
            told += notify(
                users,
                "match_confirmed",
                lambda locale, who=who: text_in(locale, f"members.match.notice_title_{who}", **params),
                lambda locale: text_in(locale, "members.match.notice_body", **params),
                link,
                data={"project_id": project.id, "need_id": need.id, "resource_id": offer.id},
                dedupe_key=f"match:{project.id}:{who}",
            )
    return sorted(told)
