"""A reconciliation killed with SIGKILL at several points resumes to exactly the uninterrupted state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.nights import advance_day
from simulators.siasn import SiasnSimulator
from store.models import RunItem, RunLock, SyncRun
from sync.runs import RunBusy
from tests.helpers import edit, import_export, leaf_units, migrated_container, reconcile, store_state

pytestmark = pytest.mark.e2e

DRIVER = """
import asyncio, os, signal, sys
from service.container import Container
from service.settings import Settings
from sync.reconcile import ReconcileOptions, Reconciler
phase, after = sys.argv[1], int(sys.argv[2])
seen = {"n": 0}
def progress(name, done, total):
    if name == phase:
        seen["n"] += 1
        if seen["n"] >= after:
            os.kill(os.getpid(), signal.SIGKILL)
container = Container.build(Settings())
async def go():
    async with container.siasn() as siasn:
        options = ReconcileOptions(batch_size=2, concurrency=4)  # night 2 stages few
        return await Reconciler(siasn, container.sessions, options, progress).run()
print(asyncio.run(go())["status"])
"""


def _env(url: str, siasn: SiasnSettings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    env.update({"EKINERJA_DATABASE_URL": url, "EKINERJA_LOG_LEVEL": "WARNING"})
    for name, value in siasn.model_dump().items():
        if value is not None:
            secret = getattr(value, "get_secret_value", None)
            env[f"EKINERJA_SIASN__{name.upper()}"] = str(secret() if secret else value)
    return env


def _prepare(container: Container, world: World, clash: str, local_unit: str) -> None:
    import_export(container, world)
    edit(container, clash, unor_id=local_unit)


def _run_state(container: Container) -> tuple[str, str, int]:
    with container.sessions() as session:
        run = session.scalar(
            select(SyncRun).where(SyncRun.dry_run.is_(False)).order_by(SyncRun.started_at.desc()).limit(1)
        )
        assert run is not None
        fetched = len(
            list(
                session.scalars(
                    select(RunItem.nip).where(RunItem.run_id == run.id, RunItem.state != "pending")
                )
            )
        )
        return run.status, run.phase, fetched


def test_killed_run_resumes_to_the_uninterrupted_state(
    database_url: str,
    second_url: str,
    siasn_settings: SiasnSettings,
    world: World,
    sim: SiasnSimulator,
    tmp_path: Path,
) -> None:
    """SIGKILL mid-fetch (external), after fetch and apply checkpoints; reruns converge."""
    killed = migrated_container(database_url, siasn_settings)
    reference = migrated_container(second_url, siasn_settings)
    for container in (killed, reference):
        import_export(container, world)
        assert reconcile(container)["status"] == "completed"
    day = advance_day(world, 1)
    clash = day.mutasi[0]
    local_unit = leaf_units(world, world.pegawai[clash].unor_id)[-1]
    for container in (killed, reference):
        _prepare(container, world, clash, local_unit)
    expected = reconcile(reference)
    assert expected["status"] == "completed"

    env = _env(database_url, siasn_settings)
    _kill_the_cli_mid_fetch(killed, env, sim)
    _kill_the_driver_at_checkpoints(killed, env, tmp_path)

    final = reconcile(killed)
    assert final["status"] == "completed"
    assert final["counts"] == expected["counts"]
    assert final["conflicts_opened"] == expected["conflicts_opened"]
    assert store_state(killed) == store_state(reference)
    killed.close()
    reference.close()


def _kill_the_cli_mid_fetch(killed: Container, env: dict[str, str], sim: SiasnSimulator) -> None:
    """``reconcile`` by the CLI, SIGKILLed from outside once 30 items are fetched: left running in fetch."""
    sim.faults.latency = 0.01
    cli = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "reconcile", "--batch-size", "10", "--concurrency", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _, phase, fetched = _run_state(killed)
        except AssertionError:
            phase, fetched = "", 0
        if phase == "fetch" and fetched >= 30:
            break
        time.sleep(0.02)
    os.kill(cli.pid, signal.SIGKILL)
    cli.wait()
    sim.faults.latency = 0.0
    assert _run_state(killed)[:2] == ("running", "fetch")


def _kill_the_driver_at_checkpoints(killed: Container, env: dict[str, str], tmp_path: Path) -> None:
    """Resumed runs that SIGKILL themselves after fetch and apply checkpoints: each left running."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    for phase, after in (("fetch", 2), ("apply", 1), ("apply", 3)):
        result = subprocess.run(
            [sys.executable, str(driver), phase, str(after)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == -signal.SIGKILL, result.stderr
        assert _run_state(killed)[0] == "running"


def test_second_concurrent_run_is_refused(
    container: Container, world: World, sim: SiasnSimulator, siasn_settings: SiasnSettings, database_url: str
) -> None:
    """While one process reconciles, another run is refused with a clear message (exit 4)."""
    import_export(container, world)
    sim.faults.latency = 0.02
    env = _env(database_url, siasn_settings)
    first = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "reconcile", "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with container.sessions() as session:
                lock = session.get(RunLock, "reconcile")
                if lock is not None and lock.expires_at > time.time():
                    break
            time.sleep(0.05)
        with pytest.raises(RunBusy, match="run reconcile lain"):
            reconcile(container)
        second = subprocess.run(
            [sys.executable, "-m", "service.cli", "reconcile"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 4
        assert "run reconcile lain" in second.stderr and "Traceback" not in second.stderr
    finally:
        sim.faults.latency = 0.0
        first.wait(timeout=120)
    assert first.returncode == 0, first.stderr.read() if first.stderr else ""
