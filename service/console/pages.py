"""Console pages that read: beranda, riwayat sinkron, integritas atasan, pegawai search and profile."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mappings.messages import t
from mappings.nip import NipError, normalize_nip
from service.console import reads
from service.console.chart import COLOURS, SITUATIONS, situation_chart
from service.console.safe import mask_record
from service.console.skp_profil import skp_section
from service.console.views import PageRefused, Views

CHART_RUNS = 30
SITUATION_KEYS = {name: f"console.situation_{name}" for name in SITUATIONS}
RUN_STATUSES = ("running", "completed", "held", "aborted", "stopped", "dry_run",
                "dry_run_held", "dry_run_aborted")
INTEGRITY_KINDS = ("tanpa_atasan", "siklus", "atasan_luar_instansi", "atasan_lebih_rendah")


def situation_labels() -> dict[str, str]:
    """Situation names as an operator reads them."""
    return {name: t(key) for name, key in SITUATION_KEYS.items()}


def status_labels() -> dict[str, str]:
    """Run statuses as an operator reads them."""
    return {name: t(f"console.run_status_{name}") for name in RUN_STATUSES}


def read_router(views: Views) -> APIRouter:
    """Routes of the read-only pages."""
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    async def beranda(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        runs = await views.gate.tx(reads.visible_runs, viewer.who, views.gate.roles, CHART_RUNS)
        summary = await views.gate.tx(reads.konflik_summary, viewer.who, views.gate.roles)
        return views.page(request, viewer, "beranda.html", summary=summary, runs=runs[:10],
                          chart=_chart(views, runs), colours=COLOURS,
                          situations=situation_labels(), statuses=status_labels())

    @router.get("/integritas", response_class=HTMLResponse)
    async def integritas(request: Request) -> HTMLResponse:
        viewer = await views.staff(request)
        report = await views.gate.tx(reads.integrity_view, viewer.who, views.gate.roles)
        kinds = {kind: t(f"console.integrity_{kind}") for kind in INTEGRITY_KINDS}
        return views.page(request, viewer, "integritas.html", report=report, kinds=kinds)

    _pegawai_routes(router, views)
    return router


def _pegawai_routes(router: APIRouter, views: Views) -> None:
    @router.get("/pegawai", response_class=HTMLResponse)
    async def pegawai(request: Request, q: str = "") -> HTMLResponse:
        viewer = await views.viewer(request)
        query = q.strip()[:100]
        people, more = ([], False) if not query else await views.gate.tx(
            reads.search_pegawai, viewer.who, views.gate.roles, query)
        return views.page(request, viewer, "pegawai.html", q=query, people=people, more=more,
                          limit=reads.SEARCH_LIMIT)

    @router.get("/pegawai/{nip}", response_class=HTMLResponse)
    async def profil(request: Request, nip: str) -> HTMLResponse:
        viewer = await views.viewer(request)
        nip = _nip(nip)
        allowed = await views.gate.tx(reads.may_read, viewer.who, views.gate.roles, nip)
        if not allowed:
            raise PageRefused(403, t("console.pegawai_forbidden", nip=nip))
        return views.page(request, viewer, "profil.html", **await _profile(views, nip))


async def _profile(views: Views, nip: str) -> dict[str, Any]:
    """The stored profile (NIK masked), its unit path and its audit trail."""
    from service.api import read_profile  # service.api mounts this package: import late

    profile = await asyncio.to_thread(read_profile, views.gate.container, nip)
    if profile is None:
        raise PageRefused(404, t("common.not_found_pegawai", nip=nip))
    profile["pegawai"] = mask_record(profile["pegawai"])
    path = await views.gate.tx(reads.unit_names, profile["pegawai"].get("unor_id"))
    trail = await views.gate.tx(reads.audit_trail, nip)
    skp = await views.gate.tx(skp_section, nip)
    return {"profile": profile, "path": path, "trail": trail, **skp}


def _chart(views: Views, runs: list[dict[str, Any]]) -> Any:
    rows = [{"counts": r["counts"], "day": views.when(r["started_at"])[:5]}
            for r in reversed(runs) if not r["dry_run"]]
    return situation_chart(rows, situation_labels())


def _nip(value: str) -> str:
    try:
        return normalize_nip(value)
    except NipError as exc:
        raise PageRefused(400, t("console.bad_nip", detail=str(exc))) from exc
