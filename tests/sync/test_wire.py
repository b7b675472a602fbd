"""Wire shapes: mutations are checked before anything runs; cursors are opaque and tamper-evident."""

import subprocess
import sys

import pytest

from sync import (
    Actor,
    BadMutation,
    CursorExpired,
    CursorInvalid,
    Engine,
    MemoryStore,
    Mutation,
    UnsupportedProtocol,
    check_protocol,
    decode_cursor,
    encode_cursor,
)


@pytest.mark.parametrize(
    "raw,field",
    [
        ("not an object", None),
        ({"entity": "note", "record_id": "n1", "op": "create"}, "id"),
        ({"id": "m1", "entity": "note", "record_id": "", "op": "create"}, "record_id"),
        ({"id": "m" * 65, "entity": "note", "record_id": "n1", "op": "create"}, "id"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "upsert"}, "op"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "create", "fields": []}, "fields"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "update", "fields": {}}, "base_version"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "update", "base_version": -1}, "base_version"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "update", "base_version": True}, "base_version"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "update", "base_version": 2**63}, "base_version"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "create", "colour": "red"}, "colour"),
        ({"id": "m1", "entity": "note", "record_id": "n1", "op": "create", "epoch": 7}, "epoch"),
    ],
)
def test_malformed_mutations_are_refused_with_the_field(raw, field):
    with pytest.raises(BadMutation) as error:
        Mutation.from_wire(raw)
    assert error.value.details.get("field") == field


def test_cursor_round_trip_and_tampering():
    token = encode_cursor("epoch-1", {"grid:1": 5, "user:3": 0}, 4)
    assert decode_cursor(token) == ("epoch-1", {"grid:1": 5, "user:3": 0}, 4)
    assert decode_cursor(None) == (None, {}, 0)
    import base64
    import json

    def forged(payload) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    not_objects = [forged([]), forged(1), forged("x")]
    wrong_types = [
        forged({"v": True, "e": "e", "b": {}}),
        forged({"v": 1, "e": "e", "p": -1, "b": {}}),
        forged({"v": 1, "e": "e", "b": {"grid:1": True}}),
    ]
    # sequence numbers are 64-bit: beyond, the cursor names nothing (a database would overflow)
    wrong_types += [forged({"v": 1, "e": "e", "b": {"grid:1": 2**63}}), forged({"v": 1, "e": "e", "p": 2**64, "b": {}})]
    for bad in (
        "garbage!",
        token[:-3],
        encode_cursor("e", {"grid:1": 1}).replace("e", "x", 1),
        *not_objects,
        *wrong_types,
    ):
        with pytest.raises(CursorInvalid):
            decode_cursor(bad)


def test_a_cursor_from_another_database_means_start_again():
    engine = Engine(MemoryStore(epoch="new"), [])
    with pytest.raises(CursorExpired):
        engine.pull(Actor(1, {"grid:1": frozenset({"grid_worker"})}), encode_cursor("old", {"grid:1": 3}))


def test_a_cursor_ahead_of_the_server_means_its_data_was_restored():
    """Restored from a backup without a new epoch yet: the seqs above the restored last one will
    be handed out again, so a position beyond it would skip them (§5.5)."""
    store = MemoryStore("same-epoch")
    with pytest.raises(CursorExpired):
        Engine(store, []).pull(
            Actor(1, {"grid:1": frozenset({"grid_worker"})}), encode_cursor("same-epoch", {"grid:1": 3})
        )


def test_unsupported_protocol_names_the_supported_ones():
    check_protocol("redgrid-sync/1")
    with pytest.raises(UnsupportedProtocol) as error:
        check_protocol("redgrid-sync/2")
    assert error.value.details["supported"] == ["redgrid-sync/1"]


def test_sync_library_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, sync; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
