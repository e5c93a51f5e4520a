"""The profile page and its actions: **Sinkron SIASN** (the service behind ``POST
/api/v1/pegawai/{nip}/sinkron-siasn``, its result and warnings shown on the page) and **Edit
Profil** (the audited local edit with a reason, the API's PATCH rules). Buttons show only to
those who may press them; a forged POST is refused (403) all the same. Rules live in
``service.console.profil_data`` and ``sync``; these routes only translate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from mappings.messages import t
from mappings.nip import NipError, normalize_nip
from service.console import profil_data as data
from service.console.pages import profile_context
from service.console.paging import text_param
from service.console.views import PageRefused, Viewer, Views
from sync.access.rules import Action
from sync.sinkron import Sinkron

FLASH = {"diubah": "profil.flash_edited"}


def profil_router(views: Views) -> APIRouter:
    """Routes of the profile, its Sinkron SIASN button and its Edit Profil form."""
    router = APIRouter()

    @router.get("/pegawai/{nip}", response_class=HTMLResponse)
    async def profil(request: Request, nip: str) -> HTMLResponse:
        viewer = await views.viewer(request)
        nip = _nip(nip)
        if not (await _may(views, viewer, nip, Action.READ)).allowed:
            raise PageRefused(403, t("console.pegawai_forbidden", nip=nip))
        key = FLASH.get(request.query_params.get("pesan", ""))
        return await _page(request, views, viewer, nip, flash=t(key) if key else "")

    @router.post("/pegawai/{nip}/sinkron", response_class=HTMLResponse)
    async def sinkron(request: Request, nip: str) -> HTMLResponse:
        viewer = await _changer(request, views)
        nip = _nip(nip)
        decision = await _may(views, viewer, nip, Action.SINKRON)
        if not decision.allowed:
            raise PageRefused(403, t("profil.sinkron_forbidden", reason=decision.reason))
        runner: Sinkron | None = getattr(request.app.state, "sinkron", None)
        if runner is None:
            return await _page(request, views, viewer, nip, status=503, sinkron_error=_siasn_problem(views))
        outcome = await runner.run(nip, actor=viewer.who.actor)
        return await _page(request, views, viewer, nip, sinkron=outcome.model_dump(mode="json"))

    @router.get("/pegawai/{nip}/ubah", response_class=HTMLResponse)
    async def ubah(request: Request, nip: str) -> HTMLResponse:
        viewer = await views.viewer(request)
        nip = _nip(nip)
        await _may_edit(views, viewer, nip)
        chosen = text_param(request.query_params, data.UNIT, 64)
        form = await _tx(views, data.current_form, nip, chosen)
        return _form_page(request, views, viewer, nip, form)

    @router.post("/pegawai/{nip}/ubah")
    async def simpan(request: Request, nip: str) -> Response:
        sent = await request.form()
        viewer = await _changer(request, views, sent)
        nip = _nip(nip)
        await _may_edit(views, viewer, nip)
        roles = views.gate.roles
        try:
            changes, form = await _tx(views, data.submitted_changes, viewer.who, roles, nip, sent)
        except data.EditRefused as exc:  # a field too long to show again: the refusal page
            raise PageRefused(exc.status, str(exc)) from None
        if form.pick.matches is not None:  # typed text named several units: offer them
            return _form_page(request, views, viewer, nip, form)
        try:
            await _tx(views, data.apply_edit, viewer.who, roles, nip, changes, form.reason)
        except data.EditRefused as exc:
            form.error = str(exc)
            return _form_page(request, views, viewer, nip, form, exc.status)
        return RedirectResponse(f"{request.url.path.rsplit('/', 1)[0]}?pesan=diubah", 303)

    return router


async def _page(
    request: Request, views: Views, viewer: Viewer, nip: str, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    """The profile page with the viewer's buttons (and a Sinkron result or refusal)."""
    context = await profile_context(views, nip)
    rights = await _tx(views, data.rights, viewer.who, views.gate.roles, nip)
    extra.setdefault("sinkron", None)
    extra.setdefault("sinkron_error", "")
    extra.setdefault("flash", "")
    return views.page(
        request,
        viewer,
        "profil.html",
        status,
        rights=rights,
        siasn_problem=_siasn_problem(views) if getattr(request.app.state, "sinkron", None) is None else "",
        **context,
        **extra,
    )


def _form_page(
    request: Request, views: Views, viewer: Viewer, nip: str, form: data.EditForm, status: int = 200
) -> HTMLResponse:
    return views.page(
        request,
        viewer,
        "profil_ubah.html",
        status,
        nip=nip,
        form=form,
        choices=data.CHOICES,
        dates=data.DATES,
        limits=data.LIMITS,
        back=request.url.path,
    )


async def _changer(request: Request, views: Views, sent: FormData | None = None) -> Viewer:
    form = sent if sent is not None else await request.form()
    token = form.get("csrf")
    return await views.changer(request, token if isinstance(token, str) else None)


async def _may(views: Views, viewer: Viewer, nip: str, action: Action) -> Any:
    return await views.gate.tx(data.may, viewer.who, views.gate.roles, nip, action)


async def _may_edit(views: Views, viewer: Viewer, nip: str) -> None:
    decision = await _may(views, viewer, nip, Action.EDIT)
    if not decision.allowed:
        raise PageRefused(403, t("profil.edit_forbidden", reason=decision.reason))


async def _tx(views: Views, work: Any, *args: Any) -> Any:
    try:
        return await views.gate.tx(work, *args)
    except data.EditRefused as exc:
        if exc.status in (403, 404):
            raise PageRefused(exc.status, str(exc)) from None
        raise


def _siasn_problem(views: Views) -> str:
    from service.api import siasn_problem  # service.api mounts this package: import late

    problem = siasn_problem(views.gate.container.settings.siasn) or ""
    return t("common.siasn_unavailable", reason=problem)


def _nip(value: str) -> str:
    try:
        return normalize_nip(value)
    except NipError as exc:
        raise PageRefused(400, t("console.bad_nip", detail=str(exc))) from exc
