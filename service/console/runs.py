"""Riwayat sinkron pages: the run list (paged, by kind and status), one run per employee (applied,
dry-run plan or held plan; paged, opening on what changed), and approving a held run after seeing
its plan. Every rule lives in ``sync.reconcile.detail``, ``sync.reconcile.items`` and
``sync.reconcile.listing``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from service.console.konflik import flash, status_of
from service.console.pages import RUN_STATUSES, situation_labels, status_labels
from service.console.paging import Paging, choice, read_paging, text_param
from service.console.views import PageRefused, Viewer, Views
from service.container import ConfigError
from service.jobs import approve_held
from store.models import AuditEntry, RunChange
from sync.access.rules import RoleMap
from sync.konflik.errors import KonflikError
from sync.konflik.scope import scope_for
from sync.reconcile import detail as run_detail
from sync.reconcile.approval import RUN_ACTIONS
from sync.reconcile.items import CHANGED, ItemQuery, item_page, planned
from sync.reconcile.listing import KIND_GROUPS, RunQuery, held_runs, list_run_page
from sync.reconcile.listing import SORTS as RUN_SORTS
from sync.reconcile.steps import SITUATIONS
from sync.runs import RunStatus
from sync.unor.index import unit_index

ITEM_SORTS = ("nip", "-nip", "nama", "-nama", "situasi", "-situasi")
ITEM_STATES = ("pending", "fetched", "done")
UNIT_CHANGE_LIMIT = 200


def read_run_query(source: Mapping[str, Any]) -> tuple[RunQuery, dict[str, str]]:
    """The run list's filters from the URL (refused with a 400 when a value is not offered)."""
    paging = read_paging(source)
    sorts = [*RUN_SORTS, *(f"-{k}" for k in RUN_SORTS)]
    params = {
        "jenis": choice(source, "jenis", KIND_GROUPS),
        "status": choice(source, "status", RUN_STATUSES),
        "urut": choice(source, "urut", sorts, "-mulai"),
    }
    return RunQuery(params["jenis"], params["status"], params["urut"], paging.page, paging.per_page), params


def read_item_query(source: Mapping[str, Any]) -> tuple[ItemQuery, dict[str, str]]:
    """The run detail's filters: ``situasi`` (changed by default, ``semua``, or one), text, sort."""
    paging = read_paging(source)
    wanted = choice(source, "situasi", ("berubah", "semua", *SITUATIONS, *ITEM_STATES), "berubah")
    situations = CHANGED if wanted == "berubah" else None if wanted == "semua" else (wanted,)
    params = {
        "situasi": wanted,
        "q": text_param(source, "q"),
        "urut": choice(source, "urut", ITEM_SORTS, "nip"),
    }
    return ItemQuery(situations, params["q"], params["urut"], paging.page, paging.per_page), params


def run_list(session: Session, roles: RoleMap, viewer: Viewer, want: RunQuery) -> dict[str, Any]:
    """One page of runs the viewer may see, and the runs held for approval."""
    scope = scope_for(session, viewer.who, roles)
    rows, total = list_run_page(session, scope, want)
    return {
        "runs": rows,
        "held": held_runs(session, scope),
        "paging": Paging(want.page, want.per_page, total),
    }


def run_page(
    session: Session, roles: RoleMap, viewer: Viewer, prefix: str, want: ItemQuery
) -> dict[str, Any]:
    """One run's report and one page of its employees, with unit paths and counts per situation."""
    scope = scope_for(session, viewer.who, roles)
    report = run_detail.run_report(session, scope, prefix)
    found = item_page(session, scope, report["run_id"], want)
    index = unit_index(session)
    unit_rows = _unit_changes(session, report["run_id"], found.planned) if scope.level == "all" else []
    ids = (
        {i.unit_id for i in found.items}
        | {
            v
            for i in found.items
            for c in i.changes
            if c.field == "unor_id"
            for v in (c.old, c.new)
            if isinstance(v, str)
        }
        | {r.field for r in unit_rows}
    )
    changed = sum(n for s, n in found.counts.items() if s in CHANGED)
    return {
        "run": report,
        "items": found.items,
        "counts": dict(sorted(found.counts.items())),
        "paging": Paging(want.page, want.per_page, found.total),
        "changed": changed,
        "units": index.labels(ids),
        "unit_rows": unit_rows,
        "may_approve": report["status"] == RunStatus.HELD and scope.level == "all",
    }


def _unit_changes(session: Session, run_id: str, is_plan: bool) -> list[Any]:
    """The run's changes to units (renamed, moved, removed, new head): few, read at once (the
    run's own approval and replacement entries are shown apart)."""
    table: Any = RunChange if is_plan else AuditEntry
    nip = table.nip if is_plan else table.pegawai_nip
    return list(
        session.scalars(
            select(table)
            .where(table.run_id == run_id, nip.is_(None), table.action.not_in(RUN_ACTIONS))
            .order_by(table.id)
            .limit(UNIT_CHANGE_LIMIT)
        )
    )


def runs_router(views: Views) -> APIRouter:
    """Routes of the run list, run detail and held-run approval."""
    router = APIRouter()

    @router.get("/runs", response_class=HTMLResponse)
    async def daftar(request: Request) -> HTMLResponse:
        viewer = await views.staff(request)
        want, params = read_run_query(request.query_params)
        found = await _read(views, run_list, viewer, want)
        return views.page(
            request,
            viewer,
            "runs.html",
            statuses=status_labels(),
            params=params,
            kinds=KIND_GROUPS,
            run_statuses=RUN_STATUSES,
            **found,
        )

    @router.get("/runs/{run_id}", response_class=HTMLResponse)
    async def detail(request: Request, run_id: str) -> HTMLResponse:
        viewer = await views.staff(request)
        want, params = read_item_query(request.query_params)
        found = await _read(views, run_page, viewer, run_id, want)
        return views.page(request, viewer, "run.html", **_context(request, params, found))

    @router.post("/runs/{run_id}/setujui")
    async def setujui(request: Request, run_id: str) -> Response:
        form = await request.form()
        token, reason = form.get("csrf"), form.get("alasan")
        viewer = await views.changer(request, token if isinstance(token, str) else None)
        scope = await views.gate.tx(scope_for, viewer.who, views.gate.roles)
        try:
            report = await approve_held(
                views.gate.container,
                scope,
                run_id,
                actor=viewer.who.actor,
                reason=reason if isinstance(reason, str) else "",
            )
        except KonflikError as exc:
            want, params = read_item_query({})
            found = await _read(views, run_page, viewer, run_id, want)
            return views.page(
                request,
                viewer,
                "run.html",
                status_of(exc),
                **_context(request, params, found, error=str(exc)),
            )
        except ConfigError as exc:
            raise PageRefused(503, t("runs.approve_siasn_unavailable", reason=str(exc))) from None
        return RedirectResponse(
            f"{request.url.path.rsplit('/', 1)[0].rsplit('/', 1)[0]}/{report['run_id']}?pesan=disetujui", 303
        )

    return router


def _context(
    request: Request, params: dict[str, str], found: dict[str, Any], *, error: str = ""
) -> dict[str, Any]:
    return {
        "statuses": status_labels(),
        "situations": situation_labels(),
        "flash": flash(request) if not error else "",
        "error": error,
        "params": params,
        "changed_set": CHANGED,
        **found,
    }


async def _read(views: Views, work: Any, viewer: Viewer, *args: Any) -> Any:
    try:
        return await views.gate.tx(work, views.gate.roles, viewer, *args)
    except KonflikError as exc:
        raise PageRefused(status_of(exc), str(exc)) from exc


__all__ = ["planned", "run_list", "run_page", "runs_router"]
