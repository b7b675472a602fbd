"""A pull page's changes in format 2 (PROTOCOL.md §5.2.2): runs of changes that share a bucket,
an entity and an op, sent once per run, with the ids packed, the versions as differences and the
data column by column (keys once; a column of like values compresses far better than records
side by side, whose repeats lie beyond gzip's 32 KB window). Ids and repeated keys were most of
format 1's bytes (issue 17)."""

import base64
import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

import orjson

from sync._types import LogEntry

PAGE_FORMATS = (1, 2)  # 1: `changes` (§5.2); 2: `groups` (§5.2.2)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def group_changes(changes: Iterable[LogEntry]) -> list[dict]:
    """The changes, in their order, as §5.2.2's groups."""
    changes = list(changes)
    # The stored JSON texts, read in one call: one parse of a 1,000-record page, not 1,000.
    texts = [c.data for c in changes if c.op == "put" and isinstance(c.data, str)]
    parsed = iter(_loads(f"[{','.join(texts)}]"))
    datas = {id(c): next(parsed) if isinstance(c.data, str) else c.data for c in changes if c.op == "put"}
    runs: list[tuple[LogEntry, list[LogEntry]]] = []
    for change in changes:
        if runs and (runs[-1][0].bucket, runs[-1][0].entity, runs[-1][0].op) == (
            change.bucket,
            change.entity,
            change.op,
        ):
            runs[-1][1].append(change)
        else:
            runs.append((change, [change]))
    return [_group(first, run, datas) for first, run in runs]


def _group(first: LogEntry, run: list[LogEntry], datas: dict[int, Any]) -> dict:
    versions = [int(change.version) for change in run]
    group: dict[str, Any] = {
        "bucket": first.bucket,
        "entity": first.entity,
        "op": first.op,
        "ids": _pack_ids([change.record_id for change in run]),
        "versions": [versions[0], *(b - a for a, b in zip(versions, versions[1:]))],
    }
    if first.op != "put":
        return group
    data = [_as_dict(datas[id(change)]) for change in run]
    fields = list(dict.fromkeys(key for values in data if values is not None for key in values))
    group["fields"] = fields
    group["columns"] = [[None if values is None else values.get(key) for values in data] for key in fields]
    absent = {key: [i for i, values in enumerate(data) if values is not None and key not in values] for key in fields}
    group["absent"] = {key: rows for key, rows in absent.items() if rows}
    group["nulls"] = [i for i, values in enumerate(data) if values is None]
    return group


def ungroup(groups: list[dict]) -> list[dict]:
    """§5.2.2's groups back as §5.2's changes (what a client does; the tests check both ways)."""
    changes = []
    for group in groups:
        ids = _unpack_ids(group["ids"])
        put = group["op"] == "put"
        fields = group.get("fields", [])
        absent = {key: set(rows) for key, rows in group.get("absent", {}).items()}
        nulls = set(group.get("nulls", []))
        version = 0
        for index, record_id in enumerate(ids):
            version = group["versions"][0] if index == 0 else version + group["versions"][index]
            data = None
            if put and index not in nulls:
                data = {
                    key: column[index]
                    for key, column in zip(fields, group["columns"], strict=True)
                    if index not in absent.get(key, ())
                }
            changes.append(
                {
                    "bucket": group["bucket"],
                    "entity": group["entity"],
                    "id": record_id,
                    "op": group["op"],
                    "version": version,
                    "data": data,
                }
            )
    return changes


def _loads(text: str) -> list:
    """The stored texts by orjson (a third of json's time); text it refuses (a number beyond 64
    bits, NaN that an older server stored) as json reads it."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _as_dict(data) -> dict | None:
    return None if data is None else dict(data)


def _pack_ids(ids: list[str]) -> str | list[str]:
    """Lowercase UUIDs (§4.1) as base64 of their 16 bytes each; anything else as the list."""
    if all(_UUID.match(record_id) for record_id in ids):
        return base64.b64encode(bytes.fromhex("".join(ids).replace("-", ""))).decode("ascii")
    return ids


def _unpack_ids(ids: str | list[str]) -> list[str]:
    if isinstance(ids, list):
        return ids
    raw = base64.b64decode(ids, validate=True)
    return [str(uuid.UUID(bytes=raw[i : i + 16])) for i in range(0, len(raw), 16)]
