"""konflik lifecycle: assignee, version, supersedes link, event history, planned run changes

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_WHERE = "status = 'open'"
NEW_WHERE = "status IN ('open', 'assigned')"


def upgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_conflict_supersedes_id", "conflict", ["supersedes_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_conflict_assignee"), ["assignee"], unique=False)
        batch_op.drop_index(
            "uq_conflict_open", sqlite_where=sa.text(OLD_WHERE), postgresql_where=sa.text(OLD_WHERE)
        )
        batch_op.create_index(
            "uq_conflict_open",
            ["pegawai_id", "field"],
            unique=True,
            sqlite_where=sa.text(NEW_WHERE),
            postgresql_where=sa.text(NEW_WHERE),
        )
    op.create_table(
        "conflict_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conflict_id"],
            ["conflict.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflict_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_event_conflict_id"), ["conflict_id"], unique=False)
    op.create_table(
        "run_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("run_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_change_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("run_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_change_run_id"))
    op.drop_table("run_change")
    with op.batch_alter_table("conflict_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_event_conflict_id"))
    op.drop_table("conflict_event")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_conflict_open", sqlite_where=sa.text(NEW_WHERE), postgresql_where=sa.text(NEW_WHERE)
        )
        batch_op.create_index(
            "uq_conflict_open",
            ["pegawai_id", "field"],
            unique=True,
            sqlite_where=sa.text(OLD_WHERE),
            postgresql_where=sa.text(OLD_WHERE),
        )
        batch_op.drop_index(batch_op.f("ix_conflict_assignee"))
        batch_op.drop_constraint("fk_conflict_supersedes_id", type_="foreignkey")
        batch_op.drop_column("supersedes_id")
        batch_op.drop_column("version")
        batch_op.drop_column("assignee")
