"""deliveries queued push: a partial index of the Web Push deliveries still queued, by age, for the
push sweep that runs every minute (it read the whole deliveries table: one row per recipient
device of every notice ever sent)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 19:45:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

WAITING = "state = 'queued' AND subscription_id IS NOT NULL"


def upgrade():
    op.create_index(
        "ix_deliveries_queued_push",
        "deliveries",
        ["queued_at"],
        unique=False,
        sqlite_where=sa.text(WAITING),
        postgresql_where=sa.text(WAITING),
    )


def downgrade():
    op.drop_index("ix_deliveries_queued_push", table_name="deliveries")
