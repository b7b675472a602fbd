"""Admins manage places (PROTOCOL.md §25.4): compounds, buildings, households, residents, property
companies and owners' committees, inside their jurisdiction, audited, 422 with per-field messages."""

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.org.models import Compound, PropertyCompany, Resident
from server.org.schemas import credit_code_valid
from tests.factories import user
from tests.server.tasks_support import HEXI_ADMIN, ROOT_ADMIN, WORKER_A, new_task, signed_in

VALID_CODE = "91350100M000100Y43"


def _audited(db) -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("place.%")).order_by(AuditEntry.id))
    )


def test_the_credit_code_check_character():
    assert credit_code_valid(VALID_CODE) and credit_code_valid("91110108551385082Q")
    assert not credit_code_valid("91350100M000100Y44")  # wrong check character
    assert not credit_code_valid("91350100M000100Y4")  # 17 characters
    assert not credit_code_valid("91350100I000100Y43")  # I is not in the alphabet


def test_an_admin_sets_up_a_compound_down_to_a_resident(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    made = admin.send(
        "POST",
        "/api/places/compounds",
        json={
            "name": "滨河花园",
            "address": "许昌市魏都区滨河路 8 号",
            "community_id": world.hexi,
            "property_company_id": world.wanjia,
            "latitude": 34.03,
            "longitude": 113.85,
            "built_year": 2008,
        },
    )
    assert made.status_code == 201, made.get_json()
    compound = made.get_json()
    assert compound["property_company"]["id"] == world.wanjia and compound["built_year"] == 2008
    building = admin.send(
        "POST", f"/api/places/compounds/{compound['id']}/buildings", json={"name": "1号楼", "units": 2, "floors": 11}
    ).get_json()
    assert (building["name"], building["units"], building["floors"]) == ("1号楼", 2, 11)
    same = admin.send("POST", f"/api/places/compounds/{compound['id']}/buildings", json={"name": "1号楼"})
    assert same.status_code == 422 and same.get_json()["error"]["code"] == "building_name_taken"
    household = admin.send(
        "POST", f"/api/places/buildings/{building['id']}/households", json={"unit": "1单元", "room": "101"}
    ).get_json()
    twice = admin.send(
        "POST", f"/api/places/buildings/{building['id']}/households", json={"unit": "1单元", "room": "101"}
    )
    assert twice.status_code == 422 and "room" in twice.get_json()["error"]["fields"]
    resident = admin.send(
        "POST",
        f"/api/places/households/{household['id']}/residents",
        json={
            "name": "王秀英",
            "phone": "13912345678",
            "gender": "F",
            "birth_year": 1942,
            "relation": "head",
            "care_flags": ["low_income", "elderly_alone", "elderly_alone"],
        },
    )
    assert resident.status_code == 201, resident.get_json()
    body = resident.get_json()
    assert body["phone_masked"] == "139****5678" and body["care_flags"] == ["elderly_alone", "low_income"]
    changed = admin.send("PATCH", f"/api/places/residents/{body['id']}", json={"care_flags": ["disability"]})
    assert changed.get_json()["care_flags"] == ["disability"]
    committee = admin.send(
        "PUT",
        f"/api/places/compounds/{compound['id']}/committee",
        json={
            "name": "滨河花园业主委员会",
            "chair_name": "李建国",
            "established_on": "2024-03-01",
            "term_ends_on": "2029-02-28",
        },
    )
    assert committee.status_code == 200 and committee.get_json()["chair_name"] == "李建国"
    backwards = admin.send(
        "PUT",
        f"/api/places/compounds/{compound['id']}/committee",
        json={"name": "业委会", "established_on": "2024-03-01", "term_ends_on": "2023-02-28"},
    )
    assert backwards.status_code == 422 and "term_ends_on" in backwards.get_json()["error"]["fields"]
    # Deleting from the top is refused while something is below.
    refused = admin.send("DELETE", f"/api/places/compounds/{compound['id']}")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "compound_not_empty"
    refused = admin.send("DELETE", f"/api/places/households/{household['id']}")
    assert refused.get_json()["error"]["code"] == "household_not_empty"
    assert admin.send("DELETE", f"/api/places/residents/{body['id']}").status_code == 204
    assert admin.send("DELETE", f"/api/places/households/{household['id']}").status_code == 204
    assert admin.send("DELETE", f"/api/places/buildings/{building['id']}").status_code == 204
    assert admin.send("DELETE", f"/api/places/compounds/{compound['id']}").status_code == 204
    assert db.session.get(Compound, compound["id"]) is None
    assert _audited(db) == [
        "place.compound_create",
        "place.building_create",
        "place.household_create",
        "place.resident_create",
        "place.resident_update",
        "place.committee_put",
        "place.resident_delete",
        "place.household_delete",
        "place.building_delete",
        "place.compound_delete",
    ]


def test_bad_input_is_answered_per_field(app, world):
    admin = signed_in(app, HEXI_ADMIN)
    bad = admin.send(
        "POST",
        "/api/places/compounds",
        json={"name": "", "community_id": world.hexi, "latitude": 123, "built_year": 1800},
    )
    assert bad.status_code == 422
    assert {"name", "latitude", "built_year"} <= set(bad.get_json()["error"]["fields"])
    grid = admin.send("POST", "/api/places/compounds", json={"name": "某小区", "community_id": world.g1})
    assert grid.status_code == 422 and grid.get_json()["error"]["code"] == "community_required"
    resident = admin.send(
        "POST",
        f"/api/places/households/{world.hh_hexi1[0]}/residents",
        json={"name": "张三", "phone": "12345", "gender": "X", "care_flags": ["rich"]},
    )
    assert resident.status_code == 422
    assert {"phone", "gender", "care_flags"} <= set(resident.get_json()["error"]["fields"])
    company = admin.send("POST", "/api/places/companies", json={"name": "某物业", "credit_code": "91350100M000100Y44"})
    assert company.status_code == 422
    (message,) = company.get_json()["error"]["fields"]["credit_code"]
    assert "统一社会信用代码" in message


def test_a_community_admin_cannot_touch_another_communitys_places(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    assert admin.send("PATCH", f"/api/places/compounds/{world.qilidian_yuan}", json={"name": "x"}).status_code == 404
    assert admin.send("DELETE", f"/api/places/buildings/{world.b_dihao1}").status_code == 404
    assert (
        admin.send(
            "POST", f"/api/places/buildings/{world.b_qili1}/households", json={"unit": "1", "room": "1"}
        ).status_code
        == 404
    )
    elsewhere = admin.send("POST", "/api/places/compounds", json={"name": "某小区", "community_id": world.qilidian})
    assert elsewhere.status_code == 422 and elsewhere.get_json()["error"]["code"] == "community_required"
    # Its own compound may not move to a community outside.
    moved = admin.send("PATCH", f"/api/places/compounds/{world.hexi_xiaoqu}", json={"community_id": world.qilidian})
    assert moved.status_code == 422
    # A grid worker reads the directory but manages no places.
    worker = signed_in(app, WORKER_A)
    assert worker.send("PATCH", f"/api/places/buildings/{world.b_hexi1}", json={"floors": 7}).status_code == 403
    assert worker.send("POST", "/api/places/companies", json={"name": "某物业"}).status_code == 403
    assert db.session.get(Compound, world.qilidian_yuan).name == "七里店家属院"


def test_a_company_is_edited_only_by_an_admin_over_all_its_compounds(app, world, db):
    hexi = signed_in(app, HEXI_ADMIN)
    # 万家物业 manages 河西小区 and 文峰苑, both in 河西社区: the community's admin edits it.
    edit = hexi.send("PATCH", f"/api/places/companies/{world.wanjia}", json={"credit_code": VALID_CODE})
    assert edit.status_code == 200, edit.get_json()
    assert edit.get_json()["credit_code"] == VALID_CODE and edit.get_json()["editable"] is True
    # 远航物业 manages 帝豪花园 in another district.
    other = hexi.send("PATCH", f"/api/places/companies/{world.yuanhang}", json={"name": "改名"})
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "company_spans"
    # Once 万家 manages a compound of 七里店社区 too, only the street's admin (or above) edits it.
    root = signed_in(app, ROOT_ADMIN)
    assert (
        root.send("PATCH", f"/api/places/compounds/{world.qilidian_yuan}", json={"property_company_id": world.wanjia})
    ).status_code == 200
    spans = hexi.send("PATCH", f"/api/places/companies/{world.wanjia}", json={"has_party_branch": True})
    assert spans.status_code == 403
    with app.app_context():
        from server.extensions import db as _db

        user("文峰街道管理员", [("admin", "org_unit_id", world.wenfeng)], phone="13800000009")
        _db.session.commit()
    street = signed_in(app, "13800000009")
    assert (
        street.send("PATCH", f"/api/places/companies/{world.wanjia}", json={"has_party_branch": True}).status_code
        == 200
    )
    listed = hexi.send("GET", "/api/places/companies?q=物业&per_page=1").get_json()
    assert listed["total"] == 2 and len(listed["items"]) == 1
    # A new company manages nothing yet: its maker may edit it; a company in use is not deleted.
    made = hexi.send("POST", "/api/places/companies", json={"name": "新新物业", "contact_phone": "0374-1234567"})
    assert made.status_code == 201 and made.get_json()["editable"] is True
    taken = hexi.send("POST", "/api/places/companies", json={"name": "新新物业"})
    assert taken.status_code == 422 and taken.get_json()["error"]["code"] == "company_name_taken"
    assert (
        street.send("DELETE", f"/api/places/companies/{world.wanjia}").get_json()["error"]["code"] == "company_in_use"
    )
    assert hexi.send("DELETE", f"/api/places/companies/{made.get_json()['id']}").status_code == 204
    assert db.session.get(PropertyCompany, made.get_json()["id"]) is None
    assert db.session.get(PropertyCompany, world.wanjia).has_party_branch is True


def test_a_place_other_records_name_is_not_deleted(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    building = admin.send(
        "POST", f"/api/places/compounds/{world.wenfeng_yuan}/buildings", json={"name": "9号楼"}
    ).get_json()
    admin.send("POST", f"/api/org/grids/{world.g2}/coverage", json={"building_id": building["id"]})
    new_task(admin, "building", building["id"])
    refused = admin.send("DELETE", f"/api/places/buildings/{building['id']}")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "place_in_use"
    # A household with a resident account is not deleted either.
    emptied = db.session.scalars(select(Resident).where(Resident.household_id == world.hh_dihao1[0])).all()
    for row in emptied:
        db.session.delete(row)
    db.session.commit()
    root = signed_in(app, ROOT_ADMIN)
    accounts = root.send("DELETE", f"/api/places/households/{world.hh_dihao1[0]}")
    assert accounts.status_code == 422 and accounts.get_json()["error"]["code"] == "household_has_accounts"


def test_a_residents_change_gives_the_grids_directory_a_new_etag(app, world):
    worker = signed_in(app, WORKER_A)
    before = worker.send("GET", f"/api/grids/{world.g1}/directory")
    admin = signed_in(app, HEXI_ADMIN)
    resident = before.get_json()["households"][1]["residents"][0]
    changed = admin.send(
        "PATCH", f"/api/places/residents/{resident['id']}", json={"name": "王改名", "birth_year": 1950}
    )
    assert changed.status_code == 200, changed.get_json()
    after = worker.send("GET", f"/api/grids/{world.g1}/directory", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    renamed = next(r for h in after.get_json()["households"] for r in h["residents"] if r["id"] == resident["id"])
    assert (renamed["name"], renamed["birth_year"]) == ("王改名", 1950)
    # The city's admin is over every company.
    root = signed_in(app, ROOT_ADMIN)
    assert root.send("GET", f"/api/places/companies/{world.wanjia}").get_json()["editable"] is True
