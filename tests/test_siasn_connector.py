"""The SIASN connector against respx routes built from recorded and hand-written payloads."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import respx
from pydantic import SecretStr

from connectors.errors import (
    ApimAuthError,
    NetworkError,
    PayloadError,
    RateLimited,
    ServerError,
    SsoAuthError,
)
from connectors.factory import HttpOptions, RetryPolicy, build_async_client
from connectors.myasn.sso import SuppliedSsoToken
from connectors.siasn.auth import ApimToken
from connectors.siasn.client import SiasnClient

PAYLOADS = Path(__file__).parent / "payloads"
API = "https://siasn.test/apisiasn/1.0"
TOKEN_URL = "https://siasn.test/oauth2/token"
NIP = "199009132025242014"
SSO = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln"  # exp in 2100
T = TypeVar("T")


def payload(name: str) -> Any:
    """A stored payload file."""
    return json.loads((PAYLOADS / name).read_text())


def run(
    router: respx.MockRouter, action: Callable[[SiasnClient], Awaitable[T]], *, page_size: int = 500
) -> T:
    """Run ``action`` with a client whose transport is ``router``."""

    async def go() -> T:
        http = build_async_client(HttpOptions(), base_url=API, transport=httpx.MockTransport(router.handler))
        retry = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
        apim = ApimToken(
            http, token_url=TOKEN_URL, consumer_key="key", consumer_secret=SecretStr("secret"), retry=retry
        )
        client = SiasnClient(
            http, apim=apim, sso=SuppliedSsoToken(SecretStr(SSO)), retry=retry, page_size=page_size
        )
        try:
            return await action(client)
        finally:
            await http.aclose()

    return asyncio.run(go())


@pytest.fixture
def router() -> respx.MockRouter:
    """A router with a working APIM token endpoint that counts tokens issued."""
    mock = respx.MockRouter(assert_all_called=False)
    counter = {"n": 0}

    def token(request: httpx.Request) -> httpx.Response:
        counter["n"] += 1
        return httpx.Response(
            200, json={"access_token": f"apim-{counter['n']}", "token_type": "Bearer", "expires_in": 3600}
        )

    mock.post(TOKEN_URL).mock(side_effect=token)
    return mock


def test_apim_token_request_and_both_headers(router: respx.MockRouter) -> None:
    """client_credentials with HTTP Basic; Authorization <- APIM, Auth <- SSO on the call."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").respond(200, json=payload("data_utama_quirky.json"))
    data = run(router, lambda c: c.data_utama(NIP))
    assert data is not None and data.id == "A8ACA7F6E26B3912E040640A040269BB"
    token_call = router.calls[0].request
    assert token_call.headers["authorization"] == "Basic " + base64.b64encode(b"key:secret").decode()
    assert token_call.content == b"grant_type=client_credentials"
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Bearer apim-1"
    assert sent.headers["auth"] == f"bearer {SSO}"


def test_quirky_payload_is_tolerated(router: respx.MockRouter) -> None:
    """Casing drift, empty strings, numbers as strings or ints, unknown keys all parse."""
    router.get(f"{API}/pns/data-utama/{NIP}").respond(200, json=payload("data_utama_quirky.json"))
    data = run(router, lambda c: c.data_utama(NIP))
    assert data is not None
    assert data.nip_baru == NIP and data.jenis_kelamin == "F"
    assert data.gelar_depan is None and data.no_hp == "81234567890"
    assert data.jenis_jabatan_id == 4 and data.gol_ruang_akhir_id is None
    assert data.tanggal_taspen is not None and data.tanggal_taspen.year == 2025
    assert data.gaji_pokok is None
    assert data.model_extra and data.model_extra["fieldBaruDariBkn"] == "tidak dikenal"


def test_404_code_0_means_not_in_siasn(router: respx.MockRouter) -> None:
    """HTTP 404 {"code":0,"data":"Data tidak ditemukan"} is None / empty, not an error."""
    router.get(f"{API}/pns/data-utama/{NIP}").respond(404, json={"code": 0, "data": "Data tidak ditemukan"})
    router.get(f"{API}/pns/rw-golongan/{NIP}").respond(404, json={"code": 0, "data": "Data tidak ditemukan"})
    assert run(router, lambda c: c.data_utama(NIP)) is None
    assert run(router, lambda c: c.rw_golongan(NIP)) == []


def test_401_refreshes_apim_once(router: respx.MockRouter) -> None:
    """A gateway 401 invalidates the APIM token, fetches a new one and retries once."""
    route = router.get(f"{API}/pns/rw-golongan/{NIP}").mock(
        side_effect=[
            httpx.Response(401, json={"code": "900901", "message": "Invalid Credentials"}),
            httpx.Response(200, json=payload("rw_golongan_recorded.json")),
        ]
    )
    rows = run(router, lambda c: c.rw_golongan(NIP))
    assert rows and rows[0].golongan_id is not None
    assert [c.request.headers["authorization"] for c in route.calls] == ["Bearer apim-1", "Bearer apim-2"]


def test_persistent_401_is_apim_auth_error(router: respx.MockRouter) -> None:
    """When the refreshed token is refused too, the error says APIM, after one refresh."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").respond(
        401, json={"code": "900901", "message": "Invalid Credentials"}
    )
    with pytest.raises(ApimAuthError, match="APIM"):
        run(router, lambda c: c.data_utama(NIP))
    assert route.call_count == 2


@pytest.mark.parametrize(
    "body",
    [
        {"code": 401, "message": "invalid or expired jwt", "data": None},
        {"code": 0, "message": "Unauthorized", "data": "Token SSO mismatch"},
    ],
)
def test_sso_problems_are_not_retried(router: respx.MockRouter, body: dict[str, Any]) -> None:
    """SSO refusals raise SsoAuthError at once: no APIM refresh, no retry loop."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").respond(401, json=body)
    with pytest.raises(SsoAuthError):
        run(router, lambda c: c.data_utama(NIP))
    assert route.call_count == 1


def test_429_with_retry_after_then_success(router: respx.MockRouter) -> None:
    """429 is retried after Retry-After; the limiter slows down."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").mock(
        side_effect=[
            httpx.Response(
                429, headers={"Retry-After": "0"}, json={"code": "900800", "message": "Message throttled out"}
            ),
            httpx.Response(200, json=payload("data_utama_recorded.json")),
        ]
    )
    assert run(router, lambda c: c.data_utama(NIP)) is not None
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("responses", "error"),
    [
        (
            [httpx.Response(503, json={"message": "Runtime Error", "description": "SUSPENDED"})] * 3,
            ServerError,
        ),
        (
            [httpx.Response(502, text="<html>Bad Gateway</html>", headers={"content-type": "text/html"})] * 3,
            ServerError,
        ),
        ([httpx.Response(429, headers={"Retry-After": "0"}, json={"message": "throttled"})] * 3, RateLimited),
    ],
)
def test_transient_errors_exhaust_retries(
    router: respx.MockRouter, responses: list[httpx.Response], error: type[Exception]
) -> None:
    """5xx, HTML 502 and 429 are retried up to the policy's attempts, then raised."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").mock(side_effect=responses)
    with pytest.raises(error):
        run(router, lambda c: c.data_utama(NIP))
    assert route.call_count == 3


def test_timeout_is_a_retried_network_error(router: respx.MockRouter) -> None:
    """A read timeout is a NetworkError, retried, then raised."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(NetworkError):
        run(router, lambda c: c.data_utama(NIP))
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"}), "non-JSON"),
        (httpx.Response(200, text='{"code": 1, "data": {"id"'), "non-JSON"),
        (
            httpx.Response(
                200, json={"code": 1, "data": {"id": "X", "nipBaru": NIP, "tglLahir": "31-02-1990"}}
            ),
            "tglLahir",
        ),
        (httpx.Response(200, json={"code": 1, "data": ["not", "an", "object"]}), "not an object"),
    ],
)
def test_bad_bodies_are_payload_errors_naming_the_problem(
    router: respx.MockRouter, response: httpx.Response, message: str
) -> None:
    """HTML, truncated JSON, a bad date or a wrong shape: PayloadError saying where."""
    router.get(f"{API}/pns/data-utama/{NIP}").mock(return_value=response)
    with pytest.raises(PayloadError, match=message):
        run(router, lambda c: c.data_utama(NIP))


def test_ref_unor_pages_until_a_short_page(router: respx.MockRouter) -> None:
    """ref-unor is read with limit/offset until a page shorter than the limit."""
    rows = payload("ref_unor_recorded.json")["data"]
    route = router.get(f"{API}/referensi/ref-unor").mock(
        side_effect=[
            httpx.Response(200, json={"code": 1, "data": rows[:3]}),
            httpx.Response(200, json={"code": 1, "data": rows[3:6]}),
            httpx.Response(200, json={"code": 1, "data": rows[6:]}),
        ]
    )
    units = run(router, lambda c: c.ref_unor(), page_size=3)
    assert [u.id for u in units] == [r["Id"] for r in rows]
    offsets = [c.request.url.params["offset"] for c in route.calls]
    assert offsets == ["0", "3", "6"]


def test_empty_page_and_null_data(router: respx.MockRouter) -> None:
    """{"code":1,"data":null} is an empty list, not an error."""
    router.get(f"{API}/referensi/ref-unor").respond(200, json={"code": 1, "data": None})
    router.get(f"{API}/pns/rw-kinerjaperiodik/{NIP}").respond(200, json={"code": 1, "data": []})
    assert run(router, lambda c: c.ref_unor()) == []
    assert run(router, lambda c: c.rw_kinerjaperiodik(NIP)) == []


def test_expired_supplied_sso_token_fails_fast() -> None:
    """An operator-supplied SSO token past its exp fails before any call, saying what to do."""
    expired = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEwMDB9.c2ln"
    source = SuppliedSsoToken(SecretStr(expired))
    with pytest.raises(SsoAuthError, match="EKINERJA_SIASN__SSO_ACCESS_TOKEN"):
        asyncio.run(source.token())
