"""Shared fixtures: a simulated SIASN on a real loopback socket, and the store on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.container import Container
from service.demo import simulator_settings
from service.settings import Settings, SiasnSettings
from simulators.dataset import World, generate_world
from simulators.pmm import PmmSimulator
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import make_engine, upgrade
from tests import hypothesis_profiles

hypothesis_profiles.load()
PG_ADMIN_URL = os.environ.get("EKINERJA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any failure to connect means: skip with the reason
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"
    return None


PG_SKIP_REASON = _postgres_available()


def fresh_postgres_url() -> str:
    """Create an empty database on the test server and return its URL."""
    name = f"ekinerja_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(url: str) -> None:
    """Drop a database created by ``fresh_postgres_url``."""
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def need_postgres() -> None:
    """Skip with the reason when no PostgreSQL server answers; fail instead where CI demands
    it (``EKINERJA_TEST_REQUIRE_POSTGRES=1``, set by ``.ci/run``)."""
    if not PG_SKIP_REASON:
        return
    if os.environ.get("EKINERJA_TEST_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{PG_SKIP_REASON} (EKINERJA_TEST_REQUIRE_POSTGRES=1)")
    pytest.skip(PG_SKIP_REASON)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ekinerja.db'}"
        return
    need_postgres()
    url = fresh_postgres_url()
    try:
        yield url
    finally:
        drop_postgres(url)


@pytest.fixture
def second_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database of the same kind as ``database_url`` (a reference store)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    url = fresh_postgres_url()
    try:
        yield url
    finally:
        drop_postgres(url)


@pytest.fixture
def world() -> World:
    """A small generated province (deterministic)."""
    return generate_world(11, 160)


@pytest.fixture
def sim(world: World) -> SiasnSimulator:
    """Simulator state for ``world``; tests mutate it directly."""
    return SiasnSimulator(world)


@pytest.fixture
def sim_server(sim: SiasnSimulator) -> Iterator[ServerThread]:
    """The simulator served on a real loopback socket."""
    with ServerThread(sim.app()) as server:
        yield server


@pytest.fixture
def siasn_settings(sim: SiasnSimulator, sim_server: ServerThread) -> SiasnSettings:
    """SIASN settings pointing at the running simulator, with fast retries; on the network
    ``EKINERJA_TEST_SIASN_NETWORK`` names (the settings' default when unset), so the suite can
    run over either."""
    base = simulator_settings(sim, sim_server.url)
    update: dict[str, object] = {"retry_base_delay": 0.01, "retry_max_delay": 0.05, "read_timeout": 2.0}
    if network := os.environ.get("EKINERJA_TEST_SIASN_NETWORK"):
        update["network"] = network
    return base.model_copy(update=update)


@pytest.fixture
def container(database_url: str, siasn_settings: SiasnSettings) -> Iterator[Container]:
    """The composition root over the test database (upgraded, as `db upgrade` does) and simulator."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    built = Container.build(Settings(database_url=database_url, siasn=siasn_settings))
    yield built
    built.close()


@pytest.fixture
def pmm_sim(world: World) -> PmmSimulator:
    """The PMM simulator over the same world as ``sim``: its schools, teachers and principals."""
    return PmmSimulator(world)


@pytest.fixture
def pmm_server(pmm_sim: PmmSimulator) -> Iterator[ServerThread]:
    """The PMM simulator served on a real loopback socket."""
    with ServerThread(pmm_sim.app()) as server:
        yield server
