"""``/api/v1/konflik``: list with filters, detail, summary, assign, comment, decide one or in bulk."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mappings.limits import StoredInt
from service.auth import Gate
from service.openapi import SECURITY, body_doc
from service.requests import read_body
from service.routes.common import (
    STATUS,
    Caller,
    actor_name,
    caller,
    http_error,
    local_time,
    policy,
    run_tx,
    zone,
)
from sync.access.people import known_people
from sync.konflik import decide as deciding
from sync.konflik import query
from sync.konflik.errors import KonflikError
from sync.konflik.query import KonflikDetail, KonflikFilter, KonflikRow

# The values the filters accept, documented as enums (a test holds them to sync.konflik).
Situasi = Literal["merge", "unor_dihapus", "klaim", "skp_nilai"]
StatusName = Literal["open", "assigned", "resolved", "superseded"]
SORT_PATTERN = "^-?(dibuka|id|nip|field|unit|status)$"


def active() -> list[StatusName]:
    """The statuses listed when none is asked for: the undecided ones (``lifecycle.ACTIVE``)."""
    return ["open", "assigned"]


EXAMPLE_ROW = {
    "id": 12,
    "nip": "199001012015031001",
    "nama": "ANDI SAPUTRA",
    "unit_id": "A1B2",
    "unit_nama": "Subbagian Umum",
    "field": "unor_id",
    "kind": "merge",
    "status": "open",
    "assignee": None,
    "opened_at": "2026-11-20T01:02:03+07:00",
    "due_on": "2026-11-27",
    "overdue": False,
    "version": 1,
    "base": "A0",
    "local": "A1B2",
    "remote": "C3D4",
    "explanation": "Unit kerja diubah di e-Kinerja menjadi ... dan di SIASN menjadi ...",
}


class FilterBody(BaseModel):
    """The same filters as the list, for deciding every matching conflict."""

    model_config = ConfigDict(extra="forbid")

    unit: str | None = Field(None, max_length=64)
    field: str | None = Field(None, max_length=64)
    situasi: Situasi | None = None
    status: list[StatusName] = Field(default_factory=active, min_length=1, max_length=4)
    assignee: str | None = Field(None, max_length=120)
    min_age_days: int | None = Field(None, ge=0, le=36500)
    overdue: bool = False
    q: str | None = Field(None, max_length=200)

    def to_filter(self) -> KonflikFilter:
        """The service-layer filter."""
        return KonflikFilter(
            unit=self.unit,
            field=self.field,
            kind=self.situasi,
            statuses=tuple(self.status),
            assignee=self.assignee,
            min_age_days=self.min_age_days,
            overdue=self.overdue,
            text=self.q,
        )


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


def konflik_router(gate: Gate) -> APIRouter:
    """The konflik routes, all behind an API key or a session."""
    router = APIRouter(prefix="/api/v1/konflik", tags=["konflik"])
    _read_routes(router, gate)
    _write_routes(router, gate)
    return router


def _read_routes(router: APIRouter, gate: Gate) -> None:
    """List, summary and detail."""
    tz = zone(gate)
    rules = policy(gate)

    @router.get("", summary="Daftar konflik dengan filter", openapi_extra={"security": SECURITY})
    async def list_konflik(
        request: Request,
        unit: Annotated[str | None, Query(max_length=64, description="unit dan turunannya")] = None,
        field: Annotated[str | None, Query(max_length=64, description="nama field")] = None,
        situasi: Annotated[Situasi | None, Query(description="situasi konflik")] = None,
        status: Annotated[list[StatusName] | None, Query(max_length=4, description="status konflik")] = None,
        assignee: Annotated[str | None, Query(max_length=120)] = None,
        min_age_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
        overdue: bool = False,
        q: Annotated[str | None, Query(max_length=200, description="NIP atau nama")] = None,
        sort: Annotated[str, Query(pattern=SORT_PATTERN, description="awali - untuk menurun")] = "dibuka",
        page: Annotated[StoredInt, Query()] = 1,
        per_page: Annotated[int, Query(ge=1, le=query.MAX_PER_PAGE)] = 50,
    ) -> dict[str, Any]:
        """Conflicts the caller may see, filtered, sorted and paged (with the total)."""
        who = await caller(gate, request)
        filt = FilterBody(
            unit=unit,
            field=field,
            situasi=situasi,
            status=status or active(),
            assignee=assignee,
            min_age_days=min_age_days,
            overdue=overdue,
            q=q,
        ).to_filter()
        found = await run_tx(gate, query.list_conflicts, who.scope, filt, sort, page, per_page, policy=rules)
        return {
            "total": found.total,
            "page": found.page,
            "per_page": found.per_page,
            "items": [row_json(r, tz) for r in found.rows],
        }

    @router.get(
        "/ringkasan",
        summary="Konflik terbuka dan lewat tenggat per unit dan field",
        openapi_extra={"security": SECURITY},
    )
    async def ringkasan(request: Request) -> dict[str, Any]:
        """Open and overdue conflicts by unit and by field."""
        who = await caller(gate, request)
        return await run_tx(gate, query.summary, who.scope, policy=rules)

    @router.get(
        "/penerima",
        summary="Orang yang dapat ditugasi konflik (akun lokal, operator, admin MyASN)",
        openapi_extra={"security": SECURITY},
    )
    async def penerima(
        request: Request,
        q: Annotated[str | None, Query(max_length=200, description="bagian nama, NIP atau akun")] = None,
    ) -> dict[str, Any]:
        """Everyone a conflict can be assigned to: ``key`` is what ``tugaskan`` takes."""
        await caller(gate, request)
        people = await run_tx(gate, known_people, q)
        return {"items": [{"key": p.key, "label": p.label, "source": p.source} for p in people]}

    @router.get("/{conflict_id}", summary="Rincian satu konflik", openapi_extra={"security": SECURITY})
    async def detail(conflict_id: StoredInt, request: Request) -> dict[str, Any]:
        """Base, local and SIASN values, unit path, explanation, recommendation, history."""
        who = await caller(gate, request)
        found = await run_tx(gate, query.get_conflict, who.scope, conflict_id, policy=rules)
        return detail_json(found, tz)


def _write_routes(router: APIRouter, gate: Gate) -> None:
    """Assign, comment, decide one, decide in bulk."""
    rules = policy(gate)

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


def row_json(row: KonflikRow, tz: Any) -> dict[str, Any]:
    """A list row as JSON (times in the configured timezone)."""
    return {
        "id": row.id,
        "nip": row.nip,
        "nama": row.nama,
        "unit_id": row.unit_id,
        "unit_nama": row.unit_nama,
        "field": row.field,
        "kind": row.kind,
        "status": row.status,
        "assignee": row.assignee,
        "opened_at": local_time(row.opened_at, tz),
        "due_on": row.due_on.isoformat(),
        "overdue": row.overdue,
        "version": row.version,
        "base": row.base,
        "local": row.local,
        "remote": row.remote,
        "explanation": row.explanation,
    }


def detail_json(found: KonflikDetail, tz: Any) -> dict[str, Any]:
    """A conflict's detail as JSON."""
    return {
        **row_json(found.row, tz),
        "unit_path": [{"id": u, "nama": n} for u, n in found.unit_path],
        "recommended": found.recommended,
        "supersedes_id": found.supersedes_id,
        "superseded_by_id": found.superseded_by_id,
        "resolution": found.resolution,
        "resolution_reason": found.resolution_reason,
        "resolved_by": found.resolved_by,
        "resolved_at": local_time(found.resolved_at, tz),
        "decided_value": found.decided_value,
        "group": [
            {
                "id": m.id,
                "field": m.field,
                "version": m.version,
                "base": m.base,
                "local": m.local,
                "remote": m.remote,
            }
            for m in found.together
        ],
        "history": [
            {
                "at": local_time(e.at, tz),
                "actor": e.actor,
                "kind": e.kind,
                "detail": e.detail,
                "version": e.version,
            }
            for e in found.events
        ],
    }
