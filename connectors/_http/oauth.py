"""OAuth2 token-endpoint calls shared by the APIM and SSO providers."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
from pydantic import SecretStr

from connectors._http.client import send
from connectors._http.tokens import AccessToken, jwt_expiry
from connectors.errors import PayloadError, UpstreamError, error_for_status, parse_retry_after


async def request_token(
    client: httpx.AsyncClient,
    url: str,
    form: dict[str, str],
    *,
    upstream: str,
    auth: tuple[str, str] | None = None,
    auth_error: type[UpstreamError],
) -> tuple[AccessToken, dict[str, Any]]:
    """POST ``form`` to a token endpoint; return the token and the whole JSON answer."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth is not None:
        pair = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        headers["Authorization"] = f"Basic {pair}"
    request = client.build_request("POST", url, data=form, headers=headers)
    response = await send(client, request, upstream=upstream)
    body = _json_or_none(response)
    if response.status_code >= 400:
        raise _token_error(response, body, upstream=upstream, auth_error=auth_error)
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise PayloadError(
            f"token endpoint {url} answered without an access_token "
            f"(HTTP {response.status_code}, {response.headers.get('content-type', '?')})",
            upstream=upstream,
        )
    return _access_token(body), body


def _access_token(body: dict[str, Any]) -> AccessToken:
    value = str(body["access_token"])
    expires_at = jwt_expiry(value)
    expires_in = body.get("expires_in")
    if expires_at is None and isinstance(expires_in, int | float | str) and str(expires_in).isdigit():
        expires_at = time.time() + float(expires_in)
    return AccessToken(
        value=SecretStr(value),
        expires_at=expires_at,
        token_type=str(body.get("token_type") or "bearer"),
    )


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _token_error(
    response: httpx.Response, body: Any, *, upstream: str, auth_error: type[UpstreamError]
) -> UpstreamError:
    status = response.status_code
    if isinstance(body, dict) and "error" in body:
        detail = f"{body.get('error')}: {body.get('error_description', '')}".strip(": ")
    else:
        detail = response.text[:200]
    message = f"token request refused (HTTP {status}): {detail}"
    if status in (400, 401, 403):
        return auth_error(message, upstream=upstream, status=status)
    return error_for_status(
        status,
        message,
        upstream=upstream,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )
