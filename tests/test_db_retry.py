"""Transient database errors are retried per unit of work, a bounded number of times."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import (
    DatabaseUnavailable,
    make_engine,
    retrying,
    session_factory,
    transaction,
    upgrade,
)
from store.models import RunLock


def _impatient(path: Path) -> sessionmaker[Session]:
    """Sessions on ``path`` whose SQLite busy timeout is 50 ms (so a held lock surfaces fast)."""
    engine = make_engine(f"sqlite:///{path}", sqlite_timeout=0.05)
    upgrade(engine)
    return session_factory(engine)


def _hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(5)
    return thread


def _write(sessions: sessionmaker[Session], kind: str) -> None:
    with transaction(sessions) as session:
        session.add(RunLock(kind=kind, run_id="r", owner="o", expires_at=0.0, epoch=1))


def test_locked_sqlite_write_is_retried_until_the_lock_is_gone(tmp_path: Path) -> None:
    """`database is locked` for a moment: the whole transaction runs again and commits once."""
    sessions = _impatient(tmp_path / "x.db")
    holder = _hold_write_lock(tmp_path / "x.db", 0.4)
    seen: list[str] = []
    retrying(lambda: _write(sessions, "a"), attempts=6, delay=0.1, on_retry=lambda exc: seen.append(str(exc)))
    holder.join()
    assert seen and all("locked" in s for s in seen)
    with sessions() as session:
        assert session.scalars(select(RunLock.kind)).all() == ["a"]


def test_lock_held_past_the_retries_is_database_unavailable(tmp_path: Path) -> None:
    """A lock held longer than every retry: ``DatabaseUnavailable`` naming it, nothing written."""
    sessions = _impatient(tmp_path / "x.db")
    holder = _hold_write_lock(tmp_path / "x.db", 1.5)
    with pytest.raises(DatabaseUnavailable, match="locked"):
        retrying(lambda: _write(sessions, "b"), attempts=3, delay=0.05)
    holder.join()
    with sessions() as session:
        assert session.scalar(text("SELECT count(*) FROM run_lock")) == 0


def test_a_non_transient_error_is_not_retried(tmp_path: Path) -> None:
    """An integrity error is a bug or bad data, not a blip: raised at once, never re-run."""
    sessions = _impatient(tmp_path / "x.db")
    _write(sessions, "c")
    calls: list[int] = []

    def again() -> None:
        calls.append(1)
        _write(sessions, "c")

    with pytest.raises(IntegrityError):
        retrying(again, attempts=5, delay=0.01)
    assert calls == [1]
