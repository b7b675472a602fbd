"""The grid directory (issue 4 item 5): one grid, whole, for a grid worker's phone to keep offline;
masked phones, care flags, ETag/304, scope, and the audited full-number endpoint."""

import gzip
import json

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.org.models import Building, Resident
from server.org.service import natural_key
from tests.conftest import count_statements
from tests.factories import PASSWORD, building_with_households

WORKER_A, WORKER_B, HEXI_ADMIN, ROOT_ADMIN = "13800000003", "13800000004", "13800000002", "13800000001"
STEWARD, RESIDENT, VOLUNTEER = "13800000005", "13800000007", "13800000008"


def directory(auth, grid_id, **headers):
    return auth.client.get(f"/api/grids/{grid_id}/directory", headers=headers)


def first_resident(db, household_id) -> Resident:
    return db.session.scalar(select(Resident).where(Resident.household_id == household_id).order_by(Resident.id))


def test_a_grid_worker_gets_the_whole_directory_of_the_grid(world, auth, db):
    auth.login(WORKER_A, PASSWORD)
    response = directory(auth, world.g1)
    assert response.status_code == 200
    body = response.get_json()
    assert body["grid"] == {
        "id": world.g1,
        "name": "河西社区第一网格",
        "path": ["许昌市", "魏都区", "文峰街道", "河西社区", "河西社区第一网格"],
    }
    assert [c["name"] for c in body["compounds"]] == ["河西小区"]
    assert [(b["id"], b["name"]) for b in body["buildings"]] == [(world.b_hexi1, "1号楼"), (world.b_hexi2, "2号楼")]
    assert [h["id"] for h in body["households"]] == world.hh_hexi1 + world.hh_hexi2
    first = body["households"][0]
    assert (first["building_id"], first["unit"], first["room"]) == (world.b_hexi1, "1单元", "101")
    (resident,) = first["residents"]
    assert set(resident) == {"id", "name", "phone_masked", "gender", "birth_year", "relation", "care_flags"}
    assert resident["care_flags"] == ["elderly_alone"] and resident["birth_year"] == 1941
    assert body["households"][2]["residents"][0]["care_flags"] == ["low_income", "disability"]
    assert body["households"][1]["residents"][0]["care_flags"] == []


def test_phones_are_masked_and_the_full_number_never_travels_in_the_directory(world, auth, db):
    auth.login(WORKER_A, PASSWORD)
    response = directory(auth, world.g1)
    residents = [r for h in response.get_json()["households"] for r in h["residents"]]
    full_numbers = {first_resident(db, h).phone for h in world.hh_hexi1 + world.hh_hexi2}
    assert all(r["phone_masked"].startswith("137****") and len(r["phone_masked"]) == 11 for r in residents)
    text = response.get_data(as_text=True)
    assert not any(number in text for number in full_numbers)


def test_a_grid_covering_single_buildings_lists_only_those(world, auth):
    auth.login(WORKER_B, PASSWORD)
    body = directory(auth, world.g2).get_json()
    assert [c["name"] for c in body["compounds"]] == ["文峰苑"]
    assert [b["id"] for b in body["buildings"]] == [world.b_wenfeng1]
    assert [h["id"] for h in body["households"]] == world.hh_wenfeng1
    assert body["households"][1]["residents"][0]["care_flags"] == ["disability"]


def test_buildings_units_and_rooms_sort_as_people_count(world, auth, db):
    """3号楼 before 10号楼, 2单元 before 10单元, 301 before 1001: numbers compare as numbers."""
    compound = db.session.get(Building, world.b_hexi1).compound
    building_with_households(compound, "10号楼", rooms=("1001", "301", "201"))
    building_with_households(compound, "3号楼", rooms=("102",))
    db.session.commit()
    auth.login(WORKER_A, PASSWORD)
    body = directory(auth, world.g1).get_json()
    assert [b["name"] for b in body["buildings"]] == ["1号楼", "2号楼", "3号楼", "10号楼"]
    tenth = [h["room"] for h in body["households"] if h["building_id"] == body["buildings"][3]["id"]]
    assert tenth == ["201", "301", "1001"]
    assert sorted(["10单元", "2单元", "1单元"], key=natural_key) == ["1单元", "2单元", "10单元"]


def test_an_unchanged_directory_answers_304_and_a_change_gives_a_new_etag(world, auth, db):
    auth.login(WORKER_A, PASSWORD)
    first = directory(auth, world.g1)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and "private" in first.headers["Cache-Control"]
    again = directory(auth, world.g1, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    # Compressed or not, the same content has the same (weak) tag, so a gzip'd copy revalidates too.
    zipped = directory(auth, world.g1, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["ETag"] == etag
    assert json.loads(gzip.decompress(zipped.get_data())) == first.get_json()
    assert directory(auth, world.g1, **{"If-None-Match": etag, "Accept-Encoding": "gzip"}).status_code == 304

    first_resident(db, world.hh_hexi2[0]).care_flags = ["low_income"]
    db.session.commit()
    changed = directory(auth, world.g1, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["households"][3]["residents"][0]["care_flags"] == ["low_income"]


def test_the_same_directory_has_the_same_etag_for_every_reader(world, auth, client, app):
    from tests.conftest import AuthActions

    auth.login(WORKER_A, PASSWORD)
    admin = AuthActions(app.test_client())
    admin.login(HEXI_ADMIN, PASSWORD)
    assert directory(auth, world.g1).headers["ETag"] == directory(admin, world.g1).headers["ETag"]


@pytest.mark.parametrize(
    "account, grid, status",
    [
        (WORKER_A, "g1", 200),
        (WORKER_A, "g2", 404),  # grid B of the same community
        (WORKER_B, "g1", 404),
        (WORKER_A, "g4", 404),
        (HEXI_ADMIN, "g1", 200),  # admins above the grid
        (HEXI_ADMIN, "g2", 200),
        (HEXI_ADMIN, "g3", 404),  # a sibling community's grid
        (ROOT_ADMIN, "g4", 200),
        (ROOT_ADMIN, "hexi", 404),  # a community is not a grid: it has no directory
        (WORKER_A, "courtyard", 404),
        (STEWARD, "g1", 404),  # sees the compound, not the people
        (RESIDENT, "g4", 404),  # sees the grid's community for paths, never the directory
        (VOLUNTEER, "g1", 404),
    ],
)
def test_only_the_grid_worker_and_admins_above_read_a_directory(world, auth, account, grid, status):
    auth.login(account, PASSWORD)
    response = directory(auth, getattr(world, grid))
    assert response.status_code == status
    if status == 404:
        assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_grid_and_signed_out_requests(world, auth, client):
    assert client.get(f"/api/grids/{world.g1}/directory").status_code == 401
    assert client.get(f"/api/residents/{world.hh_hexi1[0]}/phone").status_code == 401
    auth.login(ROOT_ADMIN, PASSWORD)
    assert directory(auth, 999999).status_code == 404


def test_the_full_number_is_given_to_the_grid_worker_and_audited_each_time(world, auth, db):
    resident = first_resident(db, world.hh_hexi1[0])
    resident_id, phone = resident.id, resident.phone
    auth.login(WORKER_A, PASSWORD)
    for _ in range(2):
        response = auth.client.get(f"/api/residents/{resident_id}/phone")
        assert response.status_code == 200
        assert response.get_json() == {"id": resident_id, "phone": phone}
        assert response.headers["Cache-Control"] == "no-store"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resident.phone_viewed")).all()
    assert len(entries) == 2
    assert {(e.actor_id, e.target_type, e.target_id) for e in entries} == {(world.worker_a, "residents", resident_id)}
    assert entries[0].details == {"household_id": world.hh_hexi1[0]}


@pytest.mark.parametrize(
    "account, household, status",
    [
        (WORKER_A, "hh_wenfeng1", 404),  # grid B's resident
        (WORKER_B, "hh_hexi1", 404),
        (WORKER_B, "hh_wenfeng2", 404),  # a building of the compound that grid B does not cover
        (WORKER_B, "hh_wenfeng1", 200),
        (HEXI_ADMIN, "hh_wenfeng1", 200),
        (HEXI_ADMIN, "hh_dihao1", 404),
        (ROOT_ADMIN, "hh_dihao1", 200),
        (RESIDENT, "hh_dihao1", 404),  # their own household: masked only, never the full number
        (STEWARD, "hh_hexi1", 404),
        (VOLUNTEER, "hh_hexi1", 404),
    ],
)
def test_the_full_number_is_scoped_like_the_directory(world, auth, db, account, household, status):
    resident_id = first_resident(db, getattr(world, household)[0]).id
    auth.login(account, PASSWORD)
    assert auth.client.get(f"/api/residents/{resident_id}/phone").status_code == status
    audited = db.session.scalars(select(AuditEntry.id).where(AuditEntry.action == "resident.phone_viewed")).all()
    assert len(audited) == (1 if status == 200 else 0)


def test_unknown_resident_is_404(world, auth):
    auth.login(WORKER_A, PASSWORD)
    assert auth.client.get("/api/residents/999999/phone").status_code == 404


def test_household_detail_shows_care_flags(world, auth):
    auth.login(WORKER_A, PASSWORD)
    body = auth.client.get(f"/api/places/households/{world.hh_hexi1[2]}").get_json()
    assert body["residents"][0]["care_flags"] == ["low_income", "disability"]


def test_the_number_of_queries_does_not_grow_with_households(world, auth, db, app):
    auth.login(WORKER_A, PASSWORD)
    directory(auth, world.g1)  # warm: the session row is touched at most once an hour
    small = count_statements(app, lambda: directory(auth, world.g1))
    compound = db.session.get(Building, world.b_hexi1).compound
    for number in range(3, 8):
        _, households = building_with_households(
            compound, f"{number}号楼", rooms=[f"{f}0{r}" for f in range(1, 7) for r in (1, 2)]
        )
        for household in households:
            db.session.add(
                Resident(household_id=household.id, name="家属", relation="spouse", care_flags=["disability"])
            )
    db.session.commit()
    large = count_statements(app, lambda: directory(auth, world.g1))
    body = directory(auth, world.g1).get_json()
    assert len(body["households"]) == 6 + 5 * 12
    assert small == large, (small, large)
    assert large <= 12, large


def test_the_schema_documents_every_field_the_directory_sends(world, auth):
    """The endpoint sends the bytes it hashed (no schema dump); the schema must still describe them."""
    from server.org.schemas import GridDirectorySchema

    auth.login(WORKER_A, PASSWORD)
    body = directory(auth, world.g1).get_json()
    assert GridDirectorySchema().dump(body) == body
    assert GridDirectorySchema().load(body) == body


def test_a_grid_that_covers_nothing_yet_has_an_empty_directory(world, auth, db):
    from server.org.models import OrgUnit
    from tests.factories import org_unit

    new_grid = org_unit("grid", "河西社区第三网格", db.session.get(OrgUnit, world.hexi)).id
    db.session.commit()
    auth.login(HEXI_ADMIN, PASSWORD)
    body = directory(auth, new_grid).get_json()
    assert body["grid"]["name"] == "河西社区第三网格"
    assert body["compounds"] == body["buildings"] == body["households"] == []


# --- limits and changes ---------------------------------------------------------------------


def test_full_numbers_are_limited_per_user_and_refusals_are_audited_too(world, auth, db, app):
    """30 a minute per user (REDGRID_PHONE_RATE_LIMIT): a worker taps a few a day; the 31st in a
    minute is refused with a message a person reads, and the refusal is in the audit log."""
    resident_id = first_resident(db, world.hh_hexi1[0]).id
    auth.login(WORKER_A, PASSWORD)
    url = f"/api/residents/{resident_id}/phone"
    assert [auth.client.get(url).status_code for _ in range(30)] == [200] * 30
    refused = auth.client.get(url)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert (
        error["code"] == "throttled"
        and error["message"].startswith("查看完整号码过于频繁，请")
        and "秒后再试" in error["message"]
    )
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "phone" not in refused.get_json()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor_id == world.worker_a, AuditEntry.action.like("resident.%"))
    ).all()
    assert (actions.count("resident.phone_viewed"), actions.count("resident.phone_throttled")) == (30, 1)
    (throttled,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resident.phone_throttled"))
    assert throttled.details == {"resident_id": resident_id}
    # Per user: the admin's lookups are not the worker's.
    from tests.conftest import AuthActions

    admin = AuthActions(app.test_client())
    admin.login(HEXI_ADMIN, PASSWORD)
    assert admin.client.get(url).get_json() == {"id": resident_id, "phone": first_resident(db, world.hh_hexi1[0]).phone}


def socket_of(app, auth):
    from server.extensions import socketio

    socket = socketio.test_client(app, flask_test_client=auth.client)
    assert socket.is_connected()
    socket.get_received()
    return socket


def directory_pokes(socket) -> list[list[str]]:
    return [event["args"][0]["buckets"] for event in socket.get_received() if event["name"] == "directory:poke"]


def test_a_care_flag_change_pokes_the_phones_keeping_that_grids_directory(world, auth, app):
    """No `db` fixture here: an app context held open by the test would be shared by both
    Socket.IO test clients, and Flask-Login's user cached in it with them."""
    from server.core import pokes
    from server.extensions import db
    from tests.conftest import AuthActions

    auth.login(WORKER_A, PASSWORD)
    worker_b = AuthActions(app.test_client())
    worker_b.login(WORKER_B, PASSWORD)
    kept_etag = directory(auth, world.g1).headers["ETag"]
    sockets = {"a": socket_of(app, auth), "b": socket_of(app, worker_b)}
    with app.app_context():
        resident_id = first_resident(db, world.hh_hexi2[0]).id
    seen_at_poke = []

    def fetch_on_poke(buckets, event):  # as the phone does at once: the change must be committed
        if event == "directory:poke":
            seen_at_poke.append(directory(auth, world.g1, **{"If-None-Match": kept_etag}).status_code)

    pokes.register(fetch_on_poke)
    try:
        changed = auth.send(
            "PATCH", f"/api/residents/{resident_id}", json={"care_flags": ["disability", "elderly_alone", "disability"]}
        )
    finally:
        pokes._senders.remove(fetch_on_poke)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["care_flags"] == ["elderly_alone", "disability"]
    assert seen_at_poke == [200]
    assert directory_pokes(sockets["a"]) == [[f"grid:{world.g1}"]]
    assert directory_pokes(sockets["b"]) == []  # another grid's phone hears nothing
    household = next(h for h in directory(auth, world.g1).get_json()["households"] if h["id"] == world.hh_hexi2[0])
    assert household["residents"][0]["care_flags"] == ["elderly_alone", "disability"]
    with app.app_context():
        (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resident.update"))
        assert (entry.actor_id, entry.target_id, entry.details["care_flags"]) == (
            world.worker_a,
            resident_id,
            {"from": [], "to": ["elderly_alone", "disability"]},
        )
    # The same flags again change nothing: no audit entry, no poke.
    assert (
        auth.send(
            "PATCH", f"/api/residents/{resident_id}", json={"care_flags": ["elderly_alone", "disability"]}
        ).status_code
        == 200
    )
    assert directory_pokes(sockets["a"]) == []
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "resident.update")
            )
            == 1
        )


def test_care_flags_are_checked_and_scoped_like_the_directory(world, auth, db):
    resident_id = first_resident(db, world.hh_hexi1[0]).id
    auth.login(WORKER_A, PASSWORD)
    bad = auth.send("PATCH", f"/api/residents/{resident_id}", json={"care_flags": ["rich"]})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"] == {
        "care_flags": {"0": ["应为以下之一：elderly_alone, low_income, disability。"]}
    }
    assert auth.send("PATCH", f"/api/residents/{resident_id}", json={}).get_json()["error"]["fields"] == {
        "care_flags": ["此项必填。"]
    }
    other_grid = first_resident(db, world.hh_wenfeng1[0]).id
    assert auth.send("PATCH", f"/api/residents/{other_grid}", json={"care_flags": []}).status_code == 404
    auth.logout()
    auth.csrf = None
    auth.login(STEWARD, PASSWORD)
    assert auth.send("PATCH", f"/api/residents/{resident_id}", json={"care_flags": []}).status_code == 404
    assert first_resident(db, world.hh_hexi1[0]).care_flags == ["elderly_alone"]
