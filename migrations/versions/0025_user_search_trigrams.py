"""user search trigrams: GIN trigram indexes on users.display_name and users.phone for the people
screen's substring search (LIKE '%q%'), PostgreSQL only; on SQLite this migration does nothing

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 05:00:00

bench/people_search.py: a phone fragment over 100,000 accounts goes from a sequential scan to a
bitmap index scan.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

COLUMNS = ("display_name", "phone")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        op.create_index(
            f"ix_users_{column}_trgm",
            "users",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.drop_index(f"ix_users_{column}_trgm", table_name="users")
