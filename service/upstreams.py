"""The upstream clients the container owns: one per credential and event loop.

An ``httpx.AsyncClient`` keeps its connections on the event loop that opened them, so the
container keeps one client per (event loop, credential): built when the first job on a loop
asks for it, shared by every job running on that loop meanwhile (in ``serve``: the Sinkron API,
the scheduled jobs and held-run approvals all run on uvicorn's loop), and closed when the last
of them ends. Each job gets a light view over it (its own call count, lane, page size); the
connections, the tokens and the credential's budget are shared.

    container ─ LoopClients ─┬─ loop A ─┬─ "siasn:<key>" → Owned(http, tokens), users=2
                             │          └─ "pmm:<id>"    → Owned(http, token),  users=1
                             └─ loop B ─── "siasn:<key>" → Owned(http, tokens), users=1
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import structlog

T = TypeVar("T")
log = structlog.get_logger(__name__)


@dataclass
class Owned(Generic[T]):
    """One credential's client on one event loop: the HTTP client, what is built over it (token
    sources, an OIDC client) and how many blocks use it now."""

    http: httpx.AsyncClient
    parts: T
    users: int = 0


class LoopClients:
    """The owned clients, by event loop and credential key; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Owned[Any]]] = (
            weakref.WeakKeyDictionary()
        )

    @asynccontextmanager
    async def use(self, key: str, build: Callable[[], Owned[T]]) -> AsyncIterator[Owned[T]]:
        """The client of ``key`` on the running loop for the block (``build`` makes it when the
        loop has none); the last block to leave closes it."""
        loop = asyncio.get_running_loop()
        owned = self._enter(loop, key, build)
        try:
            yield owned
        finally:
            if self._leave(loop, key, owned):
                await owned.http.aclose()
                log.debug("upstream_client_closed", upstream=key.split(":", 1)[0])

    def _enter(self, loop: asyncio.AbstractEventLoop, key: str, build: Callable[[], Owned[T]]) -> Owned[T]:
        with self._lock:
            clients = self._loops.setdefault(loop, {})
            owned: Owned[T] | None = clients.get(key)
            if owned is None:
                owned = clients[key] = build()
                log.debug("upstream_client_opened", upstream=key.split(":", 1)[0])
            owned.users += 1
            return owned

    def _leave(self, loop: asyncio.AbstractEventLoop, key: str, owned: Owned[Any]) -> bool:
        """One user fewer; True when it was the last (the client is no longer handed out)."""
        with self._lock:
            owned.users -= 1
            if owned.users > 0:
                return False
            clients = self._loops.get(loop, {})
            if clients.get(key) is owned:
                del clients[key]
            return True
