"""dashboard indexes: the records of a period — tasks given out and finished, field reports, needs and
alert receipts by their time — so a dashboard reads the period's rows, not years of them

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 05:05:00

PROTOCOL.md §26 (bench/dashboard.py: a street of 30 communities, ~300,000 records).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_tasks_created_at", "tasks", "created_at"),
    ("ix_tasks_finished_at", "tasks", "finished_at"),
    ("ix_field_reports_created_at", "field_reports", "created_at"),
    ("ix_needs_created_at", "needs", "created_at"),
    ("ix_inbox_entries_created_at", "inbox_entries", "created_at"),
)


def upgrade():
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade():
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table)
