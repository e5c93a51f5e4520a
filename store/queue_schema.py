"""The job queue's tables (Procrastinate's schema) in the store's PostgreSQL.

Applied by migration 0012 and checked again by every ``db upgrade`` (``store.db.upgrade``), so
a queue whose tables were dropped by hand is recreated rather than reported as missing for
ever. A queue with only some of its tables is not guessed at: ``QueueSchemaIncomplete`` names
what is there.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import Connection

TABLES = (
    "procrastinate_jobs",
    "procrastinate_workers",
    "procrastinate_periodic_defers",
    "procrastinate_events",
)


LEFTOVERS = r"""
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\_%' LOOP
        EXECUTE 'DROP FUNCTION IF EXISTS ' || r.sig || ' CASCADE';
    END LOOP;
    FOR r IN SELECT t.typname FROM pg_type t
             JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\_%'
               AND t.typtype IN ('e', 'c') LOOP
        EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE';
    END LOOP;
END;
$$;
"""


class QueueSchemaIncomplete(RuntimeError):
    """Some of the queue's tables exist and some do not; ``present`` names those that do."""

    def __init__(self, present: list[str]) -> None:
        super().__init__(", ".join(present))
        self.present = present


def ensure(connection: Connection) -> bool:
    """Create the queue's tables on PostgreSQL when none exists (the functions and types a
    queue dropped by hand left behind are replaced: they hold no data); True when it did."""
    if connection.dialect.name != "postgresql":
        return False
    present = [
        name
        for name in TABLES
        if connection.exec_driver_sql(f"SELECT to_regclass('{name}')").scalar() is not None
    ]
    if len(present) == len(TABLES):
        return False
    if present:
        raise QueueSchemaIncomplete(present)
    schema = resources.files("procrastinate.sql").joinpath("schema.sql").read_text(encoding="utf-8")
    with connection.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(LEFTOVERS)  # types and functions of a queue whose tables were dropped
        cursor.execute(schema)  # no parameters: the schema's own '%' signs stay as written
    return True
