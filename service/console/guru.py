"""The Guru (PMM) page: teachers whose PMM / Ruang GTK results did not flow into SKP, by school.

Each teacher is listed under their school with the broken rule, the reason, the fix and who must
make it (``sync.pmm.problems``), filtered by school, unit subtree and rule, and limited to the
viewer's area exactly as ``GET /api/v1/skp/masalah`` limits it: an admin sees everyone, an
operator the employees of their units, an employee only themself. CSV / XLSX exports carry what
is filtered, through the console's formula-safe helpers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from mappings.skp_rules import NON_BLOCKING, RULES
from service.console.konflik_data import EXPORT_TYPES, download
from service.console.labels import rule_label
from service.console.safe import csv_bytes, mask_record, xlsx_bytes
from service.console.unit_picker import Pick, area, pick_unit
from service.console.views import PageRefused, Viewer, Views
from store.models import Pegawai, SyncRun
from store.models_skp import PmmProblem
from sync.access.rules import RoleMap
from sync.konflik.export import Column
from sync.konflik.scope import scope_for
from sync.pmm.problems import problems_by_school
from sync.unit_index import unit_index

EXPORT_COLUMNS = (
    Column("npsn", "ekspor.npsn", "id"),
    Column("satuan_pendidikan", "ekspor.satuan_pendidikan"),
    Column("nip", "ekspor.nip", "id"),
    Column("nama", "ekspor.nama"),
    Column("nuptk", "ekspor.nuptk", "id"),
    Column("periode", "ekspor.periode"),
    Column("sumber", "ekspor.sumber"),
    Column("berkas", "ekspor.berkas"),
    Column("aturan", "ekspor.aturan"),
    Column("alasan", "ekspor.alasan"),
    Column("perbaikan", "ekspor.perbaikan"),
    Column("oleh", "ekspor.oleh"),
    Column("sejak", "ekspor.sejak", "time"),
)
COLUMNS = tuple(column.key for column in EXPORT_COLUMNS)
NIP_SHAPE = re.compile(r"\d{18}")
FILE_SOURCE = "pmm_file"
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

    def params(self) -> dict[str, str]:
        """The filters as URL parameters."""
        return {k: getattr(self, k) for k in FILTER_KEYS}


def parse_filter(source: Mapping[str, str]) -> GuruFilter:
    """Read the filters from query parameters; an unknown rule or an over-long value is refused."""
    params = {key: str(source.get(key, "")).strip() for key in FILTER_KEYS}
    for key, value in params.items():
        if len(value) > MAX_FILTER or any(not ch.isprintable() for ch in value):
            raise PageRefused(400, t("console.guru_bad_filter", name=key, value=value[:20]))
    if params["aturan"] and params["aturan"] not in RULES:
        raise PageRefused(400, t("console.guru_bad_filter", name="aturan", value=params["aturan"][:20]))
    return GuruFilter(**params)


def visible_schools(session: Session, roles: RoleMap, viewer: Viewer) -> list[dict[str, Any]]:
    """Teachers with open problems by school, limited to the viewer's area as the API does
    (an operator: local employees of their units; an employee: themself), in one query."""
    scope = scope_for(session, viewer.who, roles)
    if scope.level == "all":
        return problems_by_school(session)
    problem_nips = select(PmmProblem.nip).where(PmmProblem.status == "open")
    allowed = set(
        session.scalars(select(Pegawai.nip).where(scope.pegawai_clause(), Pegawai.nip.in_(problem_nips)))
    )
    return problems_by_school(session, allowed)


def _enrich(session: Session, schools: list[dict[str, Any]]) -> None:
    """Names from the store where a file gave none, the recap file of each problem, links only
    for NIPs that are NIPs, and which problems do not hold an SKP (a duplicate row)."""
    nips = sorted({g["nip"] for s in schools for g in s["guru"]})
    names = {
        nip: nama
        for nip, nama in session.execute(select(Pegawai.nip, Pegawai.nama).where(Pegawai.nip.in_(nips)))
    }
    files = {
        (nip, periode, rule): (options or {}).get("berkas")
        for nip, periode, rule, options in session.execute(
            select(PmmProblem.nip, PmmProblem.periode, PmmProblem.rule, SyncRun.options)
            .join(SyncRun, SyncRun.id == PmmProblem.run_id)
            .where(PmmProblem.status == "open", PmmProblem.source == FILE_SOURCE)
        )
    }
    for school in schools:
        for teacher in school["guru"]:
            teacher["nama"] = teacher["nama"] or names.get(teacher["nip"])
            teacher["tautan"] = teacher["nip"] in names  # a profile to open, not a 400 or 404
            teacher["nip_rusak"] = NIP_SHAPE.fullmatch(teacher["nip"]) is None or any(
                m["aturan"] == "nip_rusak" for m in teacher["masalah"]
            )
            for m in teacher["masalah"]:
                m["berkas"] = files.get((teacher["nip"], m["periode"], m["aturan"]))
                m["menahan"] = m["aturan"] not in NON_BLOCKING


def guru_page(
    session: Session, roles: RoleMap, viewer: Viewer, want: GuruFilter, raw: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """What the page shows: the filtered schools, the filter choices and the totals."""
    schools = visible_schools(session, roles, viewer)
    choices = [(s["npsn"] or "-", s["satuan_pendidikan"]) for s in schools]
    scope = scope_for(session, viewer.who, roles)
    within = area(scope)
    if want.unit and (
        want.unit not in unit_index(session) or (within is not None and want.unit not in within)
    ):
        raise PageRefused(400, t("console.guru_bad_filter", name="unit", value=want.unit[:20]))
    pick = pick_unit(session, scope, {**(raw or {}), "unit": want.unit}) if scope.level != "self" else Pick()
    want = GuruFilter(want.sekolah, pick.unit_id or "", want.aturan)
    shown = _filtered(session, schools, want)
    _enrich(session, shown)
    return {
        "schools": shown,
        "school_choices": choices,
        "pick": pick,
        "want": want,
        "pick_units": scope.level != "self",
        "rules": sorted(RULES, key=rule_label),
        "teachers": sum(s["jumlah_guru"] for s in shown),
        "problems": sum(len(g["masalah"]) for s in shown for g in s["guru"]),
    }


def export_rows(session: Session, roles: RoleMap, viewer: Viewer, want: GuruFilter) -> list[list[Any]]:
    """One row per problem of the filtered list, in ``COLUMNS`` order (NIK fields masked)."""
    found = guru_page(session, roles, viewer, want)
    return [
        [mask_record({**m, "aturan": rule_label(m["aturan"])}).get(c) for c in COLUMNS]
        for s in found["schools"]
        for g in s["guru"]
        for m in g["masalah"]
    ]


def _filtered(session: Session, schools: list[dict[str, Any]], want: GuruFilter) -> list[dict[str, Any]]:
    in_unit: set[str] | None = None
    if want.unit:
        units = sorted(unit_index(session).subtree([want.unit]))
        in_unit = set(session.scalars(select(Pegawai.nip).where(Pegawai.unor_id.in_(units))))
    out = []
    for school in schools:
        if want.sekolah and (school["npsn"] or "-") != want.sekolah:
            continue
        guru = []
        for teacher in school["guru"]:
            if in_unit is not None and teacher["nip"] not in in_unit:
                continue
            masalah = [m for m in teacher["masalah"] if not want.aturan or m["aturan"] == want.aturan]
            if masalah:
                guru.append({**teacher, "masalah": masalah})
        if guru:
            out.append({**school, "guru": guru, "jumlah_guru": len(guru)})
    return out


def guru_router(views: Views) -> APIRouter:
    """Routes of the Guru (PMM) page and its CSV / XLSX exports."""
    router = APIRouter()

    @router.get("/guru", response_class=HTMLResponse)
    async def guru(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        want = parse_filter(request.query_params)
        found = await views.gate.tx(guru_page, views.gate.roles, viewer, want, dict(request.query_params))
        return views.page(
            request, viewer, "guru.html", back=request.url.path + "?" + request.url.query, **found
        )

    @router.get("/guru/ekspor.{fmt}")
    async def ekspor(request: Request, fmt: str) -> Response:
        viewer = await views.viewer(request)
        if fmt not in EXPORT_TYPES:
            raise PageRefused(404, t("console.bad_export", fmt=fmt[:10]))
        want = parse_filter(request.query_params)
        rows = await views.gate.tx(export_rows, views.gate.roles, viewer, want)
        body = (
            csv_bytes(EXPORT_COLUMNS, rows, views.zone)
            if fmt == "csv"
            else xlsx_bytes("guru-pmm", EXPORT_COLUMNS, rows, views.zone)
        )
        return download(body, "guru-pmm", fmt)

    return router
