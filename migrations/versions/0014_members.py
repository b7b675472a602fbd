"""members: 双报到 — report codes, units (驻区单位) and the grids they serve (N对1), in-service
members (在职党员), the units' resources and the communities' service projects

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:56:39

Plain REST rows (not synced): PROTOCOL.md §17.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("grid_ids", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_member_projects_community_id_org_units")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_member_projects_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_projects")),
    )
    with op.batch_alter_table("member_projects", schema=None) as batch_op:
        batch_op.create_index("ix_member_projects_community_status", ["community_id", "status"], unique=False)

    op.create_table(
        "member_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("party_org", sa.String(length=60), nullable=False),
        sa.Column("contact_name", sa.String(length=40), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("about", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_member_units_community_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_units")),
    )
    with op.batch_alter_table("member_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_units_community_id"), ["community_id"], unique=False)

    op.create_table(
        "member_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_member_codes_community_id_org_units")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_member_codes_created_by_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["member_units.id"], name=op.f("fk_member_codes_unit_id_member_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_member_codes_code")),
    )
    with op.batch_alter_table("member_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_codes_community_id"), ["community_id"], unique=False)

    op.create_table(
        "member_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("availability_note", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["member_units.id"], name=op.f("fk_member_resources_unit_id_member_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_resources")),
    )
    with op.batch_alter_table("member_resources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_resources_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "member_unit_grids",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["org_units.id"], name=op.f("fk_member_unit_grids_grid_id_org_units")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["member_units.id"], name=op.f("fk_member_unit_grids_unit_id_member_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", "grid_id", name=op.f("pk_member_unit_grids")),
    )
    with op.batch_alter_table("member_unit_grids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_unit_grids_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_role", sa.String(length=16), nullable=False),
        sa.Column("branch", sa.String(length=60), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("skills_note", sa.String(length=200), nullable=True),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["member_codes.id"], name=op.f("fk_members_code_id_member_codes")),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_members_community_id_org_units")),
        sa.ForeignKeyConstraint(["unit_id"], ["member_units.id"], name=op.f("fk_members_unit_id_member_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("user_id", "community_id", name="one_per_community"),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_members_unit_id"))
        batch_op.drop_index(batch_op.f("ix_members_community_id"))

    op.drop_table("members")
    with op.batch_alter_table("member_unit_grids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_unit_grids_grid_id"))

    op.drop_table("member_unit_grids")
    with op.batch_alter_table("member_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_resources_unit_id"))

    op.drop_table("member_resources")
    with op.batch_alter_table("member_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_codes_community_id"))

    op.drop_table("member_codes")
    with op.batch_alter_table("member_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_units_community_id"))

    op.drop_table("member_units")
    with op.batch_alter_table("member_projects", schema=None) as batch_op:
        batch_op.drop_index("ix_member_projects_community_status")

    op.drop_table("member_projects")
