"""What SIASN answers to a write (``skp22/save``, ``kinerjaperiodik/save``), read in one place.

Success is ``{"success": true, "mapData": {"rwSkpId": "..."}}`` (or ``code: 1`` beside
``mapData``); a business refusal is ``{"Error": ..., "Message": ...}`` or ``success: false``
(reference §1.3). A success without the new id is a ``PayloadError``: the caller cannot know
what was created and must read the riwayat before trying again, never post blind.
"""

from __future__ import annotations

from typing import Any

import httpx

from connectors.errors import ApimAuthError, PayloadError, PermanentError, SsoAuthError
from connectors.siasn.envelope import UPSTREAM, interpret, refusal


def saved_id(response: httpx.Response, *, path: str, id_key: str) -> str:
    """The id SIASN gave the new row (``mapData[id_key]``); raise our error type otherwise."""
    body = _json_or_none(response)
    if response.status_code >= 300 or not isinstance(body, dict):
        interpret(response, path=f"POST {path}")  # raises the error the status/body says
        raise PayloadError(
            f"POST {path}: HTTP {response.status_code} without a JSON object",
            upstream=UPSTREAM,
            status=response.status_code,
        )
    if _refused(body):
        message = body.get("Message") or body.get("message") or body.get("Error") or body
        raise PermanentError(
            f"POST {path}: SIASN refused: {message}", upstream=UPSTREAM, status=response.status_code
        )
    return _map_id(body, path, id_key)


def save_refusal(response: httpx.Response, *, path: str) -> ApimAuthError | SsoAuthError | None:
    """The refusal of a token the answer to a write carries (as ``saved_id`` reads it), else None."""
    if response.status_code >= 300 or not isinstance(_json_or_none(response), dict):
        return refusal(response, path=f"POST {path}")
    return None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _refused(body: dict[str, Any]) -> bool:
    if body.get("success") is False or str(body.get("Error", "")).lower() in ("true", "1"):
        return True
    code = body.get("code")
    return code is not None and str(code) not in ("1", "200") and body.get("success") is not True


def _map_id(body: dict[str, Any], path: str, id_key: str) -> str:
    map_data = body.get("mapData")
    if isinstance(map_data, dict):
        value = next((v for k, v in map_data.items() if k.lower() == id_key.lower()), None)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    raise PayloadError(
        f"POST {path}: saved but mapData has no {id_key} ({str(map_data)[:80]!r})", upstream=UPSTREAM
    )
