"""The MyASN OIDC client against the realm simulator over real sockets: code + PKCE, ID-token
checks, refresh, userinfo, key rotation and the answers it must refuse."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from connectors.errors import SsoAuthError
from connectors.myasn.oidc import AuthRequest, OidcClient, OidcError, OidcTokens
from simulators.myasn import REALM_PATH, Account, RealmClient
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from tests.helpers import realm_login

pytestmark = pytest.mark.e2e
T = TypeVar("T")
NIP = "198503302010012003"
CALLBACK = "http://127.0.0.1:9/auth/callback"
ROLE = "role:siasn-instansi:peremajaan:operator"


@pytest.fixture
def issuer(sim: SiasnSimulator, sim_server: ServerThread) -> str:
    """The realm on the simulator's socket, with a login client and one ASN account."""
    sim.realm.add_client(RealmClient("ekinerja-sync"))
    sim.realm.add_account(Account(NIP, "kata-sandi-rahasia", "Siti", "Aminah", roles=[ROLE]))
    return sim_server.url + REALM_PATH


def run(issuer: str, work: Callable[[OidcClient], Awaitable[T]], client_id: str = "ekinerja-sync") -> T:
    """Run ``work`` with a fresh OIDC client of the realm."""

    async def go() -> T:
        async with httpx.AsyncClient(timeout=10) as http:
            return await work(OidcClient(http, issuer=issuer, client_id=client_id))

    return asyncio.run(go())


def fill_form(
    request: AuthRequest,
    username: str = NIP,
    password: str = "kata-sandi-rahasia",
    totp_secret: str | None = None,
) -> dict[str, str]:
    """Fill the realm's form for ``request``; returns the query of the redirect to CALLBACK."""
    with httpx.Client(timeout=10) as browser:
        location = realm_login(browser, request.url, username, password, totp_secret)
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def login(issuer: str) -> tuple[AuthRequest, dict[str, str]]:
    """Start a login and fill the realm's form; returns the request and the callback query."""
    request = run(issuer, lambda c: c.authorization_request(CALLBACK))
    return request, fill_form(request)


def test_code_flow_with_pkce_gives_a_verified_identity(issuer: str) -> None:
    """The authorize URL carries PKCE S256, state and nonce; the code yields NIP and roles."""
    request, query = login(issuer)
    params = parse_qs(urlparse(request.url).query)
    assert params["code_challenge_method"] == ["S256"] and params["nonce"] == [request.nonce]
    assert query["state"] == request.state
    tokens: OidcTokens = run(
        issuer, lambda c: c.exchange_code(request, code=query["code"], state=query["state"])
    )
    assert tokens.identity.username == NIP and tokens.identity.name == "Siti Aminah"
    assert ROLE in tokens.identity.roles and tokens.refresh_token is not None
    assert tokens.claims["nonce"] == request.nonce


def test_state_mismatch_and_reused_code_are_refused(issuer: str) -> None:
    """A callback with another login's state, or a code used twice, gives no tokens."""
    request, query = login(issuer)
    with pytest.raises(OidcError, match="state"):
        run(issuer, lambda c: c.exchange_code(request, code=query["code"], state="other"))
    run(issuer, lambda c: c.exchange_code(request, code=query["code"], state=query["state"]))
    with pytest.raises(SsoAuthError, match="invalid_grant"):
        run(issuer, lambda c: c.exchange_code(request, code=query["code"], state=query["state"]))


def test_wrong_pkce_verifier_is_refused(issuer: str) -> None:
    """The realm checks the verifier against the challenge it was given."""
    request, query = login(issuer)
    forged = AuthRequest(
        url="",
        state=request.state,
        nonce=request.nonce,
        code_verifier="x" * 64,
        redirect_uri=request.redirect_uri,
    )
    with pytest.raises(SsoAuthError, match="PKCE"):
        run(issuer, lambda c: c.exchange_code(forged, code=query["code"], state=query["state"]))


def test_refresh_rotates_and_userinfo_answers(issuer: str) -> None:
    """A refresh gives new tokens and a new refresh token; userinfo names the NIP."""
    request, query = login(issuer)

    async def work(client: OidcClient) -> tuple[OidcTokens, OidcTokens, dict[str, Any]]:
        first = await client.exchange_code(request, code=query["code"], state=query["state"])
        assert first.refresh_token is not None
        second = await client.refresh(first.refresh_token)
        return first, second, await client.userinfo(second.access_token)

    first, second, info = run(issuer, work)
    assert second.refresh_token is not None and first.refresh_token is not None
    assert second.refresh_token.get_secret_value() != first.refresh_token.get_secret_value()
    assert second.identity.username == NIP and info["preferred_username"] == NIP
    with pytest.raises(SsoAuthError, match="invalid_grant"):
        run(issuer, lambda c: c.refresh(first.refresh_token or SecretStr("")))


def test_userinfo_refuses_an_expired_access_token(sim: SiasnSimulator, issuer: str) -> None:
    """401 from userinfo becomes an SSO auth error."""
    from connectors.factory import AccessToken

    expired = sim.realm.issue_access_token(NIP, "ekinerja-sync", lifetime=-5)
    with pytest.raises(SsoAuthError, match="userinfo refused"):
        run(issuer, lambda c: c.userinfo(AccessToken(SecretStr(expired))))


def test_rotated_key_refetches_jwks_once(sim: SiasnSimulator, issuer: str) -> None:
    """A token signed by a key not yet seen makes the client fetch the JWKS again, once."""
    first_request, first_query = login(issuer)

    async def _second_login(client: OidcClient) -> tuple[AuthRequest, str, str]:
        request = await client.authorization_request(CALLBACK)
        query = fill_form(request)
        return request, query["code"], query["state"]

    async def work(client: OidcClient) -> OidcTokens:
        await client.exchange_code(first_request, code=first_query["code"], state=first_query["state"])
        request, code, state = await _second_login(client)
        await client.exchange_code(request, code=code, state=state)
        assert sim.realm.jwks_fetches == 1  # known kid: the cached JWKS is enough
        new_kid = sim.realm.rotate_keys()
        request, code, state = await _second_login(client)
        tokens = await client.exchange_code(request, code=code, state=state)
        assert jwt.decode(tokens.id_token, sim.realm.keys[-1]).header["kid"] == new_kid
        return tokens

    tokens = run(issuer, work)
    assert tokens.identity.username == NIP and len(sim.realm.keys) == 2
    assert sim.realm.jwks_fetches == 2  # once at first use, once more for the new kid


def _id_token(sim: SiasnSimulator, issuer: str, key: RSAKey | None = None, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": "abc",
        "aud": "ekinerja-sync",
        "azp": "ekinerja-sync",
        "exp": now + 300,
        "iat": now,
        "nonce": "n-1",
        "preferred_username": NIP,
        **changes,
    }
    signing = key or sim.realm.keys[-1]
    return jwt.encode({"alg": "RS256", "kid": signing.kid}, claims, signing)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aud": "another-app", "azp": "another-app"}, "audience"),
        ({"azp": "another-app"}, "issued to"),
        ({"iss": "https://evil.example/auth/realms/public-siasn"}, "iss"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nonce": "n-2"}, "nonce"),
    ],
)
def test_id_tokens_that_must_not_be_trusted(
    sim: SiasnSimulator, issuer: str, changes: dict[str, Any], message: str
) -> None:
    """Wrong audience, wrong azp, wrong issuer, expired or replayed nonce: refused."""
    token = _id_token(sim, issuer, **changes)
    with pytest.raises(OidcError, match=message):
        run(issuer, lambda c: c.verify_id_token(token, nonce="n-1"))


def test_token_signed_by_a_foreign_key_is_refused(sim: SiasnSimulator, issuer: str) -> None:
    """Same kid as a realm key, different key: the signature check fails."""
    foreign = RSAKey.generate_key(2048, parameters={"kid": str(sim.realm.keys[-1].kid)})
    token = _id_token(sim, issuer, key=foreign)
    with pytest.raises(OidcError, match="signature"):
        run(issuer, lambda c: c.verify_id_token(token, nonce="n-1"))
    assert run(issuer, lambda c: c.verify_id_token(_id_token(sim, issuer), nonce="n-1"))


def test_mfa_account_logs_in_through_the_totp_step(sim: SiasnSimulator, issuer: str) -> None:
    """An account with TOTP gets the second form; the code flow then completes."""
    sim.realm.add_account(
        Account("199001012015011001", "sandi-mfa-panjang", "Budi", totp_secret="JBSWY3DPEHPK3PXP")
    )
    request = run(issuer, lambda c: c.authorization_request(CALLBACK))
    query = fill_form(request, "199001012015011001", "sandi-mfa-panjang", "JBSWY3DPEHPK3PXP")
    tokens = run(issuer, lambda c: c.exchange_code(request, code=query["code"], state=query["state"]))
    assert tokens.identity.username == "199001012015011001"


def test_discovery_with_another_issuer_is_refused() -> None:
    """A discovery document naming a different issuer is not trusted."""
    import respx

    issuer = "https://sso.example.go.id/auth/realms/public-siasn"
    with respx.mock:
        respx.get(issuer + "/.well-known/openid-configuration").respond(
            json={"issuer": "https://evil.example/auth/realms/public-siasn"}
        )
        with pytest.raises(OidcError, match="EKINERJA_MYASN__ISSUER"):
            run(issuer, lambda c: c.metadata())
