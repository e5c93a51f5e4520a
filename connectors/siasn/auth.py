"""The APIM (WSO2) application token: client_credentials with HTTP Basic, cached, refreshed early."""

from __future__ import annotations

import asyncio
from typing import cast

import httpx
import structlog
from pydantic import SecretStr

from connectors._http.errors import ApimAuthError
from connectors._http.oauth import request_token
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken

UPSTREAM = "siasn-apim"
log = structlog.get_logger(__name__)


class ApimToken:
    """Caches the APIM token and refreshes it ``skew`` seconds before it expires."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        consumer_key: str,
        consumer_secret: SecretStr,
        retry: RetryPolicy | None = None,
        skew: float = 60.0,
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._key = consumer_key
        self._secret = consumer_secret
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
        """Forget the cached token (after a 401 from the gateway)."""
        self._cached = None

    def _fresh(self) -> bool:
        return self._cached is not None and not self._cached.expires_within(self._skew)

    async def _fetch(self) -> AccessToken:
        self.fetches += 1
        token, _ = await request_token(
            self._client,
            self._token_url,
            {"grant_type": "client_credentials"},
            upstream=UPSTREAM,
            auth=(self._key, self._secret.get_secret_value()),
            auth_error=ApimAuthError,
        )
        log.info("apim_token_obtained", expires_at=token.expires_at)
        return token
