"""The PMM client: contract tests over respx (401, 429, 5xx, timeout, empty page, bad records)
and the PMM simulator on a real loopback socket (paging, updated_since, results that change)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
import respx
from pydantic import SecretStr

from connectors.errors import (
    AuthError,
    NetworkError,
    NotFoundError,
    PayloadError,
    PermanentError,
    RateLimited,
    ServerError,
)
from connectors.factory import HttpOptions, RateLimiter, RetryPolicy, build_async_client
from connectors.pmm.auth import PmmToken
from connectors.pmm.client import PmmClient
from simulators.pmm import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH, PmmSimulator
from simulators.server import ServerThread

BASE = "https://pmm.test"
HASIL = f"{BASE}/v1/pengelolaan-kinerja/hasil"
T = TypeVar("T")
RESULT: dict[str, Any] = {
    "id": "r-1",
    "periode_id": "2025",
    "status": "DINILAI",
    "pegawai": {"nip": "198703122010012004", "nuptk": "4644765666300012", "nama": "Siti"},
    "rating_hasil_kerja": "SESUAI_EKSPEKTASI",
    "rating_perilaku_kerja": "SESUAI_EKSPEKTASI",
    "predikat": "BAIK",
    "updated_at": "2025-12-19T10:42:11+07:00",
}


def run(
    action: Callable[[PmmClient], Awaitable[T]],
    *,
    base: str = BASE,
    transport: httpx.AsyncBaseTransport | None = None,
    page_size: int = 200,
    read_timeout: float = 30.0,
    secret: str = CLIENT_SECRET,
) -> T:
    """Run ``action`` with a PMM client on ``transport`` (the network when None)."""

    async def go() -> T:
        http = build_async_client(HttpOptions(read_timeout=read_timeout), base_url=base, transport=transport)
        retry = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
        token = PmmToken(
            http,
            token_url=f"{base}{TOKEN_PATH}",
            client_id=CLIENT_ID,
            client_secret=SecretStr(secret),
            retry=retry,
        )
        client = PmmClient(http, token=token, retry=retry, page_size=page_size)
        try:
            return await action(client)
        finally:
            await http.aclose()

    return asyncio.run(go())


@pytest.fixture
def router() -> respx.MockRouter:
    """A router with a working token endpoint that counts tokens issued."""
    mock = respx.MockRouter(assert_all_called=False)
    counter = {"n": 0}

    def token(request: httpx.Request) -> httpx.Response:
        counter["n"] += 1
        pair = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        assert request.headers["authorization"] == f"Basic {pair}"
        assert b"grant_type=client_credentials" in request.content
        return httpx.Response(
            200, json={"access_token": f"tok-{counter['n']}", "token_type": "Bearer", "expires_in": 3600}
        )

    mock.post(f"{BASE}{TOKEN_PATH}").mock(side_effect=token)
    return mock


def mocked(router: respx.MockRouter, action: Callable[[PmmClient], Awaitable[T]]) -> T:
    """Run ``action`` against ``router``."""
    return run(action, transport=httpx.MockTransport(router.handler))


def _page(client: PmmClient) -> Awaitable[Any]:
    return client.hasil_page("2025")


def test_bearer_token_and_query_parameters(router: respx.MockRouter) -> None:
    """Bearer token from client credentials; periode, limit, npsn, updated_since, cursor sent."""
    route = router.get(HASIL).mock(
        return_value=httpx.Response(200, json={"data": [RESULT], "next_cursor": None})
    )
    since = datetime(2025, 6, 1, tzinfo=UTC)
    page = mocked(router, lambda c: c.hasil_page("2025", npsn="20512345", updated_since=since, cursor="abc"))
    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer tok-1"
    assert dict(request.url.params) == {
        "periode_id": "2025",
        "limit": "200",
        "npsn": "20512345",
        "updated_since": "2025-06-01T00:00:00+00:00",
        "cursor": "abc",
    }
    assert [r.id for r in page.results] == ["r-1"] and page.next_cursor is None


def test_401_renews_the_token_once(router: respx.MockRouter) -> None:
    """A 401 renews the token and repeats the call once; a second 401 is an AuthError."""
    unauthorized = httpx.Response(401, json={"error": {"code": "UNAUTHORIZED", "message": "x"}})
    route = router.get(HASIL).mock(
        side_effect=[unauthorized, httpx.Response(200, json={"data": [], "next_cursor": None})]
    )
    assert mocked(router, _page).results == []
    assert route.calls.last.request.headers["authorization"] == "Bearer tok-2"
    router.get(HASIL).mock(return_value=unauthorized)
    with pytest.raises(AuthError, match="UNAUTHORIZED"):
        mocked(router, _page)


def test_429_waits_for_retry_after_then_succeeds(router: respx.MockRouter) -> None:
    """429 with Retry-After is retried after the wait the server asked for."""
    limited = httpx.Response(
        429, headers={"Retry-After": "0"}, json={"error": {"code": "RATE_LIMITED", "message": "slow down"}}
    )
    router.get(HASIL).mock(side_effect=[limited, httpx.Response(200, json={"data": [RESULT]})])
    assert len(mocked(router, _page).results) == 1
    router.get(HASIL).mock(return_value=limited)
    with pytest.raises(RateLimited):
        mocked(router, _page)


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(500, json={"error": {"code": "INTERNAL", "message": "boom"}}), ServerError),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), ServerError),
        (httpx.Response(400, json={"error": {"code": "BAD_REQUEST", "message": "limit"}}), PermanentError),
        (httpx.Response(404, json={"error": {"code": "PERIODE_NOT_FOUND", "message": "x"}}), NotFoundError),
        (httpx.Response(200, text="<html>login</html>"), PayloadError),
        (httpx.Response(200, json={"items": []}), PayloadError),
        (httpx.Response(200, json={"data": {"id": 1}}), PayloadError),
        (httpx.Response(200, json={"data": [], "next_cursor": 5}), PayloadError),
    ],
)
def test_error_table(router: respx.MockRouter, response: httpx.Response, error: type[Exception]) -> None:
    """Each refusal or bad body becomes its error type; only transient ones are retried."""
    route = router.get(HASIL).mock(return_value=response)
    with pytest.raises(error):
        mocked(router, _page)
    assert route.call_count == (3 if error is ServerError else 1)


def test_timeout_is_a_retried_network_error(router: respx.MockRouter) -> None:
    """A read timeout is a NetworkError, retried, then raised."""
    route = router.get(HASIL).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(NetworkError):
        mocked(router, _page)
    assert route.call_count == 3


def test_empty_page_and_null_data(router: respx.MockRouter) -> None:
    """An empty page and ``data: null`` are both no results, not errors."""
    router.get(HASIL).mock(
        side_effect=[
            httpx.Response(200, json={"data": [], "next_cursor": None}),
            httpx.Response(200, json={"data": None}),
        ]
    )
    assert mocked(router, _page).results == []
    assert mocked(router, _page).results == []


def test_bad_records_are_set_aside_with_the_reason(router: respx.MockRouter) -> None:
    """A mangled NIP or unknown rating rejects that record only, naming field and record."""
    bad_nip = {**RESULT, "id": "r-2", "pegawai": {"nip": "1.98703E+17"}}
    bad_rating = {**RESULT, "id": "r-3", "rating_hasil_kerja": "LUAR_BIASA"}
    router.get(HASIL).mock(
        return_value=httpx.Response(
            200, json={"data": [RESULT, bad_nip, bad_rating, "junk"], "next_cursor": None}
        )
    )
    page = mocked(router, _page)
    assert [r.id for r in page.results] == ["r-1"]
    assert [(r.index, r.id, r.field) for r in page.rejected] == [
        (1, "r-2", "pegawai.nip"),
        (2, "r-3", "rating_hasil_kerja"),
        (3, None, "(record)"),
    ]
    assert page.rejected[0].nip == "1.98703E+17"


def test_repeating_cursor_is_refused(router: respx.MockRouter) -> None:
    """A server that hands back the same cursor forever is stopped, not followed."""
    router.get(HASIL).mock(return_value=httpx.Response(200, json={"data": [RESULT], "next_cursor": "same"}))

    async def drain(client: PmmClient) -> int:
        return len([page async for page in client.hasil("2025")])

    with pytest.raises(PayloadError, match="repeats"):
        mocked(router, drain)


# --- the simulator over a real socket -------------------------------------------------------
@pytest.fixture
def pmm(pmm_sim: PmmSimulator) -> PmmSimulator:
    """The PMM simulator of the test world (conftest ``pmm_sim``)."""
    return pmm_sim


@pytest.fixture
def pmm_url(pmm_server: ServerThread) -> str:
    """Where the PMM simulator listens (conftest ``pmm_server``)."""
    return pmm_server.url


def _all(periode_id: str, **kwargs: Any) -> Callable[[PmmClient], Awaitable[list[Any]]]:
    async def action(client: PmmClient) -> list[Any]:
        return [r async for page in client.hasil(periode_id, **kwargs) for r in page.results]

    return action


def test_simulator_pages_every_result_of_a_period(pmm: PmmSimulator, pmm_url: str) -> None:
    """Paging through the simulator yields each result of the period exactly once."""
    periods = run(lambda c: c.periode(), base=pmm_url)
    assert [(p.id, p.jenis) for p in periods] == [
        ("2024-1", "SEMESTER"),
        ("2024-2", "SEMESTER"),
        ("2025", "TAHUNAN"),
    ]
    results = run(_all("2025"), base=pmm_url, page_size=7)
    expected = {r["id"] for r in pmm.results.values() if r["periode_id"] == "2025"}
    assert len(results) == len(expected) > 7 and {r.id for r in results} == expected
    assert all(r.pegawai.nuptk for r in results)


def test_updated_since_and_npsn_select(pmm: PmmSimulator, pmm_url: str) -> None:
    """updated_since is inclusive; npsn selects one school."""
    rows = pmm.ordered("2025")
    changed = pmm.touch(rows[0]["id"], status="DINILAI")
    since = datetime.fromisoformat(changed["updated_at"])
    assert [r.id for r in run(_all("2025", updated_since=since), base=pmm_url)] == [changed["id"]]
    npsn = rows[1]["satuan_pendidikan"]["npsn"]
    school = run(_all("2025", npsn=npsn), base=pmm_url)
    assert school and {r.satuan_pendidikan.npsn for r in school} == {npsn}


def test_results_changing_while_paging(pmm: PmmSimulator, pmm_url: str) -> None:
    """A result updated mid-paging comes again at the end and its neighbour is skipped; a
    re-read from the first page's time finds everything (why the feed re-reads a window)."""
    before = {r["id"] for r in pmm.ordered("2025")}
    start = datetime.fromisoformat(pmm.ordered("2025")[0]["updated_at"])
    pmm.touch_after_page = {1: 1}
    first = run(_all("2025"), base=pmm_url, page_size=5)
    ids = [r.id for r in first]
    assert len(ids) == len(before)  # one seen twice, one missed
    assert len(set(ids)) == len(before) - 1
    again = run(_all("2025", updated_since=start), base=pmm_url, page_size=5)
    assert {r.id for r in first} | {r.id for r in again} == before


def test_simulator_faults_and_expired_tokens(pmm: PmmSimulator, pmm_url: str) -> None:
    """Scripted 503, 429 and reset are retried through; expired tokens are renewed."""
    pmm.faults.retry_after = 0
    pmm.faults.script("503", "429", path="/hasil")
    assert run(lambda c: c.hasil_page("2025"), base=pmm_url).results
    pmm.expire_tokens()
    pmm.faults.script("reset", path="/hasil")
    assert run(lambda c: c.hasil_page("2025"), base=pmm_url).results
    assert pmm.stats["fault_503"] == pmm.stats["fault_429"] == pmm.stats["fault_reset"] == 1
    with pytest.raises(NotFoundError, match="PERIODE_NOT_FOUND"):
        run(lambda c: c.hasil_page("1999"), base=pmm_url)


def test_wrong_client_secret_is_an_auth_error_without_the_secret(pmm: PmmSimulator, pmm_url: str) -> None:
    """A refused client secret raises AuthError once (no retries) and never shows the secret."""
    with pytest.raises(AuthError) as caught:
        run(lambda c: c.periode(), base=pmm_url, secret="salah-rahasia-123")
    assert "invalid_client" in str(caught.value) and "salah-rahasia-123" not in str(caught.value)
    assert pmm.stats["token"] == 1 and pmm.stats["api"] == 0


def test_rate_budget_slows_down_on_429(router: respx.MockRouter) -> None:
    """A 429 halves the shared request budget before the retry; success wins some back."""
    limited = httpx.Response(
        429, headers={"Retry-After": "0"}, json={"error": {"code": "RATE_LIMITED", "message": "x"}}
    )
    router.get(HASIL).mock(side_effect=[limited, httpx.Response(200, json={"data": []})])

    async def action(client: PmmClient) -> tuple[float | None, float | None]:
        client.limiter = RateLimiter(100.0)
        await client.hasil_page("2025")
        return client.limiter.rate, client.limiter.ceiling

    rate, ceiling = mocked(router, action)
    assert rate is not None and ceiling == 100.0 and rate == 55.0
