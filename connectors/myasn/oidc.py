"""OIDC client for ASN accounts (Keycloak realm ``public-siasn``), built on joserfc.

Authorization code flow with PKCE (S256), ``state`` and ``nonce``; ID tokens verified against the
realm's JWKS (signature, issuer, audience/azp, expiry, nonce), with one JWKS refetch when a token
names a ``kid`` not yet seen (the realm rotated its key); userinfo, refresh and realm roles.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import structlog
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import SecretStr

from connectors._http.client import send
from connectors._http.oauth import request_token
from connectors._http.tokens import AccessToken
from connectors.errors import PayloadError, SsoAuthError

UPSTREAM = "myasn-sso"
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ProviderMetadata:
    """The realm's endpoints, from ``/.well-known/openid-configuration``."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


@dataclass(frozen=True)
class AuthRequest:
    """One login attempt: where to send the browser and what to check when it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


@dataclass(frozen=True)
class Identity:
    """Who logged in: ``preferred_username`` is the NIP; roles are the realm roles."""

    sub: str
    username: str
    name: str
    email: str | None
    roles: tuple[str, ...]

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Identity:
        """Read an identity from ID-token (or userinfo) claims."""
        realm = claims.get("realm_access")
        roles = realm.get("roles", []) if isinstance(realm, dict) else []
        name = str(
            claims.get("name")
            or " ".join(str(claims.get(k, "")) for k in ("given_name", "family_name")).strip()
        )
        return cls(
            sub=str(claims["sub"]),
            username=str(claims.get("preferred_username", "")),
            name=name,
            email=claims.get("email"),
            roles=tuple(str(r) for r in roles if isinstance(r, str)),
        )


@dataclass(frozen=True)
class OidcTokens:
    """The token set of a login or a refresh, with the verified identity."""

    access_token: AccessToken
    refresh_token: SecretStr | None
    id_token: str
    identity: Identity
    claims: dict[str, Any] = field(default_factory=dict)


class OidcError(SsoAuthError):
    """A login answer that must not be trusted (bad state, signature, issuer, nonce...)."""


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``code_verifier`` and its S256 ``code_challenge``."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OidcClient:
    """A public (or confidential) client of the realm; one per process."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        issuer: str,
        client_id: str,
        client_secret: SecretStr | None = None,
        scope: str = "openid profile email",
        leeway: int = 60,
    ) -> None:
        self._http = http
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.scope = scope
        self.leeway = leeway
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None
        self._lock = asyncio.Lock()

    async def metadata(self) -> ProviderMetadata:
        """Discovery, fetched once; the document must name our issuer."""
        if self._metadata is None:
            doc = await self._get_json(self.issuer + "/.well-known/openid-configuration")
            if str(doc.get("issuer", "")).rstrip("/") != self.issuer:
                raise OidcError(
                    f"discovery names issuer {doc.get('issuer')!r}, expected "
                    f"{self.issuer!r}; check EKINERJA_MYASN__ISSUER",
                    upstream=UPSTREAM,
                )
            try:
                self._metadata = ProviderMetadata(
                    issuer=self.issuer,
                    authorization_endpoint=doc["authorization_endpoint"],
                    token_endpoint=doc["token_endpoint"],
                    userinfo_endpoint=doc["userinfo_endpoint"],
                    jwks_uri=doc["jwks_uri"],
                    end_session_endpoint=doc.get("end_session_endpoint"),
                )
            except KeyError as exc:
                raise PayloadError(f"discovery document lacks {exc.args[0]}", upstream=UPSTREAM) from exc
        return self._metadata

    async def authorization_request(self, redirect_uri: str) -> AuthRequest:
        """A new login: the authorize URL with PKCE S256, state and nonce."""
        meta = await self.metadata()
        verifier, challenge = pkce_pair()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        query = urlencode(
            {
                "client_id": self.client_id,
                "response_type": "code",
                "scope": self.scope,
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        return AuthRequest(
            url=f"{meta.authorization_endpoint}?{query}",
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            redirect_uri=redirect_uri,
        )

    async def exchange_code(self, request: AuthRequest, *, code: str, state: str) -> OidcTokens:
        """Trade the returned code for tokens; the state and the ID token's nonce must match."""
        if not secrets.compare_digest(state, request.state):
            raise OidcError("login answer has a state that does not match this login", upstream=UPSTREAM)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.code_verifier,
        }
        return await self._tokens(form, nonce=request.nonce)

    async def refresh(self, refresh_token: SecretStr) -> OidcTokens:
        """New tokens from a refresh token (Keycloak rotates the refresh token)."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token.get_secret_value()}
        return await self._tokens(form, nonce=None)

    async def verify_id_token(self, id_token: str, *, nonce: str | None) -> dict[str, Any]:
        """Verified claims of an ID token: RS256 signature, issuer, audience/azp, expiry, nonce."""
        claims = await self._decode(id_token)
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.issuer},
            "sub": {"essential": True},
            "exp": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        try:
            jwt.JWTClaimsRegistry(leeway=self.leeway, **options).validate(claims)
        except JoseError as exc:
            raise OidcError(f"ID token refused: {exc.description or exc.error}", upstream=UPSTREAM) from exc
        self._check_audience(claims)
        return claims

    async def userinfo(self, access_token: AccessToken) -> dict[str, Any]:
        """The userinfo claims for an access token (401 once it expired)."""
        meta = await self.metadata()
        headers = {"Authorization": f"Bearer {access_token.value.get_secret_value()}"}
        request = self._http.build_request("GET", meta.userinfo_endpoint, headers=headers)
        response = await send(self._http, request, upstream=UPSTREAM)
        if response.status_code == 401:
            raise SsoAuthError(
                "userinfo refused the access token (expired or revoked)", upstream=UPSTREAM, status=401
            )
        return _json_object(response, meta.userinfo_endpoint)

    async def logout_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
        """Where to send the browser to end the realm session (None when not offered)."""
        meta = await self.metadata()
        if not meta.end_session_endpoint:
            return None
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": self.client_id,
                "post_logout_redirect_uri": post_logout_redirect_uri,
            }
        )
        return f"{meta.end_session_endpoint}?{query}"

    async def key_ids(self) -> list[str]:
        """The ``kid`` of every signing key the realm publishes now (fetches the JWKS)."""
        keys = await self._key_set(refresh=True)
        return [str(key.kid) for key in keys.keys]

    async def _tokens(self, form: dict[str, str], *, nonce: str | None) -> OidcTokens:
        meta = await self.metadata()
        form = {**form, "client_id": self.client_id}
        if self._secret is not None:
            form["client_secret"] = self._secret.get_secret_value()
        token, body = await request_token(
            self._http, meta.token_endpoint, form, upstream=UPSTREAM, auth_error=SsoAuthError
        )
        id_token = body.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("token answer has no id_token (is 'openid' in the scope?)", upstream=UPSTREAM)
        claims = await self.verify_id_token(id_token, nonce=nonce)
        refresh = body.get("refresh_token")
        return OidcTokens(
            access_token=token,
            id_token=id_token,
            refresh_token=SecretStr(refresh) if isinstance(refresh, str) else None,
            identity=Identity.from_claims(claims),
            claims=claims,
        )

    async def _decode(self, token: str) -> dict[str, Any]:
        """Verify the signature; a kid not in our JWKS refetches the JWKS once."""
        keys = await self._key_set(refresh=False)
        try:
            kid = jws.extract_compact(token.encode()).protected.get("kid")  # not trusted yet
        except (JoseError, ValueError) as exc:
            raise OidcError(f"malformed ID token: {exc}", upstream=UPSTREAM) from exc
        if kid is not None and not _has_kid(keys, str(kid)):
            log.info("oidc_jwks_refetch", kid=kid)
            keys = await self._key_set(refresh=True)
        try:
            return dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(
                f"ID token signature not valid for the realm's keys: {exc}", upstream=UPSTREAM
            ) from exc

    async def _key_set(self, *, refresh: bool) -> KeySet:
        async with self._lock:
            if self._keys is None or refresh:
                meta = await self.metadata()
                jwks: Any = await self._get_json(meta.jwks_uri)
                self._keys = KeySet.import_key_set(jwks)
            return self._keys

    def _check_audience(self, claims: dict[str, Any]) -> None:
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.client_id not in audiences:
            raise OidcError(f"ID token is for audience {aud!r}, not {self.client_id!r}", upstream=UPSTREAM)
        azp = claims.get("azp")
        if azp is not None and azp != self.client_id:
            raise OidcError(f"ID token was issued to {azp!r}, not {self.client_id!r}", upstream=UPSTREAM)

    async def _get_json(self, url: str) -> dict[str, Any]:
        response = await send(self._http, self._http.build_request("GET", url), upstream=UPSTREAM)
        if response.status_code >= 400:
            raise PayloadError(
                f"{url} answered HTTP {response.status_code}", upstream=UPSTREAM, status=response.status_code
            )
        return _json_object(response, url)


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def _json_object(response: httpx.Response, url: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise PayloadError(f"{url} did not answer a JSON object", upstream=UPSTREAM)
    return body
