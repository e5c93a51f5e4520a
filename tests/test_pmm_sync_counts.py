"""``pmm sync`` on a terminal shows progress, takes ``--rate`` as ``reconcile`` does, and its
counts add up: read = created + updated + unchanged + duplicate + rejected + skipped + failed,
for every source, and printed so (issue 16.12)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from service.container import Container
from simulators.dataset import World
from simulators.pmm import PmmSimulator
from simulators.recap import recap_csv
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from simulators.siasn_skp import periodik_row
from sync.pmm.feed import FeedRun
from sync.pmm.file_source import import_file
from sync.pmm.ingest import OUTCOMES, unaccounted
from tests.pmm_jobs_helpers import feed, stocked
from tests.test_cli import cli
from tests.test_pmm_cli import _env

__all__ = ["stocked"]  # fixture

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
SUM = re.compile(r"dibaca (\d+) = (.*)")


def _odd_rows(world: World, sim: SiasnSimulator) -> None:
    """A quarter SIASN holds twice (merged into one SKP) and a span no period has (rejected)."""
    twice, odd = [p for p in world.pegawai.values() if p.nuptk and sim.skp.kinerjaperiodik_rows(p)][:2]
    body = {
        "tahun": 2025,
        "periodikId": "2",
        "bulanMulaiPenilaian": 1,
        "bulanSelesaiPenilaian": 3,
        "hasilKinerjaNilai": 2,
        "perilakuKerjaNilai": 2,
        "kuadranKinerjaNilai": 2,
    }
    sim.skp.saved_periodik[twice.pns_id] = [periodik_row("dup-q1", twice, body)]
    span = {**body, "bulanMulaiPenilaian": 2, "bulanSelesaiPenilaian": 4}
    sim.skp.saved_periodik[odd.pns_id] = [periodik_row("odd-span", odd, span)]


def test_every_source_counts_each_result_read_once(
    stocked: Container, world: World, sim: SiasnSimulator, pmm_sim: PmmSimulator, tmp_path: Path
) -> None:
    """SIASN rows (merged per SKP, odd periods rejected), PMM contract results and recap rows
    (refused ones too) each end in exactly one outcome, first run and re-run alike."""
    _odd_rows(world, sim)
    reports = [feed(stocked, "siasn"), feed(stocked, "http"), feed(stocked, "siasn"), feed(stocked, "http")]
    recap = recap_csv(list(pmm_sim.results.values()))
    path = tmp_path / "rekap.csv"
    path.write_bytes(recap.content)
    reports.append(import_file(stocked.sessions, path))
    for report in reports:
        counts = report["counts"]
        assert counts["read"] > 0 and unaccounted(counts) == 0, counts
        assert counts["read"] == sum(counts[name] for name in OUTCOMES)
    assert reports[0]["counts"]["rejected"] == 1  # the span e-Kinerja has no period for
    assert reports[-1]["counts"]["rejected"] == sum(1 for code in recap.expected.values() if code != "ok")


def test_failures_count_as_read_or_unread(stocked: Container) -> None:
    """Results read but not stored are read and failed; a teacher not read at all is unread
    (and no part of read), so the sum still holds."""
    run = FeedRun(stocked.sessions, "siasn")
    run.fail("199001012015011001", "IntegrityError", read=3)
    run.fail("199001012015011002", "SIASN 503")
    assert (run.counts["read"], run.counts["failed"], run.counts["unread"]) == (3, 3, 1)
    assert unaccounted(run.counts) == 0 and unaccounted(Counter({"read": 2, "created": 1})) == 1


def test_rate_is_validated_as_reconcile_validates_it(stocked: Container) -> None:
    """A negative or infinite --rate is refused with reconcile's own words (exit 2)."""
    env = _env(stocked, None)
    for bad in ("-1", "inf"):
        fed = cli("pmm", "sync", "--rate", bad, env=env)
        night = cli("reconcile", "--rate", bad, env=env)
        assert fed.returncode == night.returncode == 2
        assert fed.stderr == night.stderr and "--rate" in fed.stderr


def test_sync_prints_its_sum_and_shows_progress_only_on_a_terminal(
    stocked: Container, pmm_server: ServerThread
) -> None:
    """Piped: the report with "dibaca N = baru ... + ..." adding up, no progress bar. On a
    terminal: a progress bar per source (SIASN by teacher, the PMM contract by period)."""
    env = _env(stocked, pmm_server.url)
    piped = cli("pmm", "sync", "--rate", "0", env=env)
    assert piped.returncode == 0, piped.stderr
    sums = SUM.findall(piped.stdout)
    assert len(sums) == 2
    for read, parts in sums:
        assert int(read) == sum(int(n) for n in re.findall(r"(\d+)(?: \+|$)", parts))
    assert "SIASN (guru)" not in piped.stdout + piped.stderr
    shown = _on_a_terminal(["pmm", "sync", "--rate", "0"], env)
    assert "SIASN (guru)" in shown and "kontrak PMM (periode)" in shown
    assert SUM.search(shown)


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it wrote."""
    master, slave = pty.openpty()
    full = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    full.update(env, COLUMNS="120", TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", *args], stdout=slave, stderr=slave, env=full
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) == 0
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
