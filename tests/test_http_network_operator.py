"""What a careless operator can set for SIASN's network, and what they read back: an unreadable
CA bundle refused in Bahasa Indonesia before any call, the outbound proxy and ``NO_PROXY`` read
from the environment as httpx reads them (credentials from the proxy URL, never from
``~/.netrc``), the deadline carried from the settings, aiohttp's failures named by their kind."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import aiohttp
import httpx
import pytest

from connectors._http.budget import SharedBudget
from connectors._http.client import HttpOptions, build_async_client, send
from connectors._http.network import Network, as_transport_error, env_proxy
from service.container import ConfigError, http_options
from service.settings import SiasnSettings
from tests.network_servers import header_lines, ok, read_request, serving

REQUEST = httpx.Request("GET", "https://apimws.bkn.go.id:8243/apisiasn/1.0/x")


@pytest.mark.parametrize("content", [None, "bukan sertifikat\n"])
def test_an_unreadable_ca_bundle_is_refused_in_bahasa(tmp_path: Path, content: str | None) -> None:
    """A CA bundle path that does not exist, or is not PEM: ``ConfigError`` naming the variable
    and the path (the CLI prints it as one line), not a traceback at the first call."""
    bundle = tmp_path / "ca.pem"
    if content is not None:
        bundle.write_text(content)
    with pytest.raises(ConfigError) as caught:
        http_options(SiasnSettings(ca_bundle=str(bundle)))
    assert str(caught.value).startswith(f"berkas CA EKINERJA_SIASN__CA_BUNDLE={bundle} tidak dapat dibaca")


def test_the_settings_deadline_and_network_reach_the_options() -> None:
    """``EKINERJA_SIASN__TOTAL_TIMEOUT`` and ``__NETWORK`` are what the client is built with."""
    options = http_options(SiasnSettings(total_timeout=7.5, network="httpx"))
    assert (options.total_timeout, options.network) == (7.5, "httpx")
    assert SiasnSettings().total_timeout == 120.0
    assert HttpOptions(read_timeout=300.0, connect_timeout=5.0).deadline() == 305.0


def test_the_proxy_comes_from_the_environment_with_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """``HTTPS_PROXY`` for https, ``ALL_PROXY`` as the fallback, a bare ``host:port`` taken as
    http, credentials split off the URL, and a ``NO_PROXY`` host goes direct."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert env_proxy(REQUEST.url) == (None, {})
    monkeypatch.setenv("HTTPS_PROXY", "http://pegawai:sandi@proxy.instansi:3128")
    secret = base64.b64encode(b"pegawai:sandi").decode()
    assert env_proxy(REQUEST.url) == (
        "http://proxy.instansi:3128",
        {"Proxy-Authorization": f"Basic {secret}"},
    )
    monkeypatch.setenv("NO_PROXY", "localhost,.bkn.go.id")
    assert env_proxy(REQUEST.url) == (None, {})
    monkeypatch.setenv("ALL_PROXY", "proxy.instansi:8080")
    assert env_proxy(httpx.URL("http://pmm.instansi/x")) == ("http://proxy.instansi:8080", {})


@pytest.mark.parametrize("network", ["aiohttp", "httpx"])
def test_proxy_credentials_go_to_the_proxy_only(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ``HTTP_PROXY=http://user:pass@...`` the request goes to the proxy on either
    network as the container builds it (with a budget: httpx's pool honoured no proxy then),
    and the proxy gets ``Proxy-Authorization`` from the URL; a ``~/.netrc`` entry for the proxy
    host adds nothing."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login netrc password bocor\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    heads: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head, _ = await read_request(reader)
        heads.append(head)
        writer.write(ok())
        await writer.drain()

    async def call() -> None:
        async with serving(proxy) as port:
            monkeypatch.setenv("HTTP_PROXY", f"http://pegawai:sandi@127.0.0.1:{port}")
            for name in ("NO_PROXY", "no_proxy", "http_proxy"):
                monkeypatch.delenv(name, raising=False)
            http = build_async_client(
                HttpOptions(network=network),
                base_url="http://siasn.test",
                budget=SharedBudget("siasn:test", None).lane("background"),
            )
            try:
                await send(http, http.build_request("GET", "/x"), upstream="SIASN")
            finally:
                await http.aclose()

    asyncio.run(call())
    expected = b"proxy-authorization: basic " + base64.b64encode(b"pegawai:sandi").lower()
    assert heads[0].startswith(b"GET http://siasn.test/x HTTP/1.1\r\n")
    assert [line.lower() for line in header_lines(heads[0], b"proxy-authorization")] == [expected]
    assert header_lines(heads[0], b"authorization") == []


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (TimeoutError(), httpx.ReadTimeout),
        (aiohttp.ClientPayloadError("cut"), httpx.ReadError),
        (aiohttp.ClientOSError(104, "reset"), httpx.NetworkError),
        (ValueError("bad header"), httpx.LocalProtocolError),
    ],
)
def test_aiohttp_failures_are_named_by_their_kind(failure: BaseException, kind: type[Exception]) -> None:
    """Each aiohttp failure becomes the httpx error of its kind, with the request attached; one
    the library already turned into the wrong httpx error (it calls a dropped connection a
    ``ConnectTimeout``) is judged by the aiohttp failure it came from."""
    mapped = as_transport_error(failure, REQUEST)
    assert type(mapped) is kind
    assert mapped.request is REQUEST
    library_made = httpx.ConnectTimeout("Server disconnected")
    library_made.__cause__ = failure
    assert type(as_transport_error(library_made, REQUEST)) is kind


def test_doctor_names_a_refused_certificate_as_such() -> None:
    """``doctor`` tells the operator to set the CA bundle for a refused SIASN certificate, and
    keeps "check URL, DNS, proxy, firewall" for a network that is not reached."""
    from connectors.errors import NetworkError, TlsError
    from service.doctor import fix_hint

    url = "https://apimws.bkn.go.id/oauth2/token"
    assert "EKINERJA_SIASN__CA_BUNDLE" in fix_hint("siasn.apim", TlsError("x", upstream="siasn-apim"), url)
    assert "EKINERJA_SIASN__CA_BUNDLE" not in fix_hint(
        "siasn.apim", NetworkError("x", upstream="siasn-apim"), url
    )
