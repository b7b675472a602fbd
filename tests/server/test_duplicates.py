"""One record per person (issue 16 item 6): the duplicate finder's rules over an admin's area,
the merge that keeps history and moves every reference, its refusals and retries, and a
resident's edit in one place seen by the directory and by tasks."""

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment
from server.core import pokes
from server.core import residents as merge_hooks
from server.org.models import Resident
from tests.factories import user
from tests.server.tasks_support import new_task, signed_in

HEXI_ADMIN, ROOT_ADMIN, WORKER_A = "13800000002", "13800000001", "13800000003"


def person(db, household_id, name, phone=None, birth_year=None, **fields) -> int:
    row = Resident(household_id=household_id, name=name, phone=phone, birth_year=birth_year, relation="other", **fields)
    db.session.add(row)
    db.session.flush()
    return row.id


@pytest.fixture
def people(db, world):
    """Three true pairs in 河西社区, near misses beside them, and one pair across communities."""
    p = {
        # same name, same phone, two households (moved, registered twice)
        "zhang_1": person(db, world.hh_hexi1[0], "张伟", "13911110001", 1975, care_flags=["disability"]),
        "zhang_2": person(db, world.hh_hexi2[0], "张伟", "13911110001", None, care_flags=["low_income"]),
        # same name in one household, one entry without a phone
        "li_1": person(db, world.hh_hexi1[1], "李娜", None, 1980),
        "li_2": person(db, world.hh_hexi1[1], "李娜", "13911110002", 1980),
        # same phone, one character apart (a typing slip), in two grids of the community
        "wang_1": person(db, world.hh_wenfeng1[0], "王建国", "13911110003", 1950),
        "wang_2": person(db, world.hh_hexi1[2], "王建图", "13911110003", 1951),
        # near misses: a common name with different phones; one phone for a family of two
        # surnames; a father and son one character apart sharing a phone; two characters apart
        "liu_1": person(db, world.hh_hexi2[1], "刘洋", "13911110010"),
        "liu_2": person(db, world.hh_hexi2[2], "刘洋", "13911110011"),
        "zhao": person(db, world.hh_hexi1[2], "赵敏", "13911110020"),
        "qian": person(db, world.hh_hexi1[2], "钱敏", "13911110020"),
        "sun_father": person(db, world.hh_wenfeng1[1], "孙建国", "13911110030", 1950),
        "sun_son": person(db, world.hh_wenfeng1[1], "孙建军", "13911110030", 1978),
        "wu_1": person(db, world.hh_hexi2[2], "吴小明", "13911110040"),
        "wu_2": person(db, world.hh_hexi2[2], "吴大亮", "13911110040"),
        # one in 河西社区, one in 七里店社区: only an admin over both sees (and may merge) it
        "zhou_hexi": person(db, world.hh_hexi1[0], "周杰", "13911110050"),
        "zhou_qili": person(db, world.hh_qili1[0], "周杰", "13911110050"),
    }
    db.session.commit()
    return p


def pairs(client, **query) -> dict:
    response = client.send("GET", "/api/places/residents/duplicates", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def merge(client, keep, gone, **body):
    return client.send("POST", "/api/places/residents/merge", json={"keep_id": keep, "merge_id": gone, **body})


def test_the_finder_finds_the_true_pairs_and_not_the_near_misses(app, people):
    found = pairs(signed_in(app, HEXI_ADMIN))
    got = [(item["rule"], item["confidence"], item["a"]["id"], item["b"]["id"]) for item in found["items"]]
    assert got == [
        ("same_name_phone", "high", people["zhang_1"], people["zhang_2"]),
        ("same_name_household", "high", people["li_1"], people["li_2"]),
        ("same_phone_similar", "medium", people["wang_1"], people["wang_2"]),
    ]
    assert found["total"] == 3
    first = found["items"][0]
    assert first["reason"] == "姓名相同，电话相同"
    assert first["a"]["phone_masked"] == "139****0001" and "13911110001" not in str(found)
    assert first["a"]["address"] == "河西小区 1号楼 1单元 101" and first["a"]["care_flags"] == ["disability"]
    # The city's admin sees the pair across the two communities as well.
    everything = pairs(signed_in(app, ROOT_ADMIN), per_page=100)
    assert (people["zhou_hexi"], people["zhou_qili"]) in [(i["a"]["id"], i["b"]["id"]) for i in everything["items"]]
    assert everything["total"] == 4


def test_the_finder_is_paged_and_for_admins_only(app, people):
    admin = signed_in(app, HEXI_ADMIN)
    first, second = pairs(admin, per_page=2), pairs(admin, per_page=2, page=2)
    assert [len(first["items"]), len(second["items"]), first["total"], second["total"]] == [2, 1, 3, 3]
    assert second["items"][0]["b"]["id"] == people["wang_2"]
    assert admin.send("GET", "/api/places/residents/duplicates?per_page=0").status_code == 422
    refused = signed_in(app, WORKER_A).send("GET", "/api/places/residents/duplicates")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_years_apart_make_a_pair_medium(app, db, world, people):
    db.session.get(Resident, people["li_2"]).birth_year = 2001
    db.session.commit()
    (li,) = [i for i in pairs(signed_in(app, HEXI_ADMIN))["items"] if i["rule"] == "same_name_household"]
    assert li["confidence"] == "medium" and "出生年份相差" in li["reason"]


def test_a_merge_keeps_history_moves_every_reference_and_tells_the_grids(app, db, world, people):
    keep, gone = people["zhang_1"], people["zhang_2"]
    account = user("张伟", [("resident", "household_id", world.hh_hexi2[0])], phone="13911110001")
    db.session.commit()
    account_id = account.id
    hooked, poked = [], []

    def hook(kept_id, merged_id):  # a part holding residents' ids, as one registers at assembly
        hooked.append((kept_id, merged_id, db.session.get(Resident, merged_id).merged_into_id))
        return 2

    merge_hooks.register("notes", hook)
    pokes.register(lambda buckets, event: poked.append((event, sorted(buckets))))
    admin = signed_in(app, HEXI_ADMIN)
    try:
        response = merge(admin, keep, gone, choose={"birth_year": "keep", "gender": "merge"})
    finally:
        merge_hooks.unregister(hook)
        pokes._senders.pop()
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["already"] is False and body["merged_id"] == gone
    assert body["kept"]["care_flags"] == ["low_income", "disability"]  # the union, in one order
    assert hooked == [(keep, gone, keep)]  # inside the merge's transaction
    assert poked == [("directory:poke", [f"grid:{world.g1}"])]
    db.session.expire_all()
    gone_row = db.session.get(Resident, gone)
    assert gone_row.merged_into_id == keep and gone_row.merged_at is not None and gone_row.name == "张伟"
    # The account follows the kept entry's household.
    roles = db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == account_id)).all()
    assert [(r.role, r.household_id) for r in roles] == [("resident", world.hh_hexi1[0])]
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resident.merge")).all()
    assert (entry.target_id, entry.details["kept_id"], entry.details["merged_id"]) == (keep, keep, gone)
    assert entry.details["chosen"]["gender"] == "merge" and entry.details["chosen"]["name"] == "keep"
    assert entry.details["references_moved"] == {"notes": 2}
    assert entry.details["roles_moved"] == [{"user_id": account_id, "from": world.hh_hexi2[0], "to": world.hh_hexi1[0]}]
    # The directory shows one 张伟 and the finder has one pair fewer; history still reads the row.
    directory = admin.send("GET", f"/api/grids/{world.g1}/directory").get_json()
    names = [r["name"] for h in directory["households"] for r in h["residents"]]
    assert names.count("张伟") == 1
    household = admin.send("GET", f"/api/places/households/{world.hh_hexi2[0]}").get_json()
    assert gone not in [r["id"] for r in household["residents"]]
    assert pairs(admin)["total"] == 2


def test_the_kept_entry_may_take_the_other_ones_household_and_the_account_follows(app, db, world, people):
    account = user("王建国", [("resident", "household_id", world.hh_wenfeng1[0])], phone="13911110003")
    db.session.commit()
    account_id = account.id
    admin = signed_in(app, HEXI_ADMIN)
    response = merge(admin, people["wang_1"], people["wang_2"], choose={"name": "merge", "household_id": "merge"})
    assert response.status_code == 200
    db.session.expire_all()
    kept = db.session.get(Resident, people["wang_1"])
    assert (kept.name, kept.household_id) == ("王建图", world.hh_hexi1[2])
    roles = db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == account_id)).all()
    assert [(r.role, r.household_id) for r in roles] == [("resident", world.hh_hexi1[2])]


def test_refusals_carry_codes_and_a_retry_changes_nothing(app, db, world, people):
    admin = signed_in(app, HEXI_ADMIN)

    def refused(response, status, code):
        assert response.status_code == status, response.get_json()
        assert response.get_json()["error"]["code"] == code

    refused(merge(admin, people["li_1"], people["li_1"]), 422, "same_resident")
    refused(merge(admin, people["zhou_hexi"], people["zhou_qili"]), 404, "not_found")  # 七里店社区: not hers
    refused(merge(admin, people["li_1"], 99999999), 404, "not_found")
    refused(merge(admin, people["li_1"], people["li_2"], choose={"name": "both"}), 422, "validation")
    refused(
        signed_in(app, WORKER_A).send("POST", "/api/places/residents/merge", json={"keep_id": 1, "merge_id": 2}),
        403,
        "forbidden",
    )
    assert merge(admin, people["li_1"], people["li_2"]).status_code == 200
    again = merge(admin, people["li_1"], people["li_2"])
    assert again.status_code == 200 and again.get_json()["already"] is True
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "resident.merge")) == 1
    refused(merge(admin, people["zhang_1"], people["li_2"]), 409, "already_merged")  # merged into li_1
    refused(merge(admin, people["li_2"], people["zhang_1"]), 409, "already_merged")  # the kept one is gone


def test_an_edit_in_one_place_shows_in_the_directory_and_in_tasks(app, db, world, people):
    """Tasks, the directory and the household read the register by id at every read: no copy."""
    admin = signed_in(app, HEXI_ADMIN)
    task = new_task(admin, "household", world.hh_hexi1[0])
    head = db.session.scalar(select(Resident).where(Resident.household_id == world.hh_hexi1[0]).order_by(Resident.id))
    assert task["household_head"] == head.name
    head.name = "郑秀英"  # corrected once, in the register
    db.session.commit()
    shown = admin.send("GET", f"/api/tasks/{task['id']}").get_json()
    assert shown["household_head"] == "郑秀英"
    listed = admin.send("GET", "/api/tasks").get_json()["items"]
    assert [t["household_head"] for t in listed if t["id"] == task["id"]] == ["郑秀英"]
    directory = admin.send("GET", f"/api/grids/{world.g1}/directory").get_json()
    assert directory["households"][0]["residents"][0]["name"] == "郑秀英"
