"""A seeded fuzz of the sync, conflict and blob endpoints (issue 12: "keep them closed"). Hypothesis writes
pull and push bodies — well-formed and malformed envelopes, mutations of every synced entity with
random fields and values (NUL, integers beyond 64 bits, deep nesting, dates at the calendar's
edges, ids that are not UUIDs, unknown keys) — and HEAD/GET/PUT requests of blobs with random
hashes, ranges and bodies. Whatever comes in:
- nothing answers 5xx (a phone retries every 5xx forever, PROTOCOL.md §6.4);
- every code answered is one PROTOCOL.md lists;
- a push answers each mutation exactly once, in order, under the id it named; whatever it stored
  it reported applied or conflict, and whatever it reported applied or conflict is stored.
Derandomized (the same examples every run) and bounded to about a minute per database."""

import base64
import hashlib
import io
import itertools
import json
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select

from server.extensions import db
from server.sync.models import SyncLogEntry, SyncMutation, SyncState
from server.sync.registry import bindings
from sync import ungroup
from tests.server.inspections_support import DIHAO_STEWARD, HEXI_ADMIN, YUANHANG_STAFF
from tests.server.tasks_support import WORKER_A, signed_in

PROTOCOL = "redgrid-sync/1"
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
SHARE = 1.0  # of the examples each fuzz draws (the scaled deployment's run through the proxy takes less)


def fuzz(max_examples: int = 300):
    return settings(FUZZ, max_examples=max(1, round(max_examples * SHARE)))


DOCUMENTED = set(re.findall(r"`([a-z_]+)`", (Path(__file__).resolve().parents[2] / "sync" / "PROTOCOL.md").read_text()))
# Records the server makes itself after an applied mutation (§11.3, §12, §13): a submission's
# orders, the notices of a move.
FOLLOW_UPS = {"rectification_order", "inbox"}
POOL = [str(uuid.UUID(int=n, version=4)) for n in range(1, 7)]  # record ids the mutations share

# --- values ---------------------------------------------------------------------------------------

EDGE_TEXTS = [
    "",
    "\x00",
    "走\x00访",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-08:00",
    "0999-05-01T00:00:00+08:00",
    "2026-11-27T09:14:03+08:00",
    "2026-11-27T09:14:03",
    "2026-13-45T99:99:99Z",
    "abc",
    "e3b0c442",
    "E" * 64,
    "0" * 64,
    "planned",
    "in_progress",
    "submitted",
    "responded",
    "closed",
    "reopened",
    "assigned",
    "done",
    "unable",
    "cancelled",
    "visit",
    "building",
    "compound",
    "safety",
    "ok",
    "denied",
    "pass",
    "fail",
    "na",
    "adhoc",
    "periodic",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(-3, 40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(EDGE_TEXTS),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["env.clean", "result", "photos", "lat", "lng"]), inner, max_size=3
        )
    ),
    max_leaves=10,
)


def nested(depth: int):
    value = "底"
    for _ in range(depth):
        value = [value]
    return value


deep = st.integers(20, 40).map(nested)  # across MAX_DEPTH (32): the body itself is refused beyond
_fresh = itertools.count(1)
# Mostly ids never used before (Hypothesis's own UUIDs repeat, and another user's is mutation_id_taken).
good_ids = st.builds(lambda: str(uuid.UUID(int=next(_fresh), version=4))) | st.uuids(version=4).map(str)
bad_ids = st.one_of(st.text(max_size=70), st.uuids().map(lambda u: str(u).upper()), values)


def mostly(draw, good, bad, odds=8):
    """`good` but one time in `odds`: a fuzz of only broken input tests only the edge. (The
    rare choice is the highest number: Hypothesis favours the lowest.)"""
    return draw(bad if draw(st.integers(1, odds)) == odds else good)


def field_names(entity):
    binding = bindings().get(entity)
    known = [f.name for f in binding.fields] if binding else []
    return st.sampled_from(known) | st.text(max_size=10) if known else st.text(max_size=10)


@st.composite
def mutations(draw, templates, own=None):
    """`own`: the entity the user writes most (theirs to create), else any registered one."""
    anything = st.sampled_from(sorted(bindings())) | st.text(max_size=12)  # registered by the app
    entity = mostly(draw, st.just(own), anything, odds=3) if own else draw(anything)
    op = mostly(draw, st.sampled_from(["create", "update", "delete"]), values)
    raw = {
        "id": mostly(draw, good_ids, bad_ids),
        "entity": entity,
        "record_id": mostly(draw, st.sampled_from(POOL), bad_ids | good_ids),
        "op": op,
    }
    fields = dict(templates.get(entity, {})) if op == "create" and draw(st.integers(0, 3)) else {}
    field_values = st.integers(1, 25).flatmap(lambda n: deep if n == 25 else values)
    fields.update(
        draw(
            st.dictionaries(
                field_names(entity), field_values, max_size=draw(st.sampled_from([0, 0, 1])) if fields else 3
            )
        )
    )
    raw["fields"] = mostly(draw, st.just(fields), values, odds=15)
    if op != "create" or draw(st.integers(0, 5)) == 5:
        raw["base_version"] = mostly(draw, st.integers(0, 60), st.integers(-(2**70), 2**70) | values)
    for key, strategy in (
        ("client_time", st.sampled_from(EDGE_TEXTS) | values),
        ("epoch", st.text(max_size=70) | values),
        (draw(st.text(max_size=8)), values),
    ):
        if draw(st.integers(0, 7)) == 7:
            raw[key] = draw(strategy)
    if draw(st.integers(0, 30)) == 30:
        return draw(values)  # not an object at all
    if draw(st.integers(0, 20)) == 20:
        raw.pop(draw(st.sampled_from(["id", "entity", "record_id", "op"])))
    return raw


@st.composite
def push_bodies(draw, templates, own=None):
    client_id = mostly(draw, st.sampled_from(["phone-1", "phone-2"]), st.text(min_size=1, max_size=70))
    body = {
        "protocol": PROTOCOL,
        "client_id": client_id,
        "mutations": draw(st.lists(mutations(templates, own), min_size=1, max_size=6)),
    }
    if draw(st.integers(0, 15)) == 15:  # a malformed envelope
        key = draw(st.sampled_from(["protocol", "client_id", "mutations"]))
        if draw(st.booleans()):
            body.pop(key)
        else:
            body[key] = draw(values)
    return body


# --- helpers --------------------------------------------------------------------------------------


def read(app, statement):
    """Read committed data in an app context of its own (the requests run in theirs)."""
    with app.app_context():
        try:
            return db.session.execute(statement).all()
        finally:
            db.session.remove()


def last_seq(app) -> int:
    rows = read(app, select(SyncState.last_seq))
    return rows[0][0] if rows else 0


def send_json(auth, url, body):
    """The body as JSON text (Python's: NaN never comes from the strategies; huge integers do)."""
    return auth.send("POST", url, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def unreadable(url: str) -> tuple[int, ...]:
    """(400,) for a path with a NUL (%00) in it: the server reads it (and finds nothing), nginx in
    front of it does not (400 bad_request in the API's shape, PROTOCOL.md §9); else ()."""
    return (400,) if "%00" in url.split("?", 1)[0] else ()


def assert_documented(response):
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json(silent=True)
    if response.status_code >= 400 and response.get_data():
        # Every refusal in the API's shape (§9), whoever made it (the app, or nginx before it).
        assert body is not None, (response.status_code, response.get_data(as_text=True)[:200])
        code = body["error"]["code"]
        assert code in DOCUMENTED, f"{code} is not in PROTOCOL.md"


def check_push(app, auth, body):
    before = last_seq(app)
    response = send_json(auth, "/api/sync/push", body)
    assert_documented(response)
    if response.status_code != 200:
        assert last_seq(app) == before, "a refused batch wrote nothing"
        return
    results = response.get_json()["results"]
    sent = body["mutations"]
    assert len(results) == len(sent), "one result per mutation"
    reported = {}  # (entity, id) -> highest version reported applied or conflict
    for raw, result in zip(sent, results):
        named = raw.get("id") if isinstance(raw, dict) else None
        assert result["mutation_id"] == (named if isinstance(named, str) and len(named) <= 64 else None), (
            "in order, under its id"
        )
        assert result["status"] in ("applied", "conflict", "rejected")
        if result["status"] == "rejected":
            assert result["error"]["code"] in DOCUMENTED and result["error"]["message"], result["error"]
            continue
        assert result["record"]["version"] == result["version"]
        key = (result["entity"], result["record_id"])
        reported[key] = max(reported.get(key, 0), result["version"])
    for (entity, record_id), version in reported.items():
        held = bindings()[entity].model
        rows = read(app, select(held.version).where(held.id == record_id))
        assert rows and rows[0][0] >= version, f"reported {entity} {record_id} v{version}, stored {rows}"
    written = {
        (e, r)
        for e, r in read(app, select(SyncLogEntry.entity, SyncLogEntry.record_id).where(SyncLogEntry.seq > before))
    }
    unreported = {(e, r) for e, r in written if (e, r) not in reported and not (e in FOLLOW_UPS and reported)}
    assert not unreported, f"stored but not reported: {unreported}"
    # only the answered ones are looked up: a refused mutation may echo any id it named ("\x00"),
    # which PostgreSQL cannot even compare with a column
    answered = [r["mutation_id"] for r in results if r["status"] != "rejected"]
    stored = {m for (m,) in read(app, select(SyncMutation.id).where(SyncMutation.id.in_(answered)))}
    for result in results:
        if result["status"] != "rejected":
            assert result["mutation_id"] in stored, "an applied mutation's result is kept for its retries"


def png(colour=(10, 200, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, "PNG")
    return out.getvalue()


# --- the fuzz -------------------------------------------------------------------------------------


@pytest.fixture
def writers(app, iw):
    return make_writers(app, iw)


def make_writers(app, iw):
    """One session per role that writes synced records, and a template for a plausible create."""
    sessions = {phone: signed_in(app, phone) for phone in (HEXI_ADMIN, WORKER_A, DIHAO_STEWARD, YUANHANG_STAFF)}
    templates = {
        "task": {"type": "visit", "title": "入户走访", "target_kind": "building", "target_id": iw.b_hexi1},
        "field_report": {
            "grid_id": iw.g1,
            "category": "safety",
            "description": "楼道堆物",
            "location_status": "denied",
        },
        "inspection": {
            "compound_id": iw.dihao,
            "template_id": iw.template_id,
            "kind": "adhoc",
            "status": "in_progress",
            "started_at": "2026-11-27T09:00:00+08:00",
        },
    }
    return sessions, templates


def test_fuzzed_pushes_never_5xx_and_report_every_write(app, writers):
    sessions, templates = writers

    own = {
        HEXI_ADMIN: "task",
        WORKER_A: "field_report",
        DIHAO_STEWARD: "inspection",
        YUANHANG_STAFF: "rectification_order",
    }

    @fuzz(1000)
    @given(data=st.data())
    def run(data):
        who = data.draw(st.sampled_from(sorted(sessions)))
        check_push(app, sessions[who], data.draw(push_bodies(templates, own[who])))

    run()


def test_fuzzed_bodies_that_are_not_json_objects_never_5xx(app, writers):
    sessions, _ = writers
    auth = sessions[WORKER_A]

    @fuzz()
    @given(
        url=st.sampled_from(["/api/sync/push", "/api/sync/pull"]),
        data=st.binary(max_size=200)
        | deep.map(json.dumps)
        | values.map(json.dumps)
        | st.integers(1000, 5000).map(lambda n: "[" * n + "]" * n),
    )
    def run(url, data):
        assert_documented(auth.send("POST", url, data=data, content_type="application/json"))

    run()


@st.composite
def cursors(draw, epoch):
    """Forged cursors: this server's shape with wild positions, other shapes, and no cursor at all."""
    kind = draw(st.integers(0, 3))
    if kind == 3:
        return draw(st.none() | st.text(max_size=40) | values)
    seq = st.integers(0, 80) | st.integers(2**62, 2**64) | st.integers(-(2**70), 2**70)
    payload = {
        "v": mostly(draw, st.just(1), values),
        "e": mostly(draw, st.just(epoch), st.text(max_size=8)),
        "p": mostly(draw, st.integers(0, 5), seq | values),
        "b": draw(
            st.dictionaries(
                st.sampled_from(["grid:1", "grid:5", "org:3", "user:3"]) | st.text(max_size=8),
                st.integers(1, 8).flatmap(lambda n: values if n == 8 else seq),
                max_size=4,
            )
        ),
    }
    if kind == 2:
        payload = draw(values) if draw(st.booleans()) else {k: v for k, v in payload.items() if draw(st.booleans())}
    raw = json.dumps(payload).encode()
    return (
        base64.urlsafe_b64encode(raw).decode().rstrip("=")
        if draw(st.integers(0, 5)) < 5
        else base64.b64encode(raw).decode()
    )


def test_fuzzed_pulls_never_5xx(app, writers):
    sessions, _ = writers
    auth = sessions[WORKER_A]
    epoch = auth.send("POST", "/api/sync/pull", json={"protocol": PROTOCOL}).get_json()["epoch"]

    @fuzz()
    @given(data=st.data())
    def run(data):
        limit = mostly(data.draw, st.integers(1, 2000), st.integers(-(2**70), 2**70) | values)
        body = {
            "protocol": mostly(data.draw, st.just(PROTOCOL), values),
            "cursor": data.draw(cursors(epoch)),
            "limit": limit,
            "format": mostly(data.draw, st.sampled_from([1, 2]), values),  # §5.2.2
        }
        if data.draw(st.integers(0, 7)) == 7:
            body.pop(data.draw(st.sampled_from(sorted(body))))
        response = send_json(auth, "/api/sync/pull", body)
        assert_documented(response)
        assert response.status_code in (200, 400, 410, 422), response.status_code
        if response.status_code == 200 and body.get("format") == 2:
            ungroup(response.get_json()["groups"])  # reads back (PROTOCOL.md §5.2.2)

    run()


def test_fuzzed_blob_requests_never_5xx(app, writers):
    sessions, _ = writers
    auth = sessions[WORKER_A]
    real = png()
    known = hashlib.sha256(real).hexdigest()
    hashes = st.one_of(
        st.just(known),
        st.binary(min_size=1, max_size=16).map(lambda b: hashlib.sha256(b).hexdigest()),
        st.text(min_size=1, max_size=80),
        st.just(known.upper()),
        st.just("0" * 65),
    )
    bodies = st.one_of(
        st.just(real),
        st.binary(max_size=300),
        st.integers(1, len(real) - 1).map(lambda n: real[:n]),
        st.just(b"\x89PNG\r\n\x1a\n" + bytes(40)),
    )
    bound = st.integers(-2, 400) | st.integers(-(2**70), 2**70)
    ranges = st.one_of(
        st.none(),
        st.builds(lambda a, b, c: f"bytes {a}-{b}/{c}", bound, bound, bound),
        st.text(max_size=30),
        st.builds(lambda a, c: f"bytes {a}-*/{c}", bound, bound),
    )

    @fuzz()
    @given(data=st.data())
    def run(data):
        method = data.draw(st.sampled_from(["PUT", "HEAD", "GET", "GET thumb"]))
        sha, body, content_range = data.draw(hashes), data.draw(bodies), data.draw(ranges)
        if method == "PUT" and data.draw(st.booleans()):  # a chunk of the real photo at a random place
            start = data.draw(st.integers(0, len(real) - 1))
            end = data.draw(st.integers(start, len(real) - 1))
            sha, body, content_range = known, real[start : end + 1], f"bytes {start}-{end}/{len(real)}"
        url = f"/api/blobs/{quote(sha, safe='')}" + ("/thumb" if method == "GET thumb" else "")
        if method == "PUT":
            headers = (
                {"Content-Range": content_range}
                if content_range is not None and content_range.isprintable() and content_range.isascii()
                else {}
            )
            response = auth.send("PUT", url, data=body, content_type="application/octet-stream", headers=headers)
            assert response.status_code in (200, 201, 202, 400, 404, 409, 413, 415, 422), response.status_code
        else:
            response = auth.client.open(url, method=method.split()[0], buffered=True)
            assert response.status_code in (200, 304, 404, *unreadable(url)), response.status_code
        assert_documented(response)
        response.close()

    run()


def test_fuzzed_conflict_lists_and_resolutions_never_5xx(app, writers):
    sessions, templates = writers
    worker, admin = sessions[WORKER_A], sessions[HEXI_ADMIN]
    record_id = str(uuid.uuid4())
    report = {
        "id": str(uuid.uuid4()),
        "entity": "field_report",
        "record_id": record_id,
        "op": "create",
        "fields": templates["field_report"],
    }
    assert (
        send_json(
            worker, "/api/sync/push", {"protocol": PROTOCOL, "client_id": "phone-1", "mutations": [report]}
        ).status_code
        == 200
    )
    for phone, text in (("phone-2", "甲"), ("phone-1", "乙")):  # the second loses: a conflict record
        edit = {
            "id": str(uuid.uuid4()),
            "entity": "field_report",
            "record_id": record_id,
            "op": "update",
            "base_version": 1,
            "fields": {"description": text},
        }
        assert (
            send_json(
                worker, "/api/sync/push", {"protocol": PROTOCOL, "client_id": phone, "mutations": [edit]}
            ).status_code
            == 200
        )
    query = st.dictionaries(
        st.sampled_from(["status", "entity", "record_id", "page", "per_page"]) | st.text(max_size=6),
        st.sampled_from(["open", "resolved", "all", "task", record_id, "1", "0", "-1", str(2**40), "\x00"])
        | st.text(max_size=70),
        max_size=4,
    )

    @fuzz()
    @given(data=st.data())
    def run(data):
        auth = data.draw(st.sampled_from([admin, worker]))
        if data.draw(st.booleans()):
            response = auth.client.get("/api/sync/conflicts", query_string=data.draw(query))
            assert response.status_code in (200, 422), response.status_code
        else:
            conflict_id = data.draw(
                st.integers(0, 4)
                | st.integers(2**31 - 2, 2**40)
                | st.text(max_size=12).map(lambda t: quote(t, safe=""))
            )
            body = {"resolution": mostly(data.draw, st.sampled_from(["keep", "use_losing"]), values)}
            response = send_json(auth, f"/api/sync/conflicts/{conflict_id}/resolve", body)
            url = f"/api/sync/conflicts/{conflict_id}/resolve"
            assert response.status_code in (200, 403, 404, 405, 409, 422, *unreadable(url)), response.status_code
        assert_documented(response)

    run()


@pytest.mark.parametrize(
    ("entity", "fields"),
    [
        ("evaluation_ballot", {"round_id": None, "evaluator_id": []}),  # found by the fuzz: it was a 500
        ("evaluation_ballot", {"evaluator_id": {"a": 1}, "organiser_id": [[2]]}),
        ("evaluation_round", {"community_id": 1, "organiser_id": [], "evaluator_ids": [[3], {"b": 4}, 5]}),
    ],
)
def test_values_that_are_not_ids_where_buckets_are_found_are_refused_not_a_500(app, writers, entity, fields):
    """Buckets are found before a record's schema checks its values: any JSON there is refused."""
    worker = writers[0][WORKER_A]
    mutation = {"id": str(uuid.uuid4()), "entity": entity, "record_id": str(uuid.uuid4()), "op": "create"}
    response = send_json(
        worker,
        "/api/sync/push",
        {"protocol": PROTOCOL, "client_id": "phone-1", "mutations": [{**mutation, "fields": fields}]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    (result,) = response.get_json()["results"]
    assert result["status"] == "rejected" and result["error"]["code"] in ("out_of_scope", "invalid", "forbidden")
