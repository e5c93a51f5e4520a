"""The Guru (PMM) page: teachers whose PMM / Ruang GTK results did not flow into SKP, by school.

Each teacher is listed under their school with the broken rule, the reason, the fix and who must
make it (``sync.pmm.problems``), filtered by school, unit subtree and rule, and limited to the
viewer's area exactly as ``GET /api/v1/skp/masalah`` limits it: an admin sees everyone, an
operator the employees of their units, an employee only themself. CSV / XLSX exports carry what
is filtered, through the console's formula-safe helpers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from mappings.skp_rules import RULES
from service.console.konflik_data import EXPORT_TYPES, download
from service.console.safe import csv_bytes, mask_record, xlsx_bytes
from service.console.views import PageRefused, Viewer, Views
from store.models import Pegawai, Unit
from sync.access import Action, RoleMap, authorize
from sync.konflik.scope import scope_for, subtree
from sync.pmm.problems import problems_by_school

COLUMNS = ("npsn", "satuan_pendidikan", "nip", "nama", "nuptk", "periode", "sumber", "aturan",
           "alasan", "perbaikan", "oleh", "sejak")
FILTER_KEYS = ("sekolah", "unit", "aturan")
MAX_FILTER = 64


@dataclass(frozen=True)
class GuruFilter:
    """The page's filters: school (NPSN, ``-`` for none), unit subtree root, rule code."""

    sekolah: str = ""
    unit: str = ""
    aturan: str = ""

    def query(self) -> str:
        """The URL query of the non-empty filters."""
        return urlencode({k: v for k in FILTER_KEYS if (v := getattr(self, k))})


def parse_filter(source: Mapping[str, str]) -> GuruFilter:
    """Read the filters from query parameters; an unknown rule or an over-long value is refused."""
    params = {key: str(source.get(key, "")).strip() for key in FILTER_KEYS}
    for key, value in params.items():
        if len(value) > MAX_FILTER or any(not ch.isprintable() for ch in value):
            raise PageRefused(400, t("console.guru_bad_filter", name=key, value=value[:20]))
    if params["aturan"] and params["aturan"] not in RULES:
        raise PageRefused(400, t("console.guru_bad_filter", name="aturan",
                                 value=params["aturan"][:20]))
    return GuruFilter(**params)


def visible_schools(session: Session, roles: RoleMap, viewer: Viewer) -> list[dict[str, Any]]:
    """Teachers with open problems by school, limited to the viewer's area as the API does."""
    everyone = problems_by_school(session)
    if viewer.level == "all":
        return everyone
    nips = {g["nip"] for s in everyone for g in s["guru"]}
    allowed = {n for n in nips
               if authorize(session, viewer.who, Action.READ, roles, nip=n).allowed}
    return problems_by_school(session, allowed)


def guru_page(session: Session, roles: RoleMap, viewer: Viewer, want: GuruFilter
              ) -> dict[str, Any]:
    """What the page shows: the filtered schools, the filter choices and the totals."""
    schools = visible_schools(session, roles, viewer)
    choices = [(s["npsn"] or "-", s["satuan_pendidikan"]) for s in schools]
    units = _units(session, roles, viewer)
    if want.unit and want.unit not in dict(units):
        raise PageRefused(400, t("console.guru_bad_filter", name="unit", value=want.unit[:20]))
    shown = _filtered(session, schools, want)
    return {"schools": shown, "school_choices": choices, "units": units, "rules": sorted(RULES),
            "teachers": sum(s["jumlah_guru"] for s in shown),
            "problems": sum(len(g["masalah"]) for s in shown for g in s["guru"])}


def export_rows(session: Session, roles: RoleMap, viewer: Viewer, want: GuruFilter
                ) -> list[list[Any]]:
    """One row per problem of the filtered list, in ``COLUMNS`` order (NIK fields masked)."""
    found = guru_page(session, roles, viewer, want)
    return [[mask_record(m).get(c) for c in COLUMNS]
            for s in found["schools"] for g in s["guru"] for m in g["masalah"]]


def _filtered(session: Session, schools: list[dict[str, Any]], want: GuruFilter
              ) -> list[dict[str, Any]]:
    in_unit: set[str] | None = None
    if want.unit:
        units = sorted(subtree(session, [want.unit]))
        in_unit = set(session.scalars(select(Pegawai.nip).where(Pegawai.unor_id.in_(units))))
    out = []
    for school in schools:
        if want.sekolah and (school["npsn"] or "-") != want.sekolah:
            continue
        guru = []
        for teacher in school["guru"]:
            if in_unit is not None and teacher["nip"] not in in_unit:
                continue
            masalah = [m for m in teacher["masalah"]
                       if not want.aturan or m["aturan"] == want.aturan]
            if masalah:
                guru.append({**teacher, "masalah": masalah})
        if guru:
            out.append({**school, "guru": guru, "jumlah_guru": len(guru)})
    return out


def _units(session: Session, roles: RoleMap, viewer: Viewer) -> list[tuple[str, str]]:
    """The units the viewer may filter by: all for an admin, their area for an operator."""
    scope = scope_for(session, viewer.who, roles)
    if scope.level == "self":
        return []
    query = select(Unit.id, Unit.nama).order_by(Unit.nama, Unit.id)
    if scope.level == "operator":
        query = query.where(Unit.id.in_(sorted(scope.units)))
    return [(uid, name or uid) for uid, name in session.execute(query)]


def guru_router(views: Views) -> APIRouter:
    """Routes of the Guru (PMM) page and its CSV / XLSX exports."""
    router = APIRouter()

    @router.get("/guru", response_class=HTMLResponse)
    async def guru(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        want = parse_filter(request.query_params)
        found = await views.gate.tx(guru_page, views.gate.roles, viewer, want)
        return views.page(request, viewer, "guru.html", want=want, **found)

    @router.get("/guru/ekspor.{fmt}")
    async def ekspor(request: Request, fmt: str) -> Response:
        viewer = await views.viewer(request)
        if fmt not in EXPORT_TYPES:
            raise PageRefused(404, t("console.bad_export", fmt=fmt[:10]))
        want = parse_filter(request.query_params)
        rows = await views.gate.tx(export_rows, views.gate.roles, viewer, want)
        body = csv_bytes(COLUMNS, rows) if fmt == "csv" else xlsx_bytes("guru-pmm", COLUMNS, rows)
        return download(body, "guru-pmm", fmt)

    return router
