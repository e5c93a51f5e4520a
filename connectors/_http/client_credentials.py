"""An OAuth2 client-credentials token (HTTP Basic), cached and refreshed early: one class for
every upstream that issues one (SIASN's APIM gateway, PMM)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast

import httpx
import structlog
from pydantic import SecretStr

from connectors._http.oauth import request_token
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken
from connectors.errors import AuthError

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class TokenEndpoint:
    """Where and as whom to ask: URL, client id and secret, and how failures are named."""

    url: str
    client_id: str
    client_secret: SecretStr
    upstream: str
    auth_error: type[AuthError] = AuthError


class ClientCredentialsToken:
    """Caches the token and refreshes it ``skew`` seconds before it expires."""

    renew_hint = ""  # a refused client secret is reported as it is: nothing to add

    def __init__(
        self,
        client: httpx.AsyncClient,
        endpoint: TokenEndpoint,
        *,
        retry: RetryPolicy | None = None,
        skew: float = 60.0,
    ) -> None:
        self._client = client
        self._endpoint = endpoint
        self._retry = retry or RetryPolicy()
        self._skew = skew
        self._cached: AccessToken | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def token(self) -> AccessToken:
        """Return a token valid for at least ``skew`` seconds (one fetch for many waiters)."""
        if self._fresh():
            return cast(AccessToken, self._cached)
        async with self._lock:
            if not self._fresh():
                self._cached = await call_with_retry(self._retry, self._fetch)
            return cast(AccessToken, self._cached)

    def invalidate(self) -> None:
        """Forget the cached token (after a 401)."""
        self._cached = None

    def _fresh(self) -> bool:
        return self._cached is not None and not self._cached.expires_within(self._skew)

    async def _fetch(self) -> AccessToken:
        self.fetches += 1
        endpoint = self._endpoint
        token, _ = await request_token(
            self._client,
            endpoint.url,
            {"grant_type": "client_credentials"},
            upstream=endpoint.upstream,
            auth=(endpoint.client_id, endpoint.client_secret.get_secret_value()),
            auth_error=endpoint.auth_error,
        )
        log.info("token_obtained", upstream=endpoint.upstream, expires_at=token.expires_at)
        return token
