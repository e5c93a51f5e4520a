"""One request budget per upstream credential, shared by every job and the API of a process.

The budget (``rate`` requests per second, ``burst`` at once) is a GCRA: a request may be sent
when the theoretical arrival time (TAT) of the credential, less the burst tolerance, is not in
the future; sending records it (TAT moves one interval on). The decision is taken right before
the request goes on the wire (``BudgetTransport``), so requests are spaced when they are sent,
and nothing is booked ahead: a caller told to wait sleeps on its own event loop and asks again.

Two lanes: ``interactive`` (the Sinkron button) may use the whole budget; ``background`` (the
night, a held-run approval, PMM, SKP push) must also pass a second GCRA at ``rate * (1 - share)``,
so the reserved share is always left for the button.

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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

from connectors._http.errors import parse_retry_after

Lane = Literal["interactive", "background"]


@dataclass(frozen=True)
class Ask:
    """One question to a ledger: may a request of ``lane`` go now at ``rate`` per second?"""

    key: str
    background: bool
    rate: float
    share: float
    burst: int


class Ledger(Protocol):
    """Where the budget's arrival times live (process memory or a database row)."""

    shared_across_processes: bool

    def decide(self, ask: Ask) -> float:
        """Seconds to wait (> 0, nothing recorded), or 0.0: granted and recorded."""
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

    def decide(self, ask: Ask) -> float:
        """The GCRA decision for ``ask`` (granted: both arrival times of its lanes move on)."""
        with self._lock:
            now = self._clock()
            wait = self._paused_until.get(ask.key, 0.0) - now
            interval = 1.0 / ask.rate
            tat = self._tat.get(ask.key, now)
            wait = max(wait, tat - (ask.burst - 1) * interval - now)
            if ask.background:
                slow = 1.0 / (ask.rate * (1.0 - ask.share))
                background_tat = self._background_tat.get(ask.key, now)
                wait = max(wait, background_tat - (ask.burst - 1) * slow - now)
            if wait > 0:
                return wait
            self._tat[ask.key] = max(tat, now) + interval
            if ask.background:
                self._background_tat[ask.key] = max(background_tat, now) + slow
            return 0.0

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
                ask = Ask(self.key, background, rate, self.share if background else 0.0, self.burst)
                wait = await self._decide(ask)
                if wait <= 0:
                    return
                self._set_hold(background, wait)
            await self._sleep(wait + self._jitter(background))

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

    async def _decide(self, ask: Ask) -> float:
        if self.ledger.shared_across_processes:  # a database round trip: off the event loop
            return await asyncio.to_thread(self.ledger.decide, ask)
        return self.ledger.decide(ask)

    def _local_wait(self, background: bool) -> float:
        """Known without asking the ledger: a Retry-After pause, or the lane's last answer."""
        with self._lock:
            now = self._clock()
            return max(self._paused_until, self._hold.get(background, 0.0)) - now

    def _set_hold(self, background: bool, wait: float) -> None:
        """Remember the ledger's answer so the lane's other waiters do not ask it again."""
        if not self.ledger.shared_across_processes:
            return
        with self._lock:
            self._hold[background] = self._clock() + wait

    def _jitter(self, background: bool) -> float:
        """Spread background waiters of a shared ledger over half an interval (no herd on the
        row); the button wakes first, so it wins the next free slot."""
        if not background or not self.ledger.shared_across_processes or not self.rate:
            return 0.0
        return random.uniform(0.0, 0.5 / self.rate)


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
        """Wait for the budget, then send."""
        await self._lane.acquire()
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429 or response.status_code >= 500:
            self._lane.slow_down(parse_retry_after(response.headers.get("retry-after")))
        elif response.status_code < 400:
            self._lane.speed_up()
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()
