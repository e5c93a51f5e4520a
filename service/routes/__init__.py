"""HTTP API routers of the admin review: konflik, runs, usulan perbaikan (one module each).

``include_review_routes`` mounts them, declares the security schemes in the OpenAPI document
(every ``/api/v1`` route needs an API key or a session) and answers invalid input on these
routes in Bahasa Indonesia.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response

from mappings.messages import UnknownMessage, t
from service.auth import Gate
from service.routes.common import SECURITY, SECURITY_SCHEMES
from service.routes.konflik import konflik_router
from service.routes.runs import runs_router
from service.routes.usulan import usulan_router

PREFIXES = ("/api/v1/konflik", "/api/v1/runs", "/api/v1/usulan-perbaikan")
DESCRIPTION = (
    "Middleware sinkronisasi e-Kinerja dengan SIASN. Setiap rute `/api/v1` memerlukan kunci API "
    "(`X-API-Key` atau `Authorization: Bearer eks_...`) atau sesi login (cookie "
    "`ekinerja_sesi`). Pesan galat dalam Bahasa Indonesia."
)


def include_review_routes(app: FastAPI, gate: Gate) -> None:
    """Mount the konflik, runs and usulan routers and document security for every API route."""
    for router in (konflik_router(gate), runs_router(gate), usulan_router(gate)):
        app.include_router(router)
    app.add_exception_handler(RequestValidationError, _invalid_input)  # type: ignore[arg-type]
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]


async def _invalid_input(request: Request, exc: RequestValidationError) -> Response:
    if not request.url.path.startswith(PREFIXES):
        return await request_validation_exception_handler(request, exc)
    problems = [t("konflik.invalid_field", where=".".join(str(p) for p in e.get("loc", ())),
                  what=_why(str(e.get("type", "")), str(e.get("msg", ""))))
                for e in exc.errors()]
    return JSONResponse({"detail": t("konflik.invalid_input", problems="; ".join(problems))},
                        status_code=422)


def _why(kind: str, message: str) -> str:
    if kind == "value_error":  # our own validators already speak Bahasa Indonesia
        return message.removeprefix("Value error, ")
    try:
        return t(f"konflik.invalid.{kind}")
    except UnknownMessage:
        return t("konflik.invalid.other")


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                         description=DESCRIPTION)
    schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in schema.get("paths", {}).items():
        if path.startswith("/api/"):
            for operation in operations.values():
                operation.setdefault("security", SECURITY)
    app.openapi_schema = schema
    return schema
