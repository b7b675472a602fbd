"""needs: residents' needs (诉求, 接诉即办), synced to their resident, grid worker and admins

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 19:55:48

A need lands with the grid worker of its household's grid, with response and resolution
deadlines per category; the resident rates the result. PROTOCOL.md §16.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "needs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=True),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_device_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handle_note", sa.String(length=500), nullable=True),
        sa.Column("handle_photos", sa.JSON(), nullable=True),
        sa.Column("referred_to", sa.String(length=60), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolve_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("escalation", sa.String(length=24), nullable=True),
        sa.Column("escalations", sa.JSON(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_needs_community_id_org_units")),
        sa.ForeignKeyConstraint(["grid_id"], ["org_units.id"], name=op.f("fk_needs_grid_id_org_units")),
        sa.ForeignKeyConstraint(["handler_id"], ["users.id"], name=op.f("fk_needs_handler_id_users")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_needs_household_id_households")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_needs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index("ix_needs_community_created", ["community_id", "created_at"], unique=False)
        batch_op.create_index("ix_needs_grid_status", ["grid_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_needs_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_user_id"))
        batch_op.drop_index("ix_needs_grid_status")
        batch_op.drop_index("ix_needs_community_created")

    op.drop_table("needs")
