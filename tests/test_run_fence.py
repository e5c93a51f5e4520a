"""The run lease is a fence: renewed on its own clock, checked before every write, across processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from store.db import make_engine, session_factory, transaction, upgrade
from store.models import AuditEntry, RosterEntry, RunItem, RunLock, SyncRun
from sync import runs
from tests.helpers import import_export, reconcile, store_state
from tests.test_reconcile_kill import _env

pytestmark = pytest.mark.e2e

LEASE = 4.0  # seconds: shorter than one throttled batch (80 at 8/s), only the renewer keeps it
RATE = 8.0

DRIVER = """
import asyncio, signal, sys
from service.container import Container
from service.settings import Settings
from sync.reconcile import ReconcileOptions, Reconciler
from sync.runs import RunBusy
lease, rate = float(sys.argv[1]), float(sys.argv[2])
container = Container.build(Settings())
async def go():
    async with container.siasn() as siasn:
        siasn.limiter.rate = siasn.limiter.ceiling = rate
        def unthrottle():  # SIGUSR1: the test has seen what it needed; finish quickly
            siasn.limiter.rate = siasn.limiter.ceiling = rate * 25
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, unthrottle)
        options = ReconcileOptions(batch_size=80, concurrency=2, lease_seconds=lease)
        return await Reconciler(siasn, container.sessions, options).run()
try:
    print(asyncio.run(go())["status"], flush=True)
except RunBusy as exc:
    print(f"busy: {exc}", file=sys.stderr, flush=True)
    sys.exit(4)
"""


def _start(tmp_path: Path, env: dict[str, str], rate: float) -> subprocess.Popen[str]:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    return subprocess.Popen(
        [sys.executable, str(driver), str(LEASE), str(rate)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _latest(container: Container) -> tuple[str, str, int] | None:
    with container.sessions() as session:
        run = session.scalar(select(SyncRun).order_by(SyncRun.started_at.desc()).limit(1))
        if run is None:
            return None
        fetched = (
            session.scalar(
                select(func.count())
                .select_from(RunItem)
                .where(RunItem.run_id == run.id, RunItem.state != "pending")
            )
            or 0
        )
        return run.status, run.phase, int(fetched)


def _wait_fetched(container: Container, at_least: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _latest(container)
        if state is not None and state[:2] == ("running", "fetch") and state[2] >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError(f"the run never staged {at_least} items: {_latest(container)}")


def _fingerprint(container: Container) -> dict[str, Any]:
    with container.sessions() as session:
        items = sorted(
            session.execute(select(RunItem.run_id, RunItem.nip, RunItem.state, RunItem.situation)).all()
        )
        runs_ = sorted(
            session.execute(select(SyncRun.id, SyncRun.status, SyncRun.phase, SyncRun.counts)).all(), key=str
        )
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
    return {"items": items, "runs": runs_, "audit": audit, "store": store_state(container)}


def _ready(container: Container, world: World) -> None:
    import_export(container, world)
    assert reconcile(container)["status"] == "completed"


def test_second_reconcile_exits_4_while_a_throttled_run_renews_its_lease(
    container: Container, world: World, siasn_settings: SiasnSettings, database_url: str, tmp_path: Path
) -> None:
    """A throttled run keeps a 4 s lease across 30 s batches; a second `reconcile` exits 4.

    At a third of the usual rate the fetch phase lasts about 60 s, well past the two probes (each a
    lease and a second plus the start of a process, slow on a loaded machine), so the first run is
    still fetching whenever a probe looks; then SIGUSR1 lifts the throttle and the run finishes.
    """
    _ready(container, world)
    env = _env(database_url, siasn_settings)
    first = _start(tmp_path, env, rate=RATE / 3)
    try:
        _wait_fetched(container, 0)
        for _ in range(2):
            time.sleep(LEASE + 1)  # longer than the lease: only the renewer keeps it alive
            state = _latest(container)
            assert first.poll() is None and state is not None and state[:2] == ("running", "fetch")
            second = subprocess.run(
                [sys.executable, "-m", "service.cli", "reconcile"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert second.returncode == 4, second.stderr
            assert "run reconcile lain" in second.stderr
            assert "Traceback" not in second.stderr
        first.send_signal(signal.SIGUSR1)  # both probes refused: let the run finish at speed
    finally:
        out, err = first.communicate(timeout=180)
    assert first.returncode == 0, err
    assert out.strip().splitlines()[-1] == "completed"
    with container.sessions() as session:
        run = session.scalar(select(SyncRun).order_by(SyncRun.started_at.desc()).limit(1))
        assert run is not None and run.status == "completed"
        states = set(session.scalars(select(RunItem.state).where(RunItem.run_id == run.id)))
        assert states == {"done"}
        assert sum(run.counts.values()) == len(world.pegawai)
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 2


def test_a_run_whose_lease_was_taken_over_writes_nothing_more(
    container: Container, world: World, siasn_settings: SiasnSettings, database_url: str, tmp_path: Path
) -> None:
    """A run paused past its lease (SIGSTOP) is taken over; resumed, it stops and writes nothing."""
    _ready(container, world)
    env = _env(database_url, siasn_settings)
    first = _start(tmp_path, env, rate=RATE)
    try:
        _wait_fetched(container, 0)
        time.sleep(1.0)
        os.kill(first.pid, signal.SIGSTOP)
        time.sleep(LEASE + 0.5)
        with container.sessions() as session:
            lock = session.get(RunLock, "reconcile")
            assert lock is not None and lock.expires_at < time.time()
            paused_epoch = lock.epoch
        second = subprocess.run(
            [sys.executable, "-m", "service.cli", "reconcile"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        with container.sessions() as session:
            lock = session.get(RunLock, "reconcile")
            assert lock is not None and lock.epoch == paused_epoch + 1
        assert _latest(container) == ("completed", "done", len(world.pegawai))
        before = _fingerprint(container)
    finally:
        os.kill(first.pid, signal.SIGCONT)
        out, err = first.communicate(timeout=180)
    assert first.returncode == 4, (out, err)
    assert "diambil alih" in err and "Traceback" not in err
    assert _fingerprint(container) == before
    with container.sessions() as session:
        states = set(session.scalars(select(RunItem.state)))
        assert states == {"done"}


def test_takeover_bumps_the_epoch_and_fences_the_old_holder(database_url: str) -> None:
    """After a take-over the old holder's writes roll back, its renewals and release do nothing."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    try:
        old = runs.acquire(sessions, "uji", "r1", lease=1.0)
        with pytest.raises(runs.RunBusy, match="run uji lain"):
            runs.acquire(sessions, "uji", "r2")
        time.sleep(1.2)
        new = runs.acquire(sessions, "uji", "r2")
        assert new.epoch == old.epoch + 1
        with pytest.raises(runs.LeaseLost, match="diambil alih"), transaction(sessions) as session:
            session.add(RosterEntry(nip="199001012015011001", source="uji", imported_at=datetime.now(UTC)))
            runs.hold(session, old)
        with pytest.raises(runs.LeaseLost):
            runs.renew(sessions, old)
        runs.release(sessions, old)
        runs.renew(sessions, new)
        with sessions() as session:
            assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0
            lock = session.get(RunLock, "uji")
            assert lock is not None and lock.epoch == new.epoch
            assert lock.expires_at > time.time() + 60
    finally:
        engine.dispose()
