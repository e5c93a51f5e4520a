"""A faithful SIASN web service: APIM token, SSO token, ``apisiasn/1.0`` and its failure modes.

Every ``apisiasn`` call must carry ``Authorization: Bearer <APIM token>`` and
``Auth: bearer <SSO token>``; swapped, missing, expired or foreign tokens are refused with the
gateway's and backend's own messages (reference §1.3). Faults come from a ``FaultPlan``.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from simulators import payloads
from simulators.dataset import World
from simulators.faults import MUTATIONS, STATE_KINDS, FaultPlan
from simulators.faults import mutated as _mutated
from simulators.myasn import REALM_PATH, Account, MyAsnRealm, RealmClient
from simulators.ratelimit import RateBudget, RateLimited, budget_routes
from simulators.siasn_skp import SkpRiwayat

SSO_TOKEN_PATH = f"{REALM_PATH}/protocol/openid-connect/token"
APIM_TOKEN_PATH = "/oauth2/token"
API_PREFIX = "/apisiasn/1.0"

INVALID_CREDENTIALS = {
    "code": "900901",
    "message": "Invalid Credentials",
    "description": "Invalid Credentials. Make sure you have provided the correct security credentials",
}
EXPIRED_JWT = {
    "code": 401,
    "message": "invalid or expired jwt",
    "type": "error",
    "description": "invalid or expired jwt",
    "data": None,
}
SSO_MISMATCH = {"code": 0, "message": "Unauthorized", "data": "Token SSO mismatch"}
NOT_FOUND = {"code": 0, "data": "Data tidak ditemukan"}


@dataclass(frozen=True)
class SiasnCredentials:
    """What an instansi receives from BKN: APIM consumer key/secret and an SSO operator."""

    consumer_key: str
    consumer_secret: str
    sso_client_id: str
    sso_username: str
    sso_password: str

    @classmethod
    def demo(cls, world: World) -> SiasnCredentials:
        """Fixed, printable credentials for a simulated instansi (never real ones)."""
        operator = next(iter(world.pegawai), "199001012015031001")
        return cls(
            "sim-consumer-key", "sim-consumer-secret", "simulatorws", operator, "sim-operator-password"
        )


class SiasnSimulator:
    """State of one simulated SIASN: the world, credentials, issued tokens, faults, counters."""

    def __init__(
        self,
        world: World,
        *,
        credentials: SiasnCredentials | None = None,
        faults: FaultPlan | None = None,
        apim_lifetime: int = 3600,
        sso_lifetime: int = 43200,
        realm: MyAsnRealm | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.world = world
        self.credentials = credentials or SiasnCredentials.demo(world)
        self.faults = faults or FaultPlan()
        self.budget = budget or RateBudget()  # one instansi, one credential: one bucket
        self.apim_lifetime = apim_lifetime
        self.realm = realm or MyAsnRealm(access_lifetime=sso_lifetime)
        self.realm.add_client(RealmClient(self.credentials.sso_client_id))
        self.realm.add_account(
            Account(
                self.credentials.sso_username,
                self.credentials.sso_password,
                "Operator",
                "SIASN",
                roles=["role:siasn-instansi:peremajaan:operator"],
            )
        )
        self.stats: Counter[str] = Counter()
        self.day = 0
        self.seen_headers: list[dict[str, str]] = []
        self._apim_tokens: dict[str, float] = {}
        self.skp = SkpRiwayat(world)

    # tokens ------------------------------------------------------------------------------
    def issue_apim_token(self) -> str:
        """A new opaque-looking APIM token (WSO2 issues JWTs; opaque is what clients see)."""
        token = secrets.token_urlsafe(24)
        self._apim_tokens[token] = time.time() + self.apim_lifetime
        return token

    def expire_apim_tokens(self) -> None:
        """Make every APIM token issued so far expired (as if an hour had passed)."""
        self._apim_tokens = {t: 0.0 for t in self._apim_tokens}

    def restart(self) -> None:
        """A SIASN restart: every APIM token and every SSO token issued so far is refused."""
        self._apim_tokens.clear()
        self.realm.revoke_all()

    def issue_sso_token(self, username: str | None = None, lifetime: int | None = None) -> str:
        """A realm access token (RS256) for ``username``; negative lifetime = expired."""
        name = username or self.credentials.sso_username
        if name not in self.realm.accounts:
            self.realm.add_account(Account(name, secrets.token_urlsafe(12), "Pegawai"))
        return self.realm.issue_access_token(name, self.credentials.sso_client_id, lifetime=lifetime)

    def _apim_valid(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and self._apim_tokens.get(token, 0.0) > time.time()

    def _sso_problem(self, header: str) -> dict[str, Any] | None:
        scheme, _, token = header.partition(" ")
        claims = self.realm.verify_access(token) if scheme.lower() == "bearer" else None
        if claims is None:
            return EXPIRED_JWT
        if claims.get("preferred_username") != self.credentials.sso_username:
            return SSO_MISMATCH
        return None

    # app ---------------------------------------------------------------------------------
    def app(self) -> Starlette:
        """The ASGI application serving this simulator."""
        return Starlette(
            routes=[
                Route(APIM_TOKEN_PATH, self._apim_token, methods=["POST"]),
                *self.realm.routes(),
                Route(API_PREFIX + "/skp22/save", self._skp_save, methods=["POST"]),
                Route(API_PREFIX + "/kinerjaperiodik/save", self._skp_save, methods=["POST"]),
                Route(API_PREFIX + "/{path:path}", self._api, methods=["GET"]),
                Route("/_sim/stats", self._stats, methods=["GET"]),
                Route("/_sim/faults", self._set_faults, methods=["POST"]),
                Route("/_sim/advance-day", self._advance_day, methods=["POST"]),
                Route("/_sim/export-data-asn.csv", self._export, methods=["GET"]),
                *budget_routes(self.budget),
            ],
            middleware=[
                Middleware(
                    RateLimited, budget=self.budget, credential=lambda _scope: self.credentials.consumer_key
                )
            ],
        )

    async def _apim_token(self, request: Request) -> Response:
        self.stats["apim_token"] += 1
        form = await request.form()
        if not _basic_ok(request.headers.get("authorization", ""), self.credentials):
            return JSONResponse(
                {"error_description": "Client Authentication failed.", "error": "invalid_client"}, 401
            )
        if form.get("grant_type") != "client_credentials":
            return JSONResponse(
                {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type value"}, 400
            )
        return JSONResponse(
            {
                "access_token": self.issue_apim_token(),
                "scope": "default",
                "token_type": "Bearer",
                "expires_in": self.apim_lifetime,
            }
        )

    async def _api(self, request: Request) -> Response:
        path = request.path_params["path"]
        self.stats["api"] += 1
        self.stats[_endpoint(path)] += 1
        self.seen_headers.append(
            {k: v for k, v in request.headers.items() if k in ("authorization", "auth", "cookie")}
        )
        del self.seen_headers[:-50]
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        query = request.url.query
        fault = self.faults.next_fault(f"{path}?{query}" if query else path)
        if fault is not None and fault not in MUTATIONS + STATE_KINDS:
            return await self._fault(fault)
        self._change_state(fault)
        refused = self._refusal(request)
        if refused is not None:
            return refused
        return _mutated(self._route(path, request), fault)

    def _change_state(self, fault: str | None) -> None:
        """A state fault happens now: tokens expire or are revoked before the call is served."""
        if fault not in STATE_KINDS:
            return
        self.stats[f"fault_{fault}"] += 1
        if fault == "apim_expire":
            self.expire_apim_tokens()
        elif fault == "sso_revoke":
            self.realm.revoke_all()
        else:
            self.restart()

    def _refusal(self, request: Request) -> Response | None:
        """The gateway's (APIM) or the backend's (SSO) refusal of this call's tokens, if any."""
        if not self._apim_valid(request.headers.get("authorization", "")):
            return JSONResponse(INVALID_CREDENTIALS, 401)
        problem = self._sso_problem(request.headers.get("auth", ""))
        if problem is not None:
            return JSONResponse(problem, 401 if problem is EXPIRED_JWT else 403)
        return None

    def _route(self, path: str, request: Request) -> Response:
        parts = path.strip("/").split("/")
        if parts[:2] == ["referensi", "ref-unor"]:
            return self._ref_unor(request)
        if len(parts) == 3 and parts[0] == "pns":
            person = self.world.pegawai.get(parts[2])
            if person is None:
                return JSONResponse(NOT_FOUND, 404)
            handlers: dict[str, Callable[[], Any]] = {
                "data-utama": lambda: payloads.data_utama(self.world, person),
                "rw-golongan": lambda: person.rw_golongan,
                "rw-jabatan": lambda: person.rw_jabatan,
                "rw-skp22": lambda: self.skp.skp22_rows(person),
                "rw-kinerjaperiodik": lambda: self.skp.kinerjaperiodik_rows(person) or None,
            }
            if parts[1] in handlers:
                return JSONResponse({"code": 1, "data": handlers[parts[1]]()})
        return JSONResponse(
            {
                "code": "404",
                "type": "Status report",
                "message": "Not Found",
                "description": "The requested resource is not available.",
            },
            404,
        )

    async def _skp_save(self, request: Request) -> Response:
        """``skp22/save`` and ``kinerjaperiodik/save``: store, answer ``mapData`` (or drop)."""
        kind = request.url.path.rstrip("/").split("/")[-2]
        self.stats["api"] += 1
        self.stats[f"{kind}_save"] += 1
        fault = self.faults.next_fault(f"{kind}/save")
        if fault is not None and fault not in MUTATIONS + STATE_KINDS:
            return await self._fault(fault)
        self._change_state(fault)
        refused = self._refusal(request)
        if refused is not None:
            return refused
        try:
            body = await request.json()
        except ValueError:
            body = None
        status, answer = self.skp.save(kind, body)
        if status == 200 and self.skp.drop_after_save > 0:
            self.skp.drop_after_save -= 1
            return _DroppedResponse()  # saved, but the client never hears back
        return _mutated(JSONResponse(answer, status), fault)

    def _ref_unor(self, request: Request) -> Response:
        rows = [payloads.ref_unor(self.world, u) for u in self.world.units.values()]
        offset = _int(request.query_params.get("offset"), 0)
        limit = min(_int(request.query_params.get("limit"), len(rows)) or len(rows), 1000)
        return JSONResponse({"code": 1, "data": rows[offset : offset + limit], "count": len(rows)})

    async def _fault(self, kind: str) -> Response:
        self.stats[f"fault_{kind}"] += 1
        if kind == "timeout":
            await asyncio.sleep(self.faults.timeout_seconds)
            return JSONResponse(
                {"code": "101504", "message": "Runtime Error", "description": "Send timeout"}, 504
            )
        return FAULT_RESPONSES[kind](self.faults.retry_after)

    async def _stats(self, _request: Request) -> Response:
        return JSONResponse(dict(self.stats))

    async def _advance_day(self, _request: Request) -> Response:
        from simulators.nights import advance_day

        self.day += 1
        changes = advance_day(self.world, self.day)
        return JSONResponse({k: v for k, v in changes.__dict__.items()})

    async def _export(self, _request: Request) -> Response:
        from simulators.export import export_data_asn

        return Response(export_data_asn(self.world), media_type="text/csv; charset=utf-8")

    async def _set_faults(self, request: Request) -> Response:
        body = await request.json()
        try:
            self.faults.latency = float(body.get("latency_ms", 0)) / 1000
            self.faults.rates = {str(k): float(v) for k, v in body.get("rates", {}).items()}
            FaultPlan(rates=self.faults.rates)
            for kind in body.get("script", []):
                self.faults.script(str(kind), path=str(body.get("path", "")))
        except (TypeError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"ok": True})


class _DroppedResponse(Response):
    """Sends headers and half a body, then drops the connection (a reset mid-response)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"code": 1, "da', "more_body": True})
        raise ConnectionResetError("simulated connection reset")


HTML_ERROR = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
    "Gateway</h1></center><hr><center>nginx</center></body></html>"
)
HTML_LOGIN = "<!DOCTYPE html><html><head><title>SIASN - Login</title></head><body></body></html>"

FAULT_RESPONSES: dict[str, Callable[[int], Response]] = {
    "404": lambda _ra: JSONResponse(
        {
            "code": "404",
            "type": "Status report",
            "message": "Not Found",
            "description": "The requested resource is not available.",
        },
        404,
    ),
    "500": lambda _ra: JSONResponse(
        {"code": "101503", "message": "Runtime Error", "description": "Error connecting to the back end"}, 500
    ),
    "502": lambda _ra: Response(HTML_ERROR, 502, media_type="text/html"),
    "503": lambda _ra: JSONResponse(
        {"code": "303001", "message": "Runtime Error", "description": "The requested resource is SUSPENDED"},
        503,
    ),
    "429": lambda ra: JSONResponse(
        {"code": "900800", "message": "Message throttled out", "description": "You have exceeded your quota"},
        429,
        headers={"Retry-After": str(ra)},
    ),
    "429_bare": lambda _ra: JSONResponse(
        {"code": "900800", "message": "Message throttled out", "description": "You have exceeded your quota"},
        429,
    ),
    "code0": lambda _ra: JSONResponse({"code": 0, "message": "Gagal mengambil data", "data": None}),
    "reset": lambda _ra: _DroppedResponse(),
    "malformed": lambda _ra: Response(
        '{"code": 1, "data": {"id": "A1", "nipBaru": ', 200, media_type="application/json"
    ),
    "html": lambda _ra: Response(HTML_LOGIN, 200, media_type="text/html"),
    "apim_401": lambda _ra: JSONResponse(INVALID_CREDENTIALS, 401),
    "sso_expired": lambda _ra: JSONResponse(EXPIRED_JWT, 401),
}


def _basic_ok(header: str, creds: SiasnCredentials) -> bool:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    return decoded == f"{creds.consumer_key}:{creds.consumer_secret}"


def _endpoint(path: str) -> str:
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
