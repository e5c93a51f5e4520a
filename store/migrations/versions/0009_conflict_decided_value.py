"""conflict decided value: the value a decision set, so "tetapkan nilai" can be proposed to SIASN

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_value", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_column("decided_value")
