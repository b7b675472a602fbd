"""Demo 双报到 (issue 14) for 河西社区, made through the real paths (server/members/service.py):
its admin issues report codes; three units register with them and serve its grids — two of them
the first grid (N对1) — 许昌市供电公司党委, 魏都区人民医院党支部 and 许昌实验小学党支部; their members
join with member codes, with skills and the time they can serve; the units list their resources;
the admin keeps two service projects. The demo volunteer 孙磊 (13800000008) is a member of the
power company's unit.

Run after the city is committed (load_demo): the service commits each step, as in use. The new
accounts and their roles carry the demo's date, so two loads with one seed give the same rows."""

from sqlalchemy import select

from server.auth import service as auth_service
from server.auth.models import RoleAssignment, User
from server.demo.accounts import DEMO_CREATED_AT
from server.extensions import db
from server.members import service
from server.org.models import OrgUnit

HEXI_ADMIN, DEMO_VOLUNTEER = "13800000002", "13800000008"
PASSWORD = "dangyuan2026"
UNITS = (
    {
        "name": "许昌市供电公司党委",
        "kind": "enterprise",
        "party_org": "国网许昌供电公司党委",
        "contact_name": "王建军",
        "contact_phone": "13800001001",
        "about": "驻区国有企业，党员 120 余名，常年开展安全用电进社区。",
        "grids": (0, 1),
        "secretary": (
            "13800001001",
            "王建军",
            "营销党支部",
            ["repair", "publicity"],
            ["weekday_evening", "sat_morning"],
        ),
        "members": (
            (DEMO_VOLUNTEER, None, "信息通信党支部", ["it", "driving"], ["sat_morning", "sun_morning"]),
            ("13800001002", "陈志强", "运维检修党支部", ["repair", "environment"], ["sat_afternoon"]),
        ),
        "resources": (
            ("venue", "职工活动室", "可容纳 60 人，有投影和音响", ["culture"], ["sat_morning", "sat_afternoon"], 60),
            ("service", "安全用电上门检查", "电工党员上门检查老旧线路", ["repair"], ["weekday_day"], None),
        ),
    },
    {
        "name": "魏都区人民医院党支部",
        "kind": "hospital",
        "party_org": "魏都区人民医院党支部",
        "contact_name": "李静",
        "contact_phone": "13800001003",
        "about": "每月到社区义诊，为空巢老人建立健康档案。",
        "grids": (0,),
        "secretary": ("13800001003", "李静", "内科党支部", ["medical", "psychology"], ["sat_morning"]),
        "members": (
            ("13800001004", "赵敏", "护理党支部", ["medical", "elderly_care"], ["weekday_evening", "sun_morning"]),
        ),
        "resources": (
            ("service", "义诊和健康讲座", "内科、中医科医生，每月一次", ["medical"], ["sat_morning"], None),
            ("equipment", "电子血压计", "借给社区卫生服务站使用", ["medical", "elderly_care"], [], 10),
        ),
    },
    {
        "name": "许昌实验小学党支部",
        "kind": "school",
        "party_org": "许昌实验小学党支部",
        "contact_name": "周文",
        "contact_phone": "13800001005",
        "about": "驻区小学，党员教师 30 余名。",
        "grids": (1,),
        "secretary": ("13800001005", "周文", "许昌实验小学党支部", ["education", "culture"], ["weekday_evening"]),
        "members": (),
        "resources": (
            ("venue", "多功能教室", "周末对社区开放", ["education", "culture"], ["sat_morning", "sun_morning"], 80),
            ("service", "四点半课堂辅导", "党员教师辅导作业", ["education"], ["weekday_evening"], None),
        ),
    },
)
PROJECTS = (
    (
        "关爱空巢老人·健康守护",
        "为独居和空巢老人定期体检、上门问诊、建立健康档案。",
        ["medical", "elderly_care"],
        (0,),
        ["sat_morning"],
    ),
    ("四点半课堂", "放学后为双职工家庭的孩子辅导作业、开展阅读活动。", ["education"], (1,), ["weekday_evening"]),
)
# The accounts this adds (each holds volunteer@河西社区 after reporting).
DEMO_MEMBER_PHONES = tuple(
    phone
    for unit in UNITS
    for phone in (unit["secretary"][0], *(m[0] for m in unit["members"]))
    if phone != DEMO_VOLUNTEER
)


def _user(phone: str, name: str | None) -> User:
    found = db.session.scalar(select(User).where(User.phone == phone))
    if found is None:
        found = auth_service.create_user(phone, name, PASSWORD)
        found.created_at = DEMO_CREATED_AT
        db.session.commit()
    return found


def _profile(branch, skills, slots) -> dict:
    return {"branch": branch, "skills": skills, "availability": slots}


def _community_of(admin: User) -> OrgUnit:
    return db.session.scalar(
        select(OrgUnit)
        .join(RoleAssignment, RoleAssignment.org_unit_id == OrgUnit.id)
        .where(RoleAssignment.user_id == admin.id, RoleAssignment.role == "admin")
    )


def load_demo_members() -> dict[str, int]:
    admin = db.session.scalar(select(User).where(User.phone == HEXI_ADMIN))
    hexi = _community_of(admin)
    grids = [g.id for g in service.grids_of(hexi)]
    members = 0
    for spec in UNITS:
        code = service.issue_code(admin, {"community_id": hexi.id, "kind": "unit", "max_uses": 1, "days": 14})
        phone, name, *profile = spec["secretary"]
        unit = {key: spec[key] for key in ("name", "kind", "party_org", "contact_name", "contact_phone", "about")}
        unit["grid_ids"] = [grids[i] for i in spec["grids"] if i < len(grids)]
        secretary = _user(phone, name)
        joined = service.report(secretary, {"code": code["code"], "unit": unit, "profile": _profile(*profile)})
        members += 1
        for kind, title, about, skills, slots, capacity in spec["resources"]:
            resource = {"kind": kind, "name": title, "description": about, "skills": skills, "availability": slots}
            service.add_resource(secretary, joined["unit_id"], {**resource, "capacity": capacity})
        if spec["members"]:
            member_code = service.issue_code(
                admin,
                {"community_id": hexi.id, "kind": "member", "unit_id": joined["unit_id"], "max_uses": 50, "days": 30},
            )
            for phone, name, *profile in spec["members"]:
                service.report(_user(phone, name), {"code": member_code["code"], "profile": _profile(*profile)})
                members += 1
    for title, about, skills, grid_refs, slots in PROJECTS:
        project = {"title": title, "description": about, "skills": skills, "availability": slots, "status": "open"}
        project["grid_ids"] = [grids[i] for i in grid_refs if i < len(grids)]
        service.create_project(admin, hexi.id, project)
    # The roles reporting granted carry the demo's date (two loads, the same rows).
    made = select(User.id).where(User.phone.in_(DEMO_MEMBER_PHONES))
    granted = select(RoleAssignment).where(RoleAssignment.role == "volunteer", RoleAssignment.user_id.in_(made))
    for assignment in db.session.scalars(granted):
        assignment.granted_at = DEMO_CREATED_AT
    db.session.commit()
    return {"member_units": len(UNITS), "members": members, "member_projects": len(PROJECTS)}
