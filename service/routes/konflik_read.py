"""``/api/v1/konflik`` reads: list with filters, summary, assignable people, detail.

Also the filter types and the JSON shapes of a conflict, shared with the writes and the CLI.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from mappings.limits import StoredInt
from service.auth import Gate
from service.openapi import SECURITY
from service.routes.common import caller, local_time, policy, run_tx, zone
from sync.access.people import known_people
from sync.konflik import query
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


def read_routes(router: APIRouter, gate: Gate) -> None:
    """List, summary, assignable people and detail (in this order: ``/{conflict_id}`` comes last)."""
    _list_route(router, gate)
    _lookup_routes(router, gate)


def _list_route(router: APIRouter, gate: Gate) -> None:
    """The filtered, sorted, paged list."""
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


def _lookup_routes(router: APIRouter, gate: Gate) -> None:
    """Summary, assignable people and one conflict's detail."""
    tz = zone(gate)
    rules = policy(gate)

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
