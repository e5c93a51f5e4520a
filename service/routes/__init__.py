"""HTTP API routers of the admin review: konflik, runs, usulan perbaikan (one module each).

``include_review_routes`` mounts them, declares the security schemes in the OpenAPI document
(every ``/api/v1`` route needs an API key or a session); invalid input is answered by the
handlers of ``service.requests``, in the one 422 shape.
"""

from __future__ import annotations

from fastapi import FastAPI

from service.auth import Gate
from service.openapi import document
from service.routes.konflik import konflik_router
from service.routes.runs import runs_router
from service.routes.usulan import usulan_router

DESCRIPTION = (
    "Middleware sinkronisasi e-Kinerja dengan SIASN. Setiap rute `/api/v1` memerlukan kunci API "
    "(`X-API-Key` atau `Authorization: Bearer eks_...`) atau sesi login (cookie "
    "`ekinerja_sesi`). Pesan galat dalam Bahasa Indonesia."
)


def include_review_routes(app: FastAPI, gate: Gate) -> None:
    """Mount the konflik, runs and usulan routers and document security for every API route."""
    for router in (konflik_router(gate), runs_router(gate), usulan_router(gate)):
        app.include_router(router)
    app.openapi = lambda: document(app, DESCRIPTION)  # type: ignore[method-assign]
