"""Both networks under the connectors' httpx API (httpx's pool and aiohttp's) against a real socket
that misbehaves: every failure reaches the connectors as the same ``NetworkError``, never as a
raw aiohttp exception, and a good answer reads the same through both."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import httpx
import pytest

from connectors._http.client import HttpOptions, build_async_client, send
from connectors._http.network import Network, as_transport_error
from connectors.errors import NetworkError
from tests.network_servers import serving

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
NETWORKS: tuple[Network, ...] = ("aiohttp", "httpx")


async def _read_head(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def ok_chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A chunked JSON answer with a non-ASCII body."""
    await _read_head(reader)
    body = '{"nama": "Siti Nurhaliza – Kepala"}'.encode()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    await writer.drain()
    writer.close()


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The connection closed before any answer."""
    await _read_head(reader)
    writer.close()


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Not HTTP at all."""
    await _read_head(reader)
    writer.write(b"\x00\x01 NOT HTTP \xff\r\n\r\n")
    await writer.drain()
    writer.close()


async def huge_header(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A header line of 200 kB (past both parsers' limits)."""
    await _read_head(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()
    writer.close()


async def short_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Content-Length promises more than is sent."""
    await _read_head(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{}")
    await writer.drain()
    writer.close()


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Reads the request and never answers."""
    await _read_head(reader)
    await asyncio.sleep(30)


async def _call(network: Network, answer: Answer) -> httpx.Response:
    async with serving(answer) as port:
        options = HttpOptions(read_timeout=0.5, connect_timeout=2, network=network)
        http = build_async_client(options, base_url=f"http://127.0.0.1:{port}")
        try:
            return await send(http, http.build_request("GET", "/pns/data-utama/1"), upstream="SIASN")
        finally:
            await http.aclose()


@pytest.mark.parametrize("network", NETWORKS)
def test_a_good_chunked_answer_reads_the_same(network: Network) -> None:
    """Status, headers and a chunked UTF-8 body come through either network unchanged."""
    response = asyncio.run(_call(network, ok_chunked))
    assert response.status_code == 200
    assert response.json() == {"nama": "Siti Nurhaliza – Kepala"}
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("answer", [reset, garbage, huge_header, short_body, silent])
def test_every_failure_is_a_network_error(network: Network, answer: Answer) -> None:
    """A reset, garbage, a 200 kB header, a short body or silence: ``NetworkError`` (retried
    as transient by the caller's policy), naming the upstream, through both networks."""
    with pytest.raises(NetworkError) as caught:
        asyncio.run(_call(network, answer))
    assert "SIASN" in str(caught.value)


@pytest.mark.parametrize("network", NETWORKS)
def test_a_refused_connection_is_a_network_error(network: Network) -> None:
    """Nothing listens on the port: ``NetworkError``, not a raw ``OSError``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def call() -> None:
        http = build_async_client(HttpOptions(network=network), base_url=f"http://127.0.0.1:{port}")
        try:
            await send(http, http.build_request("GET", "/"), upstream="SIASN")
        finally:
            await http.aclose()

    with pytest.raises(NetworkError):
        asyncio.run(call())


def test_aiohttp_failures_map_to_httpx_errors_by_kind() -> None:
    """Timeouts stay timeouts, refused requests are local protocol errors, httpx errors pass."""
    request = httpx.Request("GET", "http://siasn.test/")
    assert isinstance(as_transport_error(TimeoutError(), request), httpx.TimeoutException)
    assert isinstance(as_transport_error(ValueError("bad header"), request), httpx.LocalProtocolError)
    already = httpx.ConnectError("refused")
    assert as_transport_error(already, request) is already


def test_the_aiohttp_network_goes_through_the_instansis_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """``HTTP_PROXY`` set: the request goes to the proxy with the absolute URL (what an
    instansi's whitelisted outbound proxy receives), and its answer comes back."""
    seen: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n"))
        await ok_chunked(reader, writer)

    async def call() -> httpx.Response:
        async with serving(proxy) as port:
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
            monkeypatch.delenv("NO_PROXY", raising=False)
            monkeypatch.delenv("no_proxy", raising=False)
            http = build_async_client(HttpOptions(network="aiohttp"), base_url="http://siasn.test")
            try:
                return await send(http, http.build_request("GET", "/apisiasn/1.0/x"), upstream="SIASN")
            finally:
                await http.aclose()

    response = asyncio.run(call())
    assert response.json() == {"nama": "Siti Nurhaliza – Kepala"}
    assert seen == [b"GET http://siasn.test/apisiasn/1.0/x HTTP/1.1\r\n"]


def test_no_proxy_hosts_are_reached_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """``NO_PROXY`` covers the host: the request goes straight to it, never to the (dead) proxy."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    response = asyncio.run(_call("aiohttp", ok_chunked))
    assert response.json() == {"nama": "Siti Nurhaliza – Kepala"}
