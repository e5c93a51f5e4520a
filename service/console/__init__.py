"""The admin console (``/admin``): pages where operators review conflicts, runs and corrections.

    views     the Jinja2 environment (autoescape), the viewer of a request, refusals
    csrf      form tokens bound to the login session
    safe      NIK masking and formula-safe CSV / XLSX cells (one helper per surface)
    chart     the beranda's situations-per-run chart as SVG geometry
    reads     store reads for runs, people and integrity
    pages     beranda, riwayat sinkron, integritas atasan, pegawai
    profil    the profile with its Sinkron SIASN and Edit Profil actions (``profil_data``)
    filters   the konflik list's URL / form parameters
    konflik   konflik list, bulk decisions, exports, detail (decide, assign, comment)
    konflik_data  what those pages read and do, through ``sync.konflik``
    usulan    usulan perbaikan by unit, with exports
    guru      Guru (PMM): teachers whose PMM results did not flow, by school, with exports
    runs      riwayat sinkron: run list, run detail per employee, approving a held run
    paging    paging, sorting and filter values of every list, refused when bad
    unit_picker  find a unit by name or path (JSON for the script, a page without it)
    panduan   the operators' guide (docs/panduan-operator.md) with its screenshots
    docs      ``/docs`` with Swagger UI served locally

``mount_console(app, gate)`` is the one line ``service.api.create_app`` calls.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from service.auth import Gate
from service.console.csrf import CsrfSigner
from service.console.docs import offline_docs
from service.console.guru import guru_router
from service.console.konflik import konflik_router
from service.console.pages import read_router
from service.console.paging import link
from service.console.panduan import panduan_router
from service.console.profil import profil_router
from service.console.runs import runs_router
from service.console.unit_picker import back_link, unit_picker_router
from service.console.usulan import usulan_router
from service.console.views import PREFIX, PageRefused, Views, build_environment


def mount_console(app: FastAPI, gate: Gate) -> None:
    """Serve the console pages, their static files and the offline ``/docs`` from ``app``."""
    secret = gate.container.settings.auth.csrf_secret.get_secret_value()
    env = build_environment()
    env.globals.update(page_link=link, unit_back=back_link)
    views = Views(gate, CsrfSigner.from_setting(secret), env)
    for router in (
        read_router(views),
        profil_router(views),
        konflik_router(views),
        usulan_router(views),
        runs_router(views),
        guru_router(views),
        unit_picker_router(views),
        panduan_router(views),
    ):
        app.include_router(router, prefix=PREFIX, include_in_schema=False)
    app.mount(
        PREFIX + "/static",
        StaticFiles(directory=str(Path(__file__).parent / "static")),
        name="console-static",
    )
    offline_docs(app)

    @app.exception_handler(PageRefused)
    async def refused(request: Request, error: Exception) -> Response:
        if not isinstance(error, PageRefused):
            raise error
        if error.login and request.method == "GET":
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
            return RedirectResponse(f"/login?next={target}", 303)
        return views.refusal(request, error)
