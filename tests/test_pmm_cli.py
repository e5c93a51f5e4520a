"""`ekinerja-sync pmm ...` and `skp push` as real processes against the simulators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.container import Container
from simulators.pmm import PmmSimulator
from simulators.recap import recap_csv, recap_xlsx
from simulators.server import ServerThread
from store.models_skp import Skp
from tests.pmm_jobs_helpers import pmm_settings, stocked
from tests.test_cli import cli

__all__ = ["stocked"]  # fixture
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
COMMANDS = [["pmm", "sync"], ["pmm", "import"], ["pmm", "status"], ["skp", "push"]]


def _env(container: Container, pmm_url: str | None) -> dict[str, str]:
    """EKINERJA_* for the test database, the SIASN simulator and (maybe) the PMM simulator."""
    env = {"EKINERJA_DATABASE_URL": container.settings.database_url, "EKINERJA_LOG_FORMAT": "json"}
    sections: list[tuple[str, Any]] = [("SIASN", container.settings.siasn)]
    if pmm_url:
        sections.append(("PMM", pmm_settings(pmm_url)))
    for prefix, settings in sections:
        for name, value in settings.model_dump().items():
            if value is None:
                continue
            secret = getattr(value, "get_secret_value", None)
            env[f"EKINERJA_{prefix}__{name.upper()}"] = str(secret() if secret else value)
    return env


def _skp_count(container: Container) -> int:
    with container.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Skp)) or 0)


def test_every_command_has_help_with_an_example(database_url: str) -> None:
    """`--help` of each pmm and skp command shows its example and exit codes in Indonesian."""
    for command in COMMANDS:
        result = cli(*command, "--help")
        assert result.returncode == 0, result.stderr
        assert "Contoh:" in result.stdout and "Kode keluar" in result.stdout
        assert "Example" not in result.stdout and "Exit codes" not in result.stdout


def test_import_csv_gives_every_row_its_outcome_and_reimport_writes_nothing(
    stocked: Container, pmm_sim: PmmSimulator, pmm_server: ServerThread, tmp_path: Path
) -> None:
    """BOM, semicolons, label variants, mangled NIPs, a duplicate: exact per-row outcomes."""
    recap = recap_csv(list(pmm_sim.results.values()))
    path = tmp_path / "rekap.csv"
    path.write_bytes(recap.content)
    env = _env(stocked, None)
    first = cli("pmm", "import", str(path), "--json", env=env)
    assert first.returncode == 1, first.stderr  # some rows refused
    [report] = json.loads(first.stdout)
    got = {row["baris"]: row["hasil"] for row in report["rows"]}
    want = {line: ("created" if code == "ok" else code) for line, code in recap.expected.items()}
    assert got == want
    mangled = [row for row in report["rows"] if row["hasil"] == "nip_rusak"]
    assert all("Excel" in row["keterangan"] for row in mangled)
    count = _skp_count(stocked)

    again = cli("pmm", "import", str(path), "--json", env=env)
    [second] = json.loads(again.stdout)
    assert {row["hasil"] for row in second["rows"] if recap.expected[row["baris"]] == "ok"} == {"unchanged"}
    assert _skp_count(stocked) == count


def test_import_xlsx_with_merged_header_and_blank_sheet(
    stocked: Container, pmm_sim: PmmSimulator, tmp_path: Path
) -> None:
    """e-Kinerja's XLSX: merged two-row header, a number NIP, a duplicate, a blank sheet."""
    recap = recap_xlsx(list(pmm_sim.results.values()))
    path = tmp_path / "laporan.xlsx"
    path.write_bytes(recap.content)
    result = cli("pmm", "import", str(path), "--json", env=_env(stocked, None))
    assert result.returncode == 1, result.stderr
    [report] = json.loads(result.stdout)
    got = {row["baris"]: row["hasil"] for row in report["rows"]}
    assert got == {line: ("created" if code == "ok" else code) for line, code in recap.expected.items()}


def test_corrupt_file_is_refused_with_the_reason_and_nothing_written(
    stocked: Container, tmp_path: Path
) -> None:
    """A file that is not a recap exits 2 with one line saying why; no SKP row is written."""
    before = _skp_count(stocked)
    broken = tmp_path / "rekap.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    result = cli("pmm", "import", str(broken), env=_env(stocked, None))
    assert result.returncode == 2
    assert "rekap.xlsx" in result.stderr and "Traceback" not in result.stderr
    missing = cli("pmm", "import", str(tmp_path / "tidak-ada.csv"), env=_env(stocked, None))
    assert missing.returncode == 2 and "tidak dapat dibaca" in missing.stderr
    assert _skp_count(stocked) == before


def test_sync_status_and_push_as_processes(stocked: Container, pmm_server: ServerThread) -> None:
    """`pmm sync` (both sources), `pmm status` and `skp push --dry-run` report as JSON."""
    env = _env(stocked, pmm_server.url)
    fed = cli("pmm", "sync", "--json", env=env)
    assert fed.returncode == 0, fed.stderr
    reports = json.loads(fed.stdout)
    assert [r["source"] for r in reports] == ["siasn", "pmm_http"]
    assert all(r["status"] == "completed" for r in reports)
    status = cli("pmm", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    state = json.loads(status.stdout)
    assert {c["source"] for c in state["cursors"]} == {"siasn", "pmm_http"}
    assert state["open_problems"] == sum(len(g["masalah"]) for s in state["schools"] for g in s["guru"])
    plan = cli("skp", "push", "--dry-run", "--json", env=env)
    planned = json.loads(plan.stdout)
    assert planned["dry_run"] is True and planned["run_id"] is None
    assert plan.returncode == (1 if planned["counts"]["failed"] else 0)
    text = cli("pmm", "status", env=env)
    assert text.returncode == 0 and "masalah terbuka" in text.stdout


def test_bad_source_and_unconfigured_pmm_exit_2(stocked: Container) -> None:
    """A source that does not exist, or the HTTP source without settings, is bad input."""
    env = _env(stocked, None)
    bogus = cli("pmm", "sync", "--source", "dapodik", env=env)
    assert bogus.returncode == 2 and "--source" in bogus.stderr and "dapodik" not in bogus.stderr
    unset = cli("pmm", "sync", "--source", "http", env=env)
    assert unset.returncode == 2 and "EKINERJA_PMM__BASE_URL" in unset.stderr
