"""`db backup` and `db restore` on SQLite: a consistent copy taken while a writer works, restored
to exactly that state; refusals (an existing target, PostgreSQL, a file that is not a store)
write nothing."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli.app import app
from store.db import head_revision, make_engine, session_factory, transaction, upgrade
from store.models import RosterEntry
from sync import audit
from sync.audit.verify import run_verification


def cli(url: str, *args: str) -> tuple[int, str]:
    """An `ekinerja-sync` command on the store at ``url``: exit code and output."""
    result = CliRunner().invoke(app, list(args), env={"EKINERJA_DATABASE_URL": url, "COLUMNS": "200"})
    return result.exit_code, result.output


def tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a SQLite file, in rowid order."""
    with closing(sqlite3.connect(path)) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: db.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}


def new_store(path: Path) -> str:
    """An upgraded SQLite store at ``path`` with a few audit entries; its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        for n in range(3):
            audit.record(session, actor="uji", action="awal", nip=None, new=n)
    engine.dispose()
    return url


def test_backup_during_writes_restores_to_the_same_state(tmp_path: Path) -> None:
    """A backup taken while a writer commits (roster rows and audit entries) is a consistent
    snapshot whose audit log verifies; restoring it, into a new file or over the store that has
    moved on, gives every table exactly as in the backup."""
    store = tmp_path / "ekinerja.db"
    url = new_store(store)
    engine = make_engine(url)
    sessions = session_factory(engine)
    stop, written = threading.Event(), [0]

    def writer() -> None:
        while not stop.is_set():
            with transaction(sessions) as session:
                n = written[0]
                session.add(
                    RosterEntry(nip=f"19900101201501{n:04d}", source="uji", imported_at=datetime.now(UTC))
                )
                audit.record(session, actor="penulis", action="roster_impor", nip=None, new=n)
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 20:
            stop.wait(0.01)
        code, output = cli(url, "db", "backup", str(tmp_path / "cadangan.db"))
        at_backup = written[0]
        while written[0] < at_backup + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    engine.dispose()
    assert code == 0, output
    assert "cadangan dibuat" in output and f"skema {head_revision()}" in output
    saved = tables(tmp_path / "cadangan.db")
    assert 20 <= len(saved["roster_entry"]) < written[0]
    assert len(saved["audit_log"]) == 3 + len(saved["roster_entry"])
    copy_engine = make_engine(f"sqlite:///{tmp_path / 'cadangan.db'}")
    report, _ = run_verification(session_factory(copy_engine))
    copy_engine.dispose()
    assert report.ok and report.checked == len(saved["audit_log"]), report
    saved = tables(tmp_path / "cadangan.db")  # with the verification just recorded
    for target in (tmp_path / "baru.db", store):
        code, output = cli(f"sqlite:///{target}", "db", "restore", str(tmp_path / "cadangan.db"))
        assert code == 0 and "dipulihkan dari" in output, output
        assert tables(target) == saved


def test_backup_never_overwrites_and_points_postgresql_at_pg_dump(tmp_path: Path) -> None:
    """An existing target is refused (exit 2, untouched); a PostgreSQL store gets the pg_dump
    command instead, in Bahasa Indonesia."""
    url = new_store(tmp_path / "ekinerja.db")
    target = tmp_path / "ada.db"
    target.write_text("jangan ditimpa")
    code, output = cli(url, "db", "backup", str(target))
    assert code == 2 and "sudah ada" in output
    assert target.read_text() == "jangan ditimpa"
    code, output = cli(
        "postgresql+psycopg://postgres@127.0.0.1:5432/db", "db", "backup", str(tmp_path / "x.dump")
    )
    assert code == 2 and "pg_dump --format=custom" in output
    code, output = cli(
        "postgresql+psycopg://postgres@127.0.0.1:5432/db", "db", "restore", str(tmp_path / "x.dump")
    )
    assert code == 2 and "pg_restore --clean" in output
    assert not (tmp_path / "x.dump").exists()


@pytest.mark.parametrize("content", [b"bukan basis data", b""], ids=["garbage", "empty"])
def test_restore_refuses_a_file_that_is_not_a_store(tmp_path: Path, content: bytes) -> None:
    """A file that is not a whole ekinerja-sync store is refused (exit 2); the store is kept."""
    store = tmp_path / "ekinerja.db"
    url = new_store(store)
    before = tables(store)
    bad = tmp_path / "rusak.db"
    bad.write_bytes(content)
    code, output = cli(url, "db", "restore", str(bad))
    assert code == 2 and "bukan basis data SQLite ekinerja-sync yang utuh" in output, output
    assert tables(store) == before
