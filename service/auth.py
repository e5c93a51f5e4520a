"""Authentication and access checks for the HTTP API: API keys, session cookies, 401/403 logged.

A caller presents an API key (``X-API-Key: eks_...`` or ``Authorization: Bearer eks_...``) or the
session cookie set by ``/login``. Everything refused is logged with the path, the caller and why.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import structlog
from fastapi import HTTPException, Request

from service.container import Container
from store.db import transaction
from sync.access import Action, Decision, Principal, RoleMap, authorize
from sync.credentials import KEY_PREFIX, find_session, verify_api_key

SESSION_COOKIE = "ekinerja_sesi"
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

    async def principal(self, request: Request) -> Principal | None:
        """The caller, or None when the request carries no valid credential."""
        key = _api_key(request)
        if key is not None:
            return await asyncio.to_thread(self._by_key, key)
        sid = request.cookies.get(SESSION_COOKIE)
        if sid:
            return await asyncio.to_thread(self._by_session, sid)
        return None

    async def require(self, request: Request) -> Principal:
        """The caller, or 401 (logged) when there is none."""
        who = await self.principal(request)
        if who is None:
            presented = _api_key(request) is not None or SESSION_COOKIE in request.cookies
            reason = ("kunci API atau sesi tidak berlaku" if presented
                      else "perlu kunci API (X-API-Key) atau login melalui /login")
            log.warning("access_denied", status=401, method=request.method,
                        path=request.url.path, reason=reason, client=_client(request))
            raise HTTPException(401, reason, headers={"WWW-Authenticate": 'Bearer realm="ekinerja"'})
        if who.kind != "apikey" and not self._same_origin(request):
            reason = "permintaan dari situs lain ditolak (Origin tidak cocok)"
            log.warning("access_denied", status=403, method=request.method,
                        path=request.url.path, actor=who.actor, reason=reason,
                        origin=request.headers.get("origin"), client=_client(request))
            raise HTTPException(403, reason)
        return who

    def _same_origin(self, request: Request) -> bool:
        """A cookie-borne change must come from our own pages (defence in depth over SameSite)."""
        origin = request.headers.get("origin")
        if request.method in ("GET", "HEAD", "OPTIONS") or not origin:
            return True
        public = self.container.settings.auth.public_url.rstrip("/")
        own = public or f"{request.url.scheme}://{request.url.netloc}"
        return origin.rstrip("/") == own

    async def check(self, request: Request, who: Principal, action: Action, *,
                    nip: str | None = None, unit_id: str | None = None) -> None:
        """Raise 403 (logged) unless ``who`` may do ``action`` on ``nip`` / ``unit_id``."""
        decision = await asyncio.to_thread(self._decide, who, action, nip, unit_id)
        if not decision.allowed:
            log.warning("access_denied", status=403, method=request.method,
                        path=request.url.path, actor=who.actor, action=action.value,
                        nip=nip, unit_id=unit_id, reason=decision.reason,
                        client=_client(request))
            raise HTTPException(403, f"tidak diizinkan: {decision.reason}")

    def _decide(self, who: Principal, action: Action, nip: str | None, unit_id: str | None
                ) -> Decision:
        with self.container.sessions() as session:
            return authorize(session, who, action, self.roles, nip=nip, unit_id=unit_id)

    def _by_key(self, key: str) -> Principal | None:
        with transaction(self.container.sessions) as session:
            name = verify_api_key(session, key)
        return Principal(kind="apikey", name=name) if name else None

    def _by_session(self, sid: str) -> Principal | None:
        with self.container.sessions() as session:
            info = find_session(session, sid)
        if info is None:
            return None
        return Principal(kind=info.source, name=info.username, roles=info.roles,
                         display=info.name)


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
