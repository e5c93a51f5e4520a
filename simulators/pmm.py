"""A PMM server for the assumed contract (``reference/pmm-contract.md``) and its failure modes.

``POST /oauth/token`` (client credentials, HTTP Basic), ``GET /v1/pengelolaan-kinerja/periode``
and ``GET /v1/pengelolaan-kinerja/hasil`` paged by an offset cursor over results ordered by
``updated_at``, so a result updated while a client pages moves to the end: the client may see it
twice, or miss the one that slid into its page boundary until it re-reads a window (as the
contract warns). ``touch_after_page`` makes that happen on purpose. Faults come from a
``FaultPlan``; errors use the contract's ``{"error": {"code", "message"}}`` shape.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators import pmm_data
from simulators.dataset import World
from simulators.faults import MUTATIONS, STATE_KINDS, FaultPlan, mutated
from simulators.recap import recap_csv, recap_xlsx
from simulators.siasn import HTML_ERROR, HTML_LOGIN, _DroppedResponse

TOKEN_PATH = "/oauth/token"
API_PREFIX = "/v1/pengelolaan-kinerja"
CLIENT_ID = "sim-pmm-client"
CLIENT_SECRET = "sim-pmm-secret"
MAX_LIMIT = 500


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)


FAULTS: dict[str, Callable[[int], Response]] = {
    "500": lambda _ra: _error(500, "INTERNAL", "internal server error"),
    "502": lambda _ra: Response(HTML_ERROR, 502, media_type="text/html"),
    "503": lambda _ra: _error(503, "UNAVAILABLE", "service under maintenance"),
    "429": lambda ra: _error(429, "RATE_LIMITED", "too many requests", {"Retry-After": str(ra)}),
    "429_bare": lambda _ra: _error(429, "RATE_LIMITED", "too many requests"),
    "code0": lambda _ra: JSONResponse({"code": 0, "message": "gagal", "data": None}),
    "reset": lambda _ra: _DroppedResponse(),
    "malformed": lambda _ra: Response('{"data": [{"id": ', 200, media_type="application/json"),
    "html": lambda _ra: Response(HTML_LOGIN, 200, media_type="text/html"),
    "apim_401": lambda _ra: _error(401, "UNAUTHORIZED", "token expired"),
    "sso_expired": lambda _ra: _error(401, "UNAUTHORIZED", "token expired"),
}


class PmmSimulator:
    """State of one simulated PMM: results, periods, issued tokens, faults, counters."""

    def __init__(self, world: World, *, faults: FaultPlan | None = None, token_lifetime: int = 3600) -> None:
        self.world = world
        self.faults = faults or FaultPlan()
        self.token_lifetime = token_lifetime
        self.periods = [dict(p) for p in pmm_data.PERIODS]
        self.results = pmm_data.initial_results(world)
        self.stats: Counter[str] = Counter()
        self.touch_after_page: dict[int, int] = {}  # page number served -> results to update
        self._tokens: dict[str, float] = {}
        self._pages_served = 0
        self._clock = max((_ts(r) for r in self.results.values()), default=datetime(2025, 12, 1, tzinfo=UTC))

    # state changes ------------------------------------------------------------------------
    def touch(self, result_id: str, **changes: Any) -> dict[str, Any]:
        """Update one result (deep keys as given) and stamp it with a new ``updated_at``."""
        self._clock += timedelta(seconds=1)
        row = self.results[result_id]
        row.update(changes)
        row["updated_at"] = self._clock.isoformat()
        return row

    def expire_tokens(self) -> None:
        """Every token issued so far is expired from now on."""
        self._tokens = dict.fromkeys(self._tokens, 0.0)

    def ordered(
        self, periode_id: str, npsn: str | None = None, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The results a query selects, in the order pages serve them."""
        rows = [
            r
            for r in self.results.values()
            if r["periode_id"] == periode_id
            and (npsn is None or r["satuan_pendidikan"]["npsn"] == npsn)
            and (since is None or _ts(r) >= since)
        ]
        return sorted(rows, key=lambda r: (_ts(r), r["id"]))

    # app ---------------------------------------------------------------------------------
    def app(self) -> Starlette:
        """The ASGI application serving this simulator."""
        return Starlette(
            routes=[
                Route(TOKEN_PATH, self._token, methods=["POST"]),
                Route(API_PREFIX + "/periode", self._periode, methods=["GET"]),
                Route(API_PREFIX + "/hasil", self._hasil, methods=["GET"]),
                Route("/_sim/stats", self._stats, methods=["GET"]),
                Route("/_sim/faults", self._set_faults, methods=["POST"]),
                Route("/_sim/touch", self._touch, methods=["POST"]),
                Route("/_sim/recap.csv", self._recap_csv, methods=["GET"]),
                Route("/_sim/recap.xlsx", self._recap_xlsx, methods=["GET"]),
            ]
        )

    async def _token(self, request: Request) -> Response:
        self.stats["token"] += 1
        form = await request.form()
        if not _basic_ok(request.headers.get("authorization", "")):
            return JSONResponse(
                {"error": "invalid_client", "error_description": "client authentication failed"}, 401
            )
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        token = secrets.token_urlsafe(24)
        self._tokens[token] = time.time() + self.token_lifetime
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        )

    async def _guard(self, request: Request) -> Response | None:
        self.stats["api"] += 1
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        fault = self.faults.next_fault(request.url.path)
        request.state.fault = fault
        if fault in STATE_KINDS:  # PMM has one token: each of them expires it
            self.stats[f"fault_{fault}"] += 1
            self.expire_tokens()
        elif fault is not None and fault not in MUTATIONS:
            self.stats[f"fault_{fault}"] += 1
            if fault == "timeout":
                await asyncio.sleep(self.faults.timeout_seconds)
                return _error(504, "TIMEOUT", "upstream timeout")
            return FAULTS[fault](self.faults.retry_after)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or self._tokens.get(token, 0.0) <= time.time():
            return _error(401, "UNAUTHORIZED", "missing, unknown or expired token")
        return None

    async def _periode(self, request: Request) -> Response:
        refused = await self._guard(request)
        return refused or mutated(JSONResponse({"data": self.periods}), request.state.fault)

    async def _hasil(self, request: Request) -> Response:
        refused = await self._guard(request)
        if refused is not None:
            return refused
        self.stats["hasil"] += 1
        query, problem = _hasil_query(request, {p["id"] for p in self.periods})
        if problem is not None:
            return problem
        rows = self.ordered(query["periode_id"], query["npsn"], query["since"])
        offset, limit = query["offset"], query["limit"]
        page = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        body = {
            "data": [json.loads(json.dumps(r)) for r in page],
            "next_cursor": _cursor(offset + limit) if more else None,
        }
        self._pages_served += 1
        for _ in range(self.touch_after_page.pop(self._pages_served, 0)):
            if page:
                self.touch(page[0]["id"])
        return mutated(JSONResponse(body), request.state.fault)

    async def _stats(self, _request: Request) -> Response:
        return JSONResponse(dict(self.stats))

    async def _set_faults(self, request: Request) -> Response:
        """Out-of-process control, as the SIASN simulator's: latency, rates, a script."""
        try:
            body = await request.json()
            rates = {str(k): float(v) for k, v in body.get("rates", {}).items()}
            FaultPlan(rates=rates)
            self.faults.latency = float(body.get("latency_ms", 0)) / 1000
            self.faults.rates = rates
            for kind in body.get("script", []):
                self.faults.script(str(kind), path=str(body.get("path", "")))
        except (TypeError, ValueError, AttributeError) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"ok": True})

    async def _touch(self, request: Request) -> Response:
        """Stamp results as updated now: ``{"ids": [...]}`` or ``{"periode_id": .., "count": n}``."""
        try:
            body = await request.json()
            ids = [str(i) for i in body.get("ids", [])] or [
                r["id"] for r in self.ordered(str(body["periode_id"]))[: int(body["count"])]
            ]
            touched = [self.touch(i)["updated_at"] for i in ids]
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            return JSONResponse({"error": f"bad touch request: {exc}"}, 400)
        return JSONResponse({"touched": len(touched)})

    async def _recap_csv(self, request: Request) -> Response:
        recap = recap_csv(list(self.results.values()), count=_int(request.query_params.get("count"), 8))
        return Response(recap.content, media_type="text/csv; charset=utf-8")

    async def _recap_xlsx(self, request: Request) -> Response:
        recap = recap_xlsx(
            list(self.results.values()),
            count=_int(request.query_params.get("count"), 6),
            instansi=self.world.instansi_nama,
        )
        return Response(
            recap.content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )


def _int(value: str | None, default: int) -> int:
    try:
        return max(4, min(int(value), 100_000)) if value is not None else default
    except ValueError:
        return default


def _hasil_query(request: Request, periods: set[str]) -> tuple[dict[str, Any], Response | None]:
    params = request.query_params
    periode_id = params.get("periode_id") or ""
    if periode_id not in periods:
        return {}, _error(
            404 if periode_id else 400, "PERIODE_NOT_FOUND", f"periode_id {periode_id!r} is not known"
        )
    try:
        limit = int(params.get("limit", "200"))
        since = datetime.fromisoformat(params["updated_since"]) if params.get("updated_since") else None
        offset = _offset(params.get("cursor"))
    except (ValueError, KeyError) as exc:
        return {}, _error(400, "BAD_REQUEST", f"bad query: {exc}")
    if not 1 <= limit <= MAX_LIMIT or (since is not None and since.tzinfo is None):
        return {}, _error(
            400, "BAD_REQUEST", f"limit must be 1..{MAX_LIMIT}, updated_since must carry an offset"
        )
    return {
        "periode_id": periode_id,
        "npsn": params.get("npsn"),
        "since": since,
        "limit": limit,
        "offset": offset,
    }, None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    offset = decoded["o"] if isinstance(decoded, dict) else None
    if not isinstance(offset, int) or offset < 0:
        raise ValueError(f"cursor {cursor!r} is not ours")
    return offset


def _ts(row: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(row["updated_at"])


def _basic_ok(header: str) -> bool:
    scheme, _, encoded = header.partition(" ")
    try:
        decoded = base64.b64decode(encoded).decode() if scheme.lower() == "basic" else ""
    except (ValueError, UnicodeDecodeError):
        return False
    return decoded == f"{CLIENT_ID}:{CLIENT_SECRET}"
