"""Guards that trip early on a sample, runs that report what happened, dry runs without the lock."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from service.container import Container
from simulators.siasn import SiasnSimulator
from store.db import transaction
from sync.reconcile import ReconcileOptions, Reconciler
from sync.reconcile.guards import GuardPolicy
from sync.reconcile.roster import import_roster
from tests.helpers import import_export, reconcile

pytestmark = pytest.mark.e2e
UNKNOWN = 2000


def _import_unknown_nips(container: Container, count: int) -> None:
    """A roster padded with NIPs SIASN has never heard of (a wrong or forged export)."""
    nips = "\n".join(f"{196001012000011001 + i * 1000}" for i in range(count))
    with transaction(container.sessions) as session:
        import_roster(session, f"NIP\n{nips}\n".encode(), source="salah.csv")


def _run(container: Container, **options: Any) -> dict[str, Any]:
    return reconcile(container, guards=GuardPolicy(sample_size=100), **options)


def test_unknown_nips_trip_the_guard_on_a_sample(container: Container, sim: SiasnSimulator) -> None:
    """2,000 unknown NIPs: the run aborts after about a hundred fetches, not after all of them."""
    import_export(container, sim.world)
    _import_unknown_nips(container, UNKNOWN)
    report = _run(container)
    assert report["status"] == "aborted" and "tidak mengenal" in report["guard_reason"]
    assert report["calls"] < 400, report["calls"]  # ref-unor + the sample, not 2,160 NIPs
    assert report["counts"]["missing"] >= 50  # what happened is reported, not zeros
    assert report["finished_at"] is not None


def test_failing_fetches_trip_early_and_are_reported(container: Container, sim: SiasnSimulator) -> None:
    """Most data-utama calls failing: aborted early, with the calls and failures counted."""
    import_export(container, sim.world)
    assert reconcile(container)["status"] == "completed"
    _import_unknown_nips(container, 400)  # a roster big enough for a sample to matter
    sim.faults.rates = {"503": 0.97}
    report = _run(container)
    sim.faults.clear()
    assert report["status"] == "aborted" and "gagal" in report["guard_reason"], report
    assert report["counts"]["failed"] > 50 and report["failed"] == report["counts"]["failed"]
    assert report["calls"] > report["failed"]  # retries are calls too: never "0 calls"
    assert report["calls"] < 4 * 560


def test_dry_run_trips_early_too(container: Container, sim: SiasnSimulator) -> None:
    """A dry run over a roster SIASN does not know stops on the sample and says so."""
    import_export(container, sim.world)
    _import_unknown_nips(container, UNKNOWN)
    report = _run(container, dry_run=True)
    assert report["status"] == "dry_run_aborted" and "tidak mengenal" in report["guard_reason"]
    assert report["calls"] < 400 and report["counts"]["missing"] >= 50


def test_stopped_run_reports_what_it_fetched(container: Container, sim: SiasnSimulator) -> None:
    """Credentials refused mid-run: the report keeps the calls made and what was fetched."""
    import_export(container, sim.world)
    revoked: list[int] = []

    def progress(phase: str, done: int, _total: int) -> None:
        if phase == "fetch" and not revoked:
            revoked.append(done)
            sim.credentials = type(sim.credentials)(
                "other-key",
                "other-secret",
                sim.credentials.sso_client_id,
                sim.credentials.sso_username,
                sim.credentials.sso_password,
            )
            sim.expire_apim_tokens()

    async def go() -> dict[str, Any]:
        async with container.siasn() as siasn:
            options = ReconcileOptions(batch_size=20, concurrency=2)
            return await Reconciler(siasn, container.sessions, options, progress).run()

    report = asyncio.run(go())
    assert report["status"] == "stopped", report
    assert report["calls"] >= 1 + 20 and report["counts"] != {}


WRITER = """
import sqlite3, sys, time
db, stop = sys.argv[1], sys.argv[2]
worst, n = 0.0, 0
import os
while not os.path.exists(stop):
    start = time.monotonic()
    con = sqlite3.connect(db, timeout=60)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE pegawai SET no_hp = ? WHERE id = (SELECT min(id) FROM pegawai)",
                (str(n),))
    con.commit()
    con.close()
    worst, n = max(worst, time.monotonic() - start), n + 1
    time.sleep(0.01)
print(worst, n)
"""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_dry_run_does_not_hold_the_sqlite_write_lock(
    container: Container, sim: SiasnSimulator, tmp_path: Path
) -> None:
    """Another process writing all through a dry run is never stalled by it."""
    import_export(container, sim.world)
    assert reconcile(container)["status"] == "completed"
    database = container.engine.url.database
    assert database is not None
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, database, str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(0.5)
        started = time.monotonic()
        plan = reconcile(container, dry_run=True)
        planned_for = time.monotonic() - started
    finally:
        stop.touch()
        output, _ = writer.communicate(timeout=120)
    worst, writes = output.split()
    assert plan["status"] == "dry_run"
    assert int(writes) > 5
    assert float(worst) < 1.0, f"a write waited {worst} s during a {planned_for:.1f} s dry run"
