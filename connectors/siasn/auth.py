"""SIASN's two tokens as one ``httpx.Auth`` flow, and the APIM (WSO2) token provider.

Every call carries ``Authorization: Bearer <APIM>`` and ``Auth: bearer <SSO>``. When SIASN
refuses one of them (the response tells which: ``envelope.refusal``), that token is renewed once
and the request sent again, in either order when both are refused (a SIASN restart); a token
refused again, or one with nothing newer to offer, raises the typed refusal (``ApimAuthError`` or
``SsoAuthError``) with what the operator does about it. A refused token never reached the
backend, so sending again is safe for writes too. Token requests go through the same client, so
they draw from the credential's rate budget like every other request.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import TypeVar

import httpx
import structlog
from pydantic import SecretStr

from connectors._http.client_credentials import ClientCredentialsToken, TokenEndpoint
from connectors._http.retry import RetryPolicy
from connectors._http.tokens import AccessToken, TokenSource
from connectors.errors import ApimAuthError, SsoAuthError
from connectors.siasn.envelope import refusal
from connectors.siasn.write_envelope import save_refusal

UPSTREAM = "siasn-apim"
E = TypeVar("E", ApimAuthError, SsoAuthError)
log = structlog.get_logger(__name__)


class ApimToken(ClientCredentialsToken):
    """The APIM token of the instansi's application (consumer key and secret)."""

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
        super().__init__(
            client,
            TokenEndpoint(token_url, consumer_key, consumer_secret, UPSTREAM, ApimAuthError),
            retry=retry,
            skew=skew,
        )


class SiasnAuth(httpx.Auth):
    """Both SIASN tokens on a request; a refused one renewed once, then the typed refusal.

    ``base_url`` is the client's (error messages name the path below it, as the client does);
    ``before_send`` is awaited right before each request goes out, once its tokens are in place
    (the client paces and counts its calls there, renewed sends included).
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        apim: TokenSource,
        sso: TokenSource,
        *,
        base_url: httpx.URL | str = "",
        scheme: str = "bearer",
        before_send: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._apim = apim
        self._sso = sso
        self._base = httpx.URL(base_url).path.rstrip("/")
        self._scheme = scheme
        self._before_send = before_send

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Not supported: the token providers are asynchronous."""
        raise TypeError("SiasnAuth obtains its tokens asynchronously: send through an httpx.AsyncClient")

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send ``request`` with both tokens; renew a refused token once and send it again."""
        await request.aread()  # a request sent again must still have its body
        sso = await self._sso.token()
        renewed: set[str] = set()
        attempt = request
        while True:
            await self._sign(attempt, sso)
            if self._before_send is not None:
                await self._before_send()
            response = yield attempt
            await response.aread()
            path = self._path(response.request.url)
            refused = self._refusal(response, path)
            if refused is None:
                return
            sso = await self._renew(refused, sso, renewed, path)
            attempt = _copy(request)  # each send its own request, as sent (and as recorded)

    async def _sign(self, request: httpx.Request, sso: AccessToken) -> None:
        apim = await self._apim.token()
        request.headers["Authorization"] = f"Bearer {apim.value.get_secret_value()}"
        request.headers["Auth"] = f"{self._scheme} {sso.value.get_secret_value()}"

    def _path(self, url: httpx.URL) -> str:
        """The path below the client's base URL (what the client names in its errors)."""
        return url.path[len(self._base) :] if url.path.startswith(self._base) else url.path

    def _refusal(self, response: httpx.Response, path: str) -> ApimAuthError | SsoAuthError | None:
        """Which token ``response`` refuses, read as the client reads a read or a write."""
        if response.request.method == "POST":
            return save_refusal(response, path=path)
        return refusal(response, path=path)

    async def _renew(
        self, refused: ApimAuthError | SsoAuthError, sso: AccessToken, renewed: set[str], path: str
    ) -> AccessToken:
        """Renew the refused token (once per request); return the SSO token to send next."""
        if isinstance(refused, ApimAuthError):
            if "apim" in renewed:
                raise _hinted(refused, self._apim.renew_hint)
            renewed.add("apim")
            log.info("apim_token_refused_refreshing", path=path)
            self._apim.invalidate()  # the next signing obtains a new one
            return sso
        fresh = None if "sso" in renewed else await self._renewed_sso(sso)
        if fresh is None:  # nothing newer: say what to do for the configured mode
            raise _hinted(refused, self._sso.renew_hint)
        renewed.add("sso")
        log.info("sso_token_refused_renewed", path=path)
        return fresh

    async def _renewed_sso(self, used: AccessToken) -> AccessToken | None:
        """After SIASN refused ``used``: a different token from the provider, else None."""
        self._sso.invalidate()
        renewed = await self._sso.token()
        same = renewed.value.get_secret_value() == used.value.get_secret_value()
        return None if same else renewed


def _copy(request: httpx.Request) -> httpx.Request:
    """A new request with the method, URL, headers, body and extensions of ``request``."""
    return httpx.Request(
        request.method,
        request.url,
        headers=request.headers,
        content=request.content,
        extensions=request.extensions,
    )


def _hinted(exc: E, hint: str) -> E:
    """The refusal with what to do appended (unless there is nothing to add or it says it)."""
    if not hint or hint in exc.message:
        return exc
    hinted = type(exc)(f"{exc.message}; {hint}", upstream=exc.upstream, status=exc.status)
    hinted.__cause__ = exc
    return hinted
