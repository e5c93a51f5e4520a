"""``/api/v1/runs``: run list, one run's report, its per-employee items, approving a held run."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from mappings.messages import t
from service.auth import Gate
from service.container import ConfigError
from service.jobs import approve_held
from service.openapi import SECURITY, body_doc
from service.requests import read_body
from service.routes.common import caller, http_error, local_time, run_tx, zone
from sync.konflik.errors import KonflikError
from sync.reconcile import detail as run_detail


class ApproveBody(BaseModel):
    """Why the held run may go ahead (kept in the audit log)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "pensiun massal akhir tahun sudah dicek dengan daftar SK"}]
        },
    )

    reason: str = Field(min_length=1, max_length=1000)


def runs_router(gate: Gate) -> APIRouter:
    """The run routes; operators see only their units' employees in the items."""
    router = APIRouter(prefix="/api/v1/runs", tags=["runs"])
    tz = zone(gate)

    def dated(report: dict[str, Any]) -> dict[str, Any]:
        for key in ("started_at", "finished_at"):
            report[key] = local_time(report.get(key), tz)
        return report

    @router.get("", summary="Daftar run sinkron, terbaru dulu", openapi_extra={"security": SECURITY})
    async def list_runs(
        request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 20
    ) -> list[dict[str, Any]]:
        """The newest runs with their counts per situation."""
        who = await caller(gate, request)
        return [dated(r) for r in await run_tx(gate, run_detail.list_runs, who.scope, limit)]

    @router.get(
        "/{run_id}", summary="Laporan satu run (id atau awalan unik)", openapi_extra={"security": SECURITY}
    )
    async def show(run_id: str, request: Request) -> dict[str, Any]:
        """One run's report; any unique prefix of its id works."""
        who = await caller(gate, request)
        return dated(await run_tx(gate, run_detail.run_report, who.scope, run_id))

    @router.get(
        "/{run_id}/items",
        summary="Per pegawai: situasi, perubahan, galat, alasan keluar",
        openapi_extra={"security": SECURITY},
    )
    async def items(
        run_id: str, request: Request, situasi: Annotated[str | None, Query(max_length=20)] = None
    ) -> dict[str, Any]:
        """Every employee of the run (a dry or held run: its plan)."""
        who = await caller(gate, request)
        found = await run_tx(gate, run_detail.run_items, who.scope, run_id, situasi)
        return {"run_id": run_id, "count": len(found), "items": [i.as_dict() for i in found]}

    @router.post(
        "/{run_id}/setujui",
        summary="Setujui run yang ditahan pengaman (admin)",
        openapi_extra=body_doc(ApproveBody),
        responses={503: {"description": "SIASN belum dikonfigurasi di server ini."}},
    )
    async def approve(run_id: str, request: Request) -> dict[str, Any]:
        """Apply a held run after reviewing its items (what ``reconcile --confirm`` does)."""
        who = await caller(gate, request)
        body = await read_body(request, ApproveBody)
        try:
            report = await approve_held(
                gate.container, who.scope, run_id, actor=who.who.actor, reason=body.reason
            )
        except KonflikError as exc:
            raise http_error(exc) from None
        except ConfigError as exc:  # serve without SIASN settings: the review still works
            raise HTTPException(503, t("runs.approve_siasn_unavailable", reason=str(exc))) from None
        return dated(report)

    return router
