"""A snapshot fetched before the newest SIASN value stored is never applied over it (DESIGN §6)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi, naik_pangkat
from store.models import RunItem
from sync.outcome import SinkronOutcome, Status
from sync.profil.sinkron import Sinkron
from sync.reconcile import ReconcileOptions, Reconciler, unchanged
from tests.helpers import audit_actions, import_export, leaf_units, pegawai, reconcile, sinkron
from tests.helpers import staff_nip as staff

pytestmark = pytest.mark.e2e


def _pensiun(world: World, nip: str) -> None:
    person = world.pegawai[nip]
    person.kedudukan_id, person.kedudukan_nama = "99", "Pensiun"


@pytest.mark.parametrize("fast_path", [False, True], ids=["staged", "identical-closed"])
def test_night_skips_snapshots_older_than_a_sinkron_in_between(
    container: Container, world: World, monkeypatch: pytest.MonkeyPatch, fast_path: bool
) -> None:
    """Pensiun, kenaikan pangkat and mutasi synced after the night's fetch are never reverted:
    a staged snapshot is skipped as ``stale``; with the fast path the three were identical at
    the fetch, closed ``confirmed`` then, and the Sinkron's newer values stay."""
    monkeypatch.setattr(unchanged, "ENABLED", fast_path)
    import_export(container, world)
    assert reconcile(container)["status"] == "completed"
    retiring, promoted, moved = staff(world, 0), staff(world, 1), staff(world, 2)
    target = leaf_units(world, world.pegawai[moved].unor_id)[0]
    between: list[SinkronOutcome] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase != "fetch" or done < total or between:
            return
        _pensiun(world, retiring)
        naik_pangkat(world, promoted)
        mutasi(world, moved, unor_id=target)
        worker = threading.Thread(
            target=lambda: between.extend(sinkron(container, retiring, promoted, moved))
        )
        worker.start()
        worker.join()

    async def night() -> dict[str, Any]:
        async with container.siasn() as siasn:
            return await Reconciler(
                siasn, container.sessions, ReconcileOptions(batch_size=40), progress
            ).run()

    report = asyncio.run(night())
    assert [o.status for o in between] == [Status.LEFT, Status.UPDATED, Status.UPDATED]
    assert report["status"] == "completed"
    assert report["counts"]["stale"] == (0 if fast_path else 3)
    gone, up, away = (pegawai(container, n) for n in (retiring, promoted, moved))
    assert gone is not None and gone.aktif is False and gone.kedudukan_hukum == "Pensiun"
    assert ("diaktifkan_kembali", None) not in audit_actions(container, retiring)
    synced = between[1].pegawai
    assert up is not None and synced is not None and up.golongan == synced["golongan"]
    assert away is not None and away.unor_id == target
    with container.sessions() as session:
        reasons = dict(
            session.execute(
                select(RunItem.nip, RunItem.error).where(
                    RunItem.run_id == report["run_id"], RunItem.situation == "stale"
                )
            ).all()
        )
    assert set(reasons) == (set() if fast_path else {retiring, promoted, moved})
    assert all("lebih baru" in str(reason) for reason in reasons.values())


class _HeldResponses(httpx.AsyncBaseTransport):
    """A real socket whose data-utama answers reach the client late (a slow return path)."""

    def __init__(self, delay: float) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._delay = delay
        self.answered = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if "data-utama" in request.url.path:
            await response.aread()
            self.answered.set()
            await asyncio.sleep(self._delay)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_concurrent_sinkron_never_applies_the_older_answer(container: Container, world: World) -> None:
    """Of two concurrent Sinkron calls, the one holding an older answer refetches, never reverts."""
    nip = staff(world, 3)
    assert sinkron(container, nip)[0].status == Status.CREATED
    held = _HeldResponses(delay=1.5)

    async def race() -> tuple[SinkronOutcome, SinkronOutcome]:
        async with container.siasn(transport=held) as slow, container.siasn() as fast:
            older = asyncio.create_task(Sinkron(slow, container.sessions).run(nip, actor="a"))
            await asyncio.wait_for(held.answered.wait(), 30)
            _pensiun(world, nip)  # SIASN changes after the slow call was answered "Aktif"
            newer = await Sinkron(fast, container.sessions).run(nip, actor="b")
            return newer, await older

    newer, older = asyncio.run(race())
    assert newer.status == Status.LEFT
    assert older.status == Status.CONFIRMED
    stored = pegawai(container, nip)
    assert stored is not None and stored.aktif is False and stored.kedudukan_hukum == "Pensiun"
    assert ("diaktifkan_kembali", None) not in audit_actions(container, nip)
