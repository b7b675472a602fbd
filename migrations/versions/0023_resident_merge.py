"""Residents: merged_into_id and merged_at (one record per person), indexes for the duplicate finder

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 04:45:00

server/org/duplicates.py: the finder groups residents by phone and by (household, name); a merged-away
entry stays (merged_into_id names the kept one) so history reads, but leaves every list.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(op.f("fk_residents_merged_into_id_residents"), "residents", ["merged_into_id"], ["id"])
    op.create_index("ix_residents_household_name", "residents", ["household_id", "name"], unique=False)
    op.create_index("ix_residents_phone", "residents", ["phone"], unique=False)


def downgrade():
    op.drop_index("ix_residents_phone", table_name="residents")
    op.drop_index("ix_residents_household_name", table_name="residents")
    with op.batch_alter_table("residents") as batch:
        batch.drop_constraint(op.f("fk_residents_merged_into_id_residents"), type_="foreignkey")
        batch.drop_column("merged_at")
        batch.drop_column("merged_into_id")
