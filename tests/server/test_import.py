"""Bulk import (PROTOCOL.md §23): templates, previews with row errors in the user's language, an
all-or-nothing commit, idempotence by natural keys, and the importer's jurisdiction."""

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment, User
from server.org.models import Household, Resident
from tests.conftest import AuthActions
from tests.factories import PASSWORD

RESIDENT_HEADER = ["小区", "楼栋", "单元", "室", "姓名", "手机号", "性别", "出生年份", "与户主关系", "关怀标记"]


def _csv(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _send(auth, kind, step, data, name="people.csv"):
    return auth.send(
        "POST",
        f"/api/admin/imports/{kind}/{step}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _residents_file():
    return [
        RESIDENT_HEADER,
        ["河西小区", "1号楼", "1单元", "101", "张桂兰", "139 1234 5678", "女", "1948", "户主", "独居老人"],
        ["河西小区", "1号楼", "1单元", "101", "王小明", "", "男", "2015", "子女", ""],
        ["河西小区", "1号楼", "3单元", "501", "赵大海", "+86 13912340000", "M", "", "head", "低保、残疾"],
        ["", "", "", "", "", "", "", "", "", ""],  # blank rows are skipped
        ["文峰苑", "2号楼", "1单元", "102", "孙丽", "13912340001", "", "", "", ""],
    ]


def test_residents_from_csv_preview_commit_and_the_same_file_again(world, auth, db):
    auth.login("13800000002", PASSWORD)  # admin of 河西社区
    residents, households = _count(db, Resident), _count(db, Household)
    data = _csv(_residents_file())
    preview = _send(auth, "residents", "preview", data)
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert body["format"] == "csv" and body["rows"] == 4 and body["committable"] is True
    assert body["counts"] == {"create": 4, "update": 0, "unchanged": 0, "error": 0}
    assert body["households_created"] == 1  # 河西小区 1号楼 3单元 501 (the others are there)
    assert [r["row"] for r in body["sample"]] == [2, 3, 4, 6]
    assert body["sample"][0]["cells"][:6] == ["河西小区", "1号楼", "1单元", "101", "张桂兰", "139 1234 5678"]
    assert _count(db, Resident) == residents  # a preview writes nothing

    committed = _send(auth, "residents", "commit", data)
    assert committed.status_code == 200, committed.get_json()
    assert committed.get_json()["counts"] == {"create": 4, "update": 0, "unchanged": 0, "error": 0}
    assert _count(db, Resident) == residents + 4 and _count(db, Household) == households + 1
    zhang = db.session.scalar(select(Resident).where(Resident.name == "张桂兰"))
    assert (zhang.phone, zhang.gender, zhang.birth_year, zhang.relation, zhang.care_flags) == (
        "13912345678",
        "F",
        1948,
        "head",
        ["elderly_alone"],
    )
    zhao = db.session.scalar(select(Resident).where(Resident.name == "赵大海"))
    assert zhao.phone == "13912340000" and zhao.care_flags == ["low_income", "disability"]
    assert db.session.scalar(select(Resident.relation).where(Resident.name == "孙丽")) == "other"

    again = _send(auth, "residents", "commit", data)
    assert again.get_json()["counts"] == {"create": 0, "update": 0, "unchanged": 4, "error": 0}
    assert again.get_json()["households_created"] == 0
    assert _count(db, Resident) == residents + 4 and _count(db, Household) == households + 1
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.commit")).all()
    assert [(a.details["kind"], a.details["create"], a.details["unchanged"]) for a in audits] == [
        ("residents", 4, 0),
        ("residents", 0, 4),
    ]


def test_a_changed_cell_updates_and_an_empty_one_keeps_what_is_stored(world, auth, db, app):
    auth.login("13800000002", PASSWORD)
    _send(auth, "residents", "commit", _csv(_residents_file()))
    rows = _residents_file()
    rows[1][9] = "无"  # 张桂兰's care flags cleared
    rows[1][7] = ""  # birth year left as stored
    rows[2][5] = "13912349999"  # 王小明 had no phone: matched by name within the household, phone added
    changed = _send(auth, "residents", "commit", _csv(rows)).get_json()
    assert changed["counts"] == {"create": 0, "update": 2, "unchanged": 2, "error": 0}
    zhang = db.session.scalar(select(Resident).where(Resident.name == "张桂兰"))
    assert zhang.care_flags == [] and zhang.birth_year == 1948
    assert db.session.scalar(select(Resident.phone).where(Resident.name == "王小明")) == "13912349999"
    assert _send(auth, "residents", "commit", _csv(rows)).get_json()["counts"]["unchanged"] == 4


def test_households_from_xlsx_with_numbers_as_excel_keeps_them(world, auth, db):
    auth.login("13800000001", PASSWORD)  # the city's admin
    households = _count(db, Household)
    data = _xlsx(
        [["小区", "楼栋", "单元", "室"], ["帝豪花园", "1号楼", "1单元", 301], ["河西小区", "1号楼", "1单元", "101"]]
    )
    preview = _send(auth, "households", "preview", data, name="住户.xlsx").get_json()
    assert preview["format"] == "xlsx"
    assert preview["counts"] == {"create": 1, "update": 0, "unchanged": 1, "error": 0}
    assert _send(auth, "households", "commit", data, name="住户.xlsx").get_json()["counts"]["create"] == 1
    assert db.session.scalar(select(Household.room).order_by(Household.id.desc()).limit(1)) == "301"
    again = _send(auth, "households", "commit", data, name="住户.xlsx").get_json()
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert _count(db, Household) == households + 1


def test_row_errors_name_row_column_and_say_what_is_wrong(world, auth, db):
    auth.login("13800000002", PASSWORD)
    rows = [
        RESIDENT_HEADER,
        ["河西小区", "1号楼", "1单元", "101", "张桂兰", "1391234", "", "", "", ""],
        ["没有的小区", "1号楼", "1单元", "101", "李四", "", "", "", "", ""],
        ["帝豪花园", "1号楼", "1单元", "101", "王五", "", "", "", "", ""],  # 帝豪社区: not 河西社区's
        ["河西小区", "9号楼", "1单元", "101", "赵六", "", "", "", "", ""],
        ["河西小区", "1号楼", "1单元", "102", "钱七", "", "不详", "1800", "邻居", "富裕"],
        ["河西小区", "1号楼", "1单元", "102", "孙八", "13912340002", "", "", "", ""],
        ["河西小区", "1号楼", "1单元", "102", "孙八", "139-1234-0002", "", "", "", ""],
        ["河西小区", "1号楼", "1单元", "102", "", "", "", "", "", ""],
    ]
    body = _send(auth, "residents", "preview", _csv(rows)).get_json()
    errors = [(e["row"], e["column"], e["code"], e["message"]) for e in body["errors"]]
    assert errors == [
        (2, "手机号", "bad_phone", "请输入 11 位中国大陆手机号。"),
        (3, "小区", "unknown_compound", "没有名为“没有的小区”的小区。"),
        (4, "小区", "outside_jurisdiction", "“帝豪花园”不在您的管辖范围内。"),
        (5, "楼栋", "unknown_building", "小区“河西小区”中没有“9号楼”。"),
        (6, "性别", "bad_value", "“不详”不是有效的取值。"),
        (6, "出生年份", "bad_year", errors[5][3]),
        (6, "与户主关系", "bad_value", "“邻居”不是有效的取值。"),
        (6, "关怀标记", "bad_value", "“富裕”不是有效的取值。"),
        (8, "姓名", "duplicate_row", "与第 7 行重复。"),
        (9, "姓名", "required", "此项必填。"),
    ]
    assert errors[5][3].startswith("出生年份应在 1900 到 ")
    assert body["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 7}
    assert body["committable"] is False
    assert [r["action"] for r in body["sample"]] == ["error"] * 5 + ["create", "error", "error"]

    residents = _count(db, Resident)
    refused = _send(auth, "residents", "commit", _csv(rows))  # all or nothing: row 7 is fine, yet not written
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "import_has_errors"
    assert refused.get_json()["error"]["fields"]["file"] == ["文件中有 10 处错误，请修改后重新上传；没有导入任何数据。"]
    assert _count(db, Resident) == residents


def test_a_missing_column_is_said_once_and_in_english_for_an_english_user(world, auth, db):
    db.session.execute(User.__table__.update().where(User.phone == "13800000002").values(locale="en"))
    db.session.commit()
    auth.login("13800000002", PASSWORD)
    body = _send(auth, "households", "preview", _csv([["Compound", "楼栋", "室"], ["河西小区", "1号楼", "101"]]))
    errors = body.get_json()["errors"]
    assert errors == [
        {"row": 1, "column": "Unit", "code": "missing_column", "message": "The column “Unit” is missing."}
    ]
    template = auth.send("GET", "/api/admin/imports/households/template?format=csv")
    assert template.data.decode("utf-8-sig").splitlines()[0] == "Compound,Building,Unit,Room"


def test_files_that_are_not_tables(world, auth):
    auth.login("13800000002", PASSWORD)
    image = _send(auth, "households", "preview", b"\x89PNG\r\n\x1a\n", name="photo.png")
    assert image.status_code == 415 and image.get_json()["error"]["code"] == "unsupported_type"
    broken = _send(auth, "households", "preview", b"PK\x03\x04broken", name="a.xlsx")
    assert broken.status_code == 422 and broken.get_json()["error"]["code"] == "import_unreadable"
    empty = _send(auth, "households", "preview", _csv([["小区", "楼栋", "单元", "室"]]))
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "import_empty"
    no_file = auth.send("POST", "/api/admin/imports/households/preview", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and no_file.get_json()["error"]["fields"] == {"file": ["此项必填。"]}
    gb = _send(
        auth,
        "households",
        "preview",
        _csv([["小区", "楼栋", "单元", "室"], ["河西小区", "1号楼", "1单元", "999"]], "gb18030"),
    )
    assert gb.get_json()["counts"]["create"] == 1


def test_templates_have_a_chinese_header_and_an_example_that_imports(world, auth, db):
    auth.login("13800000002", PASSWORD)
    xlsx = auth.send("GET", "/api/admin/imports/residents/template")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]] == RESIDENT_HEADER
    assert sheet[2][0].value == "河西小区"
    example = _send(auth, "residents", "preview", xlsx.data, name="t.xlsx").get_json()
    assert example["counts"]["create"] == 1 and example["errors"] == []
    users = auth.send("GET", "/api/admin/imports/users/template?format=csv")
    assert users.data.startswith(b"\xef\xbb\xbf") and users.data.decode("utf-8-sig").startswith(
        "手机号,姓名,角色,范围,初始密码"
    )


def test_only_admins_import(world, app):
    for phone in ("13800000003", "13800000005", "13800000007"):  # grid worker, red steward, resident
        auth = AuthActions(app.test_client())
        auth.login(phone, PASSWORD)
        assert auth.send("GET", "/api/admin/imports/households/template").status_code == 403
        refused = _send(
            auth, "households", "commit", _csv([["小区", "楼栋", "单元", "室"], ["河西小区", "1号楼", "1单元", "9"]])
        )
        assert refused.status_code == 403
    assert app.test_client().get("/api/admin/imports/users/template").status_code == 401


USERS_HEADER = ["手机号", "姓名", "角色", "范围", "初始密码"]


def test_users_with_roles_inside_the_jurisdiction_only(world, auth, db, app):
    auth.login("13800000002", PASSWORD)  # admin of 河西社区
    rows = [
        USERS_HEADER,
        ["13912345001", "新网格员", "网格员", "河西社区第一网格", "Hexi-2026-grid"],
        ["13912345001", "新网格员", "volunteer", "河西社区", ""],  # a second role of the same new account
        ["13912345002", "新居民", "居民", "河西小区/1号楼/1单元/101", "Hexi-2026-home"],
        ["13800000003", "网格员甲", "红色管家", "河西小区", ""],  # an existing account of the jurisdiction
        ["13912345003", "越权", "网格员", "七里店社区第一网格", "Hexi-2026-grid"],  # another community's grid
        ["13912345004", "越权", "管理员", "文峰街道", "Hexi-2026-grid"],  # above the admin
        ["13800000006", "远航物业员工", "志愿者", "河西社区", ""],  # an account held elsewhere
        ["13912345005", "无密码", "志愿者", "河西社区", ""],
        ["13912345006", "错角色", "书记", "河西社区", "Hexi-2026-grid"],
        ["13912345007", "错网格", "网格员", "河西社区", "Hexi-2026-grid"],  # a community is no grid
        ["13912345001", "新网格员", "网格员", "河西社区第一网格", ""],
    ]
    body = _send(auth, "users", "preview", _csv(rows)).get_json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (6, "范围", "outside_jurisdiction"),
        (7, "范围", "outside_jurisdiction"),
        (8, "手机号", "phone_elsewhere"),
        (9, "初始密码", "password_needed"),
        (10, "角色", "bad_value"),
        (11, "范围", "unknown_scope"),
        (12, "范围", "duplicate_row"),
    ]
    assert body["errors"][5]["message"] == "没有名为“河西社区”的网格。"
    grants = db.session.scalar(select(func.count()).select_from(RoleAssignment))
    assert _send(auth, "users", "commit", _csv(rows)).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == grants

    good = rows[:5]
    committed = _send(auth, "users", "commit", _csv(good)).get_json()
    assert committed["counts"] == {"create": 3, "update": 1, "unchanged": 0, "error": 0}
    assert committed["accounts_created"] == 2
    newcomer = db.session.scalar(select(User).where(User.phone == "13912345001"))
    assert sorted(r.role for r in newcomer.roles) == ["grid_worker", "volunteer"]
    assert AuthActions(app.test_client()).login("13912345001", "Hexi-2026-grid").status_code == 200
    roles_a = db.session.scalars(select(RoleAssignment.role).where(RoleAssignment.user_id == world.worker_a)).all()
    assert sorted(roles_a) == ["grid_worker", "red_steward"]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.in_(("user.create", "role.grant"))))
    assert sorted(actions) == ["role.grant"] * 4 + ["user.create"] * 2

    again = _send(auth, "users", "commit", _csv(good)).get_json()
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 4, "error": 0} and again["accounts_created"] == 0


def test_outside_jurisdiction_places_for_a_community_admin(world, auth, db):
    auth.login("13800000002", PASSWORD)
    data = _csv([["小区", "楼栋", "单元", "室"], ["七里店家属院", "1号楼", "1单元", "909"]])
    body = _send(auth, "households", "preview", data).get_json()
    assert [e["code"] for e in body["errors"]] == ["outside_jurisdiction"]
    assert _send(auth, "households", "commit", data).status_code == 422


def test_an_import_pokes_the_phones_keeping_a_changed_directory_and_they_see_it(world, auth, app, db):
    from server.core import pokes

    poked = []

    def sender(buckets, event):
        poked.append((event, sorted(buckets)))

    rows = [
        RESIDENT_HEADER,
        ["河西小区", "2号楼", "1单元", "101", "周新", "", "", "", "", ""],  # G1 covers 河西小区
        ["文峰苑", "1号楼", "1单元", "101", "吴新", "", "", "", "", ""],  # G2 covers 文峰苑 1号楼 only
        ["文峰苑", "2号楼", "1单元", "101", "郑新", "", "", "", "", ""],  # in no grid
    ]
    auth.login("13800000002", PASSWORD)
    pokes.register(sender)
    try:
        assert _send(auth, "residents", "commit", _csv(rows)).status_code == 200
        assert poked == [("directory:poke", [f"grid:{world.g1}", f"grid:{world.g2}"])]
        poked.clear()
        assert _send(auth, "residents", "commit", _csv(rows)).status_code == 200
        assert poked == []  # nothing changed, nobody is told
    finally:
        pokes._senders.remove(sender)
    worker = AuthActions(app.test_client())
    worker.login("13800000003", PASSWORD)
    directory = worker.client.get(f"/api/grids/{world.g1}/directory").get_json()
    names = [r["name"] for h in directory["households"] for r in h["residents"]]
    assert "周新" in names and "吴新" not in names


def test_size_and_row_bounds(world, auth, monkeypatch):
    from server.imports import files, service

    auth.login("13800000002", PASSWORD)
    monkeypatch.setattr(service, "MAX_ROWS", 2)
    rows = [["小区", "楼栋", "单元", "室"]] + [["河西小区", "1号楼", "1单元", str(n)] for n in range(3)]
    many = _send(auth, "households", "preview", _csv(rows))
    assert many.status_code == 422 and many.get_json()["error"]["code"] == "import_too_many_rows"
    monkeypatch.setattr(service, "MAX_BYTES", 100)
    big = _send(auth, "households", "preview", _csv(rows) + b" " * 200_000)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "too_large"
    assert big.get_json()["error"]["message"] == "提交的内容过大。"  # refused by its length, before any parse
    monkeypatch.setattr(service, "MAX_BYTES", 16 << 20)
    monkeypatch.setattr(files, "MAX_UNPACKED", 1000)  # a workbook unpacking to more is refused unread
    bomb = _send(auth, "households", "preview", _xlsx(rows[:2]), name="a.xlsx")
    assert bomb.status_code == 422 and bomb.get_json()["error"]["code"] == "import_unreadable"


def test_two_stored_residents_of_one_name_need_a_phone_to_tell_them_apart(world, auth, db):
    db.session.add_all([Resident(household_id=world.hh_hexi1[0], name="刘洋", relation="child") for _ in range(2)])
    db.session.commit()
    auth.login("13800000002", PASSWORD)
    rows = [RESIDENT_HEADER, ["河西小区", "1号楼", "1单元", "101", "刘洋", "", "", "2001", "", ""]]
    body = _send(auth, "residents", "preview", _csv(rows)).get_json()
    assert [(e["code"], e["message"]) for e in body["errors"]] == [
        ("ambiguous_resident", "这一户有多位“刘洋”，请填写手机号以区分。")
    ]
    rows.append(["河西小区", "1号楼", "1单元", "101", f"居民{world.b_hexi1}-0", "", "", "1950", "", ""])
    rows.append(
        [
            "河西小区",
            "1号楼",
            "1单元",
            "101",
            f"居民{world.b_hexi1}-0",
            f"1370000{world.hh_hexi1[0]:04d}",
            "",
            "",
            "",
            "",
        ]
    )
    body = _send(auth, "residents", "preview", _csv(rows)).get_json()
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(2, "ambiguous_resident"), (4, "duplicate_row")]
