"""Hostile input by property (issue 17.3), through the store: Sinkron SIASN fed generated
data-utama and riwayat answers either applies them (and the audit chain still verifies) or fails
with a reason and writes nothing; no database error, overflow or encoding error escapes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from connectors.factory import HttpOptions, build_async_client
from connectors.myasn.sso import SuppliedSsoToken
from connectors.siasn.auth import ApimToken
from connectors.siasn.client import SiasnClient
from connectors.siasn.models import DataUtama, RwGolongan, RwJabatan
from service.container import Container
from service.settings import Settings
from store.db import make_engine, upgrade
from sync.audit_verify import verify_chain
from sync.outcome import SinkronOutcome, Status
from sync.sinkron import Sinkron
from tests.helpers import store_state
from tests.hostile import payload
from tests.hypothesis_profiles import examples
from tests.test_props_wire import API, NO_RETRY, SSO

NIP = "199009132025242014"
PNS_ID = "A5EB03E23C4FF6A0E040640A040252AD"
BASE = {"id": PNS_ID, "nipBaru": NIP, "nama": "Sari Wulandari", "golRuangAkhirId": "32", "unorId": "U1"}


@st.composite
def profile(draw: st.DrawFn) -> dict[str, Any]:
    """A data-utama of our employee with some fields generated (plausible or hostile)."""
    generated = draw(payload(DataUtama))
    fields = generated if isinstance(generated, dict) else {}
    return {**BASE, **fields, "nipBaru": NIP, "id": draw(st.sampled_from([PNS_ID, PNS_ID, fields.get("id")]))}


def answers(data_utama: dict[str, Any], riwayat: list[Any]) -> httpx.MockTransport:
    """A fake SIASN: tokens, the data-utama envelope, and ``riwayat`` for both histories."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
        data: Any = data_utama if "/data-utama/" in path else riwayat
        return httpx.Response(200, content=json.dumps({"code": 1, "data": data}).encode())

    return httpx.MockTransport(handle)


def run_sinkron(container: Container, transport: httpx.MockTransport) -> SinkronOutcome:
    """One Sinkron SIASN of ``NIP`` against ``transport``."""

    async def go() -> SinkronOutcome:
        http = build_async_client(HttpOptions(), base_url=API, transport=transport)
        apim = ApimToken(
            http, token_url=f"{API}/token", consumer_key="k", consumer_secret=SecretStr("s"), retry=NO_RETRY
        )
        client = SiasnClient(http, apim=apim, sso=SuppliedSsoToken(SecretStr(SSO)), retry=NO_RETRY)
        try:
            return await Sinkron(client, container.sessions).run(NIP, actor="test")
        finally:
            await http.aclose()

    return asyncio.run(go())


@pytest.fixture
def store(database_url: str) -> Iterator[Container]:
    """A migrated store holding the employee once, as a first Sinkron left them."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    built = Container.build(Settings(database_url=database_url))
    assert run_sinkron(built, answers(BASE, [])).status is Status.CREATED
    yield built
    built.close()


@settings(max_examples=examples(12))
@given(
    data_utama=profile(),
    riwayat=st.lists(st.one_of(payload(RwGolongan), payload(RwJabatan)), max_size=2),
)
@example(data_utama={**BASE, "nama": "x" * 201}, riwayat=[]).via("longer than pegawai.nama")
@example(data_utama={**BASE, "jenisJabatanId": 2**40}, riwayat=[]).via("beyond an INTEGER column")
@example(data_utama={**BASE, "nama": "Sari\x00"}, riwayat=[]).via("a NUL PostgreSQL cannot store")
@example(data_utama={**BASE, "nama": "Sari\ud800"}, riwayat=[]).via("a lone surrogate")
def test_sinkron_of_hostile_answers_applies_or_writes_nothing(
    store: Container, data_utama: dict[str, Any], riwayat: list[Any]
) -> None:
    """A hostile answer is applied whole (audit chain intact) or refused with nothing written."""
    before = store_state(store)
    outcome = run_sinkron(store, answers(data_utama, riwayat))
    if outcome.status is Status.FAILED:
        assert outcome.reason and store_state(store) == before
    with store.sessions() as session:
        assert verify_chain(session).ok
