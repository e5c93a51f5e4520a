"""The SIASN client's network attacked as a hostile server and a careless operator would, on both
networks (httpx's pool and aiohttp's), through the path the container builds (a budget, the
network built by ``build_async_client``): no credential from ``~/.netrc`` goes out, a server's
cookies never rewrite ours, a slow drip or a server that never reads ends at the deadline, the
pool stays bounded, a POST on a dropped connection is not sent twice, TLS works with a private CA
and a refused certificate is named as such, not as a timeout."""

from __future__ import annotations

import asyncio
import time
import warnings
from pathlib import Path

import httpx
import pytest

from connectors._http.budget import SharedBudget
from connectors._http.client import HttpOptions, build_async_client, send
from connectors._http.network import Network
from connectors._http.retry import RetryPolicy
from connectors.errors import NetworkError, TlsError
from sync.profil.sinkron import failure_reason
from tests.network_servers import header_lines, ok, read_request, self_signed, server_tls, serving

NETWORKS: tuple[Network, ...] = ("aiohttp", "httpx")


def _client(
    network: Network, port: int, *, scheme: str = "http", host: str = "127.0.0.1", **options: object
) -> httpx.AsyncClient:
    """A client as the container builds SIASN's: over the chosen network, drawing from a budget."""
    settings = {"read_timeout": 1.0, "connect_timeout": 1.0, "network": network, **options}
    return build_async_client(
        HttpOptions(**settings),  # type: ignore[arg-type]
        base_url=f"{scheme}://{host}:{port}",
        budget=SharedBudget("siasn:test", None).lane("background"),
    )


@pytest.mark.parametrize("network", NETWORKS)
def test_no_netrc_credential_is_sent_or_breaks_our_token(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``~/.netrc`` with a ``default`` entry (for some other tool): no Basic credential goes to
    SIASN, and a request with our own ``Authorization`` is sent with it, not refused."""
    netrc = tmp_path / "netrc"
    netrc.write_text("default login orang-lain password rahasia\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    seen: list[list[bytes]] = []

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head, _ = await read_request(reader)
            seen.append(header_lines(head, b"authorization"))
            writer.write(ok())
            await writer.drain()

    async def calls() -> None:
        async with serving(server) as port:
            http = _client(network, port)
            try:
                await send(http, http.build_request("POST", "/token", data={"a": "b"}), upstream="SIASN")
                request = http.build_request("GET", "/x", headers={"Authorization": "Bearer apim"})
                await send(http, request, upstream="SIASN")
            finally:
                await http.aclose()

    asyncio.run(calls())
    assert [[line.lower() for line in lines] for lines in seen] == [[], [b"authorization: bearer apim"]]


@pytest.mark.parametrize("network", NETWORKS)
def test_a_servers_cookies_never_rewrite_the_configured_cookie(network: Network) -> None:
    """SIASN (by a host name: cookie jars ignore IP addresses) sets cookies, one with the name
    of ``EKINERJA_SIASN__COOKIE``'s: the next request still carries exactly the configured
    header, on either network."""
    seen: list[list[bytes]] = []

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head, _ = await read_request(reader)
            seen.append([line.lower() for line in header_lines(head, b"cookie")])
            writer.write(ok(extra=b"Set-Cookie: lb=1; Path=/\r\nSet-Cookie: sesi=dari-server; Path=/\r\n"))
            await writer.drain()

    async def calls() -> None:
        async with serving(server) as port:
            http = _client(network, port, host="localhost")
            try:
                for _ in range(2):
                    request = http.build_request("GET", "/x")
                    request.headers["Cookie"] = 'sesi=operator; lain="a b"'
                    await send(http, request, upstream="SIASN")
            finally:
                await http.aclose()

    asyncio.run(calls())
    assert seen == [[b'cookie: sesi=operator; lain="a b"']] * 2


@pytest.mark.parametrize("network", NETWORKS)
def test_a_slow_drip_ends_at_the_deadline(network: Network) -> None:
    """A body dripped a byte every 0.2 s (each read well within ``read_timeout``) ends at
    ``total_timeout`` with ``NetworkError``, not when the server pleases."""

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.2)

    async def call() -> float:
        async with serving(server) as port:
            http = _client(network, port, total_timeout=1.5)
            started = time.monotonic()
            try:
                with pytest.raises(NetworkError, match="ReadTimeout"):
                    await send(http, http.build_request("GET", "/x"), upstream="SIASN")
            finally:
                await http.aclose()
            return time.monotonic() - started

    assert 1.4 < asyncio.run(call()) < 4.0


@pytest.mark.parametrize("network", NETWORKS)
def test_a_server_that_never_reads_our_body_ends_at_the_deadline(network: Network) -> None:
    """A 20 MB POST to a server that accepts and never reads: the send cannot finish (httpx's
    write timeout is not applied by aiohttp), the deadline ends it."""

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    async def call() -> float:
        async with serving(server) as port:
            http = _client(network, port, total_timeout=1.5, write_timeout=30.0)
            started = time.monotonic()
            try:
                with pytest.raises(NetworkError):
                    body = b"x" * 20_000_000
                    await send(http, http.build_request("POST", "/x", content=body), upstream="SIASN")
            finally:
                await http.aclose()
            return time.monotonic() - started

    assert asyncio.run(call()) < 4.0


@pytest.mark.parametrize("network", NETWORKS)
def test_max_connections_bounds_open_sockets_and_they_are_reused(network: Network) -> None:
    """40 concurrent calls with ``max_connections=4``: never more than 4 sockets open at once,
    and 10 more calls after them open none (kept alive)."""
    open_now = most = opened = 0

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal open_now, most, opened
        open_now, opened = open_now + 1, opened + 1
        most = max(most, open_now)
        try:
            while True:
                await read_request(reader)
                await asyncio.sleep(0.02)
                writer.write(ok())
                await writer.drain()
        finally:
            open_now -= 1

    async def calls() -> None:
        async with serving(server) as port:
            http = _client(network, port, max_connections=4, max_keepalive=4, read_timeout=5.0)
            try:
                await asyncio.gather(
                    *(send(http, http.build_request("GET", "/x"), upstream="S") for _ in range(40))
                )
                for _ in range(10):
                    await send(http, http.build_request("GET", "/x"), upstream="S")
            finally:
                await http.aclose()

    asyncio.run(calls())
    assert most == 4
    assert opened == 4


@pytest.mark.parametrize("network", NETWORKS)
def test_a_post_on_a_dropped_keepalive_connection_is_not_sent_again(network: Network) -> None:
    """The server answers one request per connection, then reads the next and closes without an
    answer: the POST arrived, so it is neither resent by the network nor called a connect
    failure (which would read as "never sent"); the caller gets ``NetworkError``."""
    posts = 0

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal posts
        for answer in (True, False):
            head, _ = await read_request(reader)
            posts += head.startswith(b"POST")
            if answer:
                writer.write(ok())
                await writer.drain()

    async def calls() -> str:
        async with serving(server) as port:
            http = _client(network, port)
            try:
                await send(http, http.build_request("POST", "/save", json={}), upstream="SIASN")
                with pytest.raises(NetworkError) as caught:
                    await send(http, http.build_request("POST", "/save", json={}), upstream="SIASN")
            finally:
                await http.aclose()
        return str(caught.value)

    message = asyncio.run(calls())
    assert posts == 2
    assert "RemoteProtocolError" in message
    assert "Connect" not in message


@pytest.mark.parametrize("network", NETWORKS)
def test_tls_with_a_private_ca_unverified_and_refused(network: Network, tmp_path: Path) -> None:
    """A self-signed SIASN: trusted through a CA bundle path (no deprecation warning), reachable
    with verification off, and refused without the bundle or with another CA: ``TlsError`` (a
    connect error, not a timeout), not retried, said in Bahasa Indonesia as a certificate to
    check, not as SIASN being busy."""
    cert, key = self_signed(tmp_path, "siasn")
    other, _ = self_signed(tmp_path, "lain")

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(ok(b'{"ok": true}'))
        await writer.drain()

    async def call(port: int, verify: bool | str) -> object:
        http = _client(network, port, scheme="https", verify=verify)
        try:
            response = await send(http, http.build_request("GET", "/x"), upstream="SIASN")
            return response.json()
        except NetworkError as exc:
            return exc
        finally:
            await http.aclose()

    async def calls() -> list[object]:
        async with serving(server, server_tls(cert, key)) as port:
            return [await call(port, verify) for verify in (str(cert), False, True, str(other))]

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        trusted, unverified, default, wrong = asyncio.run(calls())
    assert trusted == unverified == {"ok": True}
    for refused in (default, wrong):
        assert isinstance(refused, TlsError)
        assert str(refused).startswith("ConnectError calling SIASN")
        assert "CERTIFICATE_VERIFY_FAILED" in str(refused)
        assert not RetryPolicy().should_retry(refused)
        assert failure_reason(refused).startswith("Sertifikat TLS SIASN ditolak")


@pytest.mark.parametrize("network", NETWORKS)
def test_a_refused_connection_is_not_a_certificate_error(network: Network) -> None:
    """Nothing listening: a plain ``NetworkError`` (retried, "busy or unreachable"), never the
    certificate message."""

    async def call() -> NetworkError:
        async with serving(read_request) as port:  # type: ignore[arg-type]
            pass  # closed again: nothing listens on the port now
        http = _client(network, port)
        try:
            with pytest.raises(NetworkError) as caught:
                await send(http, http.build_request("GET", "/x"), upstream="SIASN")
        finally:
            await http.aclose()
        return caught.value

    refused = asyncio.run(call())
    assert not isinstance(refused, TlsError)
    assert RetryPolicy().should_retry(refused)
