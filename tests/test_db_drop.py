"""PostgreSQL connections dropped under a running `reconcile`: retried, else a clean stop (exit 1)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from service.container import Container
from service.settings import Settings, SiasnSettings
from simulators.dataset import World
from simulators.siasn import SiasnSimulator
from store.db import make_engine, upgrade
from store.models import RunItem, SyncRun
from tests.conftest import PG_ADMIN_URL, drop_postgres, fresh_postgres_url, need_postgres
from tests.helpers import import_export, reconcile
from tests.test_reconcile_kill import _env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server (this failure mode is PostgreSQL's)."""
    need_postgres()
    url = fresh_postgres_url()
    try:
        yield url
    finally:
        drop_postgres(url)


@pytest.fixture
def pg(pg_url: str, siasn_settings: SiasnSettings, world: World) -> Iterator[Container]:
    """The store on PostgreSQL after a first completed night."""
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    container = Container.build(Settings(database_url=pg_url, siasn=siasn_settings))
    import_export(container, world)
    assert reconcile(container)["status"] == "completed"
    yield container
    container.close()


class _Saboteur:
    """One autocommit connection to the run's database: reads the phase, kills other backends."""

    def __init__(self, url: str) -> None:
        self._engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self._connection = self._engine.connect()
        self.name = url.rsplit("/", 1)[1]

    def phase(self) -> str | None:
        row = self._connection.execute(
            select(SyncRun.status, SyncRun.phase).order_by(SyncRun.started_at.desc()).limit(1)
        ).first()
        return row.phase if row is not None and row.status == "running" else None

    def terminate(self) -> int:
        return int(
            self._connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            ).scalar()
            or 0
        )

    def close(self) -> None:
        self._connection.close()
        self._engine.dispose()


def _allow_connections(name: str, *, allow: bool) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        )
    admin.dispose()


def _cli(url: str, siasn: SiasnSettings, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", "reconcile", *args],
        env=_env(url, siasn),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_connections_dropped_during_fetch_and_apply_are_survived(
    pg: Container, pg_url: str, siasn_settings: SiasnSettings, world: World, sim: SiasnSimulator
) -> None:
    """pg_terminate_backend on the run's backends mid-fetch and mid-apply: the run completes."""
    saboteur = _Saboteur(pg_url)
    killed = {"fetch": 0, "apply": 0}
    sim.faults.latency = 0.01
    run = _cli(pg_url, siasn_settings, "--batch-size", "10", "--concurrency", "2")
    try:
        while run.poll() is None:
            phase = saboteur.phase()
            if phase in killed and killed[phase] < 3:
                killed[phase] += int(saboteur.terminate() > 0)
                time.sleep(0.3)
            time.sleep(0.01)
        out, err = run.communicate(timeout=120)
    finally:
        sim.faults.latency = 0.0
        saboteur.close()
    assert run.returncode == 0, err
    assert "Traceback" not in err and "ExceptionGroup" not in err
    assert killed["fetch"] >= 1 and killed["apply"] >= 1, killed
    with pg.sessions() as session:
        latest = session.scalar(select(SyncRun).order_by(SyncRun.started_at.desc()).limit(1))
        assert latest is not None and latest.status == "completed"
        assert sum(latest.counts.values()) == len(world.pegawai)
        assert (
            session.scalar(
                select(func.count())
                .select_from(RunItem)
                .where(RunItem.run_id == latest.id, RunItem.state != "done")
            )
            == 0
        )
    assert "completed" in out or "Rekonsiliasi" in out


def test_database_gone_for_good_stops_cleanly_with_exit_1_and_resumes(
    pg: Container, pg_url: str, siasn_settings: SiasnSettings, sim: SiasnSimulator
) -> None:
    """A database refusing connections past the retries: one Indonesian line, exit 1, resumable."""
    saboteur = _Saboteur(pg_url)
    sim.faults.latency = 0.02
    run = _cli(pg_url, siasn_settings, "--batch-size", "10", "--concurrency", "2")
    try:
        while saboteur.phase() != "fetch":
            assert run.poll() is None, run.communicate()
            time.sleep(0.02)
        _allow_connections(saboteur.name, allow=False)
        saboteur.terminate()
        _out, err = run.communicate(timeout=120)
        _allow_connections(saboteur.name, allow=True)
    finally:
        sim.faults.latency = 0.0
        saboteur.close()
    assert run.returncode == 1, err
    assert "Traceback" not in err and "ExceptionGroup" not in err
    said = [line for line in err.splitlines() if line.startswith("galat:")]
    assert len(said) == 1 and "basis data tidak dapat dipakai" in said[0], err
    with pg.sessions() as session:
        latest = session.scalar(select(SyncRun).order_by(SyncRun.started_at.desc()).limit(1))
        assert latest is not None and latest.status in ("running", "stopped")
    assert reconcile(pg)["status"] == "completed"
