"""``/docs`` that works offline: Swagger UI 5 from the ``fastapi-offline`` package, served by us.

The package (MIT) ships Swagger UI (Apache-2.0), which reads OpenAPI 3.1 as FastAPI writes it;
its files are mounted under ``/docs/assets`` and the page FastAPI would draw from a CDN is
replaced by one pointing there.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Route

ASSETS = "/docs/assets"
BUNDLE = Path(fastapi_offline.__file__).parent / "static"


def offline_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-backed ``/docs`` with a page whose every asset is served locally."""
    app.router.routes[:] = [r for r in app.router.routes if not _is_docs(r)]
    app.mount(ASSETS, StaticFiles(directory=str(BUNDLE)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )


def _is_docs(route: BaseRoute) -> bool:
    return isinstance(route, Route) and route.path in ("/docs", "/docs/oauth2-redirect")
