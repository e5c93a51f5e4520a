"""A per-upstream request budget shared by every call to that upstream.

Requests are spaced at ``rate`` per second (with a small burst). On 429 or 5xx the budget halves
(down to ``min_rate``) and a Retry-After pauses every caller; successes win the rate back slowly
(additive increase, multiplicative decrease), so a long run stays polite without anyone watching.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Async AIMD token spacing; ``rate=None`` means unlimited."""

    def __init__(
        self,
        rate: float | None,
        *,
        burst: int = 1,
        min_rate: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be positive or None, got {rate}")
        self.ceiling = rate
        self.rate = rate
        self.burst = max(1, burst)
        self.min_rate = min(min_rate, rate) if rate else min_rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0

    async def acquire(self) -> None:
        """Wait until the budget allows one more request."""
        now = self._clock()
        if self.rate is None:
            slot = self._paused_until
        else:
            interval = 1.0 / self.rate
            slot = max(now - (self.burst - 1) * interval, self._next, self._paused_until)
            self._next = slot + interval
        if slot > now:
            await self._sleep(slot - now)

    def slow_down(self, retry_after: float | None = None) -> None:
        """Halve the rate after a 429/5xx; pause every caller for ``retry_after`` seconds."""
        if retry_after:
            self._paused_until = max(self._paused_until, self._clock() + retry_after)
        if self.rate is not None:
            self.rate = max(self.min_rate, self.rate / 2)

    def speed_up(self) -> None:
        """Win back a twentieth of the ceiling after a success."""
        if self.rate is not None and self.ceiling is not None and self.rate < self.ceiling:
            self.rate = min(self.ceiling, self.rate + self.ceiling / 20)
