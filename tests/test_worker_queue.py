"""Runs handed to Procrastinate workers (``reconcile --queue``) end where a run in one process
ends, also when a worker is SIGKILLed mid-partition (its job is retried by the sweeper)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.nights import advance_day
from store.db import make_engine, transaction
from store.models import SyncRun
from sync.reconcile.roster import import_roster
from tests.conftest import drop_postgres, fresh_postgres_url, need_postgres
from tests.helpers import edit, import_export, leaf_units, migrated_container, reconcile, store_state

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
CLI = [sys.executable, "-m", "service.cli"]
FAST_SWEEP = {
    "EKINERJA_WORKER__PARTITION_SIZE": "25",
    "EKINERJA_WORKER__CONCURRENCY": "4",
    "EKINERJA_WORKER__HEARTBEAT_S": "0.5",
    "EKINERJA_WORKER__STALLED_S": "2",
    "EKINERJA_WORKER__SWEEP_S": "0.5",
}


@pytest.fixture
def two_databases() -> Iterator[tuple[str, str]]:
    """Two empty PostgreSQL databases: the queued run's and the one-process reference's."""
    need_postgres()
    urls = (fresh_postgres_url(), fresh_postgres_url())
    try:
        yield urls
    finally:
        for url in urls:
            drop_postgres(url)


def _env(url: str, siasn: SiasnSettings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    env.update({"EKINERJA_DATABASE_URL": url, "EKINERJA_LOG_LEVEL": "INFO", "EKINERJA_LOG_FORMAT": "json"})
    for name, value in siasn.model_dump().items():
        if value is not None:
            secret = getattr(value, "get_secret_value", None)
            env[f"EKINERJA_SIASN__{name.upper()}"] = str(secret() if secret else value)
    env.update(FAST_SWEEP)
    env.update(extra)
    return env


@contextmanager
def _workers(envs: list[dict[str, str]], logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Worker processes, one per environment, stopped (SIGTERM) after the block."""
    started = []
    for index, env in enumerate(envs):
        log = (logs / f"worker{index}.log").open("wb")
        started.append(subprocess.Popen([*CLI, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _queued(env: dict[str, str]) -> dict[str, Any]:
    """``reconcile --queue --json``: its report (exit code checked against its status)."""
    done = subprocess.run(
        [*CLI, "reconcile", "--queue", "--json"], env=env, capture_output=True, text=True, timeout=240
    )
    assert done.stdout.strip().startswith("{"), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert done.returncode == (0 if report["status"] == "completed" else done.returncode)
    return report


def _two_nights(queued: Container, reference: Container, world: World, run_queued: Any) -> None:
    """Night 1 on empty stores, then a day of changes and a local edit, night 2: each queued
    night ends as the reference's."""
    for container in (queued, reference):
        import_export(container, world)
    expected = reconcile(reference)
    got = run_queued()
    assert got["status"] == expected["status"] == "completed"
    assert got["counts"] == expected["counts"]
    assert store_state(queued) == store_state(reference)
    day = advance_day(world, 1)
    clash = day.mutasi[0]
    local_unit = leaf_units(world, world.pegawai[clash].unor_id)[-1]
    for container in (queued, reference):
        import_export(container, world)
        edit(container, clash, unor_id=local_unit)
    expected = reconcile(reference)
    got = run_queued()
    assert got["status"] == "completed", got
    assert (got["counts"], got["conflicts_opened"]) == (expected["counts"], expected["conflicts_opened"])
    assert store_state(queued) == store_state(reference)


def test_two_workers_end_as_one_process(
    two_databases: tuple[str, str], siasn_settings: SiasnSettings, world: World, tmp_path: Path
) -> None:
    """Two workers share a run's partitions; night 1 and night 2 end in the reference state,
    and both workers did jobs."""
    queued_url, reference_url = two_databases
    queued, reference = (
        migrated_container(queued_url, siasn_settings),
        migrated_container(reference_url, siasn_settings),
    )
    env = _env(queued_url, siasn_settings)
    with _workers([env, env], tmp_path):
        _two_nights(queued, reference, world, lambda: _queued(env))
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    assert all('"queued_part_done"' in log for log in logs), "each worker ran partitions"
    queued.close()
    reference.close()


def test_worker_killed_mid_partition_is_retried(
    two_databases: tuple[str, str], siasn_settings: SiasnSettings, world: World, tmp_path: Path
) -> None:
    """One worker SIGKILLs itself at a SQL statement inside a job (the crash hook); the other
    worker's sweep retries the stalled job and the run ends in the reference state."""
    queued_url, reference_url = two_databases
    queued, reference = (
        migrated_container(queued_url, siasn_settings),
        migrated_container(reference_url, siasn_settings),
    )
    env = _env(queued_url, siasn_settings)
    doomed = _env(queued_url, siasn_settings, EKINERJA_TEST_KILL_AT="statement:60")
    with _workers([doomed, env], tmp_path) as (first, _second):
        _two_nights(queued, reference, world, lambda: _queued(env))
        assert first.wait(timeout=5) == -signal.SIGKILL
    survivor = (tmp_path / "worker1.log").read_text()
    assert "stalled_job_retried" in survivor or "stalled_job_closed" in survivor, survivor[-3000:]
    queued.close()
    reference.close()


def test_queue_needs_postgres(tmp_path: Path, siasn_settings: SiasnSettings) -> None:
    """On SQLite, ``worker`` and ``reconcile --queue`` refuse in one Bahasa line (exit 2)."""
    env = _env(f"sqlite:///{tmp_path / 'e.db'}", siasn_settings)
    for args in (["worker"], ["reconcile", "--queue"]):
        done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "memerlukan basis data PostgreSQL" in done.stderr
        assert "Traceback" not in done.stderr


def test_scheduled_night_goes_to_the_workers(
    two_databases: tuple[str, str], siasn_settings: SiasnSettings, world: World, tmp_path: Path
) -> None:
    """With ``EKINERJA_SCHEDULE__QUEUE=true`` the scheduler's night is run by a worker and ends
    as a run in one process does."""
    from service import scheduler
    from service.settings import ScheduleSettings

    queued_url, reference_url = two_databases
    queued, reference = (
        migrated_container(queued_url, siasn_settings),
        migrated_container(reference_url, siasn_settings),
    )
    settings = queued.settings.model_copy(update={"schedule": ScheduleSettings(queue=True)})
    with_queue = Container.build(settings)
    for container in (with_queue, reference):
        import_export(container, world)
    expected = reconcile(reference)
    scheduler.build_scheduler(with_queue)
    with _workers([_env(queued_url, siasn_settings)], tmp_path):
        got = scheduler.nightly_reconcile()
    assert got is not None and got["status"] == "completed"
    assert got["counts"] == expected["counts"]
    assert store_state(with_queue) == store_state(reference)
    assert '"queued_part_done"' in (tmp_path / "worker0.log").read_text()
    for container in (queued, reference, with_queue):
        container.close()


def test_serve_with_queue_needs_postgres(tmp_path: Path, siasn_settings: SiasnSettings) -> None:
    """``serve`` with the scheduled night queued refuses a SQLite store before listening."""
    env = _env(f"sqlite:///{tmp_path / 'e.db'}", siasn_settings, EKINERJA_SCHEDULE__QUEUE="true")
    done = subprocess.run(
        [*CLI, "serve", "--port", "59999"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "memerlukan basis data PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr


def test_sample_guard_counts_the_whole_run(
    two_databases: tuple[str, str], siasn_settings: SiasnSettings, world: World, tmp_path: Path
) -> None:
    """Partitions (25) far smaller than the guard's sample (200): a roster of 2,000 NIPs SIASN
    does not know still aborts after about a sample, because each partition starts from what
    the whole run fetched so far."""
    url = two_databases[0]
    queued = migrated_container(url, siasn_settings)
    import_export(queued, world)
    nips = "\n".join(f"{196001012000011001 + i * 1000}" for i in range(2000))
    with transaction(queued.sessions) as session:
        import_roster(session, f"NIP\n{nips}\n".encode(), source="salah.csv")
    env = _env(url, siasn_settings)
    with _workers([env, env], tmp_path):
        report = _queued(env)
    assert report["status"] == "aborted" and "tidak mengenal" in report["guard_reason"], report
    assert report["calls"] < 600, report["calls"]  # about the sample, not 2,160 NIPs
    queued.close()


def test_follow_again_after_sigterm(
    two_databases: tuple[str, str], siasn_settings: SiasnSettings, world: World, tmp_path: Path
) -> None:
    """SIGTERM stops following (exit 130, the run stays queued); ``reconcile --queue`` again
    follows that same run to its end once a worker runs it."""
    url = two_databases[0]
    queued = migrated_container(url, siasn_settings)
    import_export(queued, world)
    env = _env(url, siasn_settings)
    first = subprocess.Popen(
        [*CLI, "reconcile", "--queue", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    run_id = _wait_for_run(queued)
    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=30)
    assert first.returncode == 130, stderr
    assert f"runs show {run_id}" in stderr and "Traceback" not in stderr
    with _workers([env], tmp_path):
        again = subprocess.run(
            [*CLI, "reconcile", "--queue", "--json"], env=env, capture_output=True, text=True, timeout=240
        )
    assert again.returncode == 0, again.stderr
    assert f"Mengikuti lagi run {run_id}" in again.stderr
    assert json.loads(again.stdout)["run_id"] == run_id
    queued.close()


def _wait_for_run(container: Container) -> str:
    """The id of the first run, once it is there (polled)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with container.sessions() as session:
            run_id = session.scalar(select(SyncRun.id).limit(1))
        if run_id is not None:
            return str(run_id)
        time.sleep(0.1)
    raise AssertionError("no run was opened")


def test_db_upgrade_recreates_a_dropped_queue(two_databases: tuple[str, str], tmp_path: Path) -> None:
    """Queue tables dropped by hand are recreated by ``db upgrade``; a queue with only some of
    its tables is refused in one Bahasa line naming them."""
    url = two_databases[0]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")},
        "EKINERJA_DATABASE_URL": url,
    }
    assert subprocess.run([*CLI, "db", "upgrade"], env=env, capture_output=True, timeout=120).returncode == 0
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE procrastinate_events, procrastinate_periodic_defers CASCADE")
        connection.exec_driver_sql("DROP TABLE procrastinate_jobs, procrastinate_workers CASCADE")
    again = subprocess.run([*CLI, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    with engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is not None
        connection.exec_driver_sql("DROP TABLE procrastinate_events CASCADE")
    partial = subprocess.run([*CLI, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120)
    engine.dispose()
    assert partial.returncode == 2 and "tidak lengkap" in partial.stderr, partial.stderr
    assert "Traceback" not in partial.stderr


def test_worker_concurrency_is_bounded(tmp_path: Path, siasn_settings: SiasnSettings) -> None:
    """``worker --concurrency`` past the setting's bound (256) is refused before anything runs."""
    env = _env(f"sqlite:///{tmp_path / 'e.db'}", siasn_settings)
    done = subprocess.run(
        [*CLI, "worker", "--concurrency", "20000000"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2 and "--concurrency" in done.stderr and "256" in done.stderr, done.stderr
