"""matching: a service project made by confirming a match (供需对接) names its need (one project a
need), its resource and its unit

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:10:00

PROTOCOL.md §21.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member_projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("need_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("resource_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_member_projects_need_id"), ["need_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_member_projects_resource_id_member_resources"),
            "member_resources",
            ["resource_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_member_projects_unit_id_member_units"), "member_units", ["unit_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("member_projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_member_projects_unit_id_member_units"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_member_projects_resource_id_member_resources"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_member_projects_need_id"), type_="unique")
        batch_op.drop_column("unit_id")
        batch_op.drop_column("resource_id")
        batch_op.drop_column("need_id")
