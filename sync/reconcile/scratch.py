"""A scratch copy of a SQLite store, so a dry run can plan with writes and never take the lock.

A dry run applies its whole plan in a transaction that is rolled back. On SQLite the first write
of that transaction takes the database's single write lock until the rollback: every API edit
would wait for the whole plan. Planning on a private copy (taken with SQLite's backup API, which
only reads the original) leaves the original free; PostgreSQL plans in place (row versions, no
database-wide lock).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from store.db import make_engine, session_factory


@contextmanager
def planning_sessions(sessions: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    """Sessions to plan in: a private copy of a SQLite file, else ``sessions`` themselves."""
    engine = sessions.kw.get("bind")
    path = _sqlite_file(engine)
    if path is None:
        yield sessions
        return
    folder = Path(tempfile.mkdtemp(prefix="ekinerja-plan-"))
    copy = folder / "plan.db"
    try:
        with closing(sqlite3.connect(path, timeout=30)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
        scratch = make_engine(f"sqlite:///{copy}")
        try:
            yield session_factory(scratch)
        finally:
            scratch.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sqlite_file(engine: object) -> str | None:
    if not isinstance(engine, Engine) or engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return database if database and database != ":memory:" else None
