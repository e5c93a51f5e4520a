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

from importlib import resources

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply Procrastinate's schema on PostgreSQL (once)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is not None:
        return
    schema = resources.files("procrastinate.sql").joinpath("schema.sql").read_text(encoding="utf-8")
    with bind.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(schema)  # no parameters: the schema's own '%' signs stay as written


def downgrade() -> None:
    """Procrastinate's objects are left in place: they hold no data of ours and a queue with
    jobs in it is not dropped by a schema downgrade (drop them by hand if wanted)."""
