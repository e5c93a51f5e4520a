"""The PMM HTTP client of ``reference/pmm-contract.md``: periods, and results paged by cursor.

Every call carries ``Authorization: Bearer <token>`` (client credentials); a 401 renews the
token once. GETs are retried on transient errors through the shared policy, and every call
waits for the shared rate budget. A result that does not fit the wire model is set aside with
the reason (``HasilPage.rejected``) instead of failing the whole page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import structlog
from pydantic import ValidationError

from connectors._http.client import send
from connectors._http.ratelimit import RateLimiter
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken, TokenSource
from connectors.errors import (
    AuthError,
    PayloadError,
    RateLimited,
    ServerError,
    UpstreamError,
    error_for_status,
    parse_retry_after,
)
from connectors.pmm.models import Periode, PmmResult

UPSTREAM = "pmm"
PERIODE_PATH = "/v1/pengelolaan-kinerja/periode"
HASIL_PATH = "/v1/pengelolaan-kinerja/hasil"
MAX_LIMIT = 500
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Rejected:
    """A record of a page that does not fit the wire model: where, which field, why."""

    index: int
    id: str | None
    nip: str | None
    field: str
    detail: str


@dataclass(frozen=True)
class HasilPage:
    """One page of results, the records set aside, and the cursor of the next page."""

    results: list[PmmResult]
    rejected: list[Rejected] = field(default_factory=list)
    next_cursor: str | None = None


class PmmClient:
    """Typed calls to the PMM contract over an injected ``httpx.AsyncClient``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token: TokenSource,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        page_size: int = 200,
    ) -> None:
        if not 1 <= page_size <= MAX_LIMIT:
            raise ValueError(f"page_size must be 1..{MAX_LIMIT}, got {page_size}")
        self._http = http
        self._token = token
        self._retry = retry or RetryPolicy()
        self.limiter = limiter or RateLimiter(None)
        self.page_size = page_size
        self.calls = 0

    async def periode(self) -> list[Periode]:
        """Every evaluation period PMM knows."""
        body = await self._get(PERIODE_PATH, {})
        rows = _data_list(body, PERIODE_PATH)
        try:
            return [Periode.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise PayloadError(f"GET {PERIODE_PATH}: {_first_error(exc)}", upstream=UPSTREAM) from exc

    async def hasil_page(
        self,
        periode_id: str,
        *,
        npsn: str | None = None,
        updated_since: datetime | None = None,
        cursor: str | None = None,
    ) -> HasilPage:
        """One page of results of ``periode_id`` (optionally one school, changed since a time)."""
        if updated_since is not None and updated_since.tzinfo is None:
            raise ValueError("updated_since must carry a time zone")
        params = {"periode_id": periode_id, "limit": str(self.page_size)}
        optional = {
            "npsn": npsn,
            "cursor": cursor,
            "updated_since": updated_since.isoformat() if updated_since else None,
        }
        params.update({k: v for k, v in optional.items() if v})
        body = await self._get(HASIL_PATH, params)
        rows = _data_list(body, HASIL_PATH)
        next_cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if next_cursor is not None and not isinstance(next_cursor, str):
            raise PayloadError(f"GET {HASIL_PATH}: next_cursor is not a string", upstream=UPSTREAM)
        results, rejected = _validate_rows(rows)
        return HasilPage(results, rejected, next_cursor or None)

    async def hasil(
        self,
        periode_id: str,
        *,
        npsn: str | None = None,
        updated_since: datetime | None = None,
        cursor: str | None = None,
    ) -> AsyncIterator[HasilPage]:
        """Every page from ``cursor`` (or the start) to the last; stops on a repeated cursor."""
        seen: set[str] = set()
        while True:
            page = await self.hasil_page(periode_id, npsn=npsn, updated_since=updated_since, cursor=cursor)
            yield page
            if page.next_cursor is None:
                return
            if page.next_cursor in seen:
                raise PayloadError(
                    f"GET {HASIL_PATH}: cursor {page.next_cursor!r} repeats", upstream=UPSTREAM
                )
            seen.add(page.next_cursor)
            cursor = page.next_cursor

    async def _get(self, path: str, params: dict[str, str]) -> Any:
        return await call_with_retry(self._retry, lambda: self._get_authorized(path, params))

    async def _get_authorized(self, path: str, params: dict[str, str]) -> Any:
        token = await self._token.token()  # a refused client secret raises here, once
        try:
            return await self._get_once(path, params, token)
        except AuthError:
            log.info("pmm_token_refused_renewing", path=path)
            self._token.invalidate()
            return await self._get_once(path, params, await self._token.token())

    async def _get_once(self, path: str, params: dict[str, str], token: AccessToken) -> Any:
        await self.limiter.acquire()
        request = self._http.build_request(
            "GET", path, params=params, headers={"Authorization": f"Bearer {token.value.get_secret_value()}"}
        )
        self.calls += 1
        response = await send(self._http, request, upstream=UPSTREAM)
        try:
            body = _interpret(response, path)
        except (RateLimited, ServerError) as exc:
            self.limiter.slow_down(getattr(exc, "retry_after", None))
            raise
        self.limiter.speed_up()
        return body


def _interpret(response: httpx.Response, path: str) -> Any:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
        if status < 300:
            kind = response.headers.get("content-type", "no content-type")
            raise PayloadError(
                f"GET {path}: HTTP {status} with a non-JSON body ({kind})", upstream=UPSTREAM, status=status
            ) from None
    if status < 300:
        return body
    raise _error(response, body, path)


def _error(response: httpx.Response, body: Any, path: str) -> UpstreamError:
    detail = response.text[:160]
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        detail = f"{error.get('code', '?')}: {error.get('message', '')}"
    return error_for_status(
        response.status_code,
        f"GET {path}: HTTP {response.status_code}: {detail}",
        upstream=UPSTREAM,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def _data_list(body: Any, path: str) -> list[Any]:
    if not isinstance(body, dict) or "data" not in body:
        raise PayloadError(f"GET {path}: the body has no 'data'", upstream=UPSTREAM)
    data = body["data"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise PayloadError(f"GET {path}: 'data' is {type(data).__name__}, not a list", upstream=UPSTREAM)
    return data


def _validate_rows(rows: list[Any]) -> tuple[list[PmmResult], list[Rejected]]:
    results: list[PmmResult] = []
    rejected: list[Rejected] = []
    for index, row in enumerate(rows):
        try:
            results.append(PmmResult.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(record)"
            ident = row.get("id") if isinstance(row, dict) else None
            pegawai = row.get("pegawai") if isinstance(row, dict) else None
            nip = pegawai.get("nip") if isinstance(pegawai, dict) else None
            rejected.append(
                Rejected(
                    index,
                    str(ident)[:64] if ident else None,
                    str(nip)[:40] if nip else None,
                    where,
                    first["msg"],
                )
            )
    return results, rejected


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"field {'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
