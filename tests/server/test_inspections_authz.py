"""Who sees and changes inspections and rectification orders (PROTOCOL.md §2, §12): the sync
buckets decide, and the desk API agrees with them. Stewards of one compound never reach
another's; company X never sees company Y's orders; residents pull none of them."""

import pytest

from tests.server.inspections_support import (
    DIHAO_ADMIN,
    DIHAO_RESIDENT,
    DIHAO_STEWARD,
    HEXI_ADMIN,
    HEXI_STEWARD,
    ITEMS,
    ROOT_ADMIN,
    WANJIA_STAFF,
    YUANHANG_STAFF,
    answers,
    push_one,
    refused,
    save,
    signed_in,
    start,
    submit,
    update,
)
from tests.server.tasks_support import photo, pull_all


def _inspect(app, phone, compound_id, template_id, failed=("env.clean",)):
    """A submitted inspection with `failed` items; returns (steward, submission result)."""
    steward = signed_in(app, phone)
    started = start(steward, compound_id, template_id)
    shot = photo(steward, (len(phone), 1, 2))
    results = {**dict.fromkeys(ITEMS, "pass"), **dict.fromkeys(failed, "fail")}
    done = submit(steward, started, answers=answers(results, photos={code: [shot] for code in failed}))
    assert done["status"] == "applied", done
    return steward, done


@pytest.fixture
def two(app, iw):
    """帝豪花园 (远航物业) and 河西小区 (万家物业), each inspected with one failed item."""
    dihao = _inspect(app, DIHAO_STEWARD, iw.dihao, iw.template_id)
    hexi = _inspect(app, HEXI_STEWARD, iw.hexi_xiaoqu, iw.template_id)
    return dihao, hexi


def _records(auth, entity):
    return {c["id"]: c for c in pull_all(auth) if c["entity"] == entity and c["op"] == "put"}


def test_a_steward_pulls_only_their_compounds_inspections_and_orders(two):
    (dihao_steward, dihao), (_, hexi) = two
    inspections = _records(dihao_steward, "inspection")
    assert set(inspections) == {dihao["record_id"]}
    assert {c["data"]["compound_id"] for c in _records(dihao_steward, "rectification_order").values()} == {
        dihao["record"]["data"]["compound_id"]
    }
    assert {c["bucket"] for c in inspections.values()} == {f"steward:{dihao['record']['data']['compound_id']}"}


def test_a_steward_cannot_push_to_another_compounds_inspection(two):
    (dihao_steward, _), (hexi_steward, hexi) = two
    code, _ = refused(save(dihao_steward, hexi, notes="越权"))
    assert code == "out_of_scope"


def test_company_x_never_sees_company_y_orders(app, two):
    (_, dihao), (_, hexi) = two
    yuanhang, wanjia = signed_in(app, YUANHANG_STAFF), signed_in(app, WANJIA_STAFF)
    yuanhang_orders = _records(yuanhang, "rectification_order")
    wanjia_orders = _records(wanjia, "rectification_order")
    assert {c["data"]["inspection_id"] for c in yuanhang_orders.values()} == {dihao["record_id"]}
    assert {c["data"]["inspection_id"] for c in wanjia_orders.values()} == {hexi["record_id"]}
    assert not _records(yuanhang, "inspection") and not _records(
        wanjia, "inspection"
    )  # staff get orders, not inspections
    (wanjia_order,) = wanjia_orders.values()
    code, _ = refused(
        push_one(
            yuanhang,
            update(
                "rectification_order",
                wanjia_order["id"],
                wanjia_order["version"],
                status="responded",
                response_text="不是我们的",
            ),
        )
    )
    assert code == "out_of_scope"
    # The desk API agrees: a listing of the company's own, and 404 for the other's.
    listed = yuanhang.send("GET", "/api/rectification-orders").get_json()
    assert {o["data"]["inspection_id"] for o in listed["items"]} == {dihao["record_id"]}
    assert yuanhang.send("GET", f"/api/rectification-orders/{wanjia_order['id']}").status_code == 404


def test_a_resident_of_the_compound_pulls_none_of_them(app, two):
    resident = signed_in(app, DIHAO_RESIDENT)
    changes = pull_all(resident)
    assert not [c for c in changes if c["entity"] in ("inspection", "rectification_order")]
    assert resident.send("GET", "/api/inspections").get_json()["total"] == 0
    assert resident.send("GET", "/api/rectification-orders").get_json()["total"] == 0


def test_admins_see_what_lies_in_their_jurisdiction(app, two):
    (_, dihao), (_, hexi) = two
    admins = {phone: signed_in(app, phone) for phone in (ROOT_ADMIN, HEXI_ADMIN, DIHAO_ADMIN)}
    for phone, expected in (
        (ROOT_ADMIN, {dihao["record_id"], hexi["record_id"]}),
        (HEXI_ADMIN, {hexi["record_id"]}),
        (DIHAO_ADMIN, {dihao["record_id"]}),
    ):
        assert set(_records(admins[phone], "inspection")) == expected, phone
        assert {i["id"] for i in admins[phone].send("GET", "/api/inspections").get_json()["items"]} == expected, phone
    hexi_admin = admins[HEXI_ADMIN]
    assert hexi_admin.send("GET", f"/api/inspections/{dihao['record_id']}").status_code == 404
    assert hexi_admin.send("GET", f"/api/inspections/{dihao['record_id']}/report").status_code == 404


def test_an_admin_moves_an_orders_deadline_but_cannot_answer_it(app, two):
    (_, dihao), _ = two
    admin = signed_in(app, DIHAO_ADMIN)
    (order,) = _records(admin, "rectification_order").values()
    moved = push_one(
        admin, update("rectification_order", order["id"], order["version"], deadline_at="2026-12-31T18:00:00+08:00")
    )
    assert moved["status"] == "applied" and moved["record"]["data"]["deadline_at"] == "2026-12-31T10:00:00.000Z"
    assert (
        refused(
            push_one(
                admin,
                update("rectification_order", order["id"], moved["version"], status="responded", response_text="x"),
            )
        )[0]
        == "forbidden_field"
    )
