"""Riwayat sinkron pages: the run list, one run per employee (applied, dry-run plan or held plan),
and approving a held run after seeing its plan. Every rule lives in ``sync.run_detail``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from service.console.konflik import flash, status_of
from service.console.pages import situation_labels, status_labels
from service.console.views import PageRefused, Viewer, Views
from sync import run_detail
from sync.access import RoleMap
from sync.authority import label
from sync.konflik.errors import KonflikError
from sync.konflik.scope import scope_for

RUN_LIST = 100
ITEM_LIMIT = 500


def run_list(session: Session, roles: RoleMap, viewer: Viewer) -> dict[str, Any]:
    """The newest runs the viewer may see, and those held for approval."""
    rows = run_detail.list_runs(session, scope_for(session, viewer.who, roles), RUN_LIST)
    return {"runs": rows, "held": [r for r in rows if r["status"] == "held"]}


def run_page(session: Session, roles: RoleMap, viewer: Viewer, prefix: str,
             situation: str) -> dict[str, Any]:
    """One run's report and its per-employee items (optionally one situation)."""
    scope = scope_for(session, viewer.who, roles)
    report = run_detail.run_report(session, scope, prefix)
    items = run_detail.run_items(session, scope, report["run_id"])
    counts = Counter(i.situation for i in items if i.situation)
    chosen = [i for i in items if not situation or i.situation == situation]
    return {"run": report, "items": chosen[:ITEM_LIMIT], "matching": len(chosen),
            "counts": dict(sorted(counts.items())), "situation": situation,
            "limit": ITEM_LIMIT,
            "may_approve": report["status"] == "held" and scope.level == "all"}


def runs_router(views: Views) -> APIRouter:
    """Routes of the run list, run detail and held-run approval."""
    router = APIRouter()

    @router.get("/runs", response_class=HTMLResponse)
    async def daftar(request: Request) -> HTMLResponse:
        viewer = await views.staff(request)
        found = await _read(views, run_list, viewer)
        return views.page(request, viewer, "runs.html", statuses=status_labels(), **found)

    @router.get("/runs/{run_id}", response_class=HTMLResponse)
    async def detail(request: Request, run_id: str, situasi: str = "") -> HTMLResponse:
        viewer = await views.staff(request)
        found = await _read(views, run_page, viewer, run_id, situasi[:20])
        return views.page(request, viewer, "run.html", statuses=status_labels(),
                          situations=situation_labels(), label=label, flash=flash(request),
                          error="", **found)

    @router.post("/runs/{run_id}/setujui")
    async def setujui(request: Request, run_id: str) -> Response:
        form = await request.form()
        token, reason = form.get("csrf"), form.get("alasan")
        viewer = await views.changer(request, token if isinstance(token, str) else None)
        scope = await views.gate.tx(scope_for, viewer.who, views.gate.roles)
        try:
            async with views.gate.container.siasn() as siasn:
                report = await run_detail.approve_held_run(
                    siasn, views.gate.container.sessions, scope, run_id, actor=viewer.who.actor,
                    reason=reason if isinstance(reason, str) else "")
        except KonflikError as exc:
            found = await _read(views, run_page, viewer, run_id, "")
            return views.page(request, viewer, "run.html", status_of(exc),
                              statuses=status_labels(), situations=situation_labels(),
                              label=label, flash="", error=str(exc), **found)
        return RedirectResponse(f"{request.url.path.rsplit('/', 1)[0].rsplit('/', 1)[0]}/"
                                f"{report['run_id']}?pesan=disetujui", 303)

    return router


async def _read(views: Views, work: Any, viewer: Viewer, *args: Any) -> Any:
    try:
        return await views.gate.tx(work, views.gate.roles, viewer, *args)
    except KonflikError as exc:
        raise PageRefused(status_of(exc), str(exc)) from exc
