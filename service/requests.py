"""Request handling at the HTTP edge: a body size limit, strict JSON, 422s that never echo input.

- ``BodyLimit`` (ASGI middleware) answers 413 before any route sees a body larger than
  ``EKINERJA_API__MAX_BODY_BYTES``: a declared ``Content-Length`` is refused at once, a streamed
  body as soon as it passes the limit; an accepted body is buffered and replayed to the app.
- ``read_body`` parses JSON only after the caller was authenticated (routes call it after
  ``Gate.require``), refusing nesting deeper than ``JSON_DEPTH_MAX`` before any parser recurses,
  NaN, Infinity and numbers out of range (``1e400``), and validates it with the shared models
  of ``mappings.limits``. Every JSON body of the API is read through it (or ``parse_json``).
- every 422 has one shape, ``{"detail": [{"lokasi": "body.changes.no_hp", "pesan": "..."}]}``:
  the field path and what is wrong in Bahasa Indonesia, never the input (a refusal raised with
  a plain message is put in that shape too, at ``body``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from mappings.limits import JSON_DEPTH_MAX, LimitError, Problem, json_depth, problems
from mappings.messages import t

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]
M = TypeVar("M", bound=BaseModel)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
STATIC = frozenset({"GET", "HEAD"})
ROUTING_WORDS = {404: "access.http_not_found", 405: "access.http_method_not_allowed"}


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes``, before anything parses it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """Buffer the body up to the limit, then replay it to the app (or answer 413)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        body = await self._read(receive)
        if body is None:
            await self._refuse(send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            {"detail": t("access.body_too_large", limit=self.max_bytes)},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response({"type": "http"}, _no_receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _no_constant(_name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def parse_json(raw: bytes) -> Any:
    """A request body as JSON: nested at most ``JSON_DEPTH_MAX`` deep (checked before parsing),
    finite numbers only; 422 naming the body otherwise."""
    if json_depth(raw) > JSON_DEPTH_MAX:
        raise invalid("body", t("access.body_too_deep", limit=JSON_DEPTH_MAX))
    try:
        return json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise invalid("body", t("access.body_not_json")) from None


async def read_body(request: Request, model: type[M]) -> M:
    """The request body as ``model``; 422 (path + what is wrong, no input echoed) otherwise."""
    data = parse_json(await request.body())
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise unprocessable(problems(exc.errors(include_input=False), prefix="body")) from None


def unprocessable(found: list[Problem]) -> HTTPException:
    """A 422 listing each problem as ``{"lokasi": path, "pesan": message}``."""
    return HTTPException(422, problem_list(found))


def invalid(path: str, message: str) -> HTTPException:
    """A 422 with one problem at ``path`` (``path.nip``, ``body``, ``body.changes``)."""
    return unprocessable([Problem(path, message)])


def problem_list(found: list[Problem]) -> list[dict[str, str]]:
    """Problems as the one 422 shape the API answers: ``[{"lokasi": ..., "pesan": ...}]``."""
    return [{"lokasi": p.path, "pesan": p.message} for p in found]


def install(app: FastAPI, *, max_body_bytes: int) -> None:
    """Add the body limit and the handlers that give every 422 one shape, in Bahasa Indonesia."""
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        found = problems(exc.errors())
        return JSONResponse({"detail": problem_list(found)}, status_code=422)

    @app.exception_handler(LimitError)
    async def over_limit(_request: Request, exc: LimitError) -> JSONResponse:
        return JSONResponse({"detail": problem_list(exc.problems)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await http_exception_handler(request, _plain_words(request, exc))


def _plain_words(request: Request, exc: StarletteHTTPException) -> StarletteHTTPException:
    """The one 422 shape; routing's own 404/405 in Bahasa Indonesia, a 405 with every method the
    path answers in ``Allow``."""
    code, headers = exc.status_code, dict(exc.headers or {})
    detail: Any = exc.detail
    if code == 422 and not isinstance(detail, list):
        detail = [{"lokasi": "body", "pesan": str(detail)}]
    if code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
    if code in ROUTING_WORDS and detail == HTTPStatus(code).phrase:
        detail = t(ROUTING_WORDS[code])
    return StarletteHTTPException(code, detail, headers=headers or None)


def allowed_methods(app: Any, scope: MutableMapping[str, Any]) -> list[str]:
    """Every method some route of ``app`` answers at the path of ``scope``."""
    found: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, Mount):  # static files: read only
            found |= STATIC if route.matches(scope)[0] is not Match.NONE else set()
            continue
        found |= {m for m in METHODS if route.matches({**scope, "method": m})[0] is Match.FULL}
    return sorted(found)
