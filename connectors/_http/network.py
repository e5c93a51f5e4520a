"""The network under an httpx client: httpx's own pool, or aiohttp's behind the httpx API.

Measured (``benchmarks/``, README "Measurement"): at 32 concurrent calls httpx's default pool
spends about 0.9 ms of CPU per call, most of it walking every pooled connection on each request
and release (httpcore asks each whether it expired, a ``getpeername`` call each time), and at 128
it collapses to a few dozen calls/s; aiohttp's pool under the same httpx API
(``httpx-aiohttp``, by httpx's maintainer) spends about 0.4 ms and keeps the network's speed. The
connectors keep the httpx API either way; only the transport differs.
"""

from __future__ import annotations

import urllib.request
from collections.abc import AsyncIterator
from typing import Literal

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

Network = Literal["aiohttp", "httpx"]


def build_network(kind: Network, *, verify: bool | str, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """A transport to the real network of the ``kind`` chosen."""
    if kind == "aiohttp":
        return AiohttpNetwork(verify=verify, limits=limits)
    return httpx.AsyncHTTPTransport(verify=verify, limits=limits)


class AiohttpNetwork(AiohttpTransport):
    """``httpx-aiohttp``'s transport, with every aiohttp failure raised as an httpx transport
    error (the library passes some through as they are: a malformed answer, a bare timeout), so
    the connectors' error tree sees only httpx errors, whichever network is underneath.

    The instansi's outbound proxy is read from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` once
    per host; not through aiohttp's ``trust_env``, which also reads ``~/.netrc`` for every
    request (a blocking file read in a thread, measured at 0.5 ms per call, and credentials we
    never asked for). Cookies are httpx's alone, as with httpx's own pool: aiohttp's jar is off.
    """

    def __init__(self, *, verify: bool | str, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits)
        self._proxies: dict[tuple[str, str], httpx.Proxy | None] = {}

    def get_client(self) -> aiohttp.ClientSession:
        """The aiohttp session: the pool as ``limits`` says, no cookie jar of its own."""
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry or 0,
            ssl=self.ssl_context,
        )
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through aiohttp; its failures become ``httpx.TransportError``."""
        # set right before the library reads it, with no await in between: race-free
        self.proxy = self._proxy_for(request.url)
        try:
            response = await super().handle_async_request(request)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise as_transport_error(exc, request) from exc
        response.stream = _MappedStream(response.stream, request)
        return response

    def _proxy_for(self, url: httpx.URL) -> httpx.Proxy | None:
        key = (url.scheme, url.host)
        if key not in self._proxies:
            self._proxies[key] = environment_proxy(url)
        return self._proxies[key]


def environment_proxy(url: httpx.URL) -> httpx.Proxy | None:
    """The proxy the environment names for ``url`` (``<SCHEME>_PROXY``, unless ``NO_PROXY``
    covers its host)."""
    target = urllib.request.getproxies().get(url.scheme)
    if not target or urllib.request.proxy_bypass(url.host):
        return None
    return httpx.Proxy(target)


class _MappedStream(httpx.AsyncByteStream):
    """A response body whose read failures are httpx transport errors too."""

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, request: httpx.Request) -> None:
        if not isinstance(inner, httpx.AsyncByteStream):  # pragma: no cover - aiohttp streams are async
            raise TypeError("an async transport gave a sync stream")
        self._inner, self._request = inner, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise as_transport_error(exc, self._request) from exc

    async def aclose(self) -> None:
        """Release the connection."""
        try:
            await self._inner.aclose()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise as_transport_error(exc, self._request) from exc


def as_transport_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error for an aiohttp failure: timeouts as timeouts, the rest as a protocol or
    network error; the original is chained."""
    if isinstance(exc, httpx.TransportError):
        return exc
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, TimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(exc, ValueError):  # a request aiohttp refuses to write (a header, a URL)
        return httpx.LocalProtocolError(message, request=request)
    return httpx.NetworkError(message, request=request)
