"""rate budget: one GCRA row per SIASN credential, shared by every process on PostgreSQL

Created on both databases (the schema stays one); on SQLite the budget is kept in memory.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``rate_budget``."""
    op.create_table(
        "rate_budget",
        sa.Column("credential", sa.String(length=200), nullable=False),
        sa.Column("tat", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("background_tat", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("paused_until", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("granted_at", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("credential"),
    )


def downgrade() -> None:
    """Drop ``rate_budget``."""
    op.drop_table("rate_budget")
