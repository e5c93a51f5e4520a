"""The shared HTTP layer: error table completeness, retry policy, rate limiter, redaction."""

from __future__ import annotations

import asyncio
import inspect

import httpx
import pytest

from connectors import errors
from connectors.errors import (
    AuthError,
    NetworkError,
    NotFoundError,
    PayloadError,
    PermanentError,
    RateLimited,
    ServerError,
    error_for_status,
    parse_retry_after,
    translate_transport_error,
)
from connectors.factory import RateLimiter, RetryPolicy, call_with_retry, redact, redact_mapping


@pytest.mark.parametrize("status", range(400, 600))
def test_every_error_status_maps_to_our_tree(status: int) -> None:
    """Each 4xx/5xx status becomes exactly the expected error class."""
    exc = error_for_status(status, "x", upstream="t")
    expected: type[errors.UpstreamError]
    if status == 429:
        expected = RateLimited
    elif status in (408, 425) or status >= 500:
        expected = ServerError
    elif status == 404:
        expected = NotFoundError
    elif status in (401, 403):
        expected = AuthError
    else:
        expected = PermanentError
    assert type(exc) is expected
    assert exc.retryable == (expected in (RateLimited, ServerError))


def _httpx_errors() -> list[type[httpx.HTTPError]]:
    return [
        obj
        for _, obj in inspect.getmembers(httpx)
        if inspect.isclass(obj) and issubclass(obj, httpx.HTTPError) and obj is not httpx.HTTPStatusError
    ]


@pytest.mark.parametrize("kind", _httpx_errors(), ids=lambda k: k.__name__)
def test_every_httpx_exception_is_translated(kind: type[httpx.HTTPError]) -> None:
    """Every httpx exception class becomes one of ours; transport failures are retryable."""
    request = httpx.Request("GET", "http://x")
    takes_request = "request" in inspect.signature(kind).parameters
    exc = kind("boom", request=request) if takes_request else kind("boom")  # type: ignore[call-arg]
    translated = translate_transport_error(exc, upstream="t")
    assert isinstance(translated, errors.UpstreamError)
    if issubclass(kind, httpx.TransportError):
        assert isinstance(translated, NetworkError) and translated.retryable
    elif issubclass(kind, httpx.DecodingError):
        assert isinstance(translated, PayloadError)


def test_retry_after_parsing() -> None:
    """Delta-seconds and HTTP dates are read; garbage is None."""
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_honours_retry_after_then_succeeds() -> None:
    """A 429 with Retry-After waits exactly that long; a 5xx backs off; then success."""
    waits: list[float] = []
    failures = [RateLimited("slow", retry_after=3), ServerError("down")]

    async def call() -> str:
        if failures:
            raise failures.pop(0)
        return "ok"

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    policy = RetryPolicy(attempts=4, base_delay=1.0, jitter=0.0)
    assert asyncio.run(call_with_retry(policy, call, sleep=sleep)) == "ok"
    assert waits == [3.0, 2.0]


def test_retry_does_not_repeat_permanent_or_long_retry_after() -> None:
    """Permanent errors and Retry-After beyond the cap are raised at once."""
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise PermanentError("no")

    with pytest.raises(PermanentError):
        asyncio.run(call_with_retry(RetryPolicy(), call))
    assert calls == 1
    policy = RetryPolicy(max_retry_after=10)
    assert not policy.should_retry(RateLimited("x", retry_after=60))
    assert policy.should_retry(RateLimited("x", retry_after=5))


def test_retry_stops_after_attempts() -> None:
    """A transient error that never clears is raised after ``attempts`` tries."""
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise NetworkError("reset")

    async def sleep(_s: float) -> None:
        return None

    with pytest.raises(NetworkError):
        asyncio.run(call_with_retry(RetryPolicy(attempts=3), call, sleep=sleep))
    assert calls == 3


class FakeClock:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        """The current fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the fake time instead of waiting."""
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_requests() -> None:
    """At 4 requests/s with no burst, five requests take one second."""
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)

    async def five() -> None:
        for _ in range(5):
            await limiter.acquire()

    asyncio.run(five())
    assert clock.now == pytest.approx(101.0)


def test_rate_limiter_backs_off_and_recovers() -> None:
    """429 halves the rate and pauses everyone for Retry-After; successes win it back."""
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep, min_rate=1)
    limiter.slow_down(retry_after=2)
    assert limiter.rate == 5
    asyncio.run(limiter.acquire())
    assert clock.now == pytest.approx(102.0)
    for _ in range(20):
        limiter.speed_up()
    assert limiter.rate == 10


def test_redaction_masks_tokens_and_secrets() -> None:
    """Bearer tokens, JWTs and secret key/values never survive redaction."""
    text = (
        "Authorization: Bearer abc.def Auth: bearer eyJhbGciOi.eyJzdWIi.sig "
        "password=hunter2&client_secret=s3cr3t"
    )
    cleaned = redact(text)
    for secret in ("abc.def", "eyJhbGciOi", "hunter2", "s3cr3t"):
        assert secret not in cleaned
    assert redact_mapping({"password": "x", "nip": "1"}) == {"password": "***", "nip": "1"}


def test_error_messages_are_redacted() -> None:
    """An exception built from a message with a token carries it masked."""
    exc = ServerError("failed with header Bearer topsecret123")
    assert "topsecret123" not in str(exc)
