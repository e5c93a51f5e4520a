"""Console pages that read: beranda, riwayat sinkron, integritas atasan, pegawai search; what the
profile shows (its route and actions are in ``service.console.profil``)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from mappings.messages import t
from service.console import reads
from service.console.chart import COLOURS, SITUATIONS, situation_chart
from service.console.labels import PROFILE_FIELDS
from service.console.paging import Paging, choice, read_paging, text_param
from service.console.safe import mask_record
from service.console.skp_profil import skp_section
from service.console.unit_picker import Pick, pick_unit
from service.console.views import PageRefused, Viewer, Views
from sync import audit_verify
from sync.access.rules import RoleMap
from sync.konflik.scope import scope_for
from sync.unit_index import unit_index

CHART_RUNS = 30
SITUATION_KEYS = {name: f"console.situation_{name}" for name in SITUATIONS}
RUN_STATUSES = (
    "running",
    "completed",
    "held",
    "aborted",
    "stopped",
    "dry_run",
    "dry_run_held",
    "dry_run_aborted",
    "superseded",
    "failed",
)
SCALES = ("log", "linear")
PEGAWAI_SORTS = ("nama", "-nama", "nip", "-nip", "unit", "-unit", "jabatan", "-jabatan")
INTEGRITY_KINDS = (
    "tanpa_atasan",
    "siklus",
    "atasan_luar_instansi",
    "atasan_lebih_rendah",
    "unor_belum_dikonfirmasi",
)


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
        scale = choice(request.query_params, "skala", SCALES, "log")
        changes = choice(request.query_params, "hanya", ("perubahan",))
        found = await views.gate.tx(reads.beranda_runs, viewer.who, views.gate.roles, CHART_RUNS)
        summary = await views.gate.tx(reads.konflik_summary, viewer.who, views.gate.roles)
        skip = frozenset({"confirmed"}) if changes else frozenset()
        audit_check = await views.gate.tx(audit_verify.latest)
        return views.page(
            request,
            viewer,
            "beranda.html",
            summary=summary,
            runs=found["nights"][:10],
            feeds=found["feeds"],
            chart=_chart(views, found["nights"], scale, skip),
            colours=COLOURS,
            situations=situation_labels(),
            statuses=status_labels(),
            scale=scale,
            changes=changes,
            audit_check=audit_check,
            zone=views.gate.container.settings.display_timezone,
        )

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
    async def pegawai(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        paging = read_paging(request.query_params)
        params = {
            "q": text_param(request.query_params, "q"),
            "aktif": choice(request.query_params, "aktif", ("ya", "tidak")),
            "urut": choice(request.query_params, "urut", PEGAWAI_SORTS, "nama"),
        }
        found = await views.gate.tx(
            _pegawai_list, views.gate.roles, viewer, dict(request.query_params), params, paging
        )
        return views.page(
            request,
            viewer,
            "pegawai.html",
            sorts=PEGAWAI_SORTS,
            back=request.url.path + "?" + request.url.query,
            **found,
        )


def _pegawai_list(
    session: Session,
    roles: RoleMap,
    viewer: Viewer,
    raw: dict[str, str],
    params: dict[str, str],
    paging: Paging,
) -> dict[str, Any]:
    """One page of employees with unit paths; the unit filter through the picker."""
    scope = scope_for(session, viewer.who, roles)
    pick = pick_unit(session, scope, raw) if scope.level != "self" else Pick()
    params = {**params, "unit": pick.unit_id or ""}
    want = reads.PegawaiQuery(
        params["q"], pick.unit_id, params["aktif"], params["urut"], paging.page, paging.per_page
    )
    rows, total = reads.pegawai_page(session, viewer.who, roles, want)
    return {
        "people": rows,
        "paging": paging.counted(total),
        "pick": pick,
        "params": params,
        "pick_units": scope.level != "self",
        "units": unit_index(session).labels(r.unor_id for r in rows),
    }


async def profile_context(views: Views, nip: str) -> dict[str, Any]:
    """The stored profile (NIK masked), its unit path and its audit trail."""
    from service.api import read_profile  # service.api mounts this package: import late

    profile = await asyncio.to_thread(read_profile, views.gate.container, nip)
    if profile is None:
        raise PageRefused(404, t("common.not_found_pegawai", nip=nip))
    profile["pegawai"] = mask_record(profile["pegawai"])
    path = await views.gate.tx(reads.unit_names, profile["pegawai"].get("unor_id"))
    trail = await views.gate.tx(reads.audit_trail, nip)
    skp = await views.gate.tx(skp_section, nip)
    ids = {profile["pegawai"].get("unor_id")} | {
        v for a in trail for v in (a.old_value, a.new_value, a.field) if isinstance(v, str)
    }
    units = await views.gate.tx(reads.unit_labels, ids)
    return {
        "profile": profile,
        "path": path,
        "trail": trail,
        "units": units,
        "fields": [k for k in PROFILE_FIELDS if k in profile["pegawai"]],
        **skp,
    }


def _chart(views: Views, runs: list[dict[str, Any]], scale: str, skip: frozenset[str]) -> Any:
    """Nights oldest first, each labelled with its date and time in the configured timezone."""
    rows = [
        {"counts": r["counts"], "day": _day_time(views.when(r["started_at"]))}
        for r in reversed(runs)
        if not r["dry_run"]
    ]
    return situation_chart(rows, situation_labels(), scale=scale, skip=skip)


def _day_time(shown: str) -> str:
    """``dd-mm-yyyy HH:MM`` -> ``dd-mm HH:MM`` (short enough for an axis label)."""
    day, _, clock = shown.partition(" ")
    return f"{day[:5]} {clock}".strip()
