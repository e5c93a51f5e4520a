"""What an operator reads from `pmm ...` and `skp push`: Bahasa Indonesia, data shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from service.cli.pmm import render_feed, render_status
from service.cli.skp import render_push
from service.container import Container
from simulators.pmm import PmmSimulator
from simulators.recap import recap_csv
from simulators.server import ServerThread
from tests.pmm_jobs_helpers import stocked
from tests.test_cli import cli
from tests.test_pmm_cli import _env

__all__ = ["stocked"]  # fixture
HOSTILE = "[bold red]Sekolah[/] \x1b[31mmerah\x1b[0m \u202eabc \\"


def _console() -> Console:
    """A recording console 80 columns wide, as a plain terminal is."""
    return Console(record=True, width=80, color_system=None, force_terminal=False)


def _problem() -> dict[str, Any]:
    """A feed problem whose every value an attacker typed into Dapodik."""
    return {
        "nip": "198001012005011001",
        "nama": HOSTILE,
        "satuan_pendidikan": HOSTILE,
        "alasan": HOSTILE,
        "perbaikan": "[link=http://x]klik[/link]",
        "oleh": HOSTILE,
    }


def _assert_inert(text: str) -> None:
    """Markup stays visible as typed; escapes and bidi overrides are shown; 80 columns hold."""
    assert "[bold red]Sekolah[/]" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[31m" in text and "\\u202e" in text
    assert all(len(line) <= 80 for line in text.splitlines()), text


def test_feed_report_is_indonesian_and_prints_data_as_text() -> None:
    """A feed report: Indonesian title, counts and problem lines; hostile values stay inert."""
    console = _console()
    render_feed(
        console,
        {
            "run_id": "r-1",
            "status": "stopped",
            "guard_reason": HOSTILE,
            "counts": {"read": 3, "problem": 1},
            "problems": [_problem()],
            "errors": [{"where": HOSTILE, "error": "boom"}],
        },
    )
    text = console.export_text()
    assert "Umpan PMM r-1: berhenti" in text and "dibaca" in text and "bermasalah" in text
    assert "Masalah per guru" in text and "perbaikan:" in text and "alasan:" in text
    assert "galat di" in text and "[link=http://x]klik[/link]" in text
    _assert_inert(text)


def test_status_lists_schools_in_indonesian_with_data_as_text() -> None:
    """`pmm status` text: source table headers, the open count and each school's line."""
    console = _console()
    render_status(
        console,
        [("siasn", HOSTILE, "2026-11-22 08:00:00 WIB")],
        1,
        [
            {
                "npsn": "20100001",
                "satuan_pendidikan": HOSTILE,
                "jumlah_guru": 1,
                "guru": [{"masalah": [_problem()]}],
            }
        ],
    )
    text = console.export_text()
    assert "sumber" in text and "cakupan" in text and "dibaca sampai" in text
    assert "1 masalah terbuka" in text and "20100001" in text and "1 guru" in text
    _assert_inert(text)


def test_status_before_any_feed_says_how_to_start() -> None:
    """`pmm status` on a fresh store says no source has been read and which command reads one."""
    console = _console()
    render_status(console, [], 0, [])
    text = console.export_text()
    assert "belum ada sumber yang dibaca" in text and "pmm sync" in text
    assert "0 masalah terbuka" in text


def test_push_report_names_each_unsent_evaluation_in_indonesian() -> None:
    """`skp push` text: the dry-run title, counts, and hostile item values printed inert."""
    console = _console()
    item = {
        "nip": "198001012005011001",
        "nama": HOSTILE,
        "periode": "2026-1",
        "hasil": "uncertain",
        "keterangan": HOSTILE,
    }
    render_push(
        console,
        {
            "run_id": None,
            "status": "dry_run",
            "reason": None,
            "counts": {"candidates": 2, "uncertain": 1},
            "items": [item, {**item, "hasil": "sent"}],
        },
    )
    text = console.export_text()
    assert "rencana (tidak ada yang dikirim)" in text and "calon kiriman" in text
    assert text.count("tidak pasti (diperiksa ulang nanti)") == 2  # count row and the item
    _assert_inert(text)


@pytest.mark.e2e
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_import_and_push_as_processes_speak_indonesian(
    stocked: Container, pmm_sim: PmmSimulator, pmm_server: ServerThread, tmp_path: Path
) -> None:
    """A real `pmm import` and `skp push --dry-run` without --json: Indonesian lines only."""
    path = tmp_path / "rekap.csv"
    path.write_bytes(recap_csv(list(pmm_sim.results.values())).content)
    env = {**_env(stocked, pmm_server.url), "COLUMNS": "80"}
    imported = cli("pmm", "import", str(path), env=env)
    assert imported.returncode == 1, imported.stderr
    assert "baris 2 (NIP" in imported.stdout and "ditolak (nip_rusak)" in imported.stdout
    assert "ditolak (baris_ganda)" in imported.stdout and ": baru" in imported.stdout
    assert "Umpan PMM" in imported.stdout and ": selesai" in imported.stdout
    assert "created" not in imported.stdout and "Traceback" not in imported.stderr
    pushed = cli("skp", "push", "--dry-run", env=env)
    assert pushed.returncode in (0, 1), pushed.stderr
    assert "Kirim SKP ke SIASN -: rencana (tidak ada yang dikirim)" in pushed.stdout
    assert "calon kiriman" in pushed.stdout and "dry_run" not in pushed.stdout
    status = cli("pmm", "status", env=env)
    assert status.returncode == 0 and "masalah terbuka" in status.stdout
    assert "belum ada sumber yang dibaca" in status.stdout  # a file import keeps no cursor
    assert "perbaikan: Hapus baris ganda" in status.stdout
