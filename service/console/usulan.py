"""The usulan perbaikan page (upstream corrections to file in SIASN, by unit) and its exports."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from mappings.messages import t
from service.console.konflik_data import EXPORT_TYPES, download
from service.console.safe import csv_bytes, xlsx_bytes
from service.console.views import PageRefused, Viewer, Views
from sync.access.rules import RoleMap
from sync.konflik.scope import scope_for
from sync.konflik.usulan import FILE_COLUMNS, SHEET_COLUMNS, group_by_unit, list_usulan


def corrections(session: Session, roles: RoleMap, viewer: Viewer) -> list[dict[str, Any]]:
    """The corrections the viewer may see, grouped by unit (units by path, unit values too)."""
    return group_by_unit(list_usulan(session, scope_for(session, viewer.who, roles)))


def export_body(groups: list[dict[str, Any]], fmt: str, tz: tzinfo) -> bytes:
    """The corrections as CSV (every column, keys as header) or XLSX (what a person reads)."""
    items = [u for g in groups for u in g["usulan"]]
    if fmt == "csv":
        return csv_bytes(FILE_COLUMNS, [[u.get(c.key) for c in FILE_COLUMNS] for u in items], tz)
    return xlsx_bytes("usulan", SHEET_COLUMNS, [[u.get(c.key) for c in SHEET_COLUMNS] for u in items], tz)


def usulan_router(views: Views) -> APIRouter:
    """Routes of the usulan perbaikan page and its CSV / XLSX exports."""
    router = APIRouter()

    @router.get("/usulan-perbaikan", response_class=HTMLResponse)
    async def usulan(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        groups = await views.gate.tx(corrections, views.gate.roles, viewer)
        return views.page(request, viewer, "usulan.html", groups=groups)

    @router.get("/usulan-perbaikan/ekspor.{fmt}")
    async def ekspor(request: Request, fmt: str) -> Response:
        viewer = await views.viewer(request)
        if fmt not in EXPORT_TYPES:
            raise PageRefused(404, t("console.bad_export", fmt=fmt[:10]))
        groups = await views.gate.tx(corrections, views.gate.roles, viewer)
        return download(export_body(groups, fmt, views.zone), "usulan-perbaikan", fmt)

    return router
