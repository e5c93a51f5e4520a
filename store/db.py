"""Engine creation and schema state: SQLite migrates itself, other databases must be upgraded."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store import crash_hook, queue_schema

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "ekinerja_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
RETRY_ATTEMPTS = 5
RETRY_DELAY = 0.2
LOCK_POLL_S = 0.002  # how often a SQLite writer waiting for the write lock tries again
T = TypeVar("T")


class SchemaBehindError(RuntimeError):
    """The database schema is older than the code; it must be upgraded first."""

    def __init__(self, where: str, current: str | None, head: str) -> None:
        super().__init__(f"{where}: schema {current or '-'} < {head}; ekinerja-sync db upgrade")
        self.where, self.current, self.head = where, current, head


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or an in-memory SQLite."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def sqlite_state(path: Path) -> str:
    """What is at ``path``: ``missing``, ``folder``, ``empty`` (0 bytes), ``sqlite`` or ``other``.

    The file is probed through SQLite itself (read-only), never opened and closed by hand:
    closing another descriptor of a database file drops the POSIX locks SQLite holds on it in
    this process, which breaks the locking of connections already open.
    """
    if not path.exists():
        return "missing"
    if path.is_dir():
        return "folder"
    if path.stat().st_size == 0:
        return "empty"
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)) as probe:
            probe.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:  # busy or locked: a database all the same
        return "sqlite"
    except sqlite3.DatabaseError:  # "file is not a database"
        return "other"
    return "sqlite"


def make_engine(url: str, *, sqlite_timeout: float = 30.0) -> Engine:
    """Create the engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": sqlite_timeout})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin(sqlite_timeout))
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_recycle=1800)
    crash_hook.install(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite would BEGIN only before the first write, so a read-then-write transaction read
    # outside it; take transaction control here and emit BEGIN ourselves (_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(timeout: float) -> Callable[[Connection], None]:
    """Writers take the write lock up front, so their reads are never stale (serialized).

    A writer that finds the lock taken tries again every ``LOCK_POLL_S`` until ``timeout``
    rather than through SQLite's busy handler, whose sleeps grow to 100 ms: a waiting edit then
    gets the lock in the short gap between two transactions of a nightly run.
    """

    def begin(connection: Connection) -> None:
        if not connection.get_execution_options().get(WRITE, False):
            connection.exec_driver_sql("BEGIN")
            return
        deadline = time.monotonic() + timeout
        connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                    return
                except OperationalError as exc:
                    if not is_transient(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(LOCK_POLL_S)
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    return begin


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (outcomes are built after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any error.

    On SQLite it starts with ``BEGIN IMMEDIATE``: writers are serialized before they read, so a
    read-modify-write (an edit and its audit entry) never works on a stale value.
    """
    with factory() as session, session.begin():
        session.connection(execution_options={WRITE: True})
        yield session


class DatabaseUnavailable(RuntimeError):
    """The database kept failing with transient errors after the bounded retries."""


def is_transient(exc: BaseException) -> bool:
    """True for errors worth re-running a transaction for: a dropped connection, a lock."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower()
    return (
        "locked" in text
        or "busy" in text
        or exc.orig.__class__.__module__.startswith(("psycopg", "psycopg2"))
    )


def retrying(
    work: Callable[[], T],
    *,
    attempts: int = RETRY_ATTEMPTS,
    delay: float = RETRY_DELAY,
    on_retry: Callable[[BaseException], None] | None = None,
) -> T:
    """Run ``work`` (one whole, re-runnable transaction), again on transient database errors.

    After ``attempts`` tries the last error is raised as ``DatabaseUnavailable``.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts:
                raise DatabaseUnavailable(_describe(exc)) from exc
            if on_retry is not None:
                on_retry(exc)
            time.sleep(delay * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _describe(exc: DBAPIError) -> str:
    first = str(exc.orig).strip().splitlines()
    return first[0] if first else type(exc.orig).__name__


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    """The newest migration the code knows."""
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError(f"no Alembic migration found in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for Alembic. On SQLite foreign keys are off meanwhile (set
    before the transaction: inside one the pragma does nothing), as Alembic's batch mode needs:
    it rebuilds a table by copy, drop and rename, and dropping a referenced table is refused."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                yield connection
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every pending migration (or those up to ``revision``); at the head, also recreate
    the job queue's tables on PostgreSQL if they were dropped (``store.queue_schema``)."""
    config = _alembic_config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if revision == "head":
            queue_schema.ensure(connection)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (tests; operators restore a backup instead)."""
    config = _alembic_config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def ensure_schema(engine: Engine) -> None:
    """Migrate a SQLite file by itself; refuse any other database whose schema is behind."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    raise SchemaBehindError(engine.url.render_as_string(hide_password=True), current, head)
