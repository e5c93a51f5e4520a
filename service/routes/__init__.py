"""HTTP API routers, one module per area, included by ``service.api``."""
