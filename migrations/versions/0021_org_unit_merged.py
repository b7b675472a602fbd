"""org units merged into another: a grid merged into another grid is kept, marked, not deleted

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:00:00

PROTOCOL.md §25. Other parts' rows may still name the merged grid (its history), so the row stays.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_org_units_merged_into_id_org_units"), "org_units", ["merged_into_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_org_units_merged_into_id_org_units"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
