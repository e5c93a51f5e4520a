"""SIASN's envelope and error shapes (reference §1.3), interpreted in one place."""

from __future__ import annotations

from typing import Any

import httpx

from connectors.errors import (
    ApimAuthError,
    NotFoundError,
    PayloadError,
    PermanentError,
    RateLimited,
    ServerError,
    SsoAuthError,
    UpstreamError,
    error_for_status,
    parse_retry_after,
)

UPSTREAM = "siasn"
NOT_FOUND_TEXT = "data tidak ditemukan"

# (substring of the gateway/backend message, error type, what it means for the operator)
_MESSAGE_TABLE: tuple[tuple[str, type[UpstreamError], str], ...] = (
    (
        "invalid or expired jwt",
        SsoAuthError,
        "SIASN refused the SSO token (Auth header): invalid or expired jwt",
    ),
    (
        "token sso mismatch",
        SsoAuthError,
        "SIASN says Token SSO mismatch: the SSO token does not "
        "belong to the operator registered for this APIM application",
    ),
    ("suspended", ServerError, "SIASN backend is SUSPENDED (gateway Runtime Error)"),
    ("runtime error", ServerError, "SIASN gateway Runtime Error (backend unreachable)"),
    ("throttled", RateLimited, "SIASN gateway throttled the request"),
    (
        "invalid credentials",
        ApimAuthError,
        "SIASN gateway refused the APIM token (Authorization header): Invalid Credentials",
    ),
)


def interpret(response: httpx.Response, *, path: str) -> Any:
    """Return ``data`` of a successful envelope; raise our error type for everything else."""
    body = _json_body(response)
    if body is _NOT_JSON:
        raise _non_json_error(response, path)
    if _succeeded(response, body):
        return body.get("data")
    raise _error_from_body(response, body, path)


def refusal(response: httpx.Response, *, path: str) -> ApimAuthError | SsoAuthError | None:
    """The refusal of a token ``response`` carries (the error ``interpret`` raises for it), else
    None. Which token was refused is told by the body: the gateway's "Invalid Credentials" or a
    bare 401 is the APIM token, the backend's "invalid or expired jwt" or "Token SSO mismatch"
    is the SSO token."""
    body = _json_body(response)
    if body is _NOT_JSON or _succeeded(response, body):
        return None
    error = _error_from_body(response, body, path)
    return error if isinstance(error, ApimAuthError | SsoAuthError) else None


class _NotJson:
    pass


_NOT_JSON = _NotJson()


def _json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return _NOT_JSON


def _succeeded(response: httpx.Response, body: Any) -> bool:
    return response.status_code < 300 and isinstance(body, dict) and _code(body) == 1


def _code(body: dict[str, Any]) -> int | None:
    code = body.get("code")
    try:
        return int(code) if code is not None else None
    except (TypeError, ValueError):
        return None


def _non_json_error(response: httpx.Response, path: str) -> UpstreamError:
    kind = response.headers.get("content-type", "no content-type")
    snippet = " ".join(response.text[:120].split())
    message = f"GET {path}: HTTP {response.status_code} with a non-JSON body ({kind}): {snippet!r}"
    if response.status_code >= 500 or response.status_code == 429:
        return error_for_status(
            response.status_code,
            message,
            upstream=UPSTREAM,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    return PayloadError(message, upstream=UPSTREAM, status=response.status_code)


def _texts(body: Any) -> str:
    if isinstance(body, dict):
        keys = ("message", "description", "data", "Message", "Error", "error", "fault")
        return " ".join(str(body.get(k, "")) for k in keys).lower()
    return str(body).lower()


def _error_from_body(response: httpx.Response, body: Any, path: str) -> UpstreamError:
    status = response.status_code
    text = _texts(body)
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    for needle, kind, meaning in _MESSAGE_TABLE:
        if needle in text:
            if kind is RateLimited:
                return RateLimited(f"GET {path}: {meaning}", upstream=UPSTREAM, retry_after=retry_after)
            return kind(f"GET {path}: {meaning}", upstream=UPSTREAM, status=status)
    if NOT_FOUND_TEXT in text or status == 404:
        return NotFoundError(f"GET {path}: not found in SIASN", upstream=UPSTREAM, status=status)
    if isinstance(body, dict) and ("Error" in body or "Message" in body) and status < 500:
        message = body.get("Message") or body.get("Error")
        return PermanentError(f"GET {path}: SIASN refused: {message}", upstream=UPSTREAM, status=status)
    if status == 401:
        return ApimAuthError(f"GET {path}: HTTP 401 from the SIASN gateway", upstream=UPSTREAM, status=status)
    if status < 300:
        return PayloadError(
            f"GET {path}: HTTP {status} but the envelope has no code 1: {_texts(body)[:120]!r}",
            upstream=UPSTREAM,
            status=status,
        )
    return error_for_status(
        status, f"GET {path}: HTTP {status}: {_texts(body)[:160]}", upstream=UPSTREAM, retry_after=retry_after
    )
