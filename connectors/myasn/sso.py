"""SSO token providers for the SIASN ``Auth`` header (Keycloak realm ``public-siasn``).

Two modes today: an operator-supplied access token (what every maintained wrapper moved to after
the 2025 MFA change) and the password grant for a service account without MFA. Both decode the
token's ``exp`` so its expiry can be watched and reported before it lapses.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import structlog
from pydantic import SecretStr

from connectors._http.errors import SsoAuthError
from connectors._http.oauth import request_token
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken, jwt_expiry

UPSTREAM = "myasn-sso"
log = structlog.get_logger(__name__)


class SuppliedSsoToken:
    """An SSO access token supplied by the operator (settings or environment)."""

    def __init__(self, token: SecretStr, *, warn_within: float = 3600.0) -> None:
        value = token.get_secret_value().strip()
        self._token = AccessToken(value=SecretStr(value), expires_at=jwt_expiry(value))
        self.warn_within = warn_within

    async def token(self) -> AccessToken:
        """Return the supplied token, or fail fast with what to do once it has expired."""
        left = self._token.seconds_left()
        if left is not None and left <= 0:
            expired = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self._token.expires_at))
            raise SsoAuthError(
                f"the supplied SSO access token expired at {expired}; log in to SIASN with the "
                "operator account, copy a new token and set EKINERJA_SIASN__SSO_ACCESS_TOKEN",
                upstream=UPSTREAM,
            )
        if left is not None and left < self.warn_within:
            log.warning("sso_token_expiring", seconds_left=int(left))
        return self._token

    def invalidate(self) -> None:
        """A supplied token cannot be renewed here; the next call re-checks its expiry."""


class PasswordGrantSso:
    """Password grant for a service account without MFA (``client_id``, NIP, password)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        username: str,
        password: SecretStr,
        retry: RetryPolicy | None = None,
        skew: float = 120.0,
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._form = {"grant_type": "password", "client_id": client_id, "username": username}
        self._password = password
        self._retry = retry or RetryPolicy()
        self._skew = skew
        self._cached: AccessToken | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> AccessToken:
        """Return the cached token, logging in again when it is about to expire."""
        async with self._lock:
            if self._cached is None or self._cached.expires_within(self._skew):
                self._cached = await call_with_retry(self._retry, self._login)
            return self._cached

    def invalidate(self) -> None:
        """Forget the cached token."""
        self._cached = None

    async def _login(self) -> AccessToken:
        form = {**self._form, "password": self._password.get_secret_value()}
        try:
            token, _ = await request_token(
                self._client, self._token_url, form, upstream=UPSTREAM, auth_error=SsoAuthError
            )
        except SsoAuthError as exc:
            raise SsoAuthError(
                f"{exc.message}. The password grant works only for an account without MFA; for "
                "an MFA account set EKINERJA_SIASN__SSO_ACCESS_TOKEN instead",
                upstream=UPSTREAM,
                status=exc.status,
            ) from exc
        log.info("sso_token_obtained", grant="password", expires_at=token.expires_at)
        return token
