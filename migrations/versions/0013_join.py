"""join: residents join a household — grid workers' invitation keys (synced), invitations
redeemed, join requests

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:30:00

A resident registers with their phone and is bound to a household (resident@household) by a
grid worker's invitation made offline or by an approved request. PROTOCOL.md §19.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "invite_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=43), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_invite_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_keys")),
        sa.UniqueConstraint("user_id", name=op.f("uq_invite_keys_user_id")),
    )
    op.create_table(
        "invite_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=8), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_invite_uses_household_id_households")
        ),
        sa.ForeignKeyConstraint(["inviter_id"], ["users.id"], name=op.f("fk_invite_uses_inviter_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_invite_uses_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_uses")),
        sa.UniqueConstraint("household_id", "nonce", name="uq_invite_uses_household_nonce"),
    )
    with op.batch_alter_table("invite_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_uses_user_id"), ["user_id"], unique=False)

    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["compound_id"], ["compounds.id"], name=op.f("fk_join_requests_compound_id_compounds")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_join_requests_decided_by_id_users")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_join_requests_household_id_households")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_join_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.create_index("ix_join_requests_compound_status", ["compound_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_requests_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_requests_user_id"))
        batch_op.drop_index("ix_join_requests_compound_status")

    op.drop_table("join_requests")
    with op.batch_alter_table("invite_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_uses_user_id"))

    op.drop_table("invite_uses")
    op.drop_table("invite_keys")
