"""Refusals at the edge: bad settings, bad options, a wrong SSO password (subprocess, real sockets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import cli, cli_env

pytestmark = pytest.mark.e2e
__all__ = ["cli_env"]  # the fixture, re-exported for this module's tests

BAD_URLS = ["sqllite:///x.db", "mysql://user:rahasia@db.example/ekinerja", "::::"]


def _one_line_refusal(result: object, *needles: str) -> None:
    code, out, err = result.returncode, result.stdout, result.stderr  # type: ignore[attr-defined]
    assert code == 2, (out, err)
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize(
    "command", [["reconcile"], ["runs", "list"], ["db", "status"], ["db", "upgrade"]], ids=" ".join
)
def test_bad_database_url_is_one_line_and_exit_2(url: str, command: list[str], tmp_path: Path) -> None:
    """A misspelt or unsupported EKINERJA_DATABASE_URL: one line naming it, exit 2, no secret."""
    result = cli(*command, env={"EKINERJA_DATABASE_URL": url}, cwd=tmp_path)
    _one_line_refusal(result, "EKINERJA_DATABASE_URL")
    assert "rahasia" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created


@pytest.mark.parametrize("url", BAD_URLS)
def test_doctor_reports_a_bad_database_url_as_a_failed_check(url: str, tmp_path: Path) -> None:
    """Doctor turns a bad database URL into a failed config check (exit 1), not a traceback."""
    result = cli("doctor", "--json", env={"EKINERJA_DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["config"]["status"] == "error"
    assert "EKINERJA_DATABASE_URL" in checks["config"]["detail"]
    assert "rahasia" not in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EKINERJA_SIASN__RATE", "fast"),
        ("EKINERJA_SIASN__RATE", "-3"),
        ("EKINERJA_SIASN__PAGE_SIZE", "0"),
        ("EKINERJA_LOG_FORMAT", "xml"),
    ],
)
def test_invalid_setting_names_the_variable(variable: str, value: str, tmp_path: Path) -> None:
    """A setting pydantic refuses is one line naming the variable, exit 2, no pydantic dump."""
    result = cli(
        "runs",
        "list",
        env={variable: value, "EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
        cwd=tmp_path,
    )
    _one_line_refusal(result, variable)
    assert "pydantic" not in result.stderr and "validation error" not in result.stderr


@pytest.mark.parametrize(
    "option",
    [
        ["--rate", "-5"],
        ["--rate", "nan"],
        ["--concurrency", "0"],
        ["--concurrency", "-2"],
        ["--batch-size", "0"],
    ],
    ids=" ".join,
)
def test_reconcile_refuses_impossible_options(option: list[str], tmp_path: Path) -> None:
    """Negative rates, zero concurrency or batch size: exit 2 before anything is touched."""
    db = tmp_path / "x.db"
    result = cli("reconcile", *option, env={"EKINERJA_DATABASE_URL": f"sqlite:///{db}"}, cwd=tmp_path)
    _one_line_refusal(result, option[0])
    assert not db.exists()


def test_wrong_sso_password_names_the_password_variable_once(cli_env: dict[str, str]) -> None:
    """Password mode, wrong password: the fix names SSO_PASSWORD, printed exactly once."""
    env = {**cli_env, "EKINERJA_SIASN__SSO_PASSWORD": "salah-sandi"}
    result = cli("reconcile", env=env)
    assert result.returncode == 1, result.stderr
    both = result.stdout + result.stderr
    assert both.count("Invalid user credentials") == 1, both
    assert "EKINERJA_SIASN__SSO_PASSWORD" in result.stderr
    assert "SSO_ACCESS_TOKEN" not in both
    assert "Traceback" not in both


def test_doctor_wrong_sso_password_names_the_password_variable(cli_env: dict[str, str]) -> None:
    """Doctor in password mode with a wrong password points at SSO_PASSWORD, not the token."""
    env = {**cli_env, "EKINERJA_SIASN__SSO_PASSWORD": "salah-sandi"}
    result = cli("doctor", "--json", env=env)
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["siasn.sso"]["status"] == "error"
    assert "EKINERJA_SIASN__SSO_PASSWORD" in checks["siasn.sso"]["detail"]
    assert "SSO_ACCESS_TOKEN" not in checks["siasn.sso"]["detail"]


def test_sinkron_wrong_sso_password_said_once_with_the_variable(cli_env: dict[str, str]) -> None:
    """`sinkron` in password mode with a wrong password: one line, naming SSO_PASSWORD."""
    env = {**cli_env, "EKINERJA_SIASN__SSO_PASSWORD": "salah-sandi"}
    result = cli("sinkron", "199001012015011001", env=env)
    assert result.returncode == 1
    both = result.stdout + result.stderr
    assert both.count("Invalid user credentials") == 1, both
    assert "EKINERJA_SIASN__SSO_PASSWORD" in result.stderr and "SSO_ACCESS_TOKEN" not in both
