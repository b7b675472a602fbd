"""Records logged again where their buckets are now, after an org unit moved in the tree
(sync/PROTOCOL.md §25): a record in a grid lives in the `org:` buckets of every unit above the
grid (server/sync/buckets.py), and those are other units once the grid, or its community, has
another parent. Registered at assembly as the sync part's regrid hook (server/core/regrid.py),
for every synced entity, whatever part owns it: each record that has a live put in `org:<moved
unit>` is rewritten unchanged with a new seq, so the admins it left get a delete and the admins
it joined get the record."""

from collections import defaultdict

from sqlalchemy import select

from server.core import pokes, regrid
from server.extensions import db
from server.sync import buckets
from server.sync.models import SyncLogEntry
from server.sync.registry import bindings
from server.sync.writer import Writer
from sync import Actor

CACHE = buckets.CACHE  # the org buckets of a request: forgotten once a unit moved


def relog_moved(change: regrid.GridChange) -> None:
    if change.kind != regrid.MOVED:
        return
    rows = db_rows(f"org:{change.unit_id}")
    by_entity: dict[str, dict[str, dict]] = defaultdict(dict)
    registered = bindings()
    for entity, record_id in rows:
        if entity in registered:
            by_entity[entity][record_id] = {}
    writer = Writer(actor=Actor(change.by_user_id, {}), client_id=f"api:{change.by_user_id}")
    for entity in sorted(by_entity):
        writer.rewrite(entity, by_entity[entity])
    pokes.after_commit(writer.store.touched)


def db_rows(bucket: str) -> list[tuple[str, str]]:
    query = select(SyncLogEntry.entity, SyncLogEntry.record_id).where(
        SyncLogEntry.bucket == bucket, SyncLogEntry.op == "put"
    )
    return [tuple(row) for row in db.session.execute(query.order_by(SyncLogEntry.entity, SyncLogEntry.record_id))]
