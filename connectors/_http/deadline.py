"""One deadline for a whole request on the wire, answer body included.

httpx's timeouts (and aiohttp's ``sock_read``) bound each wait for the next bytes, never the
whole: a server that drips one byte a second, or never reads a large body we send, keeps a call
(and a pooled connection, and a worker's slot) forever on either network. ``DeadlineTransport``
wraps httpx's pool, under the budget, so a wait for the budget's turn does not count; aiohttp's
network uses aiohttp's own total timeout instead (one timer a request, not one a chunk).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx


class DeadlineTransport(httpx.AsyncBaseTransport):
    """Ends a request that is not done (body read to its end) ``seconds`` after it was handed
    to the network, with ``httpx.ReadTimeout``; the connection is dropped, never reused."""

    def __init__(self, inner: httpx.AsyncBaseTransport, seconds: float) -> None:
        self._inner = inner
        self._seconds = seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send within the deadline; the answer's body must arrive within it too."""
        deadline = asyncio.get_running_loop().time() + self._seconds
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._inner.handle_async_request(request)
        except TimeoutError as exc:
            raise self._expired(request) from exc
        if not isinstance(response.stream, httpx.AsyncByteStream):  # pragma: no cover
            return response
        response.stream = _DeadlineStream(response.stream, deadline, self._expired(request))
        return response

    def _expired(self, request: httpx.Request) -> httpx.ReadTimeout:
        return httpx.ReadTimeout(f"no complete answer within {self._seconds:g} s", request=request)

    async def aclose(self) -> None:
        """Close the wrapped network."""
        await self._inner.aclose()


class _DeadlineStream(httpx.AsyncByteStream):
    """A body whose every chunk must come before the request's deadline."""

    def __init__(self, inner: httpx.AsyncByteStream, deadline: float, expired: httpx.ReadTimeout) -> None:
        self._inner, self._deadline, self._expired = inner, deadline, expired

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._inner.__aiter__()
        while True:
            try:
                async with asyncio.timeout_at(self._deadline):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError as exc:
                raise self._expired from exc
            yield chunk

    async def aclose(self) -> None:
        """Release the connection (a cut-short body is not put back in the pool)."""
        await self._inner.aclose()
