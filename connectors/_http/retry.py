"""The retry policy: a frozen value applied in one place, only to transient errors.

Only idempotent calls (GETs and token requests) go through ``retrying``; creating POSTs are made
safe by the remote ids we store, never by retrying blind.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from connectors.errors import RateLimited, TlsError, TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a transient failure is retried."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 120.0
    jitter: float = 0.5

    def should_retry(self, exc: BaseException) -> bool:
        """True for a transient error whose requested wait (if any) is within our cap."""
        if not isinstance(exc, TransientError) or isinstance(exc, TlsError):
            return False  # a refused certificate stays refused: the setting is what to fix
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after <= self.max_retry_after
        return True

    def wait_seconds(self, attempt: int, exc: BaseException | None) -> float:
        """Seconds to wait before attempt ``attempt + 1``: Retry-After, else jittered backoff."""
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return float(exc.retry_after)
        backoff: float = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return backoff * (1 - self.jitter) + random.uniform(0, backoff * self.jitter)


SleepFn = Callable[[float], Awaitable[None]]


async def call_with_retry(
    policy: RetryPolicy,
    call: Callable[[], Awaitable[T]],
    *,
    sleep: SleepFn = asyncio.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Run ``call``, retrying transient failures as ``policy`` says; re-raise the last error."""

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        seconds = policy.wait_seconds(state.attempt_number, exc)
        if on_retry is not None and exc is not None:
            on_retry(state.attempt_number, exc, seconds)
        return seconds

    retrying = AsyncRetrying(
        stop=stop_after_attempt(max(1, policy.attempts)),
        retry=retry_if_exception(policy.should_retry),
        wait=wait,
        sleep=sleep,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await call()
    raise AssertionError("unreachable: tenacity re-raises or returns")  # pragma: no cover
