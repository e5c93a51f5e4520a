"""One request budget per upstream credential, shared by every job and the API of a process.

The budget (``rate`` requests per second, ``burst`` at once) is a GCRA: a request may be sent
when the theoretical arrival time (TAT) of the credential, less the burst tolerance, is not in
the future; sending records it (TAT moves one interval on). The decision is taken right before
the request goes on the wire (``BudgetTransport``), so requests are spaced when they are sent,
and nothing is booked ahead: a caller told to wait sleeps on its own event loop and asks again.

Two lanes: ``interactive`` (the Sinkron button) may use the whole budget; ``background`` (the
night, a held-run approval, PMM, SKP push) must also pass a second GCRA at ``rate * (1 - share)``,
so the reserved share is always left for the button.

One client may carry both lanes: a caller that says which lane it draws from (``drawing_in``,
a context variable of its task) overrides the lane the client's transport was built with.

Where the TAT lives is a ``Ledger``: ``MemoryLedger`` (a ``threading.Lock``, so jobs on different
threads and event loops share it) or a row per credential in PostgreSQL (``store.rate_budget``).
The adaptive part stays as it was: a 429 or 5xx halves the rate (down to ``min_rate``) and a
Retry-After pauses every caller; successes win the rate back a twentieth at a time.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

from connectors.errors import parse_retry_after

Lane = Literal["interactive", "background"]
_drawing: ContextVar[Lane | None] = ContextVar("budget_lane", default=None)


@contextmanager
def drawing_in(lane: Lane | None) -> Iterator[None]:
    """Requests sent in the block (by this task, and tasks it starts) draw from ``lane``;
    ``None`` leaves the lane of the client's transport."""
    if lane is None:
        yield
        return
    token = _drawing.set(lane)
    try:
        yield
    finally:
        _drawing.reset(token)


@dataclass(frozen=True)
class Ask:
    """One question to a ledger: may a request of ``lane`` go at ``rate`` per second, now or
    within ``horizon`` seconds (a round trip to a database is not lost for the budget)?"""

    key: str
    background: bool
    rate: float
    share: float
    burst: int
    horizon: float = 0.0


class Ledger(Protocol):
    """Where the budget's arrival times live (process memory or a database row)."""

    shared_across_processes: bool

    def decide(self, ask: Ask) -> tuple[bool, float]:
        """(True, seconds until the granted request may be sent: recorded), or (False, seconds
        to wait before asking again: nothing recorded)."""
        ...

    def pause(self, key: str, seconds: float) -> None:
        """Nobody sends on ``key`` for ``seconds`` (a Retry-After)."""
        ...


class MemoryLedger:
    """Arrival times in this process, guarded by a ``threading.Lock``."""

    shared_across_processes = False

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}
        self._background_tat: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}

    def decide(self, ask: Ask) -> tuple[bool, float]:
        """The GCRA decision for ``ask`` (granted: both arrival times of its lanes move on)."""
        with self._lock:
            now = self._clock()
            interval = 1.0 / ask.rate
            slow = 1.0 / (ask.rate * (1.0 - ask.share))
            tat = self._tat.get(ask.key, now)
            background_tat = self._background_tat.get(ask.key, now)
            eligible = max(now, self._paused_until.get(ask.key, 0.0), tat - (ask.burst - 1) * interval)
            if ask.background:
                eligible = max(eligible, background_tat - (ask.burst - 1) * slow)
            if eligible > now + ask.horizon:
                return False, eligible - now
            self._tat[ask.key] = max(tat, eligible) + interval
            if ask.background:
                self._background_tat[ask.key] = max(background_tat, eligible) + slow
            return True, eligible - now

    def pause(self, key: str, seconds: float) -> None:
        """Hold every lane of ``key`` for ``seconds``."""
        with self._lock:
            until = self._clock() + seconds
            self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)


class SharedBudget:
    """The budget of one credential: GCRA in a ledger, AIMD on the rate, lanes for the share."""

    def __init__(
        self,
        key: str,
        rate: float | None,
        *,
        ledger: Ledger | None = None,
        burst: int = 1,
        share: float = 0.0,
        min_rate: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be positive or None, got {rate}")
        if not 0.0 <= share < 1.0:
            raise ValueError(f"share must be in [0, 1), got {share}")
        self.key = key
        self.ceiling = rate
        self.rate = rate
        self.burst = max(1, burst)
        self.share = share
        self.min_rate = min(min_rate, rate) if rate else min_rate
        self.ledger: Ledger = ledger or MemoryLedger(clock)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._hold: dict[bool, float] = {}
        self._paused_until = 0.0
        self._asker: ThreadPoolExecutor | None = None

    def close(self) -> None:
        """Stop the thread that asks a shared ledger (if one was started)."""
        with self._lock:
            asker, self._asker = self._asker, None
        if asker is not None:
            asker.shutdown(wait=False)

    def lane(self, lane: Lane) -> BudgetLane:
        """A view that draws from this budget in ``lane``."""
        return BudgetLane(self, lane)

    async def acquire(self, lane: Lane = "background") -> None:
        """Wait until a request of ``lane`` may be sent now, and record it."""
        background = lane == "background"
        while True:
            wait = self._local_wait(background)
            if wait <= 0:
                rate = self.rate
                if rate is None:
                    return
                share = self.share if background else 0.0
                horizon = 0.5 / rate if self.ledger.shared_across_processes else 0.0
                granted, wait = await self._decide(
                    Ask(self.key, background, rate, share, self.burst, horizon)
                )
                if granted:
                    if wait > 0:
                        await self._sleep(wait)
                    return
            await self._sleep(wait)

    def slow_down(self, retry_after: float | None = None) -> None:
        """Halve the rate after a 429/5xx; pause every caller (every process) for Retry-After."""
        with self._lock:
            if retry_after:
                self._paused_until = max(self._paused_until, self._clock() + retry_after)
            if self.rate is not None:
                self.rate = max(self.min_rate, self.rate / 2)
        if retry_after:
            self.ledger.pause(self.key, retry_after)

    def speed_up(self) -> None:
        """Win back a twentieth of the ceiling after a success."""
        with self._lock:
            if self.rate is not None and self.ceiling is not None and self.rate < self.ceiling:
                self.rate = min(self.ceiling, self.rate + self.ceiling / 20)

    async def _decide(self, ask: Ask) -> tuple[bool, float]:
        if not self.ledger.shared_across_processes:
            return self.ledger.decide(ask)
        # a database round trip: off the event loop, one at a time for the whole process, and
        # skipped when an earlier answer already says to wait (no herd of waiters on the row)
        with self._lock:
            if self._asker is None:
                self._asker = ThreadPoolExecutor(1, thread_name_prefix="rate-budget")
            asker = self._asker
        granted, wait = await asyncio.get_running_loop().run_in_executor(asker, self._ask_ledger, ask)
        return granted, wait

    def _ask_ledger(self, ask: Ask) -> tuple[bool, float]:
        """In the asking thread: the lane's remembered answer, else the ledger's (remembered:
        the wait it says, or after a grant the earliest the lane's next slot can come)."""
        wait = self._local_wait(ask.background)
        if wait > 0:
            return False, wait
        granted, wait = self.ledger.decide(ask)
        hold = wait - ask.horizon  # ask again once the slot is within reach
        if granted:
            lane_interval = 1.0 / (ask.rate * (1.0 - ask.share))
            hold = wait + (2 - ask.burst) * lane_interval - ask.horizon
        hold += random.uniform(0.0, ask.horizon / 2)  # processes take turns, none always first
        if hold > 0:
            with self._lock:
                self._hold[ask.background] = self._clock() + hold
        return granted, wait

    def _local_wait(self, background: bool) -> float:
        """Known without asking the ledger: a Retry-After pause, or the lane's last answer."""
        with self._lock:
            now = self._clock()
            return max(self._paused_until, self._hold.get(background, 0.0)) - now


class BudgetLane:
    """A budget seen from one lane: what a client or a transport draws from."""

    def __init__(self, budget: SharedBudget, lane: Lane) -> None:
        self.budget = budget
        self.lane = lane

    async def acquire(self) -> None:
        """Wait for this lane's turn."""
        await self.budget.acquire(self.lane)

    def slow_down(self, retry_after: float | None = None) -> None:
        """Tell the whole budget SIASN said 429/5xx."""
        self.budget.slow_down(retry_after)

    def speed_up(self) -> None:
        """Tell the whole budget a call succeeded."""
        self.budget.speed_up()


class BudgetTransport(httpx.AsyncBaseTransport):
    """Draws from the budget right before each request is sent, whatever sends it (data calls,
    retries, token requests); 429/5xx answers slow the budget down, successes speed it up."""

    def __init__(self, inner: httpx.AsyncBaseTransport, lane: BudgetLane) -> None:
        self._inner = inner
        self._lane = lane

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for the budget (in the caller's lane, if it said one), then send."""
        await self._lane.budget.acquire(_drawing.get() or self._lane.lane)
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429 or response.status_code >= 500:
            self._lane.slow_down(parse_retry_after(response.headers.get("retry-after")))
        elif response.status_code < 400:
            self._lane.speed_up()
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()
