"""Helpers of the inspection tests. The world (`iw`, tests/conftest.py) is tests/factories.build_world
plus: a published four-item template (`TEMPLATE`), a red steward of 帝豪花园 (远航物业) and one of
河西小区 (万家物业, the world's 13800000005), and a staff member of each company; `scored` adds
November's inspections and orders (`scored_november`)."""

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from server.core import clock
from server.extensions import db
from server.inspections.models import Inspection, InspectionTemplate, RectificationOrder
from tests.factories import user
from tests.server.tasks_support import create, photo, push_one, signed_in, update  # noqa: F401 (the tests import them from here)

ROOT_ADMIN, HEXI_ADMIN, HEXI_STEWARD, YUANHANG_STAFF, DIHAO_RESIDENT = (
    "13800000001",
    "13800000002",
    "13800000005",
    "13800000006",
    "13800000007",
)
DIHAO_STEWARD, WANJIA_STAFF, DIHAO_ADMIN = "13800000020", "13800000021", "13800000022"

# Weights 40 + 20 + 30 + 10 = 100; deadlines per severity in hours.
TEMPLATE = {
    "code": "property-test",
    "name": "物业服务检查（测试）",
    "max_score": 100.0,
    "severity_deadlines": {"critical": 24, "major": 72, "minor": 168},
    "categories": [
        {
            "code": "env",
            "name": "环境卫生",
            "items": [
                {
                    "code": "env.clean",
                    "text": "公共区域干净整洁",
                    "weight": 40,
                    "severity": "minor",
                    "photo_required_on_fail": True,
                },
                {
                    "code": "env.bins",
                    "text": "垃圾分类投放点规范",
                    "weight": 20,
                    "severity": "major",
                    "photo_required_on_fail": False,
                },
            ],
        },
        {
            "code": "fire",
            "name": "消防安全",
            "items": [
                {
                    "code": "fire.exits",
                    "text": "消防通道畅通",
                    "weight": 30,
                    "severity": "critical",
                    "photo_required_on_fail": True,
                },
                {
                    "code": "fire.lift",
                    "text": "电梯运行正常",
                    "weight": 10,
                    "severity": "major",
                    "photo_required_on_fail": True,
                },
            ],
        },
    ],
}
ITEMS = ("env.clean", "env.bins", "fire.exits", "fire.lift")


def add_template(data=None, status="published", version=1) -> int:
    row = InspectionTemplate(**{**TEMPLATE, **(data or {})}, version=version, status=status)
    db.session.add(row)
    db.session.commit()
    return row.id


def inspection_world(world) -> SimpleNamespace:
    """The world with the inspection template and people above (ids); in an app context."""
    extra = SimpleNamespace(
        template_id=add_template(),
        dihao_steward=user("赵卫东", [("red_steward", "compound_id", world.dihao)], phone=DIHAO_STEWARD).id,
        wanjia_staff=user("万家物业员工", [("property_staff", "company_id", world.wanjia)], phone=WANJIA_STAFF).id,
        dihao_admin=user("帝豪社区管理员", [("admin", "org_unit_id", world.dihao_community)], phone=DIHAO_ADMIN).id,
    )
    db.session.commit()
    return SimpleNamespace(**vars(world), **vars(extra))


def answers(results: dict, photos: dict | None = None, notes: dict | None = None) -> dict:
    """{code: {"result", "note", "photos"}} from {code: result}."""
    out = {}
    for code, result in results.items():
        answer = {"result": result}
        if photos and code in photos:
            answer["photos"] = photos[code]
        if notes and code in notes:
            answer["note"] = notes[code]
        out[code] = answer
    return out


def all_pass() -> dict:
    return answers({code: "pass" for code in ITEMS})


def start(steward, compound_id, template_id, **fields) -> dict:
    """A steward's ad-hoc inspection, created in progress; returns the push result."""
    record_id = str(uuid.uuid4())
    result = push_one(
        steward,
        create(
            "inspection",
            record_id,
            compound_id=compound_id,
            template_id=template_id,
            kind="adhoc",
            status="in_progress",
            started_at="2026-11-27T09:00:00+08:00",
            **fields,
        ),
    )
    assert result["status"] == "applied", result
    return result


def save(steward, result, **fields) -> dict:
    return push_one(steward, update("inspection", result["record_id"], result["version"], **fields))


def submit(steward, result, **fields) -> dict:
    return save(steward, result, status="submitted", finished_at="2026-11-27T09:40:00+08:00", **fields)


def submit_failing(steward, iw, failed: dict[str, tuple | None]) -> dict:
    """The steward inspects 帝豪花园 (远航物业): the items named fail, each with a photo of the
    colour given (None: no photo), the rest pass; one open order per failed item. Returns the push
    result."""
    shots = {code: [photo(steward, colour)] for code, colour in failed.items() if colour is not None}
    started = start(steward, iw.dihao, iw.template_id)
    results = {**dict.fromkeys(ITEMS, "pass"), **dict.fromkeys(failed, "fail")}
    done = submit(steward, started, answers=answers(results, photos=shots))
    assert done["status"] == "applied", done
    return done


def refused(result) -> tuple[str, dict]:
    assert result["status"] == "rejected", result
    return result["error"]["code"], result["error"]["fields"]


# --- a month of scores (the `scored` fixture) ------------------------------------------------------

NOVEMBER = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def inspection(compound_id, template_id, score, at, company_id=None, max_score=100.0) -> str:
    """A submitted inspection as the sync rules store one (score set, in a month)."""
    record_id = str(uuid.uuid4())
    db.session.add(
        Inspection(
            id=record_id,
            version=1,
            field_versions={},
            field_writers={},
            deleted=False,
            compound_id=compound_id,
            template_id=template_id,
            kind="adhoc",
            status="submitted",
            submitted_at=at,
            score=score,
            max_score=max_score,
            company_id=company_id,
            created_at=at,
        )
    )
    return record_id


def rectification(inspection_id, compound_id, at, status="open", overdue=False, reopenings=0, company_id=None) -> str:
    record_id = str(uuid.uuid4())
    db.session.add(
        RectificationOrder(
            id=record_id,
            version=1,
            field_versions={},
            field_writers={},
            deleted=False,
            inspection_id=inspection_id,
            compound_id=compound_id,
            company_id=company_id,
            item_code="env.clean",
            item_text="公共区域干净整洁",
            category_name="环境卫生",
            severity="minor",
            deadline_at=at + timedelta(days=7),
            status=status,
            reopen_count=reopenings,
            escalation_level=1 if overdue else 0,
            overdue_at=at + timedelta(days=7) if overdue else None,
            created_at=at,
        )
    )
    return record_id


def scored_november(iw) -> None:
    """November: 河西小区 90 and 70 (mean 80) with one overdue order and one reopening → 77;
    文峰苑 95 → 95; 帝豪花园 60 (of 80 max: 75%) → 75; 七里店家属院 none. October: 河西小区 50.
    In an app context."""
    first = inspection(iw.hexi_xiaoqu, iw.template_id, 90.0, NOVEMBER, iw.wanjia)
    inspection(iw.hexi_xiaoqu, iw.template_id, 70.0, NOVEMBER + timedelta(days=5), iw.wanjia)
    rectification(first, iw.hexi_xiaoqu, NOVEMBER, overdue=True, company_id=iw.wanjia)
    rectification(first, iw.hexi_xiaoqu, NOVEMBER, status="responded", reopenings=1, company_id=iw.wanjia)
    rectification(first, iw.hexi_xiaoqu, NOVEMBER, status="closed", company_id=iw.wanjia)
    inspection(iw.wenfeng_yuan, iw.template_id, 95.0, NOVEMBER, iw.wanjia)
    dihao = inspection(iw.dihao, iw.template_id, 60.0, NOVEMBER, iw.yuanhang, max_score=80.0)
    rectification(dihao, iw.dihao, NOVEMBER, company_id=iw.yuanhang)
    inspection(iw.hexi_xiaoqu, iw.template_id, 50.0, NOVEMBER - timedelta(days=20), iw.wanjia)
    db.session.commit()


def get(auth, url):
    """GET as of 20 November 2026 (the month `scored_november` fills)."""
    with clock.at(NOVEMBER + timedelta(days=10)):
        return auth.send("GET", url)
