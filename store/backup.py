"""Back up and restore a SQLite store with SQLite's online backup API.

The backup reads one consistent snapshot while writers go on (WAL), into a temporary file beside
the target that is renamed into place only when whole: a failed backup leaves nothing. A restore
checks the file first (SQLite's integrity check, an ekinerja-sync schema this code knows) and then
copies it over the store page by page under the store's write lock. PostgreSQL is backed up with
``pg_dump`` and restored with ``pg_restore`` (the README shows the commands).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from store.db import MIGRATIONS

BUSY_TIMEOUT_S = 30.0


class BackupError(ValueError):
    """A backup or restore that cannot be done; ``key`` names its message in the catalogue."""

    def __init__(self, key: str, **details: object) -> None:
        super().__init__(key)
        self.key, self.details = key, details


@dataclass(frozen=True)
class Copied:
    """What a backup or restore copied: the schema revision, tables and rows, bytes."""

    revision: str
    tables: int
    rows: int
    size: int


def backup_sqlite(store: Path, target: Path) -> Copied:
    """Copy the live store at ``store`` to the new file ``target`` (never overwritten)."""
    if target.exists():
        raise BackupError("db.backup.exists", path=target)
    if not store.exists():
        raise BackupError("db.restore.not_found", path=store)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with (
            closing(sqlite3.connect(store, timeout=BUSY_TIMEOUT_S)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
        copied = inspect_copy(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return copied


def restore_sqlite(backup: Path, store: Path) -> Copied:
    """Replace the store at ``store`` with the checked backup ``backup``."""
    if not backup.exists():
        raise BackupError("db.restore.not_found", path=backup)
    copied = inspect_copy(backup)
    with (
        closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(store, timeout=BUSY_TIMEOUT_S)) as target,
    ):
        source.backup(target)
    return copied


def inspect_copy(path: Path) -> Copied:
    """Check a copy is a whole SQLite store of a schema this code knows; what it holds."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            found = (
                db.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
            rows = sum(db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    except sqlite3.DatabaseError as exc:
        raise BackupError("db.restore.not_sqlite", path=path, reason=str(exc)) from None
    if verdict != "ok" or found is None:
        raise BackupError(
            "db.restore.not_sqlite", path=path, reason=verdict if verdict != "ok" else "alembic_version"
        )
    revision = str(found[0])
    known = {r.revision for r in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if revision not in known:
        raise BackupError("db.restore.newer", path=path, revision=revision)
    return Copied(revision, len(tables), rows, path.stat().st_size)
