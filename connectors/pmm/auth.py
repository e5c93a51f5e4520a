"""The PMM token: OAuth2 client credentials (HTTP Basic), cached and refreshed early."""

from __future__ import annotations

import asyncio

import httpx
import structlog
from pydantic import SecretStr

from connectors._http.errors import AuthError
from connectors._http.oauth import request_token
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken

UPSTREAM = "pmm-token"
log = structlog.get_logger(__name__)


class PmmToken:
    """Caches the client-credentials token and refreshes it ``skew`` seconds before expiry."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        retry: RetryPolicy | None = None,
        skew: float = 60.0,
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._id = client_id
        self._secret = client_secret
        self._retry = retry or RetryPolicy()
        self._skew = skew
        self._cached: AccessToken | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def token(self) -> AccessToken:
        """Return a token valid for at least ``skew`` seconds (one fetch for many waiters)."""
        async with self._lock:
            if self._cached is None or self._cached.expires_within(self._skew):
                self._cached = await call_with_retry(self._retry, self._fetch)
            return self._cached

    def invalidate(self) -> None:
        """Forget the cached token (after a 401)."""
        self._cached = None

    async def _fetch(self) -> AccessToken:
        self.fetches += 1
        token, _ = await request_token(
            self._client, self._token_url, {"grant_type": "client_credentials"},
            upstream=UPSTREAM, auth=(self._id, self._secret.get_secret_value()),
            auth_error=AuthError,
        )
        log.info("pmm_token_obtained", expires_at=token.expires_at)
        return token
