"""The demo a newcomer runs first: simulator on loopback, Sinkron SIASN, local edits, report."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Iterable
from pathlib import Path
from random import Random
from typing import TypeVar

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from service.container import Container
from service.render import STATUS_TEXT, render_outcome
from service.settings import Settings, SiasnSettings
from simulators.dataset import World, generate_world
from simulators.events import mutasi, naik_pangkat
from simulators.faults import FaultPlan
from simulators.server import ServerThread
from simulators.siasn import API_PREFIX, APIM_TOKEN_PATH, SSO_TOKEN_PATH, SiasnSimulator
from store.db import transaction
from sync.audit import SYSTEM_ACTOR
from sync.edit import edit_pegawai
from sync.outcome import SinkronOutcome
from sync.sinkron import Sinkron
from sync.units import apply_units, fetch_units

T = TypeVar("T")


def simulator_settings(sim: SiasnSimulator, base_url: str) -> SiasnSettings:
    """SIASN settings pointing at a running simulator, with its printed credentials."""
    creds = sim.credentials
    return SiasnSettings(
        api_url=base_url + API_PREFIX, apim_token_url=base_url + APIM_TOKEN_PATH,
        sso_token_url=base_url + SSO_TOKEN_PATH, consumer_key=creds.consumer_key,
        consumer_secret=SecretStr(creds.consumer_secret), sso_client_id=creds.sso_client_id,
        sso_username=creds.sso_username, sso_password=SecretStr(creds.sso_password), rate=0,
        retry_base_delay=0.05,
    )


def serve_simulator(*, port: int, employees: int, seed: int, latency_ms: float,
                    error_rate: float) -> None:
    """Serve a simulated SIASN until interrupted, printing how to point ekinerja-sync at it."""
    world = generate_world(seed, employees)
    faults = FaultPlan(latency=latency_ms / 1000, rates={"503": error_rate} if error_rate else {})
    sim = SiasnSimulator(world, faults=faults)
    server = ServerThread(sim.app(), port=port).start()
    config = simulator_settings(sim, server.url)
    print(f"Simulated SIASN for {world.instansi_nama}: {len(world.pegawai)} pegawai, "
          f"{len(world.units)} unor, seed {seed}, on {server.url}")
    print("Use it with:")
    for name in ("api_url", "apim_token_url", "sso_token_url", "consumer_key", "sso_client_id",
                 "sso_username"):
        print(f"  export EKINERJA_SIASN__{name.upper()}={getattr(config, name)}")
    print(f"  export EKINERJA_SIASN__CONSUMER_SECRET={sim.credentials.consumer_secret}")
    print(f"  export EKINERJA_SIASN__SSO_PASSWORD={sim.credentials.sso_password}")
    print("Sample NIPs: " + " ".join(list(world.pegawai)[:5]))
    print(f"Roster CSV (Export Data ASN): {server.url}/_sim/export-data-asn.csv; advance the "
          f"world a day: POST {server.url}/_sim/advance-day")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def run_demo(console: Console, *, employees: int, seed: int, db_path: str) -> int:
    """Play the demo; returns the process exit code."""
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    world = generate_world(seed, employees)
    sim = SiasnSimulator(world)
    with ServerThread(sim.app()) as server:
        settings = Settings(database_url=f"sqlite:///{db_path}",
                            siasn=simulator_settings(sim, server.url))
        container = Container.build(settings)
        console.print(f"[bold]Simulator SIASN[/] {world.instansi_nama} di {server.url} "
                      f"({len(world.pegawai)} pegawai, {len(world.units)} unor); basis data "
                      f"{db_path}")
        asyncio.run(_play(console, container, world, sim))
        container.close()
    return 0


async def _bounded(tasks: Iterable[Awaitable[T]], limit: int = 8) -> list[T]:
    semaphore = asyncio.Semaphore(limit)

    async def one(task: Awaitable[T]) -> T:
        async with semaphore:
            return await task

    return await asyncio.gather(*(one(t) for t in tasks))


def _sample(world: World, rng: Random) -> tuple[list[list[str]], list[str]]:
    """Unit heads by depth (top first, so each finds its atasan loaded) and some staff."""
    levels: dict[int, list[str]] = {}
    for unit in world.units.values():
        head = world.by_pns_id(unit.pemimpin_pns_id) if unit.pemimpin_pns_id else None
        if head is not None:
            levels.setdefault(_depth(world, unit.id), []).append(head.nip)
    heads = {nip for level in levels.values() for nip in level}
    staff = [p.nip for p in world.pegawai.values()
             if p.nip not in heads and not p.pppk and p.jenis_jabatan_id == 4]
    return [levels[d] for d in sorted(levels)], rng.sample(staff, min(36, len(staff)))


def _depth(world: World, unit_id: str) -> int:
    depth, unit = 0, world.units[unit_id]
    while unit.parent_id is not None:
        depth, unit = depth + 1, world.units[unit.parent_id]
    return depth


async def _play(console: Console, container: Container, world: World, sim: SiasnSimulator
                ) -> None:
    rng = Random(world.seed)
    async with container.siasn() as siasn:
        units = await fetch_units(siasn)
        with transaction(container.sessions) as session:
            apply_units(session, units, actor=SYSTEM_ACTOR)
        levels, staff = _sample(world, rng)
        sinkron = Sinkron(siasn, container.sessions)
        first: list[SinkronOutcome] = []
        for level in [*levels, staff]:
            first += await _bounded(sinkron.run(nip) for nip in level)
        console.print(f"\n[bold]1. Muat awal[/]: {len(units)} unor dari ref-unor, "
                      f"{len(first)} pegawai disinkronkan "
                      f"({_counts(first)}); {siasn.calls} panggilan SIASN.")
        cases = _stage_changes(container, world, staff, rng)
        console.print("\n[bold]2. Perubahan[/]: edit lokal lewat Edit Profil dan perubahan di "
                      "SIASN (kenaikan pangkat, mutasi).")
        for title, nip in cases:
            console.print(f"   - {title}: {nip}")
        second = [await sinkron.run(nip) for _, nip in cases]
        console.print("\n[bold]3. Sinkron SIASN setelah perubahan[/]")
        for (title, _), outcome in zip(cases, second, strict=True):
            console.print(f"[dim]{title}[/]")
            render_outcome(console, outcome)
        _summary(console, first + second)
    console.print(f"\nLihat hasilnya: EKINERJA_DATABASE_URL={container.settings.database_url} "
                  f"ekinerja-sync pegawai show {cases[3][1]}")


def _stage_changes(container: Container, world: World, staff: list[str], rng: Random
                   ) -> list[tuple[str, str]]:
    remote_only, local_only, converge, clash = staff[:4]
    leaves = [u.id for u in world.units.values() if u.eselon_id in (41, 42)]
    here = world.pegawai[clash].unor_id
    local_unit, remote_unit = [u for u in leaves if u != here][:2]
    new_jabatan = "Penata Kelola Sistem dan Teknologi Informasi"
    edits = {local_only: {"no_hp": "081300000001"}, converge: {"jabatan": new_jabatan},
             clash: {"unor_id": local_unit}}
    with transaction(container.sessions) as session:
        for nip, changes in edits.items():
            edit_pegawai(session, nip, changes, actor="operator.bkd",
                         reason="perubahan dari berkas pegawai")
    naik_pangkat(world, remote_only)
    mutasi(world, converge, jabatan=new_jabatan)
    mutasi(world, clash, unor_id=remote_unit)
    unknown = "199001012020011" + f"{rng.randint(900, 999)}"
    return [("hanya SIASN berubah (kenaikan pangkat)", remote_only),
            ("hanya lokal berubah (nomor HP)", local_only),
            ("lokal dan SIASN berubah sama (jabatan)", converge),
            ("lokal dan SIASN berubah berbeda (unit kerja)", clash),
            ("NIP tidak ada di SIASN", unknown)]


def _counts(outcomes: list[SinkronOutcome]) -> str:
    counts = Counter(o.status.value for o in outcomes)
    return ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))


def _summary(console: Console, outcomes: list[SinkronOutcome]) -> None:
    table = Table(title="Ringkasan Sinkron SIASN")
    table.add_column("status")
    table.add_column("jumlah", justify="right")
    for status, n in Counter(o.status for o in outcomes).most_common():
        table.add_row(STATUS_TEXT[status], str(n))
    warnings = Counter(w.code for o in outcomes for w in o.warnings)
    console.print(table)
    if warnings:
        console.print("Peringatan: " + ", ".join(f"{c} {n}" for c, n in warnings.most_common()))
