"""A unit renamed in SIASN is renamed for every person in it, whoever wrote that person last
(found by the crash property: a Sinkron between the night's fetch and its apply stored the old
unit name, and the night then skipped that person's older snapshot as stale)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from store.models import Pegawai, Unit
from sync.outcome import SinkronOutcome
from sync.reconcile import ReconcileOptions, Reconciler
from tests.helpers import import_export, reconcile, sinkron

pytestmark = pytest.mark.e2e


def _names(container: Container, unit_id: str) -> set[str | None]:
    with container.sessions() as session:
        return set(session.scalars(select(Pegawai.unor_nama).where(Pegawai.unor_id == unit_id)))


def test_sinkron_between_fetch_and_apply_still_ends_with_the_new_name(
    container: Container, world: World
) -> None:
    """Rename in SIASN, night fetches, a Sinkron of one member lands (the store still has the
    old name), the night applies: every member of the unit carries the new name."""
    import_export(container, world)
    assert reconcile(container)["status"] == "completed"
    unit_id = next(p.unor_id for p in world.pegawai.values() if p.unor_id)
    member = next(nip for nip, p in world.pegawai.items() if p.unor_id == unit_id)
    world.units[unit_id].nama = f"{world.units[unit_id].nama} (Nomenklatur Baru)"
    between: list[SinkronOutcome] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase != "fetch" or done < total or between:
            return
        worker = threading.Thread(target=lambda: between.extend(sinkron(container, member)))
        worker.start()
        worker.join()

    async def night() -> dict[str, Any]:
        async with container.siasn() as siasn:
            return await Reconciler(siasn, container.sessions, ReconcileOptions(), progress).run()

    assert asyncio.run(night())["status"] == "completed" and between
    with container.sessions() as session:
        stored = session.get(Unit, unit_id)
        assert stored is not None and stored.nama == world.units[unit_id].nama
    assert _names(container, unit_id) == {world.units[unit_id].nama}
