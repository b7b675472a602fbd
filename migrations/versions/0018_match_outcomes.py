"""match outcomes: a confirmed match (供需对接) is kept apart from what it became — a service
project, an activity, or a micro-wish claimed for the unit

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:00:00

PROTOCOL.md §21. The projects made by earlier matches become matches with the outcome `project`.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("item_kind", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_member_matches_community_id_org_units")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_member_matches_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["member_projects.id"],
            name=op.f("fk_member_matches_project_id_member_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["member_resources.id"],
            name=op.f("fk_member_matches_resource_id_member_resources"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["member_units.id"], name=op.f("fk_member_matches_unit_id_member_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_matches")),
        sa.UniqueConstraint("item_id", name=op.f("uq_member_matches_item_id")),
    )
    op.create_index("ix_member_matches_community", "member_matches", ["community_id"], unique=False)
    op.execute(
        "INSERT INTO member_matches (community_id, item_id, item_kind, outcome, resource_id, unit_id, project_id,"
        " created_by_id, created_at)"
        " SELECT community_id, need_id, 'need', 'project', resource_id, unit_id, id, created_by_id, created_at"
        " FROM member_projects WHERE need_id IS NOT NULL"
    )


def downgrade():
    op.drop_index("ix_member_matches_community", table_name="member_matches")
    op.drop_table("member_matches")
