"""Both SIASN tokens refused at once (a SIASN restart): each is renewed once, in either order."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from connectors.errors import SsoAuthError
from connectors.factory import build_async_client
from connectors.myasn.sso import SsoTokenFile, SuppliedSsoToken
from service.container import Container, http_options, siasn_client
from service.settings import SiasnSettings
from simulators.siasn import SiasnSimulator
from sync.reconcile import ReconcileOptions, Reconciler
from tests.helpers import import_export, staff_nip

pytestmark = pytest.mark.e2e


def _with_client(settings: SiasnSettings, action: Any, **tokens: Any) -> Any:
    async def go() -> Any:
        http = build_async_client(http_options(settings), base_url=settings.api_url)
        try:
            return await action(siasn_client(settings, http, **tokens))
        finally:
            await http.aclose()

    return asyncio.run(go())


def test_restart_refusing_both_tokens_renews_both(sim: SiasnSimulator, siasn_settings: SiasnSettings) -> None:
    """APIM 401 then SSO refused on the retry: both are renewed and the call succeeds."""
    nip = staff_nip(sim.world)

    async def action(client: Any) -> tuple[Any, Any]:
        first = await client.data_utama(nip)
        sim.restart()
        return first, await client.data_utama(nip)

    before = sim.stats["apim_token"]
    first, second = _with_client(siasn_settings, action)
    assert first is not None and second is not None and second.nip_baru == nip
    assert sim.stats["apim_token"] - before == 2  # the first token, then one renewal


def test_sso_refused_first_then_apim_renews_both(sim: SiasnSimulator, siasn_settings: SiasnSettings) -> None:
    """SSO refused first, then the gateway refuses the APIM token: both renewed, call succeeds."""
    nip = staff_nip(sim.world)

    async def action(client: Any) -> Any:
        await client.data_utama(nip)
        sim.expire_apim_tokens()
        sim.faults.script("sso_expired", path="data-utama")
        return await client.data_utama(nip)

    assert _with_client(siasn_settings, action) is not None
    assert sim.stats["fault_sso_expired"] == 1


def test_supplied_token_refused_twice_is_not_renewed_forever(
    sim: SiasnSimulator, siasn_settings: SiasnSettings
) -> None:
    """A supplied SSO token SIASN refuses stops with the SSO error at once, without a loop."""
    nip = staff_nip(sim.world)
    stale = SuppliedSsoToken(SecretStr(sim.issue_sso_token()))
    sim.restart()
    calls_before = sim.stats["api"]
    with pytest.raises(SsoAuthError):
        _with_client(siasn_settings, lambda c: c.data_utama(nip), sso=stale)
    assert sim.stats["api"] - calls_before == 1  # nothing newer to try: one call, no loop


def test_reconcile_survives_a_siasn_restart_mid_run(container: Container, sim: SiasnSimulator) -> None:
    """A restart after the first batch refuses both tokens; the run renews them and completes."""
    import_export(container, sim.world)
    restarted: list[int] = []

    def progress(phase: str, done: int, _total: int) -> None:
        if phase == "fetch" and not restarted:
            restarted.append(done)
            sim.restart()

    async def go() -> dict[str, Any]:
        async with container.siasn() as siasn:
            options = ReconcileOptions(batch_size=20, concurrency=4)
            return await Reconciler(siasn, container.sessions, options, progress).run()

    report = asyncio.run(go())
    assert restarted, "the restart never happened"
    assert report["status"] == "completed", report
    assert report["counts"]["failed"] == 0
    assert report["counts"]["absent"] == len(sim.world.pegawai)


def test_restart_helper_refuses_old_tokens(sim: SiasnSimulator, siasn_settings: SiasnSettings) -> None:
    """The simulator's restart refuses an SSO token issued before it (the fixture is real)."""
    token = sim.issue_sso_token()
    sim.restart()
    assert sim.realm.verify_access(token) is None
    assert sim.realm.verify_access(sim.issue_sso_token()) is not None
    response = httpx.get(
        siasn_settings.api_url + "/pns/data-utama/1",
        headers={"Authorization": "Bearer x", "Auth": f"bearer {token}"},
    )
    assert response.status_code == 401


def test_refused_token_file_says_which_file_to_replace(
    sim: SiasnSimulator, siasn_settings: SiasnSettings, tmp_path: Path
) -> None:
    """Token-file mode: a token SIASN refuses names the file to write, not another variable."""
    path = tmp_path / "sso.txt"
    path.write_text(sim.issue_sso_token())
    sim.restart()
    with pytest.raises(SsoAuthError) as refused:
        _with_client(siasn_settings, lambda c: c.data_utama(staff_nip(sim.world)), sso=SsoTokenFile(path))
    assert str(path) in refused.value.message
    assert "SSO_ACCESS_TOKEN" not in refused.value.message
