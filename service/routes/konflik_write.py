"""``/api/v1/konflik`` writes: assign, comment, decide one or in bulk (all or nothing)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mappings.limits import StoredInt
from service.auth import Gate
from service.openapi import body_doc
from service.requests import read_body
from service.routes.common import STATUS, Caller, actor_name, caller, http_error, policy, run_tx
from service.routes.konflik_read import FilterBody
from sync.konflik import decide as deciding
from sync.konflik import query
from sync.konflik.errors import KonflikError
from sync.konflik.query import KonflikFilter


class DecideBody(BaseModel):
    """One decision on a conflict and the undecided conflicts of its related fields (its group):
    what, why (mandatory), the value(s) for ``tetapkan_nilai``, the versions seen."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "ambil_siasn", "reason": "SK mutasi sudah terbit", "version": 1},
                {
                    "decision": "tetapkan_nilai",
                    "reason": "SK kenaikan pangkat",
                    "value": {"golongan": "III/b", "tmt_golongan": "01-04-2026"},
                    "versions": {"12": 1, "13": 1},
                },
            ]
        },
    )

    decision: deciding.Resolution
    reason: str = Field(min_length=1, max_length=1000)
    value: Any = Field(
        None, description="nilai baru; untuk kelompok field objek {field: nilai} berisi setiap field"
    )
    version: StoredInt | None = Field(None, description="versi yang ditampilkan (cek basi)")
    versions: dict[StoredInt, StoredInt] | None = Field(
        None, max_length=20, description="versi yang ditampilkan untuk setiap anggota kelompok"
    )
    actor: str | None = Field(None, min_length=1, max_length=100)

    def seen(self, conflict_id: int) -> dict[int, int] | None:
        """The versions to check: the group's, with ``version`` for the conflict itself."""
        seen = dict(self.versions or {})
        if self.version is not None:
            seen[conflict_id] = self.version
        return seen or None


class BulkBody(BaseModel):
    """A bulk decision by ids (with the versions seen) or by filter (select-all-filtered)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "ids": [12, 13],
                    "versions": {"12": 1, "13": 2},
                    "decision": "pertahankan_lokal",
                    "reason": "nilai lokal sesuai SK, usulkan perbaikan",
                },
                {
                    "filter": {"unit": "A1B2", "field": "unor_id"},
                    "decision": "ambil_siasn",
                    "reason": "mutasi massal sah",
                },
            ]
        },
    )

    ids: list[StoredInt] | None = Field(None, min_length=1, max_length=deciding.MAX_BULK)
    versions: dict[StoredInt, StoredInt] | None = Field(None, max_length=deciding.MAX_BULK)
    filter: FilterBody | None = None
    decision: deciding.Resolution
    reason: str = Field(min_length=1, max_length=1000)
    value: Any = None
    actor: str | None = Field(None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _one_selection(self) -> BulkBody:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("isi tepat satu dari 'ids' atau 'filter'")
        return self


class AssignBody(BaseModel):
    """Give a conflict to someone (``null`` takes it back)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"assignee": "198001012005011001", "version": 1}]}
    )

    assignee: str | None = Field(None, max_length=120)
    version: StoredInt | None = None
    actor: str | None = Field(None, min_length=1, max_length=100)


class CommentBody(BaseModel):
    """A comment on a conflict."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"text": "Menunggu salinan SK dari bidang mutasi."}]}
    )

    text: str = Field(min_length=1, max_length=2000)
    actor: str | None = Field(None, min_length=1, max_length=100)


def write_routes(router: APIRouter, gate: Gate) -> None:
    """Assign, comment, decide one, decide in bulk."""
    _note_routes(router, gate)
    _decide_routes(router, gate)


def _note_routes(router: APIRouter, gate: Gate) -> None:
    """Assign and comment."""

    @router.post("/{conflict_id}/tugaskan", summary="Tugaskan konflik", openapi_extra=body_doc(AssignBody))
    async def tugaskan(conflict_id: StoredInt, request: Request) -> dict[str, Any]:
        """Assign an undecided conflict to someone (or take it back)."""
        who = await caller(gate, request)
        body = await read_body(request, AssignBody)
        done = await run_tx(
            gate,
            deciding.assign,
            who.scope,
            conflict_id,
            body.assignee,
            actor=actor_name(who.who, body.actor),
            seen_version=body.version,
        )
        return {"id": done.id, "status": done.status, "assignee": done.assignee, "version": done.version}

    @router.post(
        "/{conflict_id}/komentar",
        summary="Tambah komentar",
        status_code=201,
        openapi_extra=body_doc(CommentBody),
    )
    async def komentar(conflict_id: StoredInt, request: Request) -> dict[str, Any]:
        """Add a comment to the conflict's history."""
        who = await caller(gate, request)
        body = await read_body(request, CommentBody)
        await run_tx(
            gate, deciding.comment, who.scope, conflict_id, body.text, actor=actor_name(who.who, body.actor)
        )
        return {"id": conflict_id, "commented": True}


def _decide_routes(router: APIRouter, gate: Gate) -> None:
    """Decide one (with its group) and decide in bulk."""
    rules = policy(gate)

    @router.post(
        "/{conflict_id}/keputusan", summary="Putuskan satu konflik", openapi_extra=body_doc(DecideBody)
    )
    async def keputusan(conflict_id: StoredInt, request: Request) -> dict[str, Any]:
        """Take SIASN, keep local or set a value (an usulan perbaikan when it differs from SIASN),
        with a reason; the undecided conflicts of related fields are decided with it, atomically."""
        who = await caller(gate, request)
        body = await read_body(request, DecideBody)
        seen = body.seen(conflict_id)
        done = await run_tx(
            gate,
            deciding.decide,
            who.scope,
            [conflict_id],
            body.decision,
            actor=actor_name(who.who, body.actor),
            reason=body.reason,
            seen_versions=seen,
            value=body.value,
        )
        return {
            "decided": [c.id for c in done],
            "decision": body.decision.value,
            "fields": [decided_json(c) for c in done],
        }

    @router.post(
        "/keputusan",
        summary="Putuskan banyak konflik sekaligus (semua atau tidak sama sekali)",
        openapi_extra=body_doc(BulkBody),
        response_model=None,
    )
    async def keputusan_massal(request: Request) -> dict[str, Any] | JSONResponse:
        """Decide the listed ids, or every conflict matching the filter, atomically."""
        who = await caller(gate, request)
        body = await read_body(request, BulkBody)
        try:
            done = await gate.tx(_bulk, who, body, rules)
        except KonflikError as exc:
            if not exc.refused:
                raise http_error(exc) from None
            return _bulk_refusal(exc)
        return {"decided": done, "decision": body.decision.value, "count": len(done), "refused": []}


def _bulk_refusal(exc: KonflikError) -> JSONResponse:
    """A refused bulk decision: nothing decided, each refused conflict with its reason."""
    status = next(code for kind, code in STATUS if isinstance(exc, kind))
    refused = [{"id": cid, "reason": reason} for cid, reason in exc.refused]
    return JSONResponse({"detail": str(exc), "count": 0, "decided": [], "refused": refused}, status)


def _bulk(session: Any, who: Caller, body: BulkBody, rules: Any) -> list[int]:
    ids = (
        body.ids
        if body.ids is not None
        else query.select_ids(
            session, who.scope, body.filter.to_filter() if body.filter else KonflikFilter(), policy=rules
        )
    )
    done = deciding.decide(
        session,
        who.scope,
        ids,
        body.decision,
        actor=actor_name(who.who, body.actor),
        reason=body.reason,
        seen_versions=body.versions,
        value=body.value,
    )
    return [c.id for c in done]


def decided_json(conflict: Any) -> dict[str, Any]:
    """One decided conflict of a decision: its id, field and the value it now holds."""
    return {"id": conflict.id, "field": conflict.field, "value": conflict.decided_value}
