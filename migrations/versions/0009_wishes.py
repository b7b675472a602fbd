"""wishes: residents' micro-wishes (微心愿) and their cards on the community's wall, both synced

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 18:00:26

A wish is its resident's (their words, household and photos); its card is what the wall shows
the community's volunteers (the admin's words). PROTOCOL.md §14.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wishes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=True),
        sa.Column("wanted_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("public_title", sa.String(length=60), nullable=True),
        sa.Column("public_text", sa.String(length=300), nullable=True),
        sa.Column("public_photos", sa.JSON(), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=True),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.Column("card_id", sa.String(length=36), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_wishes_community_id_org_units")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_wishes_household_id_households")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"], name=op.f("fk_wishes_reviewed_by_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_wishes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wishes")),
    )
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.create_index("ix_wishes_community_status", ["community_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_wishes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "wish_cards",
        sa.Column("wish_id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=True),
        sa.Column("wanted_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimant_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fulfil_note", sa.String(length=500), nullable=True),
        sa.Column("evidence_photos", sa.JSON(), nullable=True),
        sa.Column("fulfilled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.String(length=300), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("field_writers", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["claimant_id"], ["users.id"], name=op.f("fk_wish_cards_claimant_id_users")),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_wish_cards_community_id_org_units")),
        sa.ForeignKeyConstraint(["wish_id"], ["wishes.id"], name=op.f("fk_wish_cards_wish_id_wishes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wish_cards")),
        sa.UniqueConstraint("wish_id", name=op.f("uq_wish_cards_wish_id")),
    )
    with op.batch_alter_table("wish_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wish_cards_claimant_id"), ["claimant_id"], unique=False)
        batch_op.create_index("ix_wish_cards_community_status", ["community_id", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("wish_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_wish_cards_community_status")
        batch_op.drop_index(batch_op.f("ix_wish_cards_claimant_id"))

    op.drop_table("wish_cards")
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wishes_user_id"))
        batch_op.drop_index("ix_wishes_community_status")

    op.drop_table("wishes")
