"""The network under an httpx client: httpx's own pool, or aiohttp's behind the httpx API.

Measured (``benchmarks/``, README "Measurement"): at 32 concurrent calls httpx's default pool
spends about 0.9 ms of CPU per call, most of it walking every pooled connection on each request
and release (httpcore asks each whether it expired, a ``getpeername`` call each time), and at 128
it collapses to a few dozen calls/s; aiohttp's pool under the same httpx API
(``httpx-aiohttp``, by httpx's maintainer) spends about 0.4 ms and keeps the network's speed. The
connectors keep the httpx API either way; only the transport differs.

What aiohttp would do on its own and must not (each pinned by ``tests/test_http_network_attack.py``):
its session keeps a cookie jar that merges what a server set into our ``Cookie`` header (the
httpx client is the one cookie authority, as on httpx's pool), and ``trust_env`` sends
``~/.netrc`` credentials as Basic auth to any host (a ``default`` entry to every host) and
refuses our own ``Authorization`` header when an entry matches. So the session has no jar and
no ``trust_env`` (which also read ``~/.netrc`` in a thread on every request); the proxy is
read from the environment here, once per scheme and host, for both networks alike.
"""

from __future__ import annotations

import base64
import os
import ssl
import urllib.request
from collections.abc import AsyncIterator
from typing import Literal

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import AiohttpResponseStream
from yarl import URL

from connectors._http.deadline import DeadlineTransport

Network = Literal["aiohttp", "httpx"]
Verify = bool | str | ssl.SSLContext


def tls_context(verify: Verify) -> ssl.SSLContext | bool:
    """What both networks verify against: a CA bundle path (a file or a folder) becomes an SSL
    context here (httpx deprecates a path); ``True``/``False`` and contexts pass as they are.
    Raises ``OSError``/``ssl.SSLError`` for a bundle that cannot be read."""
    if isinstance(verify, str):
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    return verify


def build_network(
    kind: Network, *, verify: Verify, limits: httpx.Limits, deadline: float
) -> httpx.AsyncBaseTransport:
    """A transport to the real network of the ``kind`` chosen, ending a request not done
    (answer body included) ``deadline`` seconds after it was handed over: aiohttp's own total
    timeout (one timer a request), or ``DeadlineTransport`` around httpx's pool (which has none)."""
    context = tls_context(verify)
    if kind == "aiohttp":
        return AiohttpNetwork(verify=context, limits=limits, deadline=deadline)
    return DeadlineTransport(HttpxNetwork(verify=context, limits=limits), deadline)


def env_proxy(url: httpx.URL) -> tuple[str | None, dict[str, str]]:
    """The proxy for ``url`` from ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` less ``NO_PROXY``,
    and the ``Proxy-Authorization`` for its credentials (from the proxy URL only: never from
    ``~/.netrc``)."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # not in typeshed
    if not proxy or bypass(url.host, proxies):
        return None, {}
    parsed = URL(proxy if "://" in proxy else f"http://{proxy}")
    if parsed.user is None:
        return str(parsed), {}
    secret = base64.b64encode(f"{parsed.user}:{parsed.password or ''}".encode()).decode()
    return str(parsed.with_user(None)), {"Proxy-Authorization": f"Basic {secret}"}


Route = tuple[str | None, dict[str, str]]


class ProxyRoutes:
    """``env_proxy`` remembered per scheme and host (the environment is read once per host, not
    on every request: a scan of every variable each time)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], Route] = {}

    def __call__(self, url: httpx.URL) -> Route:
        """The proxy and its headers for ``url``."""
        key = (url.scheme, url.host)
        route = self._known.get(key)
        if route is None:
            route = self._known[key] = env_proxy(url)
        return route


class HttpxNetwork(httpx.AsyncBaseTransport):
    """httpx's pool, through the environment's proxy for each URL as ``AiohttpNetwork`` goes
    (an httpx client given a transport reads no proxy from the environment itself): one pool
    per route, direct or by proxy, opened when first needed."""

    def __init__(self, *, verify: ssl.SSLContext | bool, limits: httpx.Limits) -> None:
        self._verify, self._limits = verify, limits
        self._pools: dict[str | None, httpx.AsyncHTTPTransport] = {}
        self._routes = ProxyRoutes()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the pool of its route."""
        proxy, headers = self._routes(request.url)
        pool = self._pools.get(proxy)
        if pool is None:
            route = httpx.Proxy(proxy, headers=headers) if proxy else None
            pool = self._pools[proxy] = httpx.AsyncHTTPTransport(
                verify=self._verify, limits=self._limits, proxy=route
            )
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        """Close every pool."""
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


class AiohttpNetwork(AiohttpTransport):
    """``httpx-aiohttp``'s transport, with every aiohttp failure raised as the httpx transport
    error of its kind (the library calls a dropped connection or a certificate refusal a
    ``ConnectTimeout``, and passes some failures through as they are), so the connectors' error
    tree sees only httpx errors, whichever network is underneath. The instansi's outbound proxy
    is taken from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``."""

    def __init__(
        self, *, verify: ssl.SSLContext | bool, limits: httpx.Limits, deadline: float | None = None
    ) -> None:
        super().__init__(verify=verify, limits=limits)
        self.deadline = deadline
        self._routes = ProxyRoutes()

    def get_client(self) -> aiohttp.ClientSession:
        """The aiohttp session: the pool as ``limits`` says, no cookie jar, no ``trust_env``."""
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry or 0,
            ssl=self.ssl_context,
        )
        return aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through aiohttp; its failures become ``httpx.TransportError``."""
        try:
            response = await self._send(request)
        except (aiohttp.ClientError, TimeoutError, ValueError, OSError) as exc:
            raise as_transport_error(exc, request) from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_MappedStream(AiohttpResponseStream(response), request),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()},
        )

    async def _send(self, request: httpx.Request) -> aiohttp.ClientResponse:
        """The library's request, with the proxy chosen for this request's URL."""
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        timeout = request.extensions.get("timeout", {})
        data: bytes | httpx.AsyncByteStream | None
        try:
            data = request.content or None
        except httpx.RequestNotRead:  # pragma: no cover - the connectors send bodies they built
            data = request.stream  # type: ignore[assignment]
            request.headers.pop("transfer-encoding", None)
        proxy, proxy_headers = self._routes(request.url)
        headers = request.headers
        if proxy_headers and request.url.scheme == "http":  # forwarded, not tunnelled: ours to add
            headers = httpx.Headers({**headers, **proxy_headers})
        return await self.client.request(
            method=request.method,
            url=str(request.url),
            headers=headers,
            data=data,
            allow_redirects=False,
            auto_decompress=False,  # httpx decodes, as on its own pool
            compress=False,
            timeout=aiohttp.ClientTimeout(
                total=self.deadline,  # the body's reads too, until the response is released
                sock_connect=timeout.get("connect"),
                sock_read=timeout.get("read"),
                connect=timeout.get("pool"),
            ),
            server_hostname=request.extensions.get("sni_hostname"),
            proxy=proxy,
            proxy_headers=proxy_headers or None,  # the CONNECT of a tunnel (https)
        ).__aenter__()


class _MappedStream(httpx.AsyncByteStream):
    """A response body whose read failures are httpx transport errors too."""

    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner, self._request = inner, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except (aiohttp.ClientError, TimeoutError, ValueError, OSError, httpx.TransportError) as exc:
            raise as_transport_error(exc, self._request) from exc

    async def aclose(self) -> None:
        """Release the connection."""
        try:
            await self._inner.aclose()
        except (aiohttp.ClientError, TimeoutError, OSError, httpx.TransportError) as exc:
            raise as_transport_error(exc, self._request) from exc


# most specific first: the first kind the failure is an instance of decides
_KINDS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (TimeoutError, httpx.ReadTimeout),  # sock_read, and aiohttp's other timeouts
    (aiohttp.ClientProxyConnectionError, httpx.ProxyError),
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS certificate refused
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # the request may have arrived
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # an answer that is not HTTP
    (ValueError, httpx.LocalProtocolError),  # a request aiohttp refuses to write (a header, a URL)
)


def as_transport_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error for an aiohttp failure, by its kind (an httpx error the library made is
    judged by the aiohttp failure it came from); the original is chained."""
    if isinstance(exc, httpx.TransportError):
        cause = exc.__cause__
        if cause is None or isinstance(cause, httpx.TransportError):
            return exc
        exc = cause
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    kind = next((mapped for source, mapped in _KINDS if isinstance(exc, source)), httpx.NetworkError)
    return kind(message, request=request)
