"""``/docs`` that works offline: Swagger UI from the ``swagger-ui-bundle`` package, served by us.

The bundle (Swagger UI, Apache-2.0, its licence travels in the package) is mounted under
``/docs/assets``; the page FastAPI would draw from a CDN is replaced by one pointing there.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Route
from swagger_ui_bundle import swagger_ui_path

from mappings.messages import t

ASSETS = "/docs/assets"


def offline_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-backed ``/docs`` with a page whose every asset is served locally."""
    app.router.routes[:] = [r for r in app.router.routes if not _is_docs(r)]
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    if not app.description:
        app.description = t("console.openapi_description")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )


def _is_docs(route: BaseRoute) -> bool:
    return isinstance(route, Route) and route.path in ("/docs", "/docs/oauth2-redirect")
