"""Authentication and access checks for the HTTP API: API keys, session cookies, 401/403 logged.

A caller presents an API key (``X-API-Key: eks_...`` or ``Authorization: Bearer eks_...``) or the
session cookie set by ``/login``. Everything refused is logged with the path, the caller and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import structlog
from fastapi import HTTPException, Request

from service.container import Container
from store.db import transaction
from sync.access.keys import KEY_PREFIX, find_api_key, stamp_api_key_use
from sync.access.rules import Action, Principal, RoleMap, authorize
from sync.access.sessions import find_session

SESSION_COOKIE = "ekinerja_sesi"
T = TypeVar("T")
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Gate:
    """Resolves the caller of a request and checks what they may do."""

    container: Container

    @property
    def roles(self) -> RoleMap:
        """Admin and operator role names from settings."""
        auth = self.container.settings.auth
        return RoleMap(admin=frozenset(auth.admin_roles), operator=frozenset(auth.operator_roles))

    def base_url(self, request: Request) -> str:
        """Where people reach us: ``EKINERJA_AUTH__PUBLIC_URL``, else the request's own URL."""
        public = self.container.settings.auth.public_url.rstrip("/")
        return public or str(request.base_url).rstrip("/")

    async def tx(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(session, *args)`` in one transaction, off the event loop."""

        def run() -> T:
            with transaction(self.container.sessions) as session:
                return work(session, *args)

        return await asyncio.to_thread(run)

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(session, *args)`` on a session that only reads (no write lock taken on
        SQLite, so a night's write slices never queue a request's checks), off the event loop."""

        def run() -> T:
            with self.container.sessions() as session:
                return work(session, *args)

        return await asyncio.to_thread(run)

    async def principal(self, request: Request) -> Principal | None:
        """The caller, or None when the request carries no valid credential."""
        key = _api_key(request)
        if key is not None:
            found = await self.read(find_api_key, key)
            if found is None:
                return None
            name, stale_stamp = found
            if stale_stamp:  # its use is recorded to the minute, not written on every request
                await self.tx(stamp_api_key_use, name)
            return Principal(kind="apikey", name=name)
        sid = request.cookies.get(SESSION_COOKIE)
        info = await self.read(find_session, sid) if sid else None
        if info is None:
            return None
        return Principal(kind=info.source, name=info.username, roles=info.roles, display=info.name)

    async def require(self, request: Request) -> Principal:
        """The caller, or 401 (logged) when there is none."""
        who = await self.principal(request)
        if who is None:
            presented = _api_key(request) is not None or SESSION_COOKIE in request.cookies
            reason = (
                "kunci API atau sesi tidak berlaku"
                if presented
                else "perlu kunci API (X-API-Key) atau login melalui /login"
            )
            raise _deny(request, 401, reason, headers={"WWW-Authenticate": 'Bearer realm="ekinerja"'})
        if who.kind != "apikey" and not self._same_origin(request):
            raise _deny(
                request,
                403,
                "permintaan dari situs lain ditolak (Origin tidak cocok)",
                actor=who.actor,
                origin=request.headers.get("origin"),
            )
        return who

    def _same_origin(self, request: Request) -> bool:
        """A cookie-borne change must come from our own pages (defence in depth over SameSite)."""
        origin = request.headers.get("origin")
        if request.method in ("GET", "HEAD", "OPTIONS") or not origin:
            return True
        return origin.rstrip("/") == self.base_url(request)

    async def check(
        self,
        request: Request,
        who: Principal,
        action: Action,
        *,
        nip: str | None = None,
        unit_id: str | None = None,
        fields: frozenset[str] = frozenset(),
        target_unit: str | None = None,
    ) -> None:
        """Raise 403 (logged) unless ``who`` may do ``action`` on ``nip`` / ``unit_id`` (and,
        for a write that sets a unit, place the employee in ``target_unit``)."""
        decision = await self.read(
            partial(authorize, nip=nip, unit_id=unit_id, fields=fields, target_unit=target_unit),
            who,
            action,
            self.roles,
        )
        if not decision.allowed:
            raise _deny(
                request,
                403,
                decision.reason,
                actor=who.actor,
                action=action.value,
                nip=nip,
                unit_id=unit_id,
                prefix="tidak diizinkan: ",
            )


def _deny(
    request: Request,
    status: int,
    reason: str,
    *,
    prefix: str = "",
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTTPException:
    """Log a refusal (path, caller, reason) and build the HTTP error to raise."""
    log.warning(
        "access_denied",
        status=status,
        method=request.method,
        path=request.url.path,
        reason=reason,
        client=_client(request),
        **context,
    )
    return HTTPException(status, prefix + reason, headers=headers)


def _api_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip().startswith(KEY_PREFIX):
        return value.strip()
    return None


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None
