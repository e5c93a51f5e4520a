"""The admin console (``/admin``): pages where operators review conflicts, runs and corrections.

    views     the Jinja2 environment (autoescape), the viewer of a request, refusals
    csrf      form tokens bound to the login session
    safe      NIK masking and formula-safe CSV / XLSX cells (one helper per surface)
    chart     the beranda's situations-per-run chart as SVG geometry
    reads     store reads for runs, people and integrity
    pages     beranda, riwayat sinkron, integritas atasan, pegawai
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
from service.console.pages import read_router
from service.console.views import PREFIX, PageRefused, Views, build_environment


def mount_console(app: FastAPI, gate: Gate) -> None:
    """Serve the console pages, their static files and the offline ``/docs`` from ``app``."""
    secret = gate.container.settings.auth.csrf_secret.get_secret_value()
    views = Views(gate, CsrfSigner.from_setting(secret), build_environment())
    app.include_router(read_router(views), prefix=PREFIX, include_in_schema=False)
    app.mount(PREFIX + "/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="console-static")
    offline_docs(app)

    @app.exception_handler(PageRefused)
    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, PageRefused)
        if error.login and request.method == "GET":
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query
                                                else ""), safe="")
            return RedirectResponse(f"/login?next={target}", 303)
        return views.refusal(request, error)
