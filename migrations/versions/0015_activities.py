"""activities: volunteer service activities (志愿服务活动), their check-in keys and sign-ups, synced

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 20:20:00

An activity is its community's (time, place, capacity, hours credited); its key signs the
organiser's check-in codes and syncs only to its organisers; a sign-up is one volunteer's seat or
place on the waiting list, with their check-in, check-out and confirmed hours. PROTOCOL.md §18.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activities",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seated_count", sa.Integer(), nullable=True),
        sa.Column("waiting_count", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_activities_community_id_org_units")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_activities_created_by_id_users")),
        sa.ForeignKeyConstraint(["organiser_id"], ["users.id"], name=op.f("fk_activities_organiser_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_community_starts", ["community_id", "starts_at"], unique=False)

    op.create_table(
        "activity_keys",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_activity_keys_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_activity_keys_community_id_org_units")
        ),
        sa.ForeignKeyConstraint(["organiser_id"], ["users.id"], name=op.f("fk_activity_keys_organiser_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_keys")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_activity_keys_activity_id")),
    )
    op.create_table(
        "activity_signups",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=40), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkin_window", sa.Integer(), nullable=True),
        sa.Column("checkin_mac", sa.String(length=10), nullable=True),
        sa.Column("checkin_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkin_method", sa.String(length=8), nullable=True),
        sa.Column("checkout_window", sa.Integer(), nullable=True),
        sa.Column("checkout_mac", sa.String(length=10), nullable=True),
        sa.Column("checkout_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkout_method", sa.String(length=8), nullable=True),
        sa.Column("used_windows", sa.JSON(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("confirmed_hours", sa.Float(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_activity_signups_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_activity_signups_community_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_activity_signups_confirmed_by_id_users")
        ),
        sa.ForeignKeyConstraint(["organiser_id"], ["users.id"], name=op.f("fk_activity_signups_organiser_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_activity_signups_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_signups")),
    )
    with op.batch_alter_table("activity_signups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activity_signups_activity_status", ["activity_id", "status", "queued_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_activity_signups_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("activity_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_signups_user_id"))
        batch_op.drop_index("ix_activity_signups_activity_status")

    op.drop_table("activity_signups")
    op.drop_table("activity_keys")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_community_starts")

    op.drop_table("activities")
