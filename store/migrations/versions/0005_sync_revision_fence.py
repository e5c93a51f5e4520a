"""sync revision and fence: when SIASN values were fetched, and the run lease's fencing epoch

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pegawai") as batch:
        batch.add_column(sa.Column("siasn_fetched_at", sa.Float(), nullable=True))
    with op.batch_alter_table("run_item") as batch:
        batch.add_column(sa.Column("fetched_at", sa.Float(), nullable=True))
    with op.batch_alter_table("run_lock") as batch:
        batch.add_column(sa.Column("epoch", sa.Integer(), server_default=sa.text("0"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("run_lock") as batch:
        batch.drop_column("epoch")
    with op.batch_alter_table("run_item") as batch:
        batch.drop_column("fetched_at")
    with op.batch_alter_table("pegawai") as batch:
        batch.drop_column("siasn_fetched_at")
