"""Request handling at the HTTP edge: a body size limit, strict JSON, 422s that never echo input.

- ``BodyLimit`` (ASGI middleware) answers 413 before any route sees a body larger than
  ``EKINERJA_API__MAX_BODY_BYTES``: a declared ``Content-Length`` is refused at once, a streamed
  body as soon as it passes the limit; an accepted body is buffered and replayed to the app.
- ``read_body`` parses JSON only after the caller was authenticated (routes call it after
  ``Gate.require``), refusing NaN, Infinity and numbers out of range (``1e400``), and validates
  it with the shared models of ``mappings.limits``.
- 422 bodies list the field path and what is wrong in Bahasa Indonesia, never the input.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from mappings.limits import LimitError, Problem, problems
from mappings.messages import t

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]
M = TypeVar("M", bound=BaseModel)


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes``, before anything parses it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send
                       ) -> None:
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
        response = JSONResponse({"detail": t("access.body_too_large", limit=self.max_bytes)},
                                status_code=413, headers={"Connection": "close"})
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


async def read_body(request: Request, model: type[M]) -> M:
    """The request body as ``model``; 422 (path + what is wrong, no input echoed) otherwise."""
    raw = await request.body()
    try:
        data = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise unprocessable([Problem("body", t("access.body_not_json"))]) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise unprocessable(problems(exc.errors(include_input=False), prefix="body")) from None


def unprocessable(found: list[Problem]) -> HTTPException:
    """A 422 listing each problem as ``{"lokasi": path, "pesan": message}``."""
    return HTTPException(422, [{"lokasi": p.path, "pesan": p.message} for p in found])


def install(app: FastAPI, *, max_body_bytes: int) -> None:
    """Add the body limit and the 422 handlers to ``app``."""
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        found = problems(exc.errors())
        return JSONResponse({"detail": [{"lokasi": p.path, "pesan": p.message} for p in found]},
                            status_code=422)

    @app.exception_handler(LimitError)
    async def over_limit(_request: Request, exc: LimitError) -> JSONResponse:
        return JSONResponse({"detail": [{"lokasi": p.path, "pesan": p.message}
                                        for p in exc.problems]}, status_code=422)
