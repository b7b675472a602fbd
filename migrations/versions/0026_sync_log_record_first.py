"""sync log keyed record first: the change log's primary key becomes (entity, record_id, bucket),
and the index on (entity, record_id) goes, since the key now serves it

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 19:00:00

A push of 200 new tasks writes 1,200 log rows (a task is in 6 buckets, PROTOCOL.md §2). Keyed
bucket first, each row went to a random place in the key's index and each record's six to
random places in the (entity, record_id) index: about 1,000 index pages dirtied and written per
push. Keyed record first, a record's rows sit together in the one index (bench/sync_server.py (c),
issue 17). Every query by record (the record's buckets, a photo's readers) reads the key's prefix;
the pull reads ix_sync_log_bucket_seq as before.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _key(columns: list[str]):
    # SQLite cannot change a table's key in place: the batch copies the table (recreate).
    with op.batch_alter_table("sync_log", recreate="auto") as batch_op:
        batch_op.drop_constraint("pk_sync_log", type_="primary")
        batch_op.create_primary_key("pk_sync_log", columns)


def upgrade():
    op.drop_index("ix_sync_log_record", table_name="sync_log")
    _key(["entity", "record_id", "bucket"])


def downgrade():
    _key(["bucket", "entity", "record_id"])
    op.create_index("ix_sync_log_record", "sync_log", ["entity", "record_id"], unique=False)
