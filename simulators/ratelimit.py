"""An enforced request budget per SIASN credential, and every request counted at SIASN's side.

SIASN's gateway (WSO2 APIM) throttles per application. Here a token bucket per credential
refills ``rate`` requests per second up to ``burst``; a request that finds it empty is answered
429 with ``Retry-After`` (whole seconds until a token is back, at least 1), the gateway's own
"Message throttled out" body. Whatever the limit, every request that reaches the simulator
(token requests, retries and the 429s themselves; not the ``/_sim/`` control routes) is counted
in 1-second buckets, so a benchmark can check a budget from the server's side:

    POST /_sim/ratelimit {"rate": 25, "burst": 5, "reset": true}   (rate 0: not enforced)
    GET  /_sim/ratelimit -> {"rate", "burst", "totals", "seconds": {epoch second: counts}}
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

STATS_PATH = "/_sim/ratelimit"
KEPT_SECONDS = 3600  # bounded memory: older 1-second buckets are dropped
THROTTLED = {
    "code": "900800",
    "message": "Message throttled out",
    "description": "You have exceeded your quota",
}


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateBudget:
    """Token buckets per credential (``rate`` 0 = not enforced) and per-second request counts."""

    rate: float = 0.0
    burst: float = 5.0
    seconds: dict[int, Counter[str]] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def configure(self, rate: float, burst: float, *, reset: bool = False) -> None:
        """Enforce ``rate`` requests/s with ``burst``; ``reset`` forgets counts and buckets."""
        if not (math.isfinite(rate) and rate >= 0 and math.isfinite(burst) and burst >= 1):
            raise ValueError("rate must be >= 0 and burst >= 1")
        self.rate, self.burst = rate, burst
        self._buckets.clear()
        if reset:
            self.seconds.clear()
            self.totals.clear()

    def admit(self, credential: str, kind: str, now: float | None = None) -> float:
        """Count one request; 0 when admitted, else the seconds until the bucket has a token."""
        wall = time.time() if now is None else now
        wait = self._take(credential, time.monotonic() if now is None else now)
        self._count(int(wall), kind, throttled=wait > 0)
        return wait

    def _take(self, credential: str, now: float) -> float:
        if self.rate <= 0:
            return 0.0
        bucket = self._buckets.setdefault(credential, _Bucket(self.burst, now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _count(self, second: int, kind: str, *, throttled: bool) -> None:
        counts = self.seconds.get(second)
        if counts is None:
            counts = self.seconds[second] = Counter()
            for old in [s for s in self.seconds if s < second - KEPT_SECONDS]:
                del self.seconds[old]
        for key in ("total", kind, *(("throttled",) if throttled else ())):
            counts[key] += 1
            self.totals[key] += 1

    def snapshot(self) -> dict[str, object]:
        """Settings, totals and the per-second counts, JSON-ready."""
        return {
            "rate": self.rate,
            "burst": self.burst,
            "totals": dict(self.totals),
            "seconds": {str(s): dict(c) for s, c in sorted(self.seconds.items())},
        }


def request_kind(path: str) -> str:
    """``token`` for the APIM and SSO token endpoints, else ``api``."""
    return "token" if path.rstrip("/").endswith("/token") else "api"


class RateLimited:
    """ASGI middleware: counts each request against its credential's budget, 429 when spent."""

    def __init__(self, app: ASGIApp, budget: RateBudget, credential: Callable[[Scope], str]) -> None:
        self.app, self.budget, self.credential = app, budget, credential

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 429 with Retry-After when the budget is spent."""
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith("/_sim/"):
            await self.app(scope, receive, send)
            return
        wait = self.budget.admit(self.credential(scope), request_kind(path))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(THROTTLED, 429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
        await response(scope, receive, send)


def budget_routes(budget: RateBudget) -> list[Route]:
    """``GET`` and ``POST`` ``/_sim/ratelimit``: read the counts, set the limit."""

    async def read(_request: Request) -> Response:
        return JSONResponse(budget.snapshot())

    async def write(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
            budget.configure(
                float(body.get("rate", 0)),
                float(body.get("burst", budget.burst)),
                reset=bool(body.get("reset", False)),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"ok": True, "rate": budget.rate, "burst": budget.burst})

    return [Route(STATS_PATH, read, methods=["GET"]), Route(STATS_PATH, write, methods=["POST"])]
