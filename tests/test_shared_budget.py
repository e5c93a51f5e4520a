"""One request budget per SIASN credential (issue 15.2): every job of a process draws from it,
across processes too when the store is PostgreSQL, and the Sinkron button keeps its share."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.factory import Ask, BudgetTransport, MemoryLedger, SharedBudget
from service.container import Container
from service.settings import Settings, SiasnSettings
from simulators.dataset import World
from simulators.server import ServerThread
from store.db import make_engine, upgrade
from store.rate_budget import PostgresLedger
from sync.profil.sinkron import Sinkron
from sync.reconcile import ReconcileOptions, Reconciler
from tests.conftest import drop_postgres, fresh_postgres_url, need_postgres
from tests.helpers import import_export

RATE = 20.0
ROOT = Path(__file__).resolve().parents[1]


def _in_thread(stop: threading.Event, job: Callable[[], Coroutine[Any, Any, None]]) -> threading.Thread:
    """Run ``job`` on its own event loop in its own thread (as the scheduler runs a job) until
    ``stop`` is set, then cancel it."""

    async def main() -> None:
        task = asyncio.create_task(job())
        await asyncio.to_thread(stop.wait)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    return thread


def _seconds(url: str, first: int, last: int) -> list[int]:
    """Requests the simulator received in each whole second ``first``..``last`` (epoch)."""
    counted = httpx.get(f"{url}/_sim/ratelimit").json()["seconds"]
    return [counted.get(str(s), {}).get("total", 0) for s in range(first, last + 1)]


@pytest.fixture
def budgeted(container: Container, siasn_settings: SiasnSettings, world: World) -> Container:
    """The container with a budget of ``RATE``/s (no burst) and the roster imported."""
    siasn = siasn_settings.model_copy(update={"rate": RATE, "rate_burst": 1})
    container.settings = container.settings.model_copy(update={"siasn": siasn})
    import_export(container, world)
    return container


def test_a_night_and_sinkron_in_one_process_draw_from_one_budget(
    budgeted: Container, sim_server: ServerThread, world: World
) -> None:
    """A reconciliation (one thread, one event loop) and Sinkron SIASN presses (another thread
    and loop, the button's lane) together stay within the credential's budget as SIASN counts
    it, token requests included: no 10-second window over 2%, no second over one request more."""
    httpx.post(f"{sim_server.url}/_sim/ratelimit", json={"rate": 0, "reset": True})
    calls = {"night": 0, "sinkron": 0}
    nips = sorted(world.pegawai)[:20]

    async def night() -> None:
        async with budgeted.siasn() as siasn:
            try:
                await Reconciler(siasn, budgeted.sessions, ReconcileOptions(concurrency=16)).run()
                while True:  # the night is short here: keep the background lane busy
                    for nip in nips:
                        await siasn.data_utama(nip)
            finally:
                calls["night"] = siasn.calls

    async def press() -> None:
        async with budgeted.siasn(lane="interactive") as siasn:
            runner = Sinkron(siasn, budgeted.sessions)
            try:
                while True:
                    for nip in nips:
                        await runner.run(nip, actor="test")
                        await asyncio.sleep(0.05)  # a person's presses, not a loop that takes it all
            finally:
                calls["sinkron"] = siasn.calls

    stop = threading.Event()
    began = time.time()
    threads = [_in_thread(stop, night), _in_thread(stop, press)]
    time.sleep(12.5)
    ended = time.time()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    seconds = _seconds(sim_server.url, int(began) + 1, int(ended) - 1)
    windows = [sum(seconds[i : i + 10]) for i in range(len(seconds) - 9)]
    assert len(windows) >= 1
    assert max(windows) <= RATE * 10 * 1.02, seconds
    assert max(seconds) <= RATE + 1, seconds
    assert sum(seconds) >= 0.8 * RATE * len(seconds), seconds  # the budget is used, not wasted
    assert calls["night"] > 30 and calls["sinkron"] >= 4, calls  # both lanes drew from it


def test_every_client_of_a_container_shares_the_credentials_budget(budgeted: Container) -> None:
    """Clients built in different threads get the same budget object; on PostgreSQL it is kept
    in the database (the row every process shares), on SQLite in memory."""
    seen: list[SharedBudget] = []

    def build() -> None:
        seen.append(budgeted.siasn_budget())

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(b) for b in seen}) == 1
    ledger = seen[0].ledger
    postgres = budgeted.engine.dialect.name == "postgresql"
    assert isinstance(ledger, PostgresLedger if postgres else MemoryLedger)
    assert seen[0].rate == RATE and seen[0].share == budgeted.settings.siasn.sinkron_share


TICK = 1 / 1024  # binary fractions: the arithmetic below is exact


def _granted(ledger: MemoryLedger, clock: list[float], lanes: list[str]) -> dict[str, int]:
    """Ten seconds of ticks; at each tick every lane in ``lanes`` (in that order) sends all it
    is granted (16/s budget, half of it reserved). Returns what each lane sent."""
    sent = dict.fromkeys(lanes, 0)
    for _ in range(10 * 1024):
        clock[0] += TICK
        for lane in lanes:
            while ledger.decide(Ask("k", lane == "background", 16, 0.5, 1))[0]:
                sent[lane] += 1
    return sent


def test_a_night_cannot_use_the_share_reserved_for_the_button() -> None:
    """With half of 16/s reserved: the night alone gets 8/s; the button alone gets all 16/s;
    both flooding at once (the night asking first at every tick), the button still gets its
    half and the total stays the budget."""
    clock = [0.0]

    def ledger() -> MemoryLedger:
        return MemoryLedger(clock=lambda: clock[0])

    assert _granted(ledger(), clock, ["background"]) == {"background": 80}
    assert _granted(ledger(), clock, ["interactive"]) == {"interactive": 160}
    both = _granted(ledger(), clock, ["background", "interactive"])
    assert both == {"background": 80, "interactive": 80}


class _FakeClock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """The current fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the fake time."""
        self.now += seconds


def test_a_429_seen_by_one_job_slows_every_job_of_the_budget() -> None:
    """The adaptive part works on the shared budget: a 429 with Retry-After answered to the
    night's client halves the rate and pauses the button's lane too; successes win it back."""
    clock = _FakeClock()
    budget = SharedBudget(
        "k", 10, ledger=MemoryLedger(clock), burst=1, clock=clock, sleep=clock.sleep, min_rate=1
    )
    throttled = httpx.MockTransport(lambda _r: httpx.Response(429, headers={"Retry-After": "3"}))
    night = BudgetTransport(throttled, budget.lane("background"))

    async def go() -> float:
        async with httpx.AsyncClient(transport=night) as client:
            assert (await client.get("http://siasn/x")).status_code == 429
        start = clock.now
        await budget.acquire("interactive")
        return clock.now - start

    assert asyncio.run(go()) >= 2.9
    assert budget.rate == 5
    ok = BudgetTransport(httpx.MockTransport(lambda _r: httpx.Response(200)), budget.lane("interactive"))

    async def succeed() -> None:
        async with httpx.AsyncClient(transport=ok) as client:
            for _ in range(20):
                await client.get("http://siasn/x")

    asyncio.run(succeed())
    assert budget.rate == 10


WORKER = """
import asyncio, json, sys, time
from connectors.factory import SharedBudget
from store.db import make_engine
from store.rate_budget import PostgresLedger
url, rate, start, until = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ledger = PostgresLedger(make_engine(url))
ledger.pause("siasn:two-processes", 0)  # connected and the row there before the start
budget = SharedBudget("siasn:two-processes", rate, ledger=ledger, burst=1)
sent = []
async def one():
    while time.time() < until:
        await budget.acquire("background")
        sent.append(time.time())
async def main():
    assert time.time() < start, "started late"
    await asyncio.sleep(start - time.time())
    await asyncio.gather(*(one() for _ in range(8)))
asyncio.run(main())
print(json.dumps(sent))
"""


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database at the schema head (absence is a failure when required)."""
    need_postgres()
    url = fresh_postgres_url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        drop_postgres(url)


@pytest.mark.postgres
def test_two_processes_draw_from_one_postgres_budget(postgres_url: str) -> None:
    """Two processes, eight eager callers each, one GCRA row: together they send the budget and
    no more (every whole second within one request of it), and both get a fair part."""
    start = time.time() + 8.0  # both processes started and connected by then
    until = start + 5.0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, postgres_url, str(RATE), str(start), str(until)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    sent = [json.loads(w.communicate(timeout=60)[0]) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    times = sorted(t for s in sent for t in s)
    assert times[0] >= start
    first, last = int(start) + 1, int(until) - 1
    per_second = [sum(1 for t in times if s <= t < s + 1) for s in range(first, last + 1)]
    assert len(per_second) >= 3
    assert max(per_second) <= RATE + 1, per_second
    assert sum(per_second) >= 0.85 * RATE * len(per_second), per_second
    assert all(len(s) >= 0.2 * len(times) for s in sent), [len(s) for s in sent]


def test_budget_store_postgres_on_sqlite_is_refused(tmp_path: Path) -> None:
    """Asking for the PostgreSQL budget over a SQLite store names the setting (in Bahasa)."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        siasn=SiasnSettings(budget_store="postgres"),
    )
    container = Container.build(settings)
    try:
        with pytest.raises(ValueError, match="EKINERJA_SIASN__BUDGET_STORE=postgres butuh"):
            container.siasn_budget()
    finally:
        container.close()
