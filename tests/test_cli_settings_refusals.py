"""Bad settings and a forgotten database, as an operator meets them (issue 13.5 and 13.13).

Each bad value is one line in Bahasa Indonesia naming the variable, exit 2, no traceback and
never the value; a command that only reads never creates a database, and ``doctor`` warns
about a store that is missing, new or empty (real ``ekinerja-sync`` processes).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import cli

pytestmark = pytest.mark.e2e

BAD_SETTINGS = [
    ("EKINERJA_KONFLIK__TIMEZONE", "Mars/Olympus", "zona waktu"),
    ("EKINERJA_SCHEDULE__TIMEZONE", "Asia/Nowhere", "zona waktu"),
    ("EKINERJA_AUTH__ADMIN_ROLES", "role:admin", "daftar JSON"),
    ("EKINERJA_AUTH__OPERATOR_ROLES", '{"a": 1}', "daftar JSON"),
    ("EKINERJA_PMM__BASE_URL", "::::", "URL"),
    ("EKINERJA_SIASN__API_URL", "http://[::", "URL"),
    ("EKINERJA_MYASN__ISSUER", "sso.example", "URL"),
    ("EKINERJA_SCHEDULE__PMM_CRON", "every night", "cron"),
    ("EKINERJA_SIASN__SINKRON_SHARE", "1.5", "harus kurang dari 1"),
    ("EKINERJA_PMM__RETRY_BASE_DELAY", "1e999", "bukan inf atau nan"),
    ("EKINERJA_SIASN__RATE", "NaN", "bukan inf atau nan"),
]


def one_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr holding every needle; that line."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("galat: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(("variable", "value", "words"), BAD_SETTINGS, ids=[s[0] for s in BAD_SETTINGS])
@pytest.mark.parametrize("command", [["runs", "list"], ["serve"]], ids=" ".join)
def test_bad_setting_is_one_bahasa_line_naming_the_variable(
    variable: str, value: str, words: str, command: list[str], tmp_path: Path
) -> None:
    """A timezone, a role list or a URL that cannot work: one line naming the variable, exit 2."""
    env = {variable: value, "EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    line = one_line(cli(*command, env=env, cwd=tmp_path), variable, words)
    assert value not in line
    assert list(tmp_path.iterdir()) == []


def test_unknown_pydantic_problem_is_said_in_bahasa() -> None:
    """A problem pydantic names in English (a type the table does not list) is still Bahasa."""
    from pydantic import BaseModel, ValidationError

    from service.settings import settings_problems

    class Probe(BaseModel):
        when: dict[str, int]

    with pytest.raises(ValidationError) as caught:
        Probe.model_validate({"when": "x"})
    said = settings_problems(caught.value)
    assert said.startswith("EKINERJA_WHEN: ") and "dictionary" not in said and "valid" not in said


def test_section_that_is_not_json_is_named(tmp_path: Path) -> None:
    """``EKINERJA_AUTH='{x'`` (a whole section pydantic-settings cannot decode): named, exit 2."""
    one_line(cli("runs", "list", env={"EKINERJA_AUTH": "{x"}, cwd=tmp_path), "EKINERJA_AUTH")


def test_doctor_names_a_bad_timezone_as_a_config_error(tmp_path: Path) -> None:
    """Doctor shows an unknown timezone as the failed ``config`` check, not a traceback."""
    result = cli("doctor", "--json", env={"EKINERJA_KONFLIK__TIMEZONE": "Mars/Olympus"}, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert "EKINERJA_KONFLIK__TIMEZONE" in checks["config"]["detail"]
    assert "Mars" not in checks["config"]["detail"]


@pytest.mark.parametrize("command", [["konflik", "list"], ["runs", "list"], ["serve"]], ids=" ".join)
def test_a_text_file_as_the_database_is_one_line(command: list[str], tmp_path: Path) -> None:
    """``EKINERJA_DATABASE_URL`` naming a text file: one line naming it, exit 2, file untouched."""
    text = tmp_path / "catatan.txt"
    text.write_text("bukan basis data\n")
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{text}"}
    one_line(cli(*command, env=env, cwd=tmp_path), "EKINERJA_DATABASE_URL", "bukan basis data SQLite")
    assert text.read_text() == "bukan basis data\n"


READ_COMMANDS = [
    ["konflik", "list"],
    ["runs", "list"],
    ["pegawai", "show", "198609262015051001"],
    ["db", "status"],
    ["audit", "verify"],
    ["apikey", "list"],
    ["pmm", "status"],
    ["unor", "list"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_read_commands_never_create_a_database(command: list[str], tmp_path: Path) -> None:
    """A forgotten ``EKINERJA_DATABASE_URL`` (the default file, absent here): exit 2 naming the
    path and the variable, and no ``ekinerja.db`` is left behind."""
    line = one_line(cli(*command, cwd=tmp_path), "EKINERJA_DATABASE_URL", str(tmp_path / "ekinerja.db"))
    assert "belum ada basis data" in line
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_still_creates_the_store_and_reads_work_after(tmp_path: Path) -> None:
    """``db upgrade`` initialises a new store; a read command then answers from it."""
    assert cli("db", "upgrade", cwd=tmp_path).returncode == 0
    assert (tmp_path / "ekinerja.db").exists()
    result = cli("konflik", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_read_command_refuses_an_empty_sqlite_file(tmp_path: Path) -> None:
    """An existing file without a schema is not initialised by a read command either."""
    (tmp_path / "ekinerja.db").write_bytes(b"")
    one_line(cli("konflik", "list", cwd=tmp_path), "EKINERJA_DATABASE_URL", "masih kosong")
    with sqlite3.connect(tmp_path / "ekinerja.db") as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == []


def _database_check(cwd: Path) -> dict[str, str]:
    result = cli("doctor", "--json", cwd=cwd)
    assert "Traceback" not in result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    database: dict[str, str] = checks["database"]
    return database


def test_doctor_warns_about_a_missing_store_and_creates_none(tmp_path: Path) -> None:
    """Doctor from another folder: a warning naming the path and the variable, no new file."""
    check = _database_check(tmp_path)
    assert check["status"] == "warn"
    assert str(tmp_path / "ekinerja.db") in check["detail"] and "EKINERJA_DATABASE_URL" in check["detail"]
    assert list(tmp_path.iterdir()) == []


def test_doctor_warns_about_an_empty_store(tmp_path: Path) -> None:
    """A store at the current schema with no employee and no run is a warning, not ``ok``."""
    assert cli("db", "upgrade", cwd=tmp_path).returncode == 0
    check = _database_check(tmp_path)
    assert check["status"] == "warn" and "kosong" in check["detail"]


def test_a_choice_setting_lists_its_values_in_bahasa(tmp_path: Path) -> None:
    """A setting outside its choices names them joined with "atau", not pydantic's English "or"."""
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "EKINERJA_SIASN__BUDGET_STORE": "x"}
    result = cli("konflik", "list", env=env)
    assert result.returncode == 2 and "'memory' atau 'postgres'" in result.stderr, result.stderr
    assert " or " not in result.stderr
