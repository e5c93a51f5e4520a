"""The PMM HTTP contract's client assembled from settings: timeouts, token, retry policy, budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from connectors.factory import HttpOptions, RateLimiter, RetryPolicy, SharedBudget, build_async_client
from connectors.pmm.auth import PmmToken
from connectors.pmm.client import PmmClient
from service.settings import PmmSettings
from service.upstreams import Owned


def pmm_configured(config: PmmSettings) -> bool:
    """True when the contract's URL, token URL and client id are all set."""
    return bool(config.base_url and config.token_url and config.client_id)


def pmm_retry(config: PmmSettings) -> RetryPolicy:
    """The retry policy from PMM settings."""
    return RetryPolicy(
        attempts=config.retry_attempts,
        base_delay=config.retry_base_delay,
        max_delay=config.retry_max_delay,
        max_retry_after=config.retry_max_retry_after,
    )


def own_pmm(
    config: PmmSettings, budget: SharedBudget, transport: httpx.AsyncBaseTransport | None = None
) -> Owned[PmmToken]:
    """The credential's HTTP client (every request drawing from ``budget``) and its token."""
    http = build_async_client(
        HttpOptions(read_timeout=config.timeout),
        base_url=config.base_url,
        transport=transport,
        budget=budget.lane("background"),
    )
    token = PmmToken(
        http,
        token_url=config.token_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        retry=pmm_retry(config),
    )
    return Owned(http, token)


def pmm_client(config: PmmSettings, owned: Owned[PmmToken]) -> PmmClient:
    """A job's view of the credential's client: its own call count and page size (the pace is
    the budget's, in the transport)."""
    return PmmClient(
        owned.http,
        token=owned.parts,
        retry=pmm_retry(config),
        limiter=RateLimiter(None),
        page_size=config.page_size,
    )


@asynccontextmanager
async def open_pmm(
    config: PmmSettings, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[PmmClient | None]:
    """A PMM client for the block on connections and a budget of its own (a one-off caller, a
    test's fake PMM); None when the contract is not configured. Jobs use ``Container.pmm``."""
    if not pmm_configured(config):
        yield None
        return
    owned = own_pmm(config, SharedBudget(f"pmm:{config.client_id}", config.rate or None), transport)
    try:
        yield pmm_client(config, owned)
    finally:
        await owned.http.aclose()
