"""ledger: the service record (服务记录), synced; the hours a wish took

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:10:00

One entry per (kind, source, person) of what someone served and for how long: activities,
micro-wishes, service projects (PROTOCOL.md §15.2). A wish's card gains the hours its claimant
says it took, credited once the resident confirms (§14.2).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "service_entries",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("credited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["users.id"], name=op.f("fk_service_entries_account_id_users")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_service_entries_community_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_entries")),
        sa.UniqueConstraint("kind", "source_id", "account_id", name="uq_service_entries_source"),
    )
    with op.batch_alter_table("service_entries", schema=None) as batch_op:
        batch_op.create_index("ix_service_entries_account_occurred", ["account_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_service_entries_community_occurred", ["community_id", "occurred_at"], unique=False)
    with op.batch_alter_table("wish_cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table("wish_cards", schema=None) as batch_op:
        batch_op.drop_column("hours")
    with op.batch_alter_table("service_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_service_entries_community_occurred")
        batch_op.drop_index("ix_service_entries_account_occurred")
    op.drop_table("service_entries")
