"""sync log layout: the change log keyed record first, (entity, record_id, bucket), without the
index on (entity, record_id) that the key now serves; a put's data stored once per record in
sync_log_data instead of in the record's row of every bucket

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 19:00:00

A push of 200 new tasks writes 1,200 log rows (a task is in 6 buckets, PROTOCOL.md §2). Keyed
bucket first, each row went to a random place in the key's index and each record's six to random
places in the (entity, record_id) index: about 1,000 index pages dirtied and written per push;
and each row held the record's ~600 B of JSON. Now a record's rows sit together in the one index,
and its JSON is written once (bench/sync_server.py (c), issue 17). Every query by record (the
record's buckets, a photo's readers) reads the key's prefix; the pull reads
ix_sync_log_bucket_seq as before and joins each row of a page to its data.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# Every put row of a record is of its latest seq and carries the same data (each write logs the
# record in every bucket it is in now): any one of them gives it.
ONE_PUT = (
    "SELECT l.entity, l.record_id, l.data FROM sync_log l WHERE l.op = 'put' AND l.bucket = "
    "(SELECT min(m.bucket) FROM sync_log m WHERE m.entity = l.entity AND m.record_id = l.record_id AND m.op = 'put')"
)


def upgrade():
    op.create_table(
        "sync_log_data",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "record_id", name=op.f("pk_sync_log_data")),
    )
    op.execute(f"INSERT INTO sync_log_data (entity, record_id, data) {ONE_PUT}")
    op.drop_index("ix_sync_log_record", table_name="sync_log")
    # SQLite cannot change a table's key in place: the batch copies the table.
    with op.batch_alter_table("sync_log") as batch_op:
        batch_op.drop_column("data")
        batch_op.drop_constraint("pk_sync_log", type_="primary")
        batch_op.create_primary_key("pk_sync_log", ["entity", "record_id", "bucket"])


def downgrade():
    with op.batch_alter_table("sync_log") as batch_op:
        batch_op.drop_constraint("pk_sync_log", type_="primary")
        batch_op.create_primary_key("pk_sync_log", ["bucket", "entity", "record_id"])
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))
    op.create_index("ix_sync_log_record", "sync_log", ["entity", "record_id"], unique=False)
    op.execute(
        "UPDATE sync_log SET data = (SELECT d.data FROM sync_log_data d"
        " WHERE d.entity = sync_log.entity AND d.record_id = sync_log.record_id) WHERE op = 'put'"
    )
    op.drop_table("sync_log_data")
