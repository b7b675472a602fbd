"""audit log org path: where in the org tree the changed thing lies, so that every admin reads the
entries of their jurisdiction (issue 16)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 05:00:00

Nullable: entries written before, and those about nothing in the tree, have none (city-level
admins read them).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_log", sa.Column("org_path", sa.String(length=255), nullable=True))
    op.create_index(
        "ix_audit_log_org_path_prefix",
        "audit_log",
        ["org_path"],
        unique=False,
        postgresql_ops={"org_path": "varchar_pattern_ops"},
    )


def downgrade():
    op.drop_index("ix_audit_log_org_path_prefix", table_name="audit_log")
    op.drop_column("audit_log", "org_path")
