"""SSO token provider modes against the realm simulator: file, refresh token, password, MFA."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from connectors.errors import SsoAuthError
from connectors.factory import RetryPolicy
from connectors.myasn.sso import PasswordGrantSso, RefreshTokenSso, SsoTokenFile
from simulators.myasn import OIDC, Account
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator

pytestmark = pytest.mark.e2e
FAST = RetryPolicy(attempts=2, base_delay=0.001)


def test_token_file_is_reread_when_replaced(sim: SiasnSimulator, tmp_path: Path) -> None:
    """A replaced token file is picked up without a restart; an expired one fails fast."""
    path = tmp_path / "sso_token.json"
    path.write_text(sim.issue_sso_token(lifetime=-10))
    source = SsoTokenFile(path)
    with pytest.raises(SsoAuthError, match=str(path)):
        asyncio.run(source.token())
    fresh = sim.issue_sso_token()
    path.write_text(json.dumps({"access_token": fresh, "expires_in": 43200}))
    os.utime(path, (time.time() + 1, time.time() + 1))
    token = asyncio.run(source.token())
    assert token.value.get_secret_value() == fresh
    assert sim.realm.verify_access(fresh) is not None


def test_missing_token_file_says_what_to_do(tmp_path: Path) -> None:
    """A token file that does not exist is a clear SSO error naming the file."""
    with pytest.raises(SsoAuthError, match="cannot read the SSO token file"):
        asyncio.run(SsoTokenFile(tmp_path / "none.txt").token())


def _post(url: str, form: dict[str, str]) -> httpx.Response:
    return httpx.post(url, data=form, timeout=10)


def test_refresh_token_mode_rotates_and_fails_fast_when_revoked(
    sim: SiasnSimulator, sim_server: ServerThread
) -> None:
    """Refresh grant gives a valid token and a rotated refresh token; a revoked one fails."""
    creds = sim.credentials
    token_url = sim_server.url + OIDC + "/token"
    first = _post(
        token_url,
        {
            "grant_type": "password",
            "client_id": creds.sso_client_id,
            "username": creds.sso_username,
            "password": creds.sso_password,
        },
    ).json()

    async def go() -> tuple[str, str]:
        async with httpx.AsyncClient() as http:
            source = RefreshTokenSso(
                http,
                token_url=token_url,
                client_id=creds.sso_client_id,
                refresh_token=SecretStr(first["refresh_token"]),
                retry=FAST,
            )
            token = await source.token()
            return token.value.get_secret_value(), source.refresh_token.get_secret_value()

    access, rotated = asyncio.run(go())
    assert sim.realm.verify_access(access) is not None and rotated != first["refresh_token"]
    reused = _post(
        token_url,
        {
            "grant_type": "refresh_token",
            "client_id": creds.sso_client_id,
            "refresh_token": first["refresh_token"],
        },
    )
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"

    async def revoked() -> None:
        async with httpx.AsyncClient() as http:
            source = RefreshTokenSso(
                http,
                token_url=token_url,
                client_id=creds.sso_client_id,
                refresh_token=SecretStr("not-a-token"),
                retry=FAST,
            )
            await source.token()

    with pytest.raises(SsoAuthError, match="EKINERJA_SIASN__SSO_REFRESH_TOKEN"):
        asyncio.run(revoked())


def test_mfa_account_refuses_password_grant(sim: SiasnSimulator, sim_server: ServerThread) -> None:
    """As Keycloak does since the 2025 MFA change: invalid_grant; the message says what to do."""
    sim.realm.add_account(Account("198001012005011001", "rahasia", "Ani", totp_secret="JBSWY3DPEHPK3PXP"))
    token_url = sim_server.url + OIDC + "/token"

    async def go() -> None:
        async with httpx.AsyncClient() as http:
            await PasswordGrantSso(
                http,
                token_url=token_url,
                client_id=sim.credentials.sso_client_id,
                username="198001012005011001",
                password=SecretStr("rahasia"),
                retry=FAST,
            ).token()

    with pytest.raises(SsoAuthError, match="without MFA"):
        asyncio.run(go())


def test_rotated_key_still_verifies_old_and_new_tokens(sim: SiasnSimulator, sim_server: ServerThread) -> None:
    """After rotation the JWKS holds both keys; new tokens carry the new kid."""
    old = sim.issue_sso_token()
    kid = sim.realm.rotate_keys()
    new = sim.issue_sso_token()
    jwks = httpx.get(sim_server.url + OIDC + "/certs").json()
    assert kid in {k["kid"] for k in jwks["keys"]} and len(jwks["keys"]) == 2
    assert sim.realm.verify_access(old) and sim.realm.verify_access(new)
    discovery = httpx.get(
        sim_server.url + "/auth/realms/public-siasn/.well-known/openid-configuration"
    ).json()
    assert discovery["issuer"] == sim_server.url + "/auth/realms/public-siasn"
    assert discovery["code_challenge_methods_supported"] == ["S256"]
