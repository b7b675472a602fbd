"""The invariant check of the load and fault runs (issue 18), read from the database after a run.

The runs' phones create field reports whose description starts with a run's marker
(`<marker>-<mutation id>`), so what a run wrote is told apart from the demo city. Given what the
phones sent and what they were told `applied`:

  - lost: a mutation answered `applied` whose record is missing or lacks its values;
  - duplicated: a description stored more than once, or a record stored that no phone ever sent;
  - unanswered: stored, sent, but the answer never reached the phone (a push in flight when a run
    stopped; a phone that retries until answered has none);
  - not in the change log at its version: an acknowledged record without its `put` row at the
    record's version (the change log is the only way other phones learn of it);
  - log rows above the committed mark: a change-log seq beyond `sync_state.last_seq` (a reader
    trusting the mark would skip it: the change-feed gap, PROTOCOL §5.3);
  - photos missing / not matching: a photo a stored report names without its blob row, its file
    under BLOB_DIR, or whose file's SHA-256 differs from the `stored_sha256` recorded for it.
"""

import hashlib
import json
from pathlib import Path

from bench._deployment import _rows, connect

# Figures that must be 0 for a run to pass.
MUST_BE_ZERO = (
    "lost",
    "duplicated",
    "not in the change log at its version",
    "log rows above the committed mark",
    "photos missing",
    "photos not matching their SHA-256",
)


def check(url: str, marker: str, acked: dict[str, str], sent: set[str] | None = None, blob_dir=None) -> dict:
    """The figures above. `acked`: record id → description answered `applied`; `sent`: every
    record id pushed (default: the acknowledged ones); `blob_dir`: check the photos there."""
    sent = set(acked) if sent is None else sent | set(acked)
    pattern = f"{marker}-%"
    connection = connect(url)
    try:
        stored = dict(
            _rows(connection, "SELECT id, description FROM field_reports WHERE description LIKE ?", (pattern,))
        )
        twice = _rows(
            connection,
            "SELECT count(*) FROM (SELECT description FROM field_reports WHERE description LIKE ? "
            "GROUP BY description HAVING count(*) > 1) AS twice",
            (pattern,),
        )[0][0]
        logged = {
            record: bool(ok)
            for record, ok in _rows(
                connection,
                "SELECT l.record_id, l.version = r.version AND l.op = 'put' FROM sync_log l "
                "JOIN field_reports r ON r.id = l.record_id AND l.entity = 'field_report' "
                "WHERE r.description LIKE ?",
                (pattern,),
            )
        }
        above_mark = _rows(connection, "SELECT count(*) FROM sync_log WHERE seq > (SELECT last_seq FROM sync_state)")[
            0
        ][0]
        photos = photo_figures(connection, pattern, blob_dir) if blob_dir else {}
    finally:
        connection.close()
    return {
        "acknowledged": len(acked),
        "lost": sum(1 for record, text in acked.items() if stored.get(record) != text),
        "duplicated": twice + sum(1 for record in stored if record not in sent),
        "unanswered (in flight at the end)": sum(1 for record in stored if record in sent and record not in acked),
        "not in the change log at its version": sum(1 for record in acked if not logged.get(record)),
        "log rows above the committed mark": above_mark,
        **photos,
    }


def photo_figures(connection, pattern: str, blob_dir) -> dict:
    """Every photo named by the run's stored reports: its blob row, its file, the file's hash."""
    named = set()
    for (photos,) in _rows(connection, "SELECT photos FROM field_reports WHERE description LIKE ?", (pattern,)):
        if isinstance(photos, str):  # SQLite's JSON is text
            photos = json.loads(photos)
        named.update(photos or [])
    blobs = dict(_rows(connection, "SELECT sha256, stored_sha256 FROM blobs")) if named else {}
    missing = not_matching = 0
    for sha in named:
        path = Path(blob_dir) / sha[:2] / sha[2:4] / sha
        if sha not in blobs or not path.is_file():
            missing += 1
        elif hashlib.sha256(path.read_bytes()).hexdigest() != blobs[sha]:
            not_matching += 1
    return {"photos named": len(named), "photos missing": missing, "photos not matching their SHA-256": not_matching}


def failures(figures: dict) -> list[str]:
    """The figures of MUST_BE_ZERO that are not."""
    return [f"{name} {figures[name]}" for name in MUST_BE_ZERO if figures.get(name)]
