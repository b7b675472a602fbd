"""Helpers of the grid work tests: signing in, pushing task and field report mutations, and the
admin's task endpoints. The world is tests/factories.build_world: 河西社区 has grids G1 (河西小区,
worker 13800000003) and G2 (文峰苑 1号楼 only, worker 13800000004); 文峰苑 2号楼 is in no grid."""

import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image

from tests.conftest import AuthActions
from tests.factories import PASSWORD

PROTOCOL = "redgrid-sync/1"
ROOT_ADMIN, HEXI_ADMIN, WORKER_A, WORKER_B = "13800000001", "13800000002", "13800000003", "13800000004"


def photo(auth, colour=(200, 30, 30)) -> str:
    """Upload a small JPEG as this user (PROTOCOL.md §10); returns its SHA-256."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    data = out.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    response = auth.send("PUT", f"/api/blobs/{digest}", data=data, content_type="application/octet-stream")
    assert response.status_code in (200, 201), response.get_json()
    return digest


def signed_in(app, phone) -> AuthActions:
    auth = AuthActions(app.test_client())
    response = auth.login(phone, PASSWORD)
    assert response.status_code == 200, response.get_json()
    return auth


def later(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**(delta or {"days": 3}))).isoformat()


def push(auth, *mutations, client_id="phone-1"):
    response = auth.send(
        "POST", "/api/sync/push", json={"protocol": PROTOCOL, "client_id": client_id, "mutations": list(mutations)}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def push_one(auth, mutation, client_id="phone-1") -> dict:
    (result,) = push(auth, mutation, client_id=client_id)
    return result


def pull_all(auth) -> list[dict]:
    changes, cursor = [], None
    while True:
        page = auth.send(
            "POST", "/api/sync/pull", json={"protocol": PROTOCOL, "cursor": cursor, "limit": 2000}
        ).get_json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes


def records_of(auth, entity) -> dict:
    """The records of one entity a phone holds after a full pull: {id: data}."""
    out = {}
    for change in pull_all(auth):
        if change["entity"] == entity:
            if change["op"] == "delete":
                out.pop(change["id"], None)
            else:
                out[change["id"]] = change["data"]
    return out


def inbox_kinds(auth) -> list[str]:
    """The kinds of the notices in a phone's inbox, sorted."""
    return sorted(data["kind"] for data in records_of(auth, "inbox").values())


def create(entity, record_id, **fields) -> dict:
    return {"id": str(uuid.uuid4()), "entity": entity, "record_id": record_id, "op": "create", "fields": fields}


def update(entity, record_id, base, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "entity": entity,
        "record_id": record_id,
        "op": "update",
        "base_version": base,
        "fields": fields,
    }


def task_update(record_id, base, **fields) -> dict:
    return update("task", record_id, base, **fields)


def new_task(admin, target_kind, target_id, **fields) -> dict:
    """POST /api/tasks as an admin; returns the task (asserting 201)."""
    body = {"type": "visit", "title": "入户走访", "target_kind": target_kind, "target_id": target_id, **fields}
    response = admin.send("POST", "/api/tasks", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
