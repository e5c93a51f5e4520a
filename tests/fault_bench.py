"""The fault matrix's bench: one tiny world, both simulators on real sockets, store templates.

Built once per test module (per xdist worker): night 1 is reconciled into a template store, then
SIASN moves on (a promotion, a mutasi, a simulated day) and PMM gets a new quarter. Each cell
starts from a copy of a template (a SQLite file copy, or ``CREATE DATABASE ... TEMPLATE``), so a
cell costs one job run, not a world.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from starlette.types import ASGIApp, Receive, Scope, Send

from service.container import Container
from service.demo import simulator_settings
from service.settings import Settings, SiasnSettings
from simulators.dataset import World, generate_world
from simulators.events import mutasi, naik_pangkat
from simulators.nights import advance_day
from simulators.pmm import PmmSimulator
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import make_engine, upgrade
from tests.conftest import PG_ADMIN_URL, drop_postgres, fresh_postgres_url
from tests.helpers import edit, import_export, reconcile
from tests.pmm_jobs_helpers import add_period_results, feed, pmm_settings

QUARTER = {
    "id": "2026-T1",
    "tahun": 2026,
    "jenis": "TRIWULAN",
    "mulai": "2026-01-01",
    "selesai": "2026-03-31",
}
LOCAL_PHONE = "081311112222"
TEMPLATES = ("base", "push")  # base: before any job of the cell's night; push: PMM and SIASN fed


class Tripwire:
    """ASGI wrapper: on the n-th request whose path holds ``needle``, run ``action`` (test-side,
    so a database fault happens exactly while a job waits for that answer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.armed: tuple[str, int, Callable[[], None]] | None = None
        self.fired = 0
        self.errors: list[str] = []

    def arm(self, needle: str, after: int, action: Callable[[], None]) -> None:
        """Run ``action`` at the first matching request after ``after`` matching ones."""
        self.armed = (needle, after, action)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, after the armed action when this is its request."""
        if scope["type"] == "http" and self.armed is not None and self.armed[0] in scope["path"]:
            needle, after, action = self.armed
            if after > 0:
                self.armed = (needle, after - 1, action)
            else:
                self.armed = None
                self.fired += 1
                try:
                    action()
                except Exception as exc:  # the cell asserts there is none
                    self.errors.append(repr(exc))
        await self.app(scope, receive, send)


@dataclass
class DiskFull:
    """SQLite's file may not grow: ``PRAGMA max_page_count`` pinned to the current size on every
    connection checked out while ``on`` (SQLite then fails a growing write with SQLITE_FULL,
    "database or disk is full", as on a full disk). A file system quota is not available here."""

    on: bool = False
    seen: int = 0
    read_only: int = 0  # the next n transactions may not write (SQLITE_READONLY): deterministic

    def attach(self, engine: sa.Engine) -> None:
        """Listen on ``engine``'s checkouts and errors."""
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "handle_error", self._error)

    def _checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {1 if self.on else 1073741823}")
        cursor.execute(f"PRAGMA query_only = {int(self.read_only > 0)}")
        self.read_only = max(0, self.read_only - 1)
        cursor.close()

    def fill(self, url: str) -> None:
        """The disk fills up: another writer takes every free page, then pages stop growing."""
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("CREATE TABLE IF NOT EXISTS disk_filler (b BLOB)")
        connection.execute("PRAGMA max_page_count = 1")  # no growth: the file's size now
        for size in (3000, 400, 40):
            try:
                while True:
                    connection.execute("INSERT INTO disk_filler VALUES (randomblob(?))", (size,))
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc), exc
        connection.close()
        self.on = True

    def _error(self, context: Any) -> None:
        if "full" in str(context.original_exception).lower():
            self.seen += 1


@dataclass
class Cell:
    """One cell's store and fault switches."""

    container: Container
    url: str
    disk: DiskFull = field(default_factory=DiskFull)


@dataclass
class Bench:
    """The world, the simulators and the templates every cell copies."""

    world: World
    sim: SiasnSimulator
    pmm_sim: PmmSimulator
    siasn_trip: Tripwire
    pmm_trip: Tripwire
    siasn: SiasnSettings
    pmm_url: str
    folder: Path
    templates: dict[tuple[str, str], str] = field(default_factory=dict)
    skp_riwayat: Any = None
    sinkron_nip: str = ""
    edit_nip: str = ""
    baselines: dict[tuple[str, str], Any] = field(default_factory=dict)
    servers: tuple[ServerThread, ...] = ()
    first_world: World | None = None  # SIASN on night 1, for a template built later

    def settings(self, url: str) -> Settings:
        """Settings of a cell's store: fast retries, short read timeouts, both simulators."""
        pmm = pmm_settings(self.pmm_url).model_copy(
            update={"timeout": 0.3, "retry_base_delay": 0.01, "retry_max_delay": 0.05}
        )
        return Settings(database_url=url, siasn=self.siasn, pmm=pmm)

    def disarm(self) -> None:
        """No faults and no trips any more (the simulators' data stay as they are)."""
        for faults in (self.sim.faults, self.pmm_sim.faults):
            faults.clear()
        self.siasn_trip.armed = self.pmm_trip.armed = None

    def reset(self) -> None:
        """The simulators as every cell starts: no faults, no trips, the SKP rows as fed."""
        self.disarm()
        self.siasn_trip.errors.clear()
        self.pmm_trip.errors.clear()
        self.sim.skp = copy.deepcopy(self.skp_riwayat)

    @contextmanager
    def cell(self, backend: str, template: str) -> Iterator[Cell]:
        """A fresh store copied from ``template`` with one local edit made, closed after."""
        url = self._copy(backend, template)
        container = Container.build(self.settings(url))
        made = Cell(container, url)
        if backend == "sqlite":
            made.disk.attach(container.engine)
        edit(container, self.edit_nip, no_hp=LOCAL_PHONE)
        try:
            yield made
        finally:
            container.close()
            if backend == "postgresql":
                drop_postgres(url)

    def _copy(self, backend: str, template: str) -> str:
        if backend == "postgresql":
            ensure_postgres(self)
        source = self.templates[(backend, template)]
        if backend == "sqlite":
            target = self.folder / f"cell-{uuid.uuid4().hex[:8]}.db"
            shutil.copy(source.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        name = f"ekinerja_cell_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source.rsplit("/", 1)[1]}"'))
        admin.dispose()
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def build_bench(folder: Path) -> Bench:
    """The world after night 1 in every available store, then SIASN and PMM one step further."""
    world = generate_world(11, 20)
    sim, pmm_sim = SiasnSimulator(world), PmmSimulator(world)
    sim.faults.timeout_seconds = pmm_sim.faults.timeout_seconds = 1.0
    siasn_trip, pmm_trip = Tripwire(sim.app()), Tripwire(pmm_sim.app())
    # a long keep-alive: on a loaded machine a pause between two calls of a job may outlast
    # uvicorn's 5 s, and a POST on a connection the server just closed is (rightly) uncertain
    siasn_server = ServerThread(siasn_trip, keep_alive=120).start()
    pmm_server = ServerThread(pmm_trip, keep_alive=120).start()
    siasn = simulator_settings(sim, siasn_server.url).model_copy(
        update={"retry_base_delay": 0.01, "retry_max_delay": 0.05, "read_timeout": 0.3}
    )
    bench = Bench(world, sim, pmm_sim, siasn_trip, pmm_trip, siasn, pmm_server.url, folder)
    bench.servers = (siasn_server, pmm_server)
    bench.first_world = copy.deepcopy(world)
    url = f"sqlite:///{folder / 'night1.db'}"
    store = _store(bench, url)
    _night_one(store, world)
    _next_day(bench)
    _templates(bench, "sqlite", url, store)
    bench.skp_riwayat = copy.deepcopy(sim.skp)
    return bench


def ensure_postgres(bench: Bench) -> None:
    """The PostgreSQL templates, built the first time a cell of this worker needs them: night 1
    against SIASN as it was (the world is swapped back for it), then the same steps."""
    first = bench.first_world
    if ("postgresql", "base") in bench.templates or first is None:
        return
    bench.reset()
    url = fresh_postgres_url()
    try:
        store = _store(bench, url)
        today, bench.sim.world = bench.sim.world, first
        try:
            _night_one(store, first)
        finally:
            bench.sim.world = today
        _templates(bench, "postgresql", url, store)
    finally:
        drop_postgres(url)


def _night_one(store: Container, world: World) -> None:
    import_export(store, world)
    assert reconcile(store)["status"] == "completed"


def _templates(bench: Bench, backend: str, url: str, store: Container) -> None:
    """``base``: the new export imported; ``push``: PMM and SIASN's SKP rows fed as well."""
    import_export(store, bench.world)
    bench.templates[(backend, "base")] = _freeze(bench, backend, store, "base")
    store = Container.build(bench.settings(url))
    assert feed(store, "http")["status"] == "completed"
    assert feed(store, "siasn")["status"] == "completed"
    bench.templates[(backend, "push")] = _freeze(bench, backend, store, "push")


def _store(bench: Bench, url: str) -> Container:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return Container.build(bench.settings(url))


def _next_day(bench: Bench) -> None:
    """SIASN moves on: one promotion (the Sinkron cells' NIP), a new position, a simulated day."""
    world = bench.world
    staff = [p.nip for p in world.pegawai.values() if not p.pppk and (p.golongan_id or 45) < 44]
    bench.sinkron_nip, moved, bench.edit_nip = staff[:3]  # in a world this small all head a unit
    naik_pangkat(world, bench.sinkron_nip)
    mutasi(world, moved, jabatan="Analis Kebijakan Ahli Muda")
    advance_day(world, 1)
    add_period_results(bench.pmm_sim, QUARTER)


def _freeze(bench: Bench, backend: str, store: Container, name: str) -> str:
    """Copy ``store`` into a template (the source store stays in use for the next template)."""
    store.close()
    url = str(store.settings.database_url)
    if backend == "sqlite":
        target = bench.folder / f"template-{name}.db"
        _sqlite_copy(url.removeprefix("sqlite:///"), target)
        return f"sqlite:///{target}"
    template = f"ekinerja_tmpl_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{template}" TEMPLATE "{url.rsplit("/", 1)[1]}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{template}"


def _sqlite_copy(source: str, target: Path) -> None:
    """A consistent one-file copy (the WAL folded in) through SQLite's backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def close_bench(bench: Bench) -> None:
    """Stop the servers and drop the PostgreSQL templates."""
    stopping = [threading.Thread(target=server.stop) for server in bench.servers]
    for thread in stopping:  # each may wait out its graceful shutdown: at once, not in turn
        thread.start()
    for thread in stopping:
        thread.join()
    for (backend, _name), url in bench.templates.items():
        if backend == "postgresql":
            drop_postgres(url)


def hold_sqlite_write_lock(url: str, seconds: float) -> Callable[[], None]:
    """An action: another writer takes SQLite's write lock (BEGIN IMMEDIATE) for ``seconds``."""

    def action() -> None:
        ready = threading.Event()

        def hold() -> None:
            connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            ready.set()
            time.sleep(seconds)
            connection.execute("ROLLBACK")
            connection.close()

        threading.Thread(target=hold, daemon=True).start()
        assert ready.wait(5)

    return action


def terminate_backends(url: str) -> Callable[[], None]:
    """An action: every backend of the cell's PostgreSQL database is terminated (a restart)."""

    def action() -> None:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": url.rsplit("/", 1)[1]},
            )
        admin.dispose()

    return action
