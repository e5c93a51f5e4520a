"""``/api/v1/konflik``: list with filters, detail, summary, assign, comment, decide one or in bulk.

The reads live in ``konflik_read``, the writes in ``konflik_write``; this module joins them into
one router and names the JSON shapes the CLI shares.
"""

from __future__ import annotations

from fastapi import APIRouter

from service.auth import Gate
from service.routes.konflik_read import detail_json, read_routes, row_json
from service.routes.konflik_write import decided_json, write_routes

__all__ = ["decided_json", "detail_json", "konflik_router", "row_json"]


def konflik_router(gate: Gate) -> APIRouter:
    """The konflik routes, all behind an API key or a session."""
    router = APIRouter(prefix="/api/v1/konflik", tags=["konflik"])
    read_routes(router, gate)
    write_routes(router, gate)
    return router
