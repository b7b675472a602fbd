"""The sync endpoints over HTTP: scope, idempotency, conflicts and their resolution, errors."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.sync.models import SyncLogEntry
from tests.conftest import AuthActions
from tests.factories import PASSWORD, rid

PROTOCOL = "redgrid-sync/1"


def signed_in(app, phone) -> AuthActions:
    auth = AuthActions(app.test_client())
    response = auth.login(phone, PASSWORD)
    assert response.status_code == 200, response.get_json()
    return auth


def push(auth, *mutations, client_id="phone-1"):
    response = auth.send(
        "POST", "/api/sync/push", json={"protocol": PROTOCOL, "client_id": client_id, "mutations": list(mutations)}
    )
    return response


def pull(auth, cursor=None, limit=500):
    return auth.send("POST", "/api/sync/pull", json={"protocol": PROTOCOL, "cursor": cursor, "limit": limit})


def create(record_id, grid_id, **fields):
    return {
        "id": str(uuid.uuid4()),
        "entity": "note",
        "record_id": record_id,
        "op": "create",
        "fields": {"grid_id": grid_id, **fields},
    }


def update(record_id, base, **fields):
    return {
        "id": str(uuid.uuid4()),
        "entity": "note",
        "record_id": record_id,
        "op": "update",
        "base_version": base,
        "fields": fields,
    }


def test_a_worker_pushes_and_pulls_only_in_its_grid(app, world, notes_in_grids):
    worker_a, worker_b = signed_in(app, "13800000003"), signed_in(app, "13800000004")
    body = push(worker_a, create(rid("n1"), world.g1, title="入户走访")).get_json()
    assert body["results"][0]["status"] == "applied"
    page = pull(worker_a).get_json()
    assert [(c["id"], c["data"]["title"]) for c in page["changes"]] == [(rid("n1"), "入户走访")]
    assert page["buckets"] == sorted([f"grid:{world.g1}", f"user:{world.worker_a}"])
    # Grid B sees nothing of grid A and cannot write into it.
    assert pull(worker_b).get_json()["changes"] == []
    refused = push(worker_b, update(rid("n1"), 1, title="改别人的"), create(rid("n2"), world.g1, title="x")).get_json()[
        "results"
    ]
    assert [r["status"] for r in refused] == ["rejected", "rejected"]
    assert refused[0]["error"] == {
        "code": "out_of_scope",
        "message": "该记录不存在或不在您的管辖范围内。",
        "fields": {},
    }
    assert refused[0]["record"] is None


def test_admins_above_see_the_grid_records(app, world, notes_in_grids):
    worker = signed_in(app, "13800000003")
    push(worker, create(rid("n1"), world.g1, title="隐患排查"))
    for phone, sees in (("13800000002", True), ("13800000001", True)):
        admin = signed_in(app, phone)
        assert [c["id"] for c in pull(admin).get_json()["changes"]] == ([rid("n1")] if sees else [])
    other_community_admin = signed_in(app, "13800000006")  # property staff: no grid, no org bucket
    assert pull(other_community_admin).get_json()["changes"] == []


def test_the_same_push_twice_writes_once(app, world, notes_in_grids, db):
    worker = signed_in(app, "13800000003")
    batch = [create(rid("n1"), world.g1, title="一次"), create(rid("n2"), world.g1, title="两次")]
    first = push(worker, *batch).get_json()
    second = push(worker, *batch).get_json()
    assert first == second
    assert db.session.scalar(select(func.max(SyncLogEntry.seq))) == 2


def test_validation_by_the_entity_schema_gives_field_messages(app, world, notes_in_grids):
    worker = signed_in(app, "13800000003")
    (result,) = push(worker, create(rid("n1"), world.g1, title="长" * 201)).get_json()["results"]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "invalid"
    assert result["error"]["fields"] == {"title": ["最多 200 个字符。"]}


def test_a_malformed_grid_id_is_out_of_scope_not_a_crash(app, world, notes_in_grids):
    worker = signed_in(app, "13800000003")
    results = push(
        worker, create(rid("n1"), [world.g1], title="x"), create(rid("n2"), str(world.g1), title="x")
    ).get_json()["results"]
    assert [r["error"]["code"] for r in results] == ["out_of_scope", "out_of_scope"]


def test_conflict_is_kept_and_an_admin_resolves_it(app, world, notes_in_grids, db):
    worker, admin = signed_in(app, "13800000003"), signed_in(app, "13800000002")
    push(worker, create(rid("n1"), world.g1, title="原标题"))
    push(admin, update(rid("n1"), 1, title="管理员改的标题"), client_id="desk-1")
    (result,) = push(worker, update(rid("n1"), 1, title="网格员改的标题")).get_json()["results"]
    assert result["status"] == "conflict"
    assert result["record"]["data"]["title"] == "管理员改的标题"
    # The worker sees its losing edit; the admin of the community sees it too.
    mine = worker.client.get("/api/sync/conflicts").get_json()["items"]
    assert [(c["field"], c["losing_value"], c["current_value"]) for c in mine] == [
        ("title", "网格员改的标题", "管理员改的标题")
    ]
    theirs = admin.client.get("/api/sync/conflicts").get_json()["items"]
    assert [c["id"] for c in theirs] == [mine[0]["id"]]
    # Only an admin resolves; the worker is refused.
    assert (
        worker.send("POST", f"/api/sync/conflicts/{mine[0]['id']}/resolve", json={"resolution": "keep"}).status_code
        == 403
    )
    resolved = admin.send("POST", f"/api/sync/conflicts/{mine[0]['id']}/resolve", json={"resolution": "use_losing"})
    assert resolved.status_code == 200
    assert (
        resolved.get_json()["current_value"] == "网格员改的标题" and resolved.get_json()["resolution"] == "use_losing"
    )
    # Server times carry their offset on both databases (SQLite gives them back naive).
    for name in ("created_at", "resolved_at"):
        assert datetime.fromisoformat(resolved.get_json()[name]).utcoffset() == timedelta(0), resolved.get_json()[name]
    # It syncs like any change, and is audited; resolving twice is a conflict.
    page = pull(worker).get_json()
    assert page["changes"][0]["data"]["title"] == "网格员改的标题" and page["changes"][0]["version"] == 3
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "sync.conflict_resolved")
        )
        == 1
    )
    again = admin.send("POST", f"/api/sync/conflicts/{mine[0]['id']}/resolve", json={"resolution": "keep"})
    assert again.status_code == 409
    assert worker.client.get("/api/sync/conflicts").get_json()["items"] == []


def test_a_push_answer_is_written_in_its_documented_shape_in_utf8(app, world, notes_in_grids):
    """The push route writes the engine's results as they are, without a schema dump: the body is
    what PushResultSchema would dump, for every kind of result, and Chinese travels as UTF-8."""
    from server.sync.schemas import PushResultSchema

    worker, admin = signed_in(app, "13800000003"), signed_in(app, "13800000002")
    push(worker, create(rid("n1"), world.g1, title="原标题"))
    push(admin, update(rid("n1"), 1, title="管理员改的标题"), client_id="desk-1")
    response = push(
        worker,
        update(rid("n1"), 1, title="网格员改的标题"),
        create(rid("n2"), world.g1, title="长" * 201),
        create(rid("n3"), world.g1, title="新的"),
        {"id": "not-a-uuid"},
    )
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == ["conflict", "rejected", "applied", "rejected"]
    assert body["results"][0]["conflicts"] and body["results"][1]["error"]["fields"]
    assert body == PushResultSchema().dump(body)
    assert "网格员改的标题".encode() in response.get_data()


def test_a_changed_scope_adds_and_removes_buckets(app, world, notes_in_grids):
    worker_a, worker_b = signed_in(app, "13800000003"), signed_in(app, "13800000004")
    push(worker_a, create(rid("n1"), world.g1, title="甲网格"))
    push(worker_b, create(rid("n2"), world.g2, title="乙网格"), client_id="phone-2")
    cursor = pull(worker_a).get_json()["cursor"]
    admin = signed_in(app, "13800000002")
    granted = admin.send(
        "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "grid_worker", "scope_id": world.g2}
    ).get_json()
    page = pull(worker_a, cursor).get_json()
    assert [c["id"] for c in page["changes"]] == [rid("n2")] and page["removed_buckets"] == []
    old = next(r["id"] for r in granted["roles"] if r["scope_id"] == world.g1)
    admin.send("DELETE", f"/api/admin/users/{world.worker_a}/roles/{old}")
    page = pull(worker_a, page["cursor"]).get_json()
    assert page["removed_buckets"] == [f"grid:{world.g1}"] and page["changes"] == []


@pytest.mark.parametrize(
    "body,status,code",
    [
        (
            {
                "protocol": "redgrid-sync/9",
                "client_id": "p",
                "mutations": [{"id": "m", "entity": "note", "record_id": "r", "op": "create"}],
            },
            400,
            "unsupported_protocol",
        ),
        ({"protocol": PROTOCOL, "client_id": "p", "mutations": []}, 422, "validation"),
        ({"protocol": PROTOCOL, "client_id": "p", "mutations": {"id": "m"}}, 422, "validation"),
        ({"protocol": PROTOCOL, "client_id": "p", "mutations": [{}] * 501}, 422, "validation"),
        ({"protocol": PROTOCOL, "mutations": [{"id": "m"}]}, 422, "validation"),
    ],
)
def test_bad_push_envelopes_are_refused_whole(app, world, notes_in_grids, db, body, status, code):
    worker = signed_in(app, "13800000003")
    response = worker.send("POST", "/api/sync/push", json=body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert db.session.scalar(select(func.count()).select_from(SyncLogEntry)) == 0


def test_bad_cursors(app, world, notes_in_grids, db):
    from sqlalchemy import update as sql_update

    from server.sync.models import SyncState

    worker = signed_in(app, "13800000003")
    garbage = pull(worker, "not-a-cursor")
    assert garbage.status_code == 400 and garbage.get_json()["error"]["code"] == "cursor_invalid"
    cursor = pull(worker).get_json()["cursor"]
    db.session.execute(sql_update(SyncState).values(epoch="restored-from-backup"))
    db.session.commit()
    expired = pull(worker, cursor)
    assert expired.status_code == 410
    assert expired.get_json()["error"]["code"] == "cursor_expired"


def test_sync_needs_sign_in_and_csrf(app, world, notes_in_grids):
    anonymous = app.test_client()
    assert anonymous.post("/api/sync/pull", json={"protocol": PROTOCOL}).status_code in (400, 401)
    worker = signed_in(app, "13800000003")
    no_token = worker.client.post("/api/sync/pull", json={"protocol": PROTOCOL})
    assert no_token.status_code == 400 and no_token.get_json()["error"]["code"] == "csrf"
    fresh = AuthActions(app.test_client())
    assert fresh.send("POST", "/api/sync/pull", json={"protocol": PROTOCOL}).status_code == 401


def _photo() -> tuple[bytes, str]:
    import hashlib
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def test_photos_go_before_records_and_follow_their_visibility(app, world, notes_in_grids, db):
    worker_a, worker_b, admin = (signed_in(app, p) for p in ("13800000003", "13800000004", "13800000002"))
    data, sha = _photo()
    # Not uploaded yet: the batch is refused whole, nothing stored, same batch can be resent.
    batch = [create(rid("n1"), world.g1, title="楼道堆物", photos=[sha])]
    refused = push(worker_a, *batch)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "missing_blobs"
    assert refused.get_json()["error"]["fields"] == {"blobs": [sha]}
    assert db.session.scalar(select(func.count()).select_from(SyncLogEntry)) == 0
    uploaded = worker_a.send(
        "PUT", f"/api/blobs/{sha}", data=data, headers={"Content-Type": "application/octet-stream"}
    )
    assert uploaded.status_code == 201
    # Before any record refers to it, only the uploader reads it.
    assert admin.client.get(f"/api/blobs/{sha}").status_code == 404
    assert push(worker_a, *batch).get_json()["results"][0]["status"] == "applied"
    # Now whoever sees the record sees the photo; grid B still does not.
    with admin.client.get(f"/api/blobs/{sha}") as shown:
        assert shown.status_code == 200 and shown.data[:3] == b"\xff\xd8\xff"
    assert worker_b.client.get(f"/api/blobs/{sha}").status_code == 404
    # Someone who cannot read the photo cannot attach it to a record of theirs either.
    stolen = push(worker_b, create(rid("n2"), world.g2, title="x", photos=[sha]), client_id="phone-b")
    assert stolen.status_code == 409 and stolen.get_json()["error"]["fields"] == {"blobs": [sha]}


def test_pulls_travel_compressed(app, world, notes_in_grids):
    import gzip
    import json

    worker = signed_in(app, "13800000003")
    push(worker, *[create(rid(f"n{i}"), world.g1, title=f"第{i}户入户走访，核实常住人口与联系方式") for i in range(60)])
    response = worker.send(
        "POST", "/api/sync/pull", json={"protocol": PROTOCOL, "cursor": None}, headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.get_data()))
    assert len(body["changes"]) == 60
    assert len(response.get_data()) < len(json.dumps(body, ensure_ascii=False).encode()) / 3


def test_a_pull_in_format_2_is_the_same_pages_grouped_and_fewer_bytes(app, world, notes_in_grids):
    """PROTOCOL.md §5.2.2: page for page, the groups read back as format 1's changes (same cursor,
    same everything else); a format the server does not know is a 422 on `format`."""
    import gzip
    import json

    from sync import ungroup

    worker = signed_in(app, "13800000003")
    notes = [
        create(str(uuid.uuid4()), world.g1, title=f"第{i}户走访", **({"body": "独居老人"} if i % 4 else {}))
        for i in range(60)
    ]
    push(worker, *notes)
    cursors, sizes = {1: None, 2: None}, {1: 0, 2: 0}
    while True:
        pages = {}
        for page_format in (1, 2):
            body = {"protocol": PROTOCOL, "cursor": cursors[page_format], "limit": 25, "format": page_format}
            response = worker.send("POST", "/api/sync/pull", json=body, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200
            pages[page_format] = json.loads(gzip.decompress(response.get_data()))
            sizes[page_format] += len(response.get_data())
        one, two = pages[1], pages[2]
        assert "groups" not in one and "changes" not in two
        assert ungroup(two.pop("groups")) == one.pop("changes")
        assert one == two
        cursors = {1: one["cursor"], 2: two["cursor"]}
        if not one["has_more"]:
            break
    assert sizes[2] < sizes[1] * 0.9
    # Brotli where the client offers it (PROTOCOL.md §5.2.2 expects either).
    br = worker.send(
        "POST", "/api/sync/pull", json={"protocol": PROTOCOL, "format": 2}, headers={"Accept-Encoding": "gzip, br"}
    )
    assert br.headers["Content-Encoding"] == "br"
    for bad in (3, "2", None):
        refused = worker.send("POST", "/api/sync/pull", json={"protocol": PROTOCOL, "format": bad})
        assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == ["format"]


def test_a_pull_page_is_written_as_its_wire_form_with_stored_json_spliced_in():
    """page_json() splices the stored JSON text of each change instead of re-encoding it; the
    result must read back as exactly the page's wire form (§5.2), escapes and all."""
    import json

    from server.sync.service import page_json
    from sync import LogEntry, PullPage

    stored = json.dumps({"title": '走访3号楼"独居"老人', "tags": ["a\\b", "换行\n"], "n": 1.5}, ensure_ascii=False)
    page = PullPage(
        [
            LogEntry(7, "grid:1", "note", 'id-"quoted"', "put", 7, stored),
            LogEntry(8, "grid:1", "note", "b", "put", 8, {"title": "同一页\u2028"}),
            LogEntry(9, "org:2", "note", "c", "delete", 9, None),
        ],
        "cursor-x",
        True,
        ["grid:1", "org:2"],
        ["grid:9"],
        ["org:2"],
    )
    written = page_json(page)
    assert json.loads(written) == page.to_wire()
    assert "\\u8d70" not in written and "走访" in written  # UTF-8, not escapes
