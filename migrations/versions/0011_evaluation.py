"""evaluation: the December evaluation's rounds and scoring forms (年度评议), both synced

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:40:00

A round evaluates a community's units and members for a year (their record from the service
record, frozen when it opens); each evaluator's scoring form is theirs and the organiser's
alone (PROTOCOL.md §20).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SYNCED = (
    ("id", sa.String(length=36)),
    ("version", sa.BigInteger()),
    ("field_versions", sa.JSON()),
    ("field_writers", sa.JSON()),
    ("deleted", sa.Boolean()),
)


def _synced():
    return [sa.Column(name, kind, nullable=False) for name, kind in SYNCED]


def upgrade():
    op.create_table(
        "evaluation_rounds",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("evaluator_ids", sa.JSON(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["community_id"], ["org_units.id"], name=op.f("fk_evaluation_rounds_community_id_org_units")
        ),
        sa.ForeignKeyConstraint(["organiser_id"], ["users.id"], name=op.f("fk_evaluation_rounds_organiser_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_rounds")),
    )
    with op.batch_alter_table("evaluation_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_rounds_community_year", ["community_id", "year"], unique=False)

    op.create_table(
        "evaluation_ballots",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(length=12), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comment", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(["evaluator_id"], ["users.id"], name=op.f("fk_evaluation_ballots_evaluator_id_users")),
        sa.ForeignKeyConstraint(["organiser_id"], ["users.id"], name=op.f("fk_evaluation_ballots_organiser_id_users")),
        sa.ForeignKeyConstraint(
            ["round_id"], ["evaluation_rounds.id"], name=op.f("fk_evaluation_ballots_round_id_evaluation_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_ballots")),
        sa.UniqueConstraint("round_id", "evaluator_id", name="uq_evaluation_ballots_evaluator"),
    )
    with op.batch_alter_table("evaluation_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_ballots_evaluator_id"), ["evaluator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_ballots_round_id"), ["round_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evaluation_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_ballots_round_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_ballots_evaluator_id"))
    op.drop_table("evaluation_ballots")
    with op.batch_alter_table("evaluation_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_rounds_community_year")
    op.drop_table("evaluation_rounds")
