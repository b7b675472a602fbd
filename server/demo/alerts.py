"""Demo alerts (DESIGN.md S3), sent through the real path (server/alerts/publishing.py: audience,
inbox entries, deliveries) at past moments, so that the residents' and workers' inboxes and the
admins' 通知管理 show what a working community sees: an urgent water cut in 河西社区 two days ago
(expired since), yesterday's cold-wave warning to the whole community, a planned water cut at
帝豪花园 for its residents, and a 义诊 event waiting for its time (released by `redgrid serve`).

Run after the city is committed (load_demo): sending commits per chunk, as it does in service.
The fan-out runs inline here: the demo's command ends with every entry written.
"""

from datetime import UTC, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from server.alerts import publishing
from server.alerts.models import Alert
from server.auth.models import RoleAssignment, User
from server.core import clock
from server.extensions import db
from server.notices.models import InboxEntry
from server.org.models import Building, Compound, Household

CST = timezone(timedelta(hours=8))
HEXI_ADMIN, CITY_ADMIN, DIHAO_RESIDENT = "13800000002", "13800000001", "13800000007"


def _day(days_ago: int, hour: int, now: datetime) -> datetime:
    local = now.astimezone(CST) - timedelta(days=days_ago)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _compounds(community_id: int, *names: str) -> list[int]:
    """The compounds of these names in one community (a bigger demo city repeats names)."""
    return list(
        db.session.scalars(
            select(Compound.id)
            .where(Compound.community_id == community_id, Compound.name.in_(names))
            .order_by(Compound.id)
        )
    )


def _community_of(admin: User) -> int:
    return db.session.scalar(
        select(RoleAssignment.org_unit_id).where(RoleAssignment.user_id == admin.id, RoleAssignment.role == "admin")
    )


def _home_compound(phone: str) -> int:
    """The compound of a resident account's household."""
    return db.session.scalar(
        select(Building.compound_id)
        .join(Household, Household.building_id == Building.id)
        .join(RoleAssignment, RoleAssignment.household_id == Household.id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(User.phone == phone)
    )


def load_demo_alerts(now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    hexi, city = (db.session.scalar(select(User).where(User.phone == phone)) for phone in (HEXI_ADMIN, CITY_ADMIN))
    hexi_community = _community_of(hexi)
    water_cut = _day(2, 10, now)
    alerts = [
        (
            hexi,
            water_cut,
            {
                "title": "紧急停水通知：河西花园、绿城花园",
                "body": (
                    "因主供水管道爆裂抢修，今天 14:00 至 20:00 河西花园、绿城花"
                    "园停水，请居民提前储水。如有困难请联系本网格网格员。"
                ),
                "level": "urgent",
                "category": "utility",
                "targeting": {"compound_ids": _compounds(hexi_community, "河西花园", "绿城花园")},
                "expires_at": water_cut.replace(hour=20).astimezone(UTC),  # the API's schema gives UTC
            },
        ),
        (
            hexi,
            _day(1, 16, now),
            {
                "title": "寒潮蓝色预警",
                "body": (
                    "市气象台发布寒潮蓝色预警：未来 48 小时气温下降 8～10℃，最"
                    "低气温 -4℃，并伴有 5～6 级偏北风。请关好门窗、检查燃气和取"
                    "暖设施，独居老人家中请网格员上门提醒。"
                ),
                "level": "warning",
                "category": "weather",
                "targeting": {},
            },
        ),
        (
            city,
            _day(0, 9, now) if _day(0, 9, now) < now else _day(1, 9, now),
            {
                "title": "停水通知：帝豪花园",
                "body": "因供水管网改造，后天 8:00 至 18:00 帝豪花园停水，请居民提前储水。",
                "level": "notice",
                "category": "utility",
                "targeting": {"compound_ids": [_home_compound(DIHAO_RESIDENT)]},
            },
        ),
        (
            hexi,
            _day(1, 11, now),
            {
                "title": "周六上午党群服务中心义诊",
                "body": (
                    "本周六 8:30 至 11:30，市中心医院医生在河西社区党群服务中心"
                    "义诊：量血压、测血糖、用药咨询。请带好医保卡。"
                ),
                "level": "info",
                "category": "event",
                "targeting": {},
                "send_at": _day(-1, 9, now).astimezone(UTC),
            },
        ),
    ]
    app = current_app._get_current_object()
    fanout_mode = app.config.get("ALERTS_FANOUT")
    app.config["ALERTS_FANOUT"] = "inline"
    try:
        for author, at, data in alerts:
            if data["targeting"].get("compound_ids") == []:
                continue  # a city without the compound (the demo's smallest): no alert to nobody's place
            with clock.at(at.astimezone(UTC)):
                publishing.create(author, data)
    finally:
        app.config["ALERTS_FANOUT"] = fanout_mode
    return {
        "alerts": db.session.scalar(select(func.count()).select_from(Alert)),
        "inbox_entries": db.session.scalar(select(func.count()).select_from(InboxEntry)),
    }
