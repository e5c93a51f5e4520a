"""The simulated SIASN enforces a request budget per credential and counts every request it gets."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from simulators.dataset import generate_world
from simulators.ratelimit import RateBudget, request_kind
from simulators.server import ServerThread
from simulators.siasn import API_PREFIX, APIM_TOKEN_PATH, SiasnSimulator


@pytest.fixture
def served() -> Iterator[tuple[SiasnSimulator, str]]:
    """A small simulator on a loopback socket (yielded with its URL)."""
    sim = SiasnSimulator(generate_world(2, 40))
    server = ServerThread(sim.app()).start()
    yield sim, server.url
    server.stop()


def _apim_token(url: str, sim: SiasnSimulator) -> httpx.Response:
    creds = sim.credentials
    return httpx.post(
        url + APIM_TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        auth=(creds.consumer_key, creds.consumer_secret),
    )


def test_bucket_admits_a_burst_then_says_how_long_to_wait() -> None:
    """With rate 2/s and burst 3, three requests pass at once, the fourth waits half a second,
    and after a second two more tokens are back."""
    budget = RateBudget(rate=2, burst=3)
    assert [budget.admit("k", "api", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.admit("k", "api", now=100.0) == pytest.approx(0.5)
    assert budget.admit("k", "api", now=101.0) == 0.0
    assert budget.admit("k", "api", now=101.0) == 0.0
    assert budget.admit("k", "api", now=101.0) > 0
    assert budget.admit("other", "api", now=101.0) == 0.0  # each credential has its own bucket


def test_every_request_is_counted_per_second_with_tokens_and_throttles() -> None:
    """Counts go to the wall-clock second: totals, token requests and throttled ones."""
    budget = RateBudget(rate=1, burst=1)
    budget.admit("k", "token", now=50.2)
    budget.admit("k", "api", now=50.4)
    budget.admit("k", "api", now=51.5)
    seconds = budget.snapshot()["seconds"]
    assert seconds == {"50": {"total": 2, "token": 1, "api": 1, "throttled": 1}, "51": {"total": 1, "api": 1}}
    assert budget.totals == {"total": 3, "token": 1, "api": 2, "throttled": 1}


def test_unlimited_budget_still_counts() -> None:
    """Rate 0 admits everything and still counts each request."""
    budget = RateBudget()
    assert all(budget.admit("k", "api", now=7.0) == 0.0 for _ in range(50))
    assert budget.totals["total"] == 50 and "throttled" not in budget.totals


def test_token_endpoints_are_told_apart() -> None:
    """The APIM and SSO token paths count as ``token``, the rest as ``api``."""
    assert request_kind(APIM_TOKEN_PATH) == "token"
    assert request_kind("/auth/realms/public-siasn/protocol/openid-connect/token") == "token"
    assert request_kind(API_PREFIX + "/pns/data-utama/1") == "api"


def test_server_answers_429_with_retry_after_once_the_budget_is_spent(
    served: tuple[SiasnSimulator, str],
) -> None:
    """Over a socket: the limit set through /_sim/ratelimit throttles token and API requests
    with the gateway's body and a whole-second Retry-After; /_sim routes are neither counted
    nor throttled."""
    sim, url = served
    set_limit = httpx.post(f"{url}/_sim/ratelimit", json={"rate": 0.01, "burst": 2, "reset": True})
    assert set_limit.json() == {"ok": True, "rate": 0.01, "burst": 2.0}
    token = _apim_token(url, sim)
    assert token.status_code == 200
    nip = next(iter(sim.world.pegawai))
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    first = httpx.get(f"{url}{API_PREFIX}/pns/data-utama/{nip}", headers=headers)
    assert first.status_code == 401  # admitted (no SSO token): the backend's own answer
    refused = httpx.get(f"{url}{API_PREFIX}/pns/data-utama/{nip}", headers=headers)
    assert refused.status_code == 429
    assert refused.json()["message"] == "Message throttled out"
    assert int(refused.headers["retry-after"]) > 50  # 100 s to refill one token
    assert _apim_token(url, sim).status_code == 429  # a token request draws from it too
    for _ in range(5):
        assert httpx.get(f"{url}/_sim/stats").status_code == 200
    stats = httpx.get(f"{url}/_sim/ratelimit").json()
    assert stats["totals"] == {"total": 4, "token": 2, "api": 2, "throttled": 2}
    assert sum(s["total"] for s in stats["seconds"].values()) == 4


def test_bad_limit_is_refused_and_keeps_the_old_one(served: tuple[SiasnSimulator, str]) -> None:
    """A negative rate or a burst below 1 is a 400 and changes nothing."""
    sim, url = served
    httpx.post(f"{url}/_sim/ratelimit", json={"rate": 5, "burst": 2})
    for body in ({"rate": -1}, {"rate": 1, "burst": 0}, {"rate": "x"}, [1]):
        assert httpx.post(f"{url}/_sim/ratelimit", json=body).status_code == 400
    assert (sim.budget.rate, sim.budget.burst) == (5, 2)
