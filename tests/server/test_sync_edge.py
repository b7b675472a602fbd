"""The sync endpoints at their edge (PROTOCOL.md §6.1, §6.3, §7.1, §5.5): a malformed mutation is
refused alone and the rest of its batch applied; a base the server never issued (forged, or from
before a restore) never overwrites someone else's edit silently; nothing answers 5xx."""

import base64
import json
import uuid

from sqlalchemy import delete, insert, select

from server.auth.models import User
from server.sync.models import SyncBlobRef, SyncConflict, SyncLogEntry, SyncMutation, SyncState
from tests.factories import rid
from tests.server.test_sync_api import create, pull, push, signed_in, update
from tests.sync.notes import Note

WORKER_A, HEXI_ADMIN = "13800000003", "13800000002"


def mutation(**raw) -> dict:
    return {"id": str(uuid.uuid4()), "entity": "note", "record_id": str(uuid.uuid4()), "op": "create", **raw}


def test_a_malformed_mutation_is_refused_alone_and_the_rest_applied(app, world, notes_in_grids, db):
    worker = signed_in(app, WORKER_A)
    fields = {"grid_id": world.g1, "title": "走访"}
    batch = [
        mutation(fields=fields),
        mutation(id="m-1", fields=fields),  # not a UUID
        mutation(record_id="8C6F0B9E-2D4A-4F1E-9C3B-5A7D8E9F0A1B", fields=fields),  # not lowercase
        mutation(fields=fields, client_time="上午九点"),
        mutation(fields=fields, colour="red"),  # an unknown key
        mutation(op="update", fields=fields),  # no base version
        mutation(op="update", base_version=2**64, fields=fields),
        "not an object",
        mutation(fields={**fields, "title": "走\x00访"}),  # NUL: the entity's business, not the batch's
        mutation(fields={**fields, "score": 2**70}),
        # Found by the fuzz on PostgreSQL: a refusal naming a NUL could not be stored (500).
        mutation(entity="no\x00te", fields=fields),
        mutation(fields={**fields, "ti\x00tle": "x"}),
        mutation(fields=fields, client_time="2026-11-27T09:14:03+08:00"),
    ]
    response = push(worker, *batch)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert len(results) == len(batch)
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * 11 + ["applied"]
    codes = [(r["error"]["code"], sorted(r["error"]["fields"])) for r in results[1:-1]]
    assert codes == [
        ("bad_mutation", ["id"]),
        ("bad_mutation", ["record_id"]),
        ("bad_mutation", ["client_time"]),
        ("bad_mutation", ["colour"]),
        ("bad_mutation", ["base_version"]),
        ("bad_mutation", ["base_version"]),
        ("bad_mutation", ["_schema"]),
        ("invalid", ["title"]),
        ("invalid", ["score"]),
        ("bad_mutation", ["entity"]),
        ("bad_mutation", ["fields"]),
    ]
    # Each answered under the ids it named, in order; messages in the user's language (zh-CN).
    assert results[1]["mutation_id"] == "m-1" and results[7]["mutation_id"] is None
    assert results[1]["error"]["message"] == "这条修改的格式不正确，无法处理。"
    assert results[1]["error"]["fields"]["id"] == ["应为小写的 UUID。"]
    assert results[8]["error"]["fields"]["title"] == ["不能包含空字符（NUL）。"]
    stored = db.session.scalars(select(Note.id)).all()
    assert sorted(stored) == sorted([batch[0]["record_id"], batch[-1]["record_id"]])


def test_refusals_speak_english_to_an_english_user(app, world, notes_in_grids, db):
    db.session.get(User, world.worker_a).locale = "en"
    db.session.commit()
    worker = signed_in(app, WORKER_A)
    (result,) = push(worker, mutation(fields={"grid_id": world.g1}, client_time="9am")).get_json()["results"]
    assert result["error"]["message"] == "This change is malformed and cannot be processed."
    assert result["error"]["fields"]["client_time"][0].startswith("Must be a time with an offset")


def test_cursors_beyond_64_bits_are_invalid_not_a_crash(app, world, notes_in_grids):
    worker = signed_in(app, WORKER_A)
    epoch = pull(worker).get_json()["epoch"]
    for positions in ({f"grid:{world.g1}": 2**63}, {f"grid:{world.g1}": 10**30}):
        raw = json.dumps({"v": 1, "e": epoch, "p": 0, "b": positions}).encode()
        response = pull(worker, base64.urlsafe_b64encode(raw).decode().rstrip("="))
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "cursor_invalid"


def test_a_forged_base_conflicts_instead_of_overwriting(app, world, notes_in_grids, db):
    worker, admin = signed_in(app, WORKER_A), signed_in(app, HEXI_ADMIN)
    push(worker, create(rid("n1"), world.g1, title="原标题"))
    push(admin, update(rid("n1"), 1, title="管理员改的标题"), client_id="desk-1")
    (result,) = push(worker, update(rid("n1"), 10**12, title="网格员改的标题")).get_json()["results"]
    assert result["status"] == "conflict" and result["record"]["data"]["title"] == "管理员改的标题"
    kept = db.session.scalars(select(SyncConflict.client_value)).all()
    assert kept == ["网格员改的标题"]


# Everything the sync engine keeps, in the order a restore writes it back.
SYNC_TABLES = (SyncState, Note, SyncLogEntry, SyncMutation, SyncConflict, SyncBlobRef)


def _snapshot(db) -> dict:
    return {model: [dict(row._mapping) for row in db.session.execute(select(model.__table__))] for model in SYNC_TABLES}


def _restore(db, snapshot) -> None:
    for model in reversed(SYNC_TABLES):
        db.session.execute(delete(model.__table__))
    for model in SYNC_TABLES:
        if snapshot[model]:
            db.session.execute(insert(model.__table__), snapshot[model])
    db.session.commit()


def test_a_restore_from_backup_loses_nothing_a_phone_still_holds(app, world, notes_in_grids, db):
    """Backup, edits, restore, edits again (the restored server hands out the same seqs once
    more), then a phone pushes the edit it made on the lost history: a conflict, never a silent
    overwrite; the phone's cursor sends it back to the start (PROTOCOL.md §5.5, §7.1)."""
    worker, admin = signed_in(app, WORKER_A), signed_in(app, HEXI_ADMIN)
    push(worker, create(rid("n1"), world.g1, title="原标题", body="原内容"))
    backup = _snapshot(db)
    push(admin, update(rid("n1"), 1, title="备份后管理员改的"), client_id="desk-1")
    page = pull(worker).get_json()
    (held,) = page["changes"]
    assert held["version"] == 2
    # Offline on the phone, made on version 2 of the lost history:
    offline = update(rid("n1"), held["version"], title="网格员离线改的", body="网格员的记录")
    offline["epoch"] = page["epoch"]

    _restore(db, backup)
    result = app.test_cli_runner().invoke(args=["sync-restored"])
    assert result.exit_code == 0, result.output
    (after,) = push(admin, update(rid("n1"), 1, title="恢复后管理员改的"), client_id="desk-1").get_json()["results"]
    assert after["version"] == 2  # the same seq again, now naming another write

    (result,) = push(worker, offline).get_json()["results"]
    assert result["status"] == "conflict", result
    data = result["record"]["data"]
    # The admin's edit after the restore stays; the phone's title is kept in a conflict record;
    # the body, which nobody else touched, is the phone's.
    assert (data["title"], data["body"]) == ("恢复后管理员改的", "网格员的记录")
    conflicts = [(c.field, c.server_value, c.client_value, c.winner) for c in db.session.scalars(select(SyncConflict))]
    assert conflicts == [("title", "恢复后管理员改的", "网格员离线改的", "server")]
    expired = pull(worker, page["cursor"])
    assert expired.status_code == 410 and expired.get_json()["error"]["code"] == "cursor_expired"
    fresh = pull(worker).get_json()
    assert [(c["id"], c["data"]["title"]) for c in fresh["changes"]] == [(rid("n1"), "恢复后管理员改的")]
    assert fresh["epoch"] != page["epoch"] and db.session.scalar(select(SyncState.epoch)) == fresh["epoch"]


def test_a_restore_without_a_new_epoch_is_caught_while_the_phone_is_ahead(app, world, notes_in_grids, db):
    """The operator forgot `redgrid sync-restored`: a base or a cursor above anything the
    restored server committed is still unknown (§5.5, §7.1)."""
    worker, admin = signed_in(app, WORKER_A), signed_in(app, HEXI_ADMIN)
    push(worker, create(rid("n1"), world.g1, title="原标题"))
    push(admin, update(rid("n1"), 1, title="管理员改的"), client_id="desk-1")
    backup = _snapshot(db)
    push(admin, update(rid("n1"), 2, title="备份后管理员又改的"), client_id="desk-1")
    page = pull(worker).get_json()
    offline = update(rid("n1"), page["changes"][0]["version"], title="网格员离线改的")
    offline["epoch"] = page["epoch"]
    _restore(db, backup)
    (result,) = push(worker, offline).get_json()["results"]
    assert result["status"] == "conflict" and result["record"]["data"]["title"] == "管理员改的"
    assert [c.client_value for c in db.session.scalars(select(SyncConflict))] == ["网格员离线改的"]
    expired = pull(worker, page["cursor"])
    assert expired.status_code == 410 and expired.get_json()["error"]["code"] == "cursor_expired"


def test_a_photo_that_is_no_hash_is_that_mutations_invalid_not_missing_blobs(app, world):
    """Answered 409 missing_blobs, the phone would try to upload "abc" forever."""
    from tests.server import tasks_support as tasks

    worker = signed_in(app, WORKER_A)
    report = {"grid_id": world.g1, "category": "safety", "description": "楼道堆物", "location_status": "denied"}
    bad, good = tasks.push(
        worker,
        tasks.create("field_report", rid("r-abc"), **report, photos=["abc"]),
        tasks.create("field_report", rid("r-ok"), **report),
    )
    assert (bad["status"], bad["error"]["code"]) == ("rejected", "invalid")
    assert bad["error"]["fields"]["photos"] == ["应为 64 位小写十六进制的 SHA-256。"]
    assert good["status"] == "applied"


def test_a_tasks_refusal_speaks_of_tasks_not_inspections(app, world):
    """Tasks and inspections both refuse `bad_initial_status`, each in its own words."""
    from tests.server import tasks_support as tasks

    admin = signed_in(app, HEXI_ADMIN)
    task = tasks.create(
        "task",
        rid("t-status"),
        type="visit",
        title="走访",
        target_kind="building",
        target_id=world.b_hexi1,
        status="done",
    )
    result = tasks.push_one(admin, task, client_id="desk")
    assert result["error"]["code"] == "bad_initial_status"
    assert result["error"]["message"] == "新任务的状态只能是“待办”。"
