"""``/api/v1/usulan-perbaikan``: upstream corrections to file in SIASN, grouped by unit; export."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from service.auth import Gate
from service.openapi import SECURITY
from service.routes.common import caller, run_tx, zone
from sync.konflik.export import to_csv
from sync.konflik.usulan import COLUMNS, group_by_unit, list_usulan


def usulan_router(gate: Gate) -> APIRouter:
    """The usulan perbaikan routes."""
    router = APIRouter(prefix="/api/v1/usulan-perbaikan", tags=["usulan-perbaikan"])
    tz = zone(gate)

    @router.get("", summary="Usulan perbaikan data SIASN per unit", openapi_extra={"security": SECURITY})
    async def list_all(
        request: Request, unit: Annotated[str | None, Query(max_length=64)] = None
    ) -> dict[str, Any]:
        """Local values kept by an admin, to propose to BKN, grouped by unit."""
        who = await caller(gate, request)
        items = await run_tx(gate, list_usulan, who.scope, unit)
        return {"count": len(items), "units": group_by_unit(items, tz)}

    @router.get(
        "/ekspor",
        summary="Ekspor usulan perbaikan (CSV atau JSON)",
        openapi_extra={"security": SECURITY},
        responses={200: {"content": {"text/csv": {}, "application/json": {}}}},
    )
    async def export(
        request: Request,
        format: Annotated[Literal["csv", "json"], Query()] = "csv",
        unit: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        """The same list as a download; CSV cells that look like formulas are neutralised."""
        who = await caller(gate, request)
        items = await run_tx(gate, list_usulan, who.scope, unit)
        if format == "json":
            body = json.dumps({"units": group_by_unit(items, tz)}, ensure_ascii=False, default=str)
            return Response(body, media_type="application/json", headers=_attachment("json"))
        csv_text = to_csv((i.as_dict(tz) for i in items), COLUMNS, tz)
        return Response("\ufeff" + csv_text, media_type="text/csv; charset=utf-8", headers=_attachment("csv"))

    return router


def _attachment(ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="usulan-perbaikan-siasn.{ext}"'}
