"""access hardening: login throttle per account and client, sealed ID tokens in web_session

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Plain-text ID tokens are dropped with their column: sessions open before the upgrade keep working,
only their realm logout falls back to the local one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reset_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("username", "client"),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttle_reset_at"), ["reset_at"], unique=False)
    with op.batch_alter_table("local_account", schema=None) as batch_op:
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_token_sealed", sa.Text(), nullable=True))
        batch_op.drop_column("id_token")


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_token", sa.Text(), nullable=True))
        batch_op.drop_column("id_token_sealed")
    with op.batch_alter_table("local_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_reset_at"))
    op.drop_table("login_throttle")
