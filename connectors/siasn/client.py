"""The SIASN client: one typed method per endpoint, both tokens on every call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import structlog
from pydantic import SecretStr, ValidationError

from connectors._http.budget import Lane, drawing_in
from connectors._http.client import send
from connectors._http.ratelimit import RateLimiter
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import TokenSource
from connectors.errors import NotFoundError, PayloadError, RateLimited, ServerError
from connectors.siasn.auth import SiasnAuth
from connectors.siasn.envelope import UPSTREAM, interpret
from connectors.siasn.models import (
    DataUtama,
    KinerjaPeriodikSave,
    RefUnor,
    RwGolongan,
    RwJabatan,
    RwKinerjaPeriodik,
    RwSkp22,
    SaveModel,
    Skp22Save,
)
from connectors.siasn.types import WireModel
from connectors.siasn.write_envelope import saved_id

M = TypeVar("M", bound=WireModel)
log = structlog.get_logger(__name__)


class SiasnClient:
    """Calls ``apisiasn/1.0`` with ``Authorization: Bearer <APIM>`` and ``Auth: bearer <SSO>``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        apim: TokenSource,
        sso: TokenSource,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        auth_scheme: str = "bearer",
        cookie: SecretStr | None = None,
        page_size: int = 500,
        lane: Lane | None = None,
    ) -> None:
        self._http = http
        self.lane = lane
        self._auth = SiasnAuth(apim, sso, base_url=http.base_url, scheme=auth_scheme, before_send=self._pace)
        self._retry = retry or RetryPolicy()
        self.limiter = limiter or RateLimiter(None)
        self._cookie = cookie
        self._page_size = page_size
        self.calls = 0

    @property
    def http(self) -> httpx.AsyncClient:
        """The HTTP client (connection pool) the calls go through."""
        return self._http

    async def data_utama(self, nip: str) -> DataUtama | None:
        """The main profile of ``nip``; None when SIASN says the NIP does not exist."""
        try:
            data = await self._get(f"/pns/data-utama/{_nip(nip)}")
        except NotFoundError:
            return None
        if not isinstance(data, dict):
            if data in (None, "", []):
                return None
            raise PayloadError(
                f"data-utama/{nip}: data is {type(data).__name__}, not an object", upstream=UPSTREAM
            )
        return _model(DataUtama, data, f"data-utama/{nip}")

    async def rw_jabatan(self, nip: str) -> list[RwJabatan]:
        """Position history of ``nip`` (empty when SIASN has none)."""
        return await self._rows(RwJabatan, f"/pns/rw-jabatan/{_nip(nip)}")

    async def rw_golongan(self, nip: str) -> list[RwGolongan]:
        """Rank history of ``nip``."""
        return await self._rows(RwGolongan, f"/pns/rw-golongan/{_nip(nip)}")

    async def rw_skp22(self, nip: str) -> list[RwSkp22]:
        """Annual SKP (2022+) history of ``nip``."""
        return await self._rows(RwSkp22, f"/pns/rw-skp22/{_nip(nip)}")

    async def rw_kinerjaperiodik(self, nip: str) -> list[RwKinerjaPeriodik]:
        """Periodic performance ratings of ``nip``."""
        return await self._rows(RwKinerjaPeriodik, f"/pns/rw-kinerjaperiodik/{_nip(nip)}")

    async def ref_unor(self) -> list[RefUnor]:
        """Every unit of the caller's instansi, paged with ``limit``/``offset`` to a short page."""
        units: list[RefUnor] = []
        offset = 0
        while True:
            params = {"limit": str(self._page_size), "offset": str(offset)}
            page = await self._get("/referensi/ref-unor", params)
            rows = _as_list(page, "referensi/ref-unor")
            units.extend(_model(RefUnor, row, f"ref-unor[{offset + i}]") for i, row in enumerate(rows))
            if len(rows) < self._page_size:
                return units
            offset += len(rows)

    async def skp22_save(self, body: Skp22Save) -> str:
        """POST an annual result; return ``mapData.rwSkpId``. Never retried: a lost answer
        must be settled by reading ``rw-skp22`` before posting again."""
        return await self._save("/skp22/save", body, "rwSkpId")

    async def kinerjaperiodik_save(self, body: KinerjaPeriodikSave) -> str:
        """POST a periodic rating; return ``mapData.rwKinerjaPeriodikId`` (never retried)."""
        return await self._save("/kinerjaperiodik/save", body, "rwKinerjaPeriodikId")

    async def save(self, body: Skp22Save | KinerjaPeriodikSave) -> str:
        """POST ``body`` to the endpoint of its kind; return the id SIASN gave the new row."""
        if isinstance(body, Skp22Save):
            return await self.skp22_save(body)
        return await self.kinerjaperiodik_save(body)

    async def _save(self, path: str, body: SaveModel, id_key: str) -> str:
        with drawing_in(self.lane):  # token requests too: one shared client serves both lanes
            response = await self._send(self._http.build_request("POST", path, json=body.body()))
        try:
            saved = saved_id(response, path=path, id_key=id_key)
        except (RateLimited, ServerError) as exc:
            self.limiter.slow_down(getattr(exc, "retry_after", None))
            raise
        log.info("siasn_saved", path=path, id=saved)
        return saved

    async def _rows(self, model: type[M], path: str) -> list[M]:
        try:
            data = await self._get(path)
        except NotFoundError:
            return []
        return [_model(model, row, f"{path}[{i}]") for i, row in enumerate(_as_list(data, path))]

    async def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        with drawing_in(self.lane):  # token requests and retries too
            return await call_with_retry(self._retry, lambda: self._get_once(path, params))

    async def _get_once(self, path: str, params: dict[str, str] | None) -> Any:
        response = await self._send(self._http.build_request("GET", path, params=params))
        try:
            data = interpret(response, path=path)
        except (RateLimited, ServerError) as exc:
            self.limiter.slow_down(getattr(exc, "retry_after", None))
            raise
        self.limiter.speed_up()
        return data

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """Send through the tokens' auth flow (a refused token renewed once, else raised)."""
        if self._cookie is not None:
            request.headers["Cookie"] = self._cookie.get_secret_value()
        return await send(self._http, request, upstream=UPSTREAM, auth=self._auth)

    async def _pace(self) -> None:
        """Right before each request goes out, its tokens in place (a token request is not in
        between): wait for the limiter and count the call."""
        await self.limiter.acquire()
        self.calls += 1


def _nip(nip: str) -> str:
    if not nip.isdigit():
        raise ValueError(f"NIP must be digits only, got {nip!r}")
    return quote(nip)


def _as_list(data: Any, path: str) -> Sequence[Any]:
    if data in (None, ""):
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("data", "results", "rows"):
            if isinstance(data.get(key), list):
                return list(data[key])
    raise PayloadError(f"{path}: expected a list, got {type(data).__name__}", upstream=UPSTREAM)


def _model(model: type[M], row: Any, where: str) -> M:
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(row)"
        raise PayloadError(
            f"{where}: field {field}: {first['msg']} ({exc.error_count()} problem(s))",
            upstream=UPSTREAM,
        ) from exc
