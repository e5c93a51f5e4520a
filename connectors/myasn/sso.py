"""SSO token providers for the SIASN ``Auth`` header (Keycloak realm ``public-siasn``).

Two modes today: an operator-supplied access token (what every maintained wrapper moved to after
the 2025 MFA change) and the password grant for a service account without MFA. Both decode the
token's ``exp`` so its expiry can be watched and reported before it lapses.
"""

from __future__ import annotations

import asyncio
import json
import time
from abc import ABC, abstractmethod
from pathlib import Path

import httpx
import structlog
from pydantic import SecretStr

from connectors._http.oauth import request_token
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken, jwt_expiry
from connectors.errors import SsoAuthError

UPSTREAM = "myasn-sso"
log = structlog.get_logger(__name__)


def checked(token: AccessToken, *, renew_hint: str, warn_within: float) -> AccessToken:
    """The token if still valid (warning when it expires soon); else fail fast with what to do."""
    left = token.seconds_left()
    if left is not None and left <= 0:
        expired = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(token.expires_at or 0))
        raise SsoAuthError(f"the SSO access token expired at {expired}; {renew_hint}", upstream=UPSTREAM)
    if left is not None and left < warn_within:
        log.warning("sso_token_expiring", seconds_left=int(left), renew=renew_hint)
    return token


class SuppliedSsoToken:
    """An SSO access token supplied by the operator (settings or environment)."""

    HINT = (
        "log in to SIASN with the operator account, copy a new token and set EKINERJA_SIASN__SSO_ACCESS_TOKEN"
    )

    renew_hint = HINT

    def __init__(self, token: SecretStr, *, warn_within: float = 3600.0) -> None:
        value = token.get_secret_value().strip()
        self._token = AccessToken(value=SecretStr(value), expires_at=jwt_expiry(value))
        self.warn_within = warn_within

    async def token(self) -> AccessToken:
        """Return the supplied token, or fail fast with what to do once it has expired."""
        return checked(self._token, renew_hint=self.HINT, warn_within=self.warn_within)

    def invalidate(self) -> None:
        """A supplied token cannot be renewed here; the next call re-checks its expiry."""


class SsoTokenFile:
    """An SSO token in a file the operator replaces while ekinerja-sync runs.

    The file holds the bare token or Keycloak's JSON answer (``{"access_token": ...}``); it is
    read again whenever it changes, so a new token is picked up without a restart.
    """

    def __init__(self, path: Path, *, warn_within: float = 3600.0) -> None:
        self.path = path
        self.warn_within = warn_within
        self.renew_hint = f"write a new SSO access token to {path} (no restart needed)"
        self._stamp: tuple[float, int] | None = None
        self._token: AccessToken | None = None

    async def token(self) -> AccessToken:
        """The token in the file now (re-read when it changed)."""
        hint = self.renew_hint
        try:
            stat = self.path.stat()
        except OSError as exc:
            raise SsoAuthError(
                f"cannot read the SSO token file {self.path}: {exc.strerror}; {hint}", upstream=UPSTREAM
            ) from exc
        if self._token is None or self._stamp != (stat.st_mtime, stat.st_size):
            self._token = _parse_token_file(self.path.read_text())
            self._stamp = (stat.st_mtime, stat.st_size)
            log.info("sso_token_file_loaded", path=str(self.path), expires_at=self._token.expires_at)
        return checked(self._token, renew_hint=hint, warn_within=self.warn_within)

    def invalidate(self) -> None:
        """Read the file again on the next call."""
        self._token = None


def _parse_token_file(text: str) -> AccessToken:
    raw = text.strip()
    if raw.startswith("{"):
        try:
            raw = str(json.loads(raw)["access_token"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SsoAuthError(
                "the SSO token file holds JSON without an access_token", upstream=UPSTREAM
            ) from exc
    if not raw:
        raise SsoAuthError("the SSO token file is empty", upstream=UPSTREAM)
    return AccessToken(value=SecretStr(raw), expires_at=jwt_expiry(raw))


class _GrantedToken(ABC):
    """Caches a token obtained from the token endpoint; one fetch for many waiters."""

    def __init__(
        self, client: httpx.AsyncClient, *, token_url: str, retry: RetryPolicy | None, skew: float
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._retry = retry or RetryPolicy()
        self._skew = skew
        self._cached: AccessToken | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> AccessToken:
        """The cached token, obtained again when it is about to expire."""
        async with self._lock:
            if self._cached is None or self._cached.expires_within(self._skew):
                self._cached = await call_with_retry(self._retry, self._obtain)
            return self._cached

    def invalidate(self) -> None:
        """Forget the cached token."""
        self._cached = None

    @abstractmethod
    async def _obtain(self) -> AccessToken:
        """Ask the token endpoint for a new token (each grant defines how)."""


class RefreshTokenSso(_GrantedToken):
    """Access tokens from a refresh token (``grant_type=refresh_token``), rotated as issued."""

    renew_hint = (
        "log in to ASN Digital again and set EKINERJA_SIASN__SSO_REFRESH_TOKEN "
        "(with EKINERJA_SIASN__SSO_CLIENT_ID)"
    )

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        refresh_token: SecretStr,
        retry: RetryPolicy | None = None,
        skew: float = 120.0,
    ) -> None:
        super().__init__(client, token_url=token_url, retry=retry, skew=skew)
        self._client_id = client_id
        self.refresh_token = refresh_token

    async def _obtain(self) -> AccessToken:
        form = {
            "grant_type": "refresh_token",
            "client_id": self._client_id,
            "refresh_token": self.refresh_token.get_secret_value(),
        }
        try:
            token, body = await request_token(
                self._client, self._token_url, form, upstream=UPSTREAM, auth_error=SsoAuthError
            )
        except SsoAuthError as exc:
            raise SsoAuthError(
                f"{exc.message}. The SSO refresh token was refused (expired or revoked): {self.renew_hint}",
                upstream=UPSTREAM,
                status=exc.status,
            ) from exc
        if isinstance(body.get("refresh_token"), str):
            self.refresh_token = SecretStr(body["refresh_token"])
        log.info("sso_token_obtained", grant="refresh_token", expires_at=token.expires_at)
        return token


class PasswordGrantSso(_GrantedToken):
    """Password grant for a service account without MFA (``client_id``, NIP, password)."""

    renew_hint = (
        "check EKINERJA_SIASN__SSO_USERNAME and EKINERJA_SIASN__SSO_PASSWORD (the "
        "password grant works only for an account without MFA)"
    )

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
        super().__init__(client, token_url=token_url, retry=retry, skew=skew)
        self._form = {"grant_type": "password", "client_id": client_id, "username": username}
        self._password = password

    async def _obtain(self) -> AccessToken:
        form = {**self._form, "password": self._password.get_secret_value()}
        try:
            token, _ = await request_token(
                self._client, self._token_url, form, upstream=UPSTREAM, auth_error=SsoAuthError
            )
        except SsoAuthError as exc:
            raise SsoAuthError(
                f"{exc.message}. The SSO account {self._form['username']} was refused: {self.renew_hint}",
                upstream=UPSTREAM,
                status=exc.status,
            ) from exc
        log.info("sso_token_obtained", grant="password", expires_at=token.expires_at)
        return token
