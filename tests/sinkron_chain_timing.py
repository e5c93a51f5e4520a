"""Per-Sinkron time with the whole unit tree loaded (before issue 15.3) and with the chains only.

Not a test: ``python -m tests.sinkron_chain_timing [employees] [sinkrons] [empty database URL]``
(a SQLite file by default). The store holds the simulated province's units (737 at 20000
employees) and the first ``sinkrons`` staff; then rounds alternate between the old context
(``load_context`` in the transaction, exactly what ``apply_profile`` did without ``org``) and
the new one, Sinkron SIASN for each employee in turn against the simulator on a loopback socket.
Printed per Sinkron (medians over the rounds): the whole Sinkron (wall), the apply's write
transaction (wall, its thread's CPU), building each context alone, and the ratios.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

import structlog
from sqlalchemy import select

from service.container import Container
from service.demo import simulator_settings
from service.settings import Settings
from simulators.dataset import generate_world
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import make_engine, upgrade
from store.models import Pegawai
from sync import apply
from sync.profil.sinkron import Sinkron
from sync.unor.chain import load_unit_context
from sync.unor.supervision import load_context
from tests.helpers import load_units

VARIANTS: dict[str, Callable[..., Any]] = {
    "whole tree": lambda session, _ids: load_context(session),
    "chains": load_unit_context,
}


def _round(container: Container, nips: list[str], variant: str) -> dict[str, float]:
    """Sinkron each NIP once with ``variant``'s context; mean seconds per Sinkron."""
    applies: list[tuple[float, float]] = []
    original = Sinkron._apply

    def timed(self: Sinkron, *args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, *args)
        finally:
            applies.append((time.perf_counter() - wall, time.thread_time() - cpu))

    async def go() -> float:
        async with container.siasn() as siasn:
            runner = Sinkron(siasn, container.sessions)
            started = time.perf_counter()
            for nip in nips:
                await runner.run(nip, actor="timing")
            return time.perf_counter() - started

    with (
        patch.object(apply, "load_unit_context", VARIANTS[variant]),
        patch.object(Sinkron, "_apply", timed),
    ):
        total = asyncio.run(go())
    return {
        "sinkron_ms": 1000 * total / len(nips),
        "apply_ms": 1000 * statistics.fmean(w for w, _ in applies),
        "apply_cpu_ms": 1000 * statistics.fmean(c for _, c in applies),
    }


def _contexts(container: Container, nips: list[str]) -> dict[str, float]:
    """Milliseconds to build each variant's context alone, for the employees' units."""
    with container.sessions() as session:
        units = list(session.scalars(select(Pegawai.unor_id).where(Pegawai.nip.in_(nips))))
        figures = {}
        for name, build in VARIANTS.items():
            started = time.perf_counter()
            for unit in units:
                build(session, (unit, unit))
            figures[name] = 1000 * (time.perf_counter() - started) / len(units)
    return figures


def main(employees: int = 20000, sinkrons: int = 100, url: str | None = None, rounds: int = 4) -> None:
    """Build the store, warm up, alternate the variants, print medians and ratios."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    world = generate_world(11, employees)
    sim = SiasnSimulator(world)
    heads = {u.pemimpin_pns_id for u in world.units.values()}
    nips = [p.nip for p in world.pegawai.values() if p.pns_id not in heads and not p.pppk][:sinkrons]
    with tempfile.TemporaryDirectory() as folder, ServerThread(sim.app()) as server:
        url = url or f"sqlite:///{Path(folder) / 'timing.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        container = Container.build(Settings(database_url=url, siasn=simulator_settings(sim, server.url)))
        try:
            load_units(container)
            _round(container, nips, "chains")  # creates the employees
            results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
            for _ in range(rounds):
                for name in VARIANTS:
                    results[name].append(_round(container, nips, name))
            contexts = _contexts(container, nips)
        finally:
            container.close()
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in results.items()
    }
    print(f"{len(world.units)} units, {len(nips)} employees, {rounds} rounds per variant")
    for name, figures in medians.items():
        print(f"  {name:>10}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()))
    print("  context alone (ms): " + ", ".join(f"{k} {v:.3f}" for k, v in contexts.items()))
    old, new = medians["whole tree"], medians["chains"]
    print("  ratio whole/chains: " + ", ".join(f"{k} {old[k] / new[k]:.1f}x" for k in old))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 20000, int(args[1]) if args[1:] else 100, args[2] if args[2:] else None)
