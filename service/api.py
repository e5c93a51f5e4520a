"""HTTP API: Sinkron SIASN and the local profile read/edit path used by the e-Kinerja app.

Every ``/api/v1`` route needs an API key or a login session (see ``service.auth``); what the
caller may do is decided by ``sync.access``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Annotated, Any

import httpx
import structlog
from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from mappings.limits import (
    ACTOR_MAX,
    UNOR_ID_MAX,
    ClaimRequest,
    EditRequest,
    LimitError,
    Problem,
    UnorId,
    check_changes,
    problems,
)
from mappings.messages import t
from mappings.nip import NipError, normalize_nip
from service.auth import Gate
from service.console import mount_console
from service.container import ConfigError, Container, check_siasn
from service.headers import SecurityHeaders
from service.openapi import Nip, body_doc
from service.requests import install, invalid, read_body, unprocessable
from service.routes import include_review_routes
from service.routes.skp import skp_router
from service.settings import SiasnSettings
from service.web import web_router
from store.db import transaction
from store.models import Conflict, Pegawai, SupervisorLink
from sync import clock
from sync.access.rules import Action, Principal
from sync.konflik.lifecycle import ACTIVE
from sync.outcome import SinkronOutcome, Status
from sync.profil.edit import EditError, EditLimitError, PegawaiNotFound, edit_pegawai
from sync.profil.sinkron import Sinkron
from sync.values import pegawai_view

log = structlog.get_logger(__name__)

STATUS_CODES = {Status.NOT_FOUND: 404, Status.FAILED: 502}
SINKRON_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": SinkronOutcome, "description": "SIASN tidak mengenal NIP ini (not_found)."},
    502: {"model": SinkronOutcome, "description": "SIASN tidak dapat dibaca (failed)."},
    503: {"description": "SIASN belum dikonfigurasi di server ini."},
}
UnitPath = Annotated[
    str,
    Path(
        description="id unor (unit organisasi) SIASN",
        json_schema_extra={"pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]*$", "maxLength": UNOR_ID_MAX},
    ),
]


def siasn_problem(config: SiasnSettings) -> str | None:
    """Why SIASN cannot be called with these settings (None when it can)."""
    try:
        check_siasn(config)
    except ConfigError as exc:
        return str(exc)
    return None


async def _sinkron_or_none(
    stack: AsyncExitStack, container: Container, transport: httpx.AsyncBaseTransport | None
) -> Sinkron | None:
    """Sinkron SIASN over one client for the app's life, or None (logged) when unconfigured."""
    problem = siasn_problem(container.settings.siasn)
    if problem is not None:
        log.warning("siasn_not_configured", reason=problem)
        return None
    siasn = await stack.enter_async_context(container.siasn(transport, lane="interactive"))
    return Sinkron(siasn, container.sessions, clock.zone(container.settings.display_timezone))


def actor_of(who: Principal, on_behalf: str | None) -> str:
    """The audit actor: the caller, plus the person an API-key caller says it acts for."""
    actor = f"{who.actor}/{on_behalf}" if who.kind == "apikey" and on_behalf else who.actor
    if len(actor) > ACTOR_MAX:
        raise LimitError([Problem("body.actor", t("access.limit_actor_total", limit=ACTOR_MAX))])
    return actor


def create_app(
    container: Container, transport: httpx.AsyncBaseTransport | None = None, *, scheduler: bool = False
) -> FastAPI:
    """The FastAPI application; SIASN clients (and the scheduler) live as long as the app."""
    app = FastAPI(title="ekinerja-sync", version="0.1.0", lifespan=_lifespan(container, transport, scheduler))
    install(app, max_body_bytes=container.settings.api.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: every answer, a 413 included
    gate = Gate(container)
    _mount_routers(app, gate)
    _pegawai_routes(app, gate, container)
    _unor_routes(app, gate, container)
    return app


def _lifespan(
    container: Container, transport: httpx.AsyncBaseTransport | None, scheduler: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's life: the scheduler (when asked), Sinkron SIASN and the OIDC client on ``app.state``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from service.scheduler import build_scheduler

        jobs = build_scheduler(container, asyncio.get_running_loop()) if scheduler else None
        if jobs is not None:
            jobs.start()
        app.state.scheduler = jobs
        try:
            async with AsyncExitStack() as stack:
                app.state.sinkron = await _sinkron_or_none(stack, container, transport)
                app.state.oidc = await stack.enter_async_context(container.oidc())
                yield
        finally:
            if jobs is not None:
                jobs.shutdown(wait=False)

    return lifespan


def _mount_routers(app: FastAPI, gate: Gate) -> None:
    """The login pages, SKP, the admin review API, the console and the health check."""
    app.include_router(web_router(gate))
    app.include_router(skp_router(gate))
    include_review_routes(app, gate)
    mount_console(app, gate)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}


def _pegawai_routes(app: FastAPI, gate: Gate, container: Container) -> None:
    """Sinkron SIASN, read and edit one employee's profile."""

    @app.post("/api/v1/pegawai/{nip}/sinkron-siasn", response_model=SinkronOutcome, responses=SINKRON_ERRORS)
    async def sinkron_siasn(nip: Nip, request: Request) -> JSONResponse:
        who = await gate.require(request)
        await gate.check(request, who, Action.SINKRON, nip=_nip(nip))
        sinkron: Sinkron | None = request.app.state.sinkron
        if sinkron is None:  # SIASN not configured: the rest of the service still works
            problem = siasn_problem(container.settings.siasn) or ""
            return JSONResponse({"detail": t("common.siasn_unavailable", reason=problem)}, status_code=503)
        outcome = await sinkron.run(nip, actor=who.actor)
        return JSONResponse(
            outcome.model_dump(mode="json"), status_code=STATUS_CODES.get(outcome.status, 200)
        )

    @app.get("/api/v1/pegawai/{nip}")
    async def get_pegawai(nip: Nip, request: Request) -> dict[str, Any]:
        who = await gate.require(request)
        await gate.check(request, who, Action.READ, nip=_nip(nip))
        return await asyncio.to_thread(_read_pegawai, container, _nip(nip))

    @app.patch("/api/v1/pegawai/{nip}", openapi_extra=body_doc(EditRequest))
    async def patch_pegawai(nip: Nip, request: Request) -> dict[str, Any]:
        who = await gate.require(request)
        target = _nip(nip)
        await gate.check(request, who, Action.EDIT, nip=target)
        body = await read_body(request, EditRequest)
        changes = check_changes(body.changes, prefix="body.changes")
        await gate.check(
            request,
            who,
            Action.EDIT,
            nip=target,
            fields=frozenset(changes),
            target_unit=_target_unit(changes),
        )
        return await asyncio.to_thread(
            _edit, container, target, changes, body.reason, actor_of(who, body.actor)
        )


def _unor_routes(app: FastAPI, gate: Gate, container: Container) -> None:
    """Claim the leadership of a unit."""

    @app.post("/api/v1/unor/{unit_id}/klaim-pimpinan", openapi_extra=body_doc(ClaimRequest))
    async def klaim_pimpinan(unit_id: UnitPath, request: Request) -> dict[str, Any]:
        who = await gate.require(request)
        unit = _unor_id(unit_id)
        await gate.check(request, who, Action.CLAIM, unit_id=unit)
        body = await read_body(request, ClaimRequest)
        claimant = _nip(body.nip, where="body.nip")
        await gate.check(request, who, Action.CLAIM, nip=claimant, target_unit=unit)
        return await asyncio.to_thread(_claim, container, unit, claimant, body, actor_of(who, body.actor))


def _claim(container: Container, unit_id: str, nip: str, body: ClaimRequest, actor: str) -> dict[str, Any]:
    from sync.unor.claims import ClaimError, claim_unit

    try:
        with transaction(container.sessions) as session:
            result = claim_unit(session, unit_id, nip, actor=actor, reason=body.reason)
    except ClaimError as exc:
        raise invalid("body", str(exc)) from exc
    return {
        "status": result.status,
        "unor_id": result.unit_id,
        "nip": result.nip,
        "explanation": result.explanation,
    }


def _target_unit(changes: dict[str, Any]) -> str | None:
    """The unit an edit moves the employee to (checked against the caller's area), if any."""
    value = changes.get("unor_id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _nip(value: str, *, where: str = "path.nip") -> str:
    try:
        return normalize_nip(value)
    except NipError:
        raise invalid(where, t("access.nip_invalid")) from None


def _unor_id(value: str) -> str:
    try:
        return TypeAdapter(UnorId).validate_python(value)
    except ValidationError as exc:
        raise unprocessable(problems(exc.errors(include_input=False), prefix="path.unit_id")) from None


def read_profile(container: Container, nip: str) -> dict[str, Any] | None:
    """The stored employee with supervisor and open conflicts; None when unknown locally."""
    with container.sessions() as session:
        pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
        if pegawai is None:
            return None
        link = session.get(SupervisorLink, pegawai.id)
        atasan = session.get(Pegawai, link.atasan_id) if link and link.atasan_id else None
        conflicts = session.scalars(
            select(Conflict).where(Conflict.pegawai_id == pegawai.id, Conflict.status.in_(ACTIVE))
        ).all()
        return {
            "pegawai": pegawai_view(pegawai, clock.zone(container.settings.display_timezone)),
            "atasan": {"nip": atasan.nip, "nama": atasan.nama} if atasan else None,
            "conflicts": [
                {
                    "field": c.field,
                    "base": c.base_value,
                    "local": c.local_value,
                    "remote": c.remote_value,
                    "explanation": c.explanation,
                }
                for c in conflicts
            ],
        }


def _read_pegawai(container: Container, nip: str) -> dict[str, Any]:
    profile = read_profile(container, nip)
    if profile is None:
        raise HTTPException(404, t("common.not_found_pegawai", nip=nip))
    return profile


def _edit(container: Container, nip: str, changes: dict[str, Any], reason: str, actor: str) -> dict[str, Any]:
    try:
        with transaction(container.sessions) as session:
            result = edit_pegawai(session, nip, changes, actor=actor, reason=reason)
    except PegawaiNotFound:
        raise HTTPException(404, t("common.not_found_pegawai", nip=nip)) from None
    except EditLimitError as exc:
        raise LimitError(exc.problems) from None
    except EditError as exc:
        raise invalid("body.changes", str(exc)) from exc
    changed = [{"field": f, "old": old, "new": new} for f, (old, new) in result.changed.items()]
    return {"nip": nip, "changed": changed, **_read_pegawai(container, nip)}
