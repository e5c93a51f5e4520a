"""Konflik pages: the filtered list with bulk decisions and exports, one conflict in detail with
decide, assign and comment. Every rule lives in ``sync.konflik``; these routes only translate."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mappings.limits import whole_number
from mappings.messages import t
from service.console import konflik_data as data
from service.console.filters import parse_list
from service.console.views import PageRefused, Viewer, Views
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused

log = structlog.get_logger(__name__)
FLASH = {
    "diputuskan": "console.flash_decided",
    "massal": "console.flash_bulk",
    "ditugaskan": "console.flash_assigned",
    "komentar": "console.flash_commented",
    "disetujui": "console.flash_approved",
}


def status_of(error: KonflikError) -> int:
    """The HTTP status of a refusal from ``sync.konflik``."""
    if isinstance(error, KonflikNotFound):
        return 404
    if isinstance(error, KonflikForbidden):
        return 403
    if isinstance(error, KonflikRefused):
        return 409
    return 422


def flash(request: Request) -> str:
    """The confirmation named by ``?pesan=``, from the catalogue (never the raw parameter)."""
    said = request.query_params.get("pesan", "")
    count = request.query_params.get("diputuskan", "")
    if said == "massal" and count.isascii() and count.isdigit() and len(count) <= 9:
        return t("keputusan.bulk_done", count=int(count))
    key = FLASH.get(said)
    return t(key) if key else ""


def konflik_router(views: Views) -> APIRouter:
    """Routes of the konflik list, its exports and the detail page."""
    router = APIRouter()
    _list_routes(router, views)
    _detail_routes(router, views)
    return router


def _list_routes(router: APIRouter, views: Views) -> None:
    @router.get("/konflik", response_class=HTMLResponse)
    async def daftar(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        wanted = parse_list(request.query_params)
        found = await _run(views, data.list_page, viewer, wanted, dict(request.query_params))
        return views.page(
            request,
            viewer,
            "konflik_list.html",
            flash=flash(request),
            back=request.url.path + "?" + request.url.query,
            **found,
        )

    @router.get("/konflik/ekspor.{fmt}")
    async def ekspor(request: Request, fmt: str) -> Response:
        viewer = await views.viewer(request)
        if fmt not in data.EXPORT_TYPES:
            raise PageRefused(404, t("console.bad_export", fmt=fmt[:10]))
        want = parse_list(request.query_params)
        body = await _run(views, data.export_conflicts, viewer, want, fmt, views.zone)
        return data.download(body, "konflik", fmt)

    @router.post("/konflik/massal")
    async def massal(request: Request) -> Response:
        form = await request.form()
        viewer = await views.changer(request, _text(form, "csrf"))
        fields = {k: _text(form, k) for k in form}
        ids = [_text_value(v) for v in form.getlist("pilih")]
        count = await _run(views, data.bulk_decide, viewer, fields, ids)
        back = parse_list(fields).query(pesan="massal", diputuskan=count)
        log.info("console_bulk_decision", actor=viewer.who.actor, count=count)
        return RedirectResponse(f"{request.url.path.rsplit('/', 1)[0]}?{back}", 303)


def _detail_routes(router: APIRouter, views: Views) -> None:
    @router.get("/konflik/{conflict_id}", response_class=HTMLResponse)
    async def detail(request: Request, conflict_id: str) -> HTMLResponse:
        viewer = await views.viewer(request)
        found = await _run(views, data.detail, viewer, _id(conflict_id), dict(request.query_params))
        return views.page(request, viewer, "konflik_detail.html", flash=flash(request), error="", **found)

    @router.post("/konflik/{conflict_id}/{action}")
    async def ubah(request: Request, conflict_id: str, action: str) -> Response:
        form = await request.form()
        viewer = await views.changer(request, _text(form, "csrf"))
        cid = _id(conflict_id)
        fields = {k: _text(form, k) for k in form}
        try:
            done = await views.gate.tx(data.change, views.gate.roles, viewer, cid, action, fields)
        except KonflikError as exc:
            found = await _run(views, data.detail, viewer, cid)
            return views.page(
                request, viewer, "konflik_detail.html", status_of(exc), flash="", error=str(exc), **found
            )
        return RedirectResponse(f"{request.url.path.rsplit('/', 1)[0]}?pesan={done}", 303)


async def _run(views: Views, work: Any, viewer: Viewer, *args: Any) -> Any:
    """Run a ``konflik_data`` function in one transaction; refusals become pages."""
    try:
        return await views.gate.tx(work, views.gate.roles, viewer, *args)
    except KonflikError as exc:
        raise PageRefused(status_of(exc), str(exc)) from exc


def _id(raw: str) -> int:
    """A conflict id from the path: 1..INT_MAX, or a 404 page that does not echo it."""
    try:
        return whole_number(raw)
    except ValueError:
        raise PageRefused(404, t("console.bad_konflik_id")) from None


def _text(form: Any, key: str) -> str:
    return _text_value(form.get(key))


def _text_value(value: Any) -> str:
    return value if isinstance(value, str) else ""
