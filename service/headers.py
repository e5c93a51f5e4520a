"""Response headers every answer gets, set in one place (an ASGI middleware).

- every HTML page (login, home, console, error pages, ``/docs``) refuses to be framed:
  ``frame-ancestors 'none'`` merged into its ``Content-Security-Policy`` (or as the whole
  policy when the page sends none) and ``X-Frame-Options: DENY`` for older browsers;
- everything but the static assets carries ``Cache-Control: no-store``: pages, exports and API
  answers hold personal data (names, NIPs, units) that no browser or proxy cache should keep.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders

from service.requests import ASGIApp, Message, Receive, Send

FRAME_ANCESTORS = "frame-ancestors 'none'"
CACHEABLE = ("/admin/static/", "/docs/assets/")


class SecurityHeaders:
    """ASGI middleware adding the anti-framing and no-store headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """Pass the request on; amend the headers of the response as it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                amend(MutableHeaders(scope=message), cacheable=cacheable)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def amend(headers: MutableHeaders, *, cacheable: bool) -> None:
    """Add what is missing: anti-framing on HTML, ``no-store`` unless ``cacheable``."""
    if headers.get("content-type", "").startswith("text/html"):
        headers["Content-Security-Policy"] = with_frame_ancestors(headers.get("content-security-policy"))
        headers.setdefault("X-Frame-Options", "DENY")
    if not cacheable:
        headers.setdefault("Cache-Control", "no-store")


def with_frame_ancestors(policy: str | None) -> str:
    """``policy`` with ``frame-ancestors 'none'`` (kept as is when it already names ancestors)."""
    directives = [d.strip() for d in (policy or "").split(";") if d.strip()]
    if any(d.lower().startswith("frame-ancestors") for d in directives):
        return "; ".join(directives)
    return "; ".join([*directives, FRAME_ANCESTORS])
