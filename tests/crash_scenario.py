"""The crash-safety scenario: a night, a Sinkron, a PMM import and an SKP push at once, as real
processes (the CLI) against a fresh SIASN simulator, one of them SIGKILLed at a drawn point.

A ``CrashWorld`` is built once per backend: a template store (roster, a first night, a local
edit that will clash, a day of SIASN changes) and the outcome of the same operations run
uninterrupted from it (the reference), with how many commits and statements each made.
Each example clones the template (SQLite backup, PostgreSQL ``CREATE DATABASE ... TEMPLATE``),
serves a new simulator of the same world, plays the lanes with one process killed by the
test hook in ``store/crash_hook.py``, reruns the killed command until it completes, and
returns the outcome for comparison. Only public entry points run the operations.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy import select
from typer.testing import CliRunner

from service.cli.app import app
from service.container import Container
from service.demo import simulator_settings
from service.settings import Settings, SiasnSettings
from simulators.dataset import World, generate_world
from simulators.nights import advance_day
from simulators.pmm_data import initial_results
from simulators.recap import recap_csv
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.crash_hook import TALLY, VARIABLE
from store.models_skp import Evaluasi, PmmProblem, Skp
from tests.conftest import PG_ADMIN_URL
from tests.helpers import edit, import_export, leaf_units, migrated_container, reconcile, store_state
from tests.test_reconcile_kill import _env

WORLD_SEED, WORLD_SIZE = 11, 40
KILLED = -9  # returncode of a process ended by SIGKILL
SINKRON_ACTORS = {"sinkron-siasn", "rekonsiliasi"}


@dataclass(frozen=True)
class Op:
    """One operation as an operator starts it: a CLI command and the exit codes that mean done."""

    name: str
    argv: tuple[str, ...]
    done: frozenset[int]


@dataclass
class CrashWorld:
    """The template store of one backend, its world after the day, and the reference outcome."""

    backend: str
    template_url: str
    folder: Path
    world: World
    lanes: tuple[tuple[Op, ...], ...]
    sinkron_nip: str
    reference: dict[str, Any] = field(default_factory=dict)
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)

    def ops(self) -> list[Op]:
        """Every operation of the scenario, lane by lane."""
        return [op for lane in self.lanes for op in lane]


@dataclass
class Played:
    """What happened to each operation of one example: its exit codes, attempt by attempt."""

    codes: dict[str, list[int]] = field(default_factory=dict)
    output: dict[str, str] = field(default_factory=dict)


def build(database_url: str, folder: Path) -> CrashWorld:
    """The template store at ``database_url`` and the reference outcome (run uninterrupted)."""
    world = generate_world(WORLD_SEED, WORLD_SIZE)
    with _serving(world) as (_, settings):
        container = migrated_container(database_url, settings)
        import_export(container, world)
        assert reconcile(container)["status"] == "completed"
        day = advance_day(world, 1)
        clash = day.mutasi[0]
        edit(container, clash, unor_id=leaf_units(world, world.pegawai[clash].unor_id)[-1])
        container.close()
    recap = folder / "rekap.csv"
    annual = [r for r in initial_results(world).values() if r["periode_id"] == "2025"]
    quarter = (
        recap_csv(annual)
        .content.replace(b";Tahunan 2025;", b";2025;")
        .replace(b";2025;", b";Triwulan I 2026;")
    )
    recap.write_bytes(quarter)  # a period SIASN does not hold yet, so the push sends it
    sinkron = sorted(day.updated() - {clash})[0]
    lanes = (
        (Op("reconcile", ("reconcile", "--batch-size", "5", "--concurrency", "2"), frozenset({0})),),
        (
            Op("pmm import", ("pmm", "import", str(recap)), frozenset({0, 1})),
            Op("skp push", ("skp", "push"), frozenset({0})),
        ),
        (Op("sinkron", ("sinkron", sinkron), frozenset({0})),),
    )
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    crash = CrashWorld(backend, database_url, folder, world, lanes, sinkron)
    with clone(crash) as url, _serving(copy.deepcopy(world)) as (sim, settings):
        played = play(crash, url, settings, tally=True)
        assert all(codes[-1] in op.done for op in crash.ops() for codes in [played.codes[op.name]]), played
        crash.reference = outcome(url, settings, sim)
        crash.tallies = _read_tallies(crash)
    return crash


@contextmanager
def _serving(world: World) -> Iterator[tuple[SiasnSimulator, SiasnSettings]]:
    """A simulator of ``world`` on a loopback socket, with fast retries."""
    sim = SiasnSimulator(world)
    with ServerThread(sim.app()) as server:
        base = simulator_settings(sim, server.url)
        yield (
            sim,
            base.model_copy(update={"retry_base_delay": 0.01, "retry_max_delay": 0.05, "read_timeout": 5.0}),
        )


@contextmanager
def serving(crash: CrashWorld) -> Iterator[tuple[SiasnSimulator, SiasnSettings]]:
    """A new simulator of the world as the template left it (nothing pushed to it yet)."""
    with _serving(copy.deepcopy(crash.world)) as served:
        yield served


@contextmanager
def clone(crash: CrashWorld) -> Iterator[str]:
    """A copy of the template store; dropped afterwards."""
    tag = uuid.uuid4().hex[:10]
    if crash.backend == "sqlite":
        path = crash.folder / f"clone-{tag}.db"
        source = crash.template_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(path)) as dst:
            src.backup(dst)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"ekinerja_crash_{tag}"
    template = crash.template_url.rsplit("/", 1)[1]
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(statement: str) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(statement))
    admin.dispose()


def play(
    crash: CrashWorld,
    url: str,
    settings: SiasnSettings,
    *,
    victim: str = "",
    kill_at: str = "",
    tally: bool = False,
) -> Played:
    """Run the lanes at once; ``victim`` gets ``kill_at`` and is rerun until it completes."""
    played = Played()
    base = _env(url, settings)

    def lane(ops: tuple[Op, ...]) -> None:
        for op in ops:
            env = dict(base)
            if tally:
                env.update({VARIABLE: "count", TALLY: str(_tally_path(crash, op))})
            elif op.name == victim:
                env[VARIABLE] = kill_at
            codes = played.codes.setdefault(op.name, [])
            for _ in range(4):  # the killed attempt, then reruns as an operator would press again
                result = _cli(op, env)
                codes.append(result.returncode)
                played.output[op.name] = result.stderr[-2000:]
                env.pop(VARIABLE, None)
                if result.returncode in op.done:
                    break

    threads = [threading.Thread(target=lane, args=(ops,)) for ops in crash.lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return played


def _cli(op: Op, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *op.argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _tally_path(crash: CrashWorld, op: Op) -> Path:
    return crash.folder / f"tally-{op.name.replace(' ', '-')}.json"


def _read_tallies(crash: CrashWorld) -> dict[str, dict[str, int]]:
    return {op.name: json.loads(_tally_path(crash, op).read_text()) for op in crash.ops()}


def audit_verify(url: str) -> tuple[int, str]:
    """``ekinerja-sync audit verify`` over the store at ``url`` (the CLI app, in this process)."""
    try:
        result = CliRunner().invoke(
            app, ["audit", "verify"], env={"EKINERJA_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        structlog.reset_defaults()  # the command logged to the runner's stream, now closed
    return result.exit_code, result.output


def outcome(url: str, settings: SiasnSettings, sim: SiasnSimulator) -> dict[str, Any]:
    """The store and what SIASN holds, without ids, times and who-won-a-race details."""
    container = Container.build(Settings(database_url=url, siasn=settings))
    try:
        state = store_state(container)
        state["audit"] = sorted((_race_free(entry) for entry in state["audit"]), key=repr)
        state.update(_skp_rows(container))
    finally:
        container.close()
    saved = [row for rows in sim.skp.saved_periodik.values() for row in rows]
    saved += [row for rows in sim.skp.saved_skp22.values() for row in rows]
    state["siasn_saves"] = sim.skp.saves
    state["siasn_rows"] = sorted(repr(sorted((k, v) for k, v in row.items() if k != "id")) for row in saved)
    return state


def _race_free(entry: dict[str, Any]) -> dict[str, Any]:
    """An audit entry without its actor when either the night or Sinkron may have written it."""
    if entry.get("actor") in SINKRON_ACTORS:
        return {k: v for k, v in entry.items() if k != "actor"}
    return entry


def _skp_rows(container: Container) -> dict[str, Any]:
    """SKP rows, evaluations (SIASN id as present or not: ids depend on push order) and PMM problems."""
    with container.sessions() as session:
        skp = sorted(
            (s.nip, s.source, s.source_id, s.status_rencana, str(s.periode_mulai))
            for s in session.scalars(select(Skp))
        )
        evaluasi = sorted(
            (
                e.jenis_periode,
                str(e.angka_periode),
                str(e.rating_hasil_kerja),
                str(e.rating_perilaku_kerja),
                str(e.predikat),
                str(e.status_evaluasi),
                e.siasn_id is not None,
                str(e.push_state),
            )
            for e in session.scalars(select(Evaluasi))
        )
        problems = sorted(
            (p.source, p.nip, p.rule, p.periode, p.status) for p in session.scalars(select(PmmProblem))
        )
    return {"skp": skp, "evaluasi": evaluasi, "pmm_problems": problems}


def differences(got: Any, want: Any, limit: int = 5) -> str:
    """The first differing rows of two outcome lists, as the columns that differ (readable on failure)."""
    if not (isinstance(got, list) and isinstance(want, list)) or len(got) != len(want):
        return f"got {_size(got)}, want {_size(want)}"
    found = []
    for mine, theirs in zip(got, want, strict=True):
        if mine != theirs and isinstance(mine, dict) and isinstance(theirs, dict):
            columns = {
                k: (mine.get(k), theirs.get(k)) for k in {*mine, *theirs} if mine.get(k) != theirs.get(k)
            }
            found.append(f"{mine.get('nip') or mine.get('pegawai_nip')}: {columns}")
        elif mine != theirs:
            found.append(f"{mine!r} != {theirs!r}")
    return "; ".join(found[:limit])


def _size(value: Any) -> str:
    return f"{len(value)} rows" if isinstance(value, list) else repr(value)
