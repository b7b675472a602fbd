"""双报告: what a member or a unit did for the community in a period, for their own organisation
(PROTOCOL.md §17.6): JSON, a printable page (pages.py) and an XLSX workbook.

Who may ask: a member for themself; a unit's secretary for the unit and each of its members;
the community's admins for any. The rows are the service record (hours, activities, wishes)
of the member's account in the community (server/ledger, `record_rows` below); the header is the
profile (unit, branch, skills, availability, grids served).

The days are Xuchang's (Asia/Shanghai): since 00:00 to the end of until, at most a year."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.audit.service import record as audit
from server.auth.models import User
from server.core import xlsx
from server.extensions import db
from server.ledger import service as ledger
from server.members import access, service
from server.members.models import Member, Unit
from server.org.models import OrgUnit

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 366
ROW_COLUMNS = (
    ("occurred_at", "日期"),
    ("person", "党员"),
    ("kind", "类别"),
    ("title", "内容"),
    ("hours", "时长（小时）"),
    ("rating", "评价"),
)
PEOPLE_COLUMNS = (
    ("name", "党员"),
    ("unit_role", "身份"),
    ("activities", "次数"),
    ("hours", "时长（小时）"),
    ("rating_mean", "平均评价"),
)


def record_rows(account_ids: list[int], community_id: int, since: datetime, until: datetime) -> list[dict]:
    """The service record (server/ledger, PROTOCOL.md §15.2) of these accounts in this community,
    in [since, until): its credited entries as rows (kind, title, hours, occurred_at, rating,
    account_id)."""
    names = ("account_id", "kind", "title", "hours", "occurred_at", "rating", "source_id")
    found = ledger.entries(account_ids, since=since, until=until, community_id=community_id)
    return [{name: getattr(entry, name) for name in names} for entry in found]


def period(since: date, until: date) -> tuple[datetime, datetime]:
    if until < since:
        raise service.refusal("period_order", "until")
    if (until - since).days >= MAX_DAYS:
        raise service.refusal("period_too_long", "until", days=MAX_DAYS)
    start = datetime.combine(since, time(0), LOCAL)
    end = datetime.combine(until + timedelta(days=1), time(0), LOCAL)
    return start.astimezone(UTC), end.astimezone(UTC)  # SQLite compares instants as their text


def report(user: User, args: dict) -> dict:
    """The 双报告 of a member (member_id) or a unit (unit_id) the user may report on."""
    if bool(args.get("member_id")) == bool(args.get("unit_id")):
        raise service.refusal("report_subject", "member_id")
    start, end = period(args["since"], args["until"])
    if args.get("member_id"):
        member = db.session.get(Member, args["member_id"])
        if member is None or not access.may_read_member(user, member):
            raise access.not_found()
        subject = _member_subject(member)
        members = [member]
        community_id = member.community_id
    else:
        unit, role = access.readable_unit(user, args["unit_id"])
        if role == "member":
            raise access.not_found()
        subject = _unit_subject(unit)
        members = list(db.session.scalars(select(Member).where(Member.unit_id == unit.id, Member.active.is_(True))))
        community_id = unit.community_id
    names = {m.user_id: db.session.get(User, m.user_id).display_name for m in members}
    rows = sorted(
        (
            {**row, "person": names.get(row.get("account_id"), "")}
            for row in record_rows(list(names), community_id, start, end)
        ),
        key=lambda row: str(row.get("occurred_at") or ""),
    )
    people = [
        {"member_id": m.id, "name": names[m.user_id], "unit_role": m.unit_role, **totals(_of(rows, m.user_id))}
        for m in members
    ]
    return {
        "subject": subject,
        "since": args["since"],
        "until": args["until"],
        "totals": totals(rows),
        "rows": rows,
        "people": people if args.get("unit_id") else [],
    }


def _of(rows: list[dict], account_id: int) -> list[dict]:
    return [row for row in rows if row.get("account_id") == account_id]


def totals(rows: list[dict]) -> dict:
    """Hours, activities, and the mean of the ratings given (none without one)."""
    ratings = [row["rating"] for row in rows if row.get("rating") is not None]
    return {
        "hours": round(sum(float(row.get("hours") or 0) for row in rows), 1),
        "activities": len(rows),
        "rated": len(ratings),
        "rating_mean": round(sum(ratings) / len(ratings), 1) if ratings else None,
    }


def _member_subject(member: Member) -> dict:
    view = service.member_view(member, with_phone=False)
    unit = db.session.get(Unit, member.unit_id) if member.unit_id else None
    return {
        "kind": "member",
        "id": member.id,
        "name": view["display_name"],
        "unit": view["unit_name"],
        "party_org": unit.party_org if unit else None,
        "branch": member.branch,
        "community": view["community_name"],
        "skills": view["skills"],
        "skills_note": member.skills_note,
        "availability": view["availability"],
        "grids": _grids(unit),
    }


def _unit_subject(unit: Unit) -> dict:
    community = db.session.get(OrgUnit, unit.community_id)
    view = service.unit_view(unit, "admin")
    return {
        "kind": "unit",
        "id": unit.id,
        "name": unit.name,
        "unit_kind": unit.kind,
        "party_org": unit.party_org,
        "community": community.name,
        "grids": [g["name"] for g in view["grids"]],
        "members": view["member_count"],
        "resources": [r["name"] for r in view["resources"]],
    }


def _grids(unit: Unit | None) -> list[str]:
    return [g["name"] for g in service.unit_view(unit, "member")["grids"]] if unit else []


def report_xlsx(user: User, args: dict, texts) -> tuple[bytes, str]:
    """The report as a workbook (server/core/xlsx.py: every text a formula could start with stays
    text): 服务记录, a row each and the totals; 汇总, each member (for a unit); 概况, who and when.
    Audited (members.report_export)."""
    data = report(user, args)
    subject, total = data["subject"], data["totals"]
    workbook = xlsx.new_workbook()
    rows = [
        {**row, "kind": texts(f"members.record_kind.{row.get('kind')}"), "occurred_at": _day(row)}
        for row in data["rows"]
    ]
    record = xlsx.sheet(workbook, "服务记录", ROW_COLUMNS, rows)
    record.append(
        [xlsx.bold(record, "合计"), None, None, f"{total['activities']} 次", total["hours"], total["rating_mean"]]
    )
    if data["people"]:
        people = [{**p, "unit_role": texts(f"members.unit_role.{p['unit_role']}")} for p in data["people"]]
        xlsx.sheet(workbook, "汇总", PEOPLE_COLUMNS, people)
    facts = [
        {"what": "对象", "value": subject["name"]},
        {"what": "报到社区", "value": subject["community"]},
        {"what": "报告期", "value": f"{data['since']} — {data['until']}"},
        {"what": "服务时长（小时）", "value": total["hours"]},
        {"what": "服务次数", "value": total["activities"]},
    ]
    xlsx.sheet(workbook, "概况", (("what", "项目"), ("value", "内容")), facts)
    audit("members.report_export", actor=user, subject=subject["kind"], subject_id=subject["id"])
    db.session.commit()
    name = f"report-{subject['kind']}-{subject['id']}-{data['since']}-{data['until']}.xlsx"
    return xlsx.to_bytes(workbook), name


def _day(row: dict) -> str:
    moment = row.get("occurred_at")
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if not isinstance(moment, datetime):
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LOCAL).strftime("%Y-%m-%d")
