"""Test data: a small city with two districts, two companies and one account per role.

Trap: org paths are "/<ids>/" and need the row id, so units are flushed one by one.
Every account's password is PASSWORD.
"""

import uuid
from itertools import count
from types import SimpleNamespace

from sqlalchemy import select

from server.alerts.models import Alert
from server.auth.models import RoleAssignment, User
from server.auth.passwords import hash_password
from server.extensions import db
from server.inspections.models import Inspection, InspectionTemplate, RectificationOrder
from server.ledger.models import ServiceEntry
from server.members.models import Member, Unit
from server.notices.models import Delivery, InboxEntry
from server.org.models import (
    Building,
    Compound,
    GridCoverage,
    Household,
    OrgUnit,
    PropertyCompany,
    Resident,
)
from server.tasks.models import FieldReport, Task
from server.tasks.need_models import Need

PASSWORD = "password123"
_phones = count(13900000001)


def org_unit(kind: str, name: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit(
        kind=kind, name=name, parent_id=parent.id if parent else None, path="", depth=parent.depth + 1 if parent else 0
    )
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    return unit


def user(display_name: str, roles: list[tuple[str, str, int]] = (), phone: str | None = None, **fields) -> User:
    """A user with (role, scope column, scope id) assignments."""
    account = User(
        phone=phone or str(next(_phones)), display_name=display_name, password_hash=hash_password(PASSWORD), **fields
    )
    db.session.add(account)
    db.session.flush()
    for role, column, scope_id in roles:
        db.session.add(RoleAssignment(user_id=account.id, role=role, **{column: scope_id}))
    db.session.flush()
    return account


def building_with_households(
    compound: Compound, name: str, rooms=("101", "102", "201")
) -> tuple[Building, list[Household]]:
    building = Building(compound_id=compound.id, name=name, units=1, floors=6)
    db.session.add(building)
    db.session.flush()
    households = [Household(building_id=building.id, unit="1单元", room=room) for room in rooms]
    db.session.add_all(households)
    db.session.flush()
    for i, household in enumerate(households):
        db.session.add(
            Resident(
                household_id=household.id,
                name=f"居民{building.id}-{i}",
                phone=f"1370000{household.id:04d}",
                relation="head",
            )
        )
    db.session.flush()
    return building, households


def care(household: Household, flags: list[str], **fields) -> None:
    """Give the first resident of a household care flags (and e.g. a birth year)."""
    resident = db.session.scalar(select(Resident).where(Resident.household_id == household.id).order_by(Resident.id))
    resident.care_flags = flags
    for name, value in fields.items():
        setattr(resident, name, value)
    db.session.flush()


def build_world() -> SimpleNamespace:
    """许昌市 → 魏都区 → 文峰街道 → 河西社区 (grids G1, G2) and 七里店社区 (G3); 东城区 → 东城街道 → 帝豪社区 (G4).

    Compounds: 河西小区 (G1 covers it whole; 万家物业), 文峰苑 (G2 covers only its 1号楼; 万家物业),
    七里店家属院 (G3; self-managed), 帝豪花园 (G4; 远航物业).
    """
    w = SimpleNamespace()
    w.city = org_unit("city", "许昌市")
    w.weidu = org_unit("district", "魏都区", w.city)
    w.wenfeng = org_unit("street", "文峰街道", w.weidu)
    w.hexi = org_unit("community", "河西社区", w.wenfeng)
    w.g1 = org_unit("grid", "河西社区第一网格", w.hexi)
    w.g2 = org_unit("grid", "河西社区第二网格", w.hexi)
    w.courtyard = org_unit("courtyard", "第一居民组", w.g1)
    w.qilidian = org_unit("community", "七里店社区", w.wenfeng)
    w.g3 = org_unit("grid", "七里店社区第一网格", w.qilidian)
    w.dongcheng = org_unit("district", "东城区", w.city)
    w.dc_street = org_unit("street", "东城街道", w.dongcheng)
    w.dihao_community = org_unit("community", "帝豪社区", w.dc_street)
    w.g4 = org_unit("grid", "帝豪社区第一网格", w.dihao_community)

    w.wanjia = PropertyCompany(name="许昌万家物业服务有限公司")
    w.yuanhang = PropertyCompany(name="远航物业服务有限公司", has_party_branch=True)
    db.session.add_all([w.wanjia, w.yuanhang])
    db.session.flush()

    def compound(name, community, company):
        row = Compound(name=name, community_id=community.id, property_company_id=company.id if company else None)
        db.session.add(row)
        db.session.flush()
        return row

    w.hexi_xiaoqu = compound("河西小区", w.hexi, w.wanjia)
    w.wenfeng_yuan = compound("文峰苑", w.hexi, w.wanjia)
    w.qilidian_yuan = compound("七里店家属院", w.qilidian, None)
    w.dihao = compound("帝豪花园", w.dihao_community, w.yuanhang)

    w.b_hexi1, w.hh_hexi1 = building_with_households(w.hexi_xiaoqu, "1号楼")
    w.b_hexi2, w.hh_hexi2 = building_with_households(w.hexi_xiaoqu, "2号楼")
    w.b_wenfeng1, w.hh_wenfeng1 = building_with_households(w.wenfeng_yuan, "1号楼")
    w.b_wenfeng2, w.hh_wenfeng2 = building_with_households(w.wenfeng_yuan, "2号楼")
    w.b_qili1, w.hh_qili1 = building_with_households(w.qilidian_yuan, "1号楼")
    w.b_dihao1, w.hh_dihao1 = building_with_households(w.dihao, "1号楼")

    # Special care (server.org.models.CARE_FLAGS), as a grid worker's directory shows them.
    care(w.hh_hexi1[0], ["elderly_alone"], birth_year=1941)
    care(w.hh_hexi1[2], ["low_income", "disability"])
    care(w.hh_wenfeng1[1], ["disability"])

    db.session.add_all(
        [
            GridCoverage(grid_id=w.g1.id, compound_id=w.hexi_xiaoqu.id),
            GridCoverage(grid_id=w.g2.id, building_id=w.b_wenfeng1.id),
            GridCoverage(grid_id=w.g3.id, compound_id=w.qilidian_yuan.id),
            GridCoverage(grid_id=w.g4.id, compound_id=w.dihao.id),
        ]
    )

    w.root_admin = user("市级管理员", [("admin", "org_unit_id", w.city.id)], phone="13800000001")
    w.hexi_admin = user("河西社区管理员", [("admin", "org_unit_id", w.hexi.id)], phone="13800000002")
    w.worker_a = user("网格员甲", [("grid_worker", "org_unit_id", w.g1.id)], phone="13800000003")
    w.worker_b = user("网格员乙", [("grid_worker", "org_unit_id", w.g2.id)], phone="13800000004")
    w.steward = user("红色管家", [("red_steward", "compound_id", w.hexi_xiaoqu.id)], phone="13800000005")
    w.staff = user("远航物业员工", [("property_staff", "company_id", w.yuanhang.id)], phone="13800000006")
    w.resident = user("居民", [("resident", "household_id", w.hh_dihao1[0].id)], phone="13800000007")
    w.volunteer = user("志愿者", [("volunteer", "org_unit_id", w.hexi.id)], phone="13800000008")
    db.session.commit()
    # Hand out plain ids: ORM objects would be detached once this app context ends.
    return SimpleNamespace(**{k: _ids(v) for k, v in vars(w).items()})


def _ids(value):
    if isinstance(value, list):
        return [item.id for item in value]
    return value.id


def rid(name: str) -> str:
    """A record id as a phone makes it (a lowercase UUID, PROTOCOL.md §4.1), from a readable name.
    Trap: the server refuses any other id (`bad_mutation`), so "t-1" must not reach a push."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"redgrid-test:{name}"))


def unit_member(community_id: int, user_id: int, name: str = "许昌市供电公司党委") -> int:
    """A unit party organisation reporting to the community (双报到) with the user as a member;
    its id (not committed)."""
    unit = Unit(
        community_id=community_id,
        name=name,
        kind="enterprise",
        party_org=f"{name}（党组织）",
        contact_name="王建军",
        contact_phone="13800001001",
    )
    db.session.add(unit)
    db.session.flush()
    db.session.add(Member(user_id=user_id, community_id=community_id, unit_id=unit.id, unit_role="member"))
    db.session.flush()
    return unit.id


# --- records, stored as the rules leave them (the dashboards' tests count them, tests/server/test_dashboard.py)


def _synced(model, **fields):
    row = model(id=str(uuid.uuid4()), version=1, field_versions={}, field_writers={}, **fields)
    db.session.add(row)
    return row


def task(grid_id: int, status: str = "assigned", **fields) -> Task:
    return _synced(
        Task,
        type="visit",
        title="入户走访",
        target_kind="grid",
        target_id=grid_id,
        grid_id=grid_id,
        status=status,
        **fields,
    )


def field_report(grid_id: int, status: str = "new", **fields) -> FieldReport:
    return _synced(FieldReport, category="safety", description="楼道堆物", grid_id=grid_id, status=status, **fields)


def need(user_id: int, household_id: int, **fields) -> Need:
    """A need of the household (give its community_id and grid_id, None when in no grid)."""
    return _synced(
        Need,
        user_id=user_id,
        household_id=household_id,
        category="repair",
        text="水管漏水",
        **fields,
    )


def inspection_template() -> int:
    """A published one-item template (an inspection needs one)."""
    template = InspectionTemplate(
        code=f"dash-{uuid.uuid4().hex[:8]}",
        version=1,
        name="物业服务检查",
        categories=[],
        max_score=100.0,
        severity_deadlines={"critical": 24, "major": 72, "minor": 168},
        status="published",
    )
    db.session.add(template)
    db.session.flush()
    return template.id


def inspection(compound_id: int, template_id: int, **fields) -> Inspection:
    return _synced(Inspection, compound_id=compound_id, template_id=template_id, status="submitted", **fields)


def order(inspection_row: Inspection, company_id: int | None, **fields) -> RectificationOrder:
    return _synced(
        RectificationOrder,
        inspection_id=inspection_row.id,
        compound_id=inspection_row.compound_id,
        company_id=company_id,
        item_code="env.clean",
        item_text="公共区域干净整洁",
        category_name="环境卫生",
        severity="minor",
        **fields,
    )


def alert(author_id: int, **fields) -> Alert:
    row = Alert(title="停水通知", body="明日停水", author_id=author_id, status="sent", **fields)
    db.session.add(row)
    db.session.flush()
    return row


def alert_receipt(alert_row: Alert, user_id: int, delivered_at=None, **fields) -> InboxEntry:
    """An alert's inbox entry for a person, with a push delivery (delivered at `delivered_at`, or not yet)."""
    entry = _synced(InboxEntry, user_id=user_id, alert_id=alert_row.id, title=alert_row.title, **fields)
    db.session.flush()
    db.session.add(
        Delivery(
            alert_id=alert_row.id,
            inbox_id=entry.id,
            user_id=user_id,
            state="delivered" if delivered_at else "sent",
            token=uuid.uuid4().hex,
            delivered_at=delivered_at,
        )
    )
    return entry


def service_entry(account_id: int, community_id: int, hours: float, occurred_at, **fields) -> ServiceEntry:
    return _synced(
        ServiceEntry,
        account_id=account_id,
        community_id=community_id,
        kind="activity",
        source_id=str(uuid.uuid4()),
        title="社区清扫",
        hours=hours,
        occurred_at=occurred_at,
        **fields,
    )
