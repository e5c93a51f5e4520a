"""The one factory for httpx clients: explicit timeouts and limits, an injectable transport."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from connectors._http.budget import BudgetLane, BudgetTransport
from connectors._http.network import Network, Verify, build_network, tls_context
from connectors.errors import UpstreamError, translate_transport_error

USER_AGENT = "ekinerja-sync/0.1"


@dataclass(frozen=True)
class HttpOptions:
    """Timeouts (seconds), pool limits and TLS settings for one upstream; ``total_timeout``
    bounds a whole request on the wire (answer body included) where the client builds the
    network itself."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    pool_timeout: float = 30.0
    max_connections: int = 32
    max_keepalive: int = 16
    total_timeout: float = 120.0
    verify: Verify = True
    network: Network = "httpx"

    def deadline(self) -> float:
        """Seconds for a whole request: ``total_timeout``, never shorter than one connect and
        one read wait (a PMM ``timeout`` set above it is not cut short)."""
        return max(self.total_timeout, self.connect_timeout + self.read_timeout)

    def timeout(self) -> httpx.Timeout:
        """The httpx timeout built from these options."""
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )


def build_async_client(
    options: HttpOptions,
    *,
    base_url: str = "",
    transport: httpx.AsyncBaseTransport | None = None,
    headers: dict[str, str] | None = None,
    budget: BudgetLane | None = None,
) -> httpx.AsyncClient:
    """Create an ``httpx.AsyncClient`` over ``options.network``; ``transport`` replaces the
    network (respx, simulators); with ``budget`` every request the client sends (token requests
    and retries too) draws from it right before it is sent. A CA bundle that cannot be read
    raises ``OSError``/``ssl.SSLError`` here, before any request."""
    limits = httpx.Limits(
        max_connections=options.max_connections,
        max_keepalive_connections=options.max_keepalive,
    )
    verify = tls_context(options.verify)
    if transport is None and (budget is not None or options.network != "httpx"):
        transport = build_network(options.network, verify=verify, limits=limits, deadline=options.deadline())
    if budget is not None and transport is not None:
        transport = BudgetTransport(transport, budget)
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=options.timeout(),
        limits=limits,
        transport=transport,
        verify=verify,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        follow_redirects=False,
    )


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    upstream: str,
    auth: httpx.Auth | None = None,
) -> httpx.Response:
    """Send ``request`` (through ``auth`` when given) and read the body; network failures become
    ``UpstreamError``, and an ``UpstreamError`` the auth flow raises passes through as it is."""
    try:
        response = await (client.send(request) if auth is None else client.send(request, auth=auth))
        await response.aread()
    except httpx.HTTPError as exc:
        raise translate_transport_error(exc, upstream=upstream) from exc
    except UpstreamError:
        raise
    return response
