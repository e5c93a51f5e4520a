"""HTTP API of SKP: the e-Kinerja app records an employee's SKP; anyone allowed reads it.

``PUT /api/v1/pegawai/{nip}/skp`` records (or replaces) one SKP of the instansi's own for the push;
``GET /api/v1/pegawai/{nip}/skp`` and ``.../skp/masalah`` read an employee's SKP from every source
and the feed's problems; ``GET /api/v1/skp/masalah`` lists the teachers whose results did not flow,
by school, limited to the caller's work area. Access rules are the pegawai routes' (``sync.access``);
a request that does not fit gets 422 naming the field, in Bahasa Indonesia.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from mappings.messages import choices, t
from mappings.nip import NipError, normalize_nip
from service.auth import Gate
from service.openapi import Nip, body_doc
from service.requests import invalid, parse_json
from sync.access.rules import Action, Principal, authorize
from sync.pmm.problems import problems_by_school
from sync.skp.record import RecordError, SkpIn, record_skp
from sync.skp.view import problems_of, skp_of

ERROR_TYPES = (
    "missing",
    "extra_forbidden",
    "string_too_long",
    "string_too_short",
    "string_pattern_mismatch",
    "literal_error",
    "int_parsing",
    "int_type",
    "greater_than_equal",
    "less_than_equal",
    "date_from_datetime_parsing",
    "date_parsing",
    "too_long",
    "list_type",
    "model_type",
    "dict_type",
    "string_type",
)


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``{lokasi, pesan}`` (the API's one 422 shape) in Bahasa Indonesia."""
    out = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or t("skp.api.body")
        kind = error["type"]
        context = {k: choices(v) if k == "expected" else str(v) for k, v in (error.get("ctx") or {}).items()}
        if kind == "value_error":
            reason = str(error["msg"]).removeprefix("Value error, ")
        elif kind in ERROR_TYPES:
            reason = t(f"skp.api.err.{kind}", **context)
        else:
            reason = t("skp.api.err.other", detail=error["msg"])
        out.append(
            {
                "lokasi": f"body.{field}" if error["loc"] else "body",
                "pesan": t("skp.api.field", field=field, reason=reason),
            }
        )
    return out


def _nip(value: str) -> str:
    try:
        return normalize_nip(value)
    except NipError:
        raise invalid("path.nip", t("access.nip_invalid")) from None


async def _body(request: Request) -> SkpIn:
    raw = parse_json(await request.body())
    try:
        return SkpIn.model_validate(raw)
    except ValidationError as exc:
        raise HTTPException(422, field_errors(exc)) from None


def _actor(who: Principal, on_behalf: str | None) -> str:
    return f"{who.actor}/{on_behalf}" if who.kind == "apikey" and on_behalf else who.actor


def skp_router(gate: Gate) -> APIRouter:
    """The SKP routes, guarded by ``gate``."""
    router = APIRouter()

    @router.get("/api/v1/pegawai/{nip}/skp")
    async def read_skp(nip: Nip, request: Request) -> dict[str, Any]:
        who = await gate.require(request)
        await gate.check(request, who, Action.READ, nip=_nip(nip))
        return await gate.tx(
            lambda s: {"nip": _nip(nip), "skp": skp_of(s, _nip(nip)), "masalah": problems_of(s, _nip(nip))}
        )

    @router.put("/api/v1/pegawai/{nip}/skp", openapi_extra=body_doc(SkpIn))
    async def put_skp(nip: Nip, request: Request) -> dict[str, Any]:
        who = await gate.require(request)
        await gate.check(request, who, Action.EDIT, nip=_nip(nip))
        body = await _body(request)

        def work(session: Session) -> dict[str, Any]:
            written = record_skp(session, _nip(nip), body, actor=_actor(who, body.actor))
            return {
                "nip": _nip(nip),
                "hasil": written,
                "skp": [s for s in skp_of(session, _nip(nip)) if s["id"] == body.id],
            }

        try:
            return await gate.tx(work)
        except RecordError as exc:
            raise (
                invalid("body", str(exc)) if exc.status == 422 else HTTPException(exc.status, str(exc))
            ) from None

    @router.get("/api/v1/pegawai/{nip}/skp/masalah")
    async def read_problems(nip: Nip, request: Request) -> list[dict[str, Any]]:
        who = await gate.require(request)
        await gate.check(request, who, Action.READ, nip=_nip(nip))
        return await gate.tx(problems_of, _nip(nip))

    @router.get("/api/v1/skp/masalah")
    async def problems_list(request: Request) -> list[dict[str, Any]]:
        who = await gate.require(request)

        def work(session: Session) -> list[dict[str, Any]]:
            everyone = problems_by_school(session)
            if who.level(gate.roles) == "all":
                return everyone
            nips = {g["nip"] for s in everyone for g in s["guru"]}
            allowed = {n for n in nips if authorize(session, who, Action.READ, gate.roles, nip=n).allowed}
            return problems_by_school(session, allowed)

        return await gate.tx(work)

    return router
