"""A database error an operator meets at the command line is said for what it is (issue 17.1's
fault matrix found a full disk reported as "basis data tidak dapat dihubungi")."""

from __future__ import annotations

import sqlite3

import pytest
import typer
from sqlalchemy.exc import OperationalError

from mappings.messages import t
from service.cli.common import cli_errors, database_problem


def _error(text: str) -> OperationalError:
    return OperationalError("INSERT INTO pegawai ...", {}, sqlite3.OperationalError(text))


@pytest.mark.parametrize(
    ("driver_says", "key"),
    [
        ("database or disk is full", "cli.database_full"),
        ('could not extend file "base/1/2": No space left on device', "cli.database_full"),
        ("database is locked", "cli.database_locked"),
    ],
)
def test_full_disk_and_long_lock_are_named(driver_says: str, key: str) -> None:
    """A full disk and a lock held past the retries get their own Bahasa sentence."""
    assert database_problem(_error(driver_says)) == t(key)


def test_other_operational_errors_keep_the_driver_detail() -> None:
    """Anything else is still 'cannot be reached', with what the driver said."""
    said = database_problem(_error("connection refused"))
    assert said == t("cli.database_unavailable", detail="connection refused")


def test_cli_errors_turns_a_full_disk_into_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Inside a command: exit 2 and one ``galat:`` line that says the disk is full."""
    with pytest.raises(typer.Exit) as stopped, cli_errors():
        raise _error("database or disk is full")
    assert stopped.value.exit_code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ruang disk basis data habis" in err[0]
