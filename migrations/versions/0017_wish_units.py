"""wish units: a wish claimed for the claimant's unit (双报到)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:20:00

A volunteer reporting with a unit may claim a wish for the unit: the card keeps the unit's
roster key and name (PROTOCOL.md §14.2).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("wish_cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_for", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("claimant_unit", sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table("wish_cards", schema=None) as batch_op:
        batch_op.drop_column("claimant_unit")
        batch_op.drop_column("claimed_for")
