"""job queue: Procrastinate's tables, for ``ekinerja-sync worker`` (PostgreSQL only)

Procrastinate keeps its queue in the store's PostgreSQL database (no new service), so
``db upgrade`` prepares everything a worker needs: this revision applies the schema of the
pinned Procrastinate release when the database has none yet. A later Procrastinate release
with schema changes gets a revision of its own applying its migration files. SQLite has no
queue (a run there stays in one process).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op

from store import queue_schema

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply Procrastinate's schema on PostgreSQL (once)."""
    queue_schema.ensure(op.get_bind())


def downgrade() -> None:
    """Procrastinate's objects are left in place: they hold no data of ours and a queue with
    jobs in it is not dropped by a schema downgrade (drop them by hand if wanted)."""
