"""SIASN's two tokens as one ``httpx.Auth`` flow: reads and writes renew a refused token once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
import respx
from pydantic import SecretStr

from connectors.errors import ApimAuthError, SsoAuthError
from connectors.factory import AccessToken, HttpOptions, RetryPolicy, build_async_client
from connectors.myasn.sso import SuppliedSsoToken
from connectors.siasn.auth import ApimToken, SiasnAuth
from connectors.siasn.client import SiasnClient
from connectors.siasn.models import Skp22Save

API = "https://siasn.test/apisiasn/1.0"
TOKEN_URL = "https://siasn.test/oauth2/token"
NIP = "199009132025242014"
SSO = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln"  # exp in 2100
APIM_REFUSED = {"code": "900901", "message": "Invalid Credentials"}
SSO_REFUSED = {"code": 401, "message": "invalid or expired jwt", "data": None}
BODY = Skp22Save(
    tahun=2025, hasil_kinerja_nilai=2, perilaku_kerja_nilai=2, kuadran_kinerja_nilai=3, pns_dinilai_orang="P1"
)
T = TypeVar("T")


class CountingSso:
    """An SSO provider that hands out a new token (sso-1, sso-2, ...) after each invalidate."""

    renew_hint = "log in again (test hint)"

    def __init__(self) -> None:
        self.issued = 1

    async def token(self) -> AccessToken:
        """The current token."""
        return AccessToken(SecretStr(f"sso-{self.issued}"))

    def invalidate(self) -> None:
        """The next token is a new one."""
        self.issued += 1


def run(
    router: respx.MockRouter, action: Callable[[SiasnClient], Awaitable[T]], sso: Any = None
) -> tuple[T, SiasnClient]:
    """Run ``action`` with a client over ``router``; return its result and the client."""

    async def go() -> tuple[T, SiasnClient]:
        http = build_async_client(HttpOptions(), base_url=API, transport=httpx.MockTransport(router.handler))
        retry = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
        apim = ApimToken(
            http, token_url=TOKEN_URL, consumer_key="key", consumer_secret=SecretStr("secret"), retry=retry
        )
        client = SiasnClient(http, apim=apim, sso=sso or SuppliedSsoToken(SecretStr(SSO)), retry=retry)
        try:
            return await action(client), client
        finally:
            await http.aclose()

    return asyncio.run(go())


@pytest.fixture
def router() -> respx.MockRouter:
    """A router whose APIM token endpoint issues apim-1, apim-2, ..."""
    mock = respx.MockRouter(assert_all_called=False)
    issued = {"n": 0}

    def token(_request: httpx.Request) -> httpx.Response:
        issued["n"] += 1
        return httpx.Response(200, json={"access_token": f"apim-{issued['n']}", "expires_in": 3600})

    mock.post(TOKEN_URL).mock(side_effect=token)
    return mock


def test_a_write_refused_for_its_apim_token_is_posted_again_once(router: respx.MockRouter) -> None:
    """skp22/save: a gateway refusal renews the APIM token and posts the same body again."""
    saved = {"success": True, "mapData": {"rwSkpId": "RW-1"}}
    route = router.post(f"{API}/skp22/save").mock(
        side_effect=[httpx.Response(401, json=APIM_REFUSED), httpx.Response(200, json=saved)]
    )
    new_id, client = run(router, lambda c: c.skp22_save(BODY))
    assert new_id == "RW-1"
    assert [c.request.headers["authorization"] for c in route.calls] == ["Bearer apim-1", "Bearer apim-2"]
    assert [json.loads(c.request.content) for c in route.calls] == [BODY.body(), BODY.body()]
    assert client.calls == 2  # each send is paced and counted


def test_a_write_refused_twice_raises_the_apim_refusal(router: respx.MockRouter) -> None:
    """A renewed APIM token refused again: ApimAuthError after exactly two posts."""
    route = router.post(f"{API}/skp22/save").respond(401, json=APIM_REFUSED)
    with pytest.raises(ApimAuthError, match="Invalid Credentials"):
        run(router, lambda c: c.skp22_save(BODY))
    assert route.call_count == 2


def test_sso_refused_is_renewed_once_then_raised_with_the_hint(router: respx.MockRouter) -> None:
    """A provider with newer tokens is asked once; refused again, the error says what to do."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").respond(401, json=SSO_REFUSED)
    with pytest.raises(SsoAuthError, match=r"invalid or expired jwt; log in again \(test hint\)") as refused:
        run(router, lambda c: c.data_utama(NIP), sso=CountingSso())
    assert [c.request.headers["auth"] for c in route.calls] == ["bearer sso-1", "bearer sso-2"]
    assert refused.value.message.startswith(f"GET /pns/data-utama/{NIP}: ")  # the path below the base


def test_sso_renewed_then_accepted(router: respx.MockRouter) -> None:
    """SSO refused once, the renewed token accepted: the call succeeds, APIM untouched."""
    route = router.get(f"{API}/pns/data-utama/{NIP}").mock(
        side_effect=[
            httpx.Response(401, json=SSO_REFUSED),
            httpx.Response(404, json={"code": 0, "data": "Data tidak ditemukan"}),
        ]
    )
    found, client = run(router, lambda c: c.data_utama(NIP), sso=CountingSso())
    assert found is None and client.calls == 2
    assert [c.request.headers["authorization"] for c in route.calls] == ["Bearer apim-1", "Bearer apim-1"]


def test_a_write_refused_for_its_sso_token_names_what_to_do(router: respx.MockRouter) -> None:
    """A supplied SSO token refused on a write: nothing newer, one post, the mode's hint."""
    route = router.post(f"{API}/skp22/save").respond(401, json=SSO_REFUSED)
    with pytest.raises(SsoAuthError, match="EKINERJA_SIASN__SSO_ACCESS_TOKEN"):
        run(router, lambda c: c.save(BODY))
    assert route.call_count == 1


def test_the_auth_flow_needs_an_async_client() -> None:
    """The token providers are asynchronous: a synchronous client is refused, nothing sent."""
    auth = SiasnAuth(CountingSso(), CountingSso())
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    transport = httpx.MockTransport(answer)
    with httpx.Client(transport=transport) as client, pytest.raises(TypeError, match="AsyncClient"):
        client.get("https://siasn.test/x", auth=auth)
    assert sent == []
