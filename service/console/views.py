"""Drawing console pages: one Jinja2 environment (autoescape on), the viewer, refusals.

A page is a template plus the context every page shares: who is looking, their form token,
the message catalogue ``t``, NIK masking and times in the configured timezone. Anything from
SIASN, a file or a person reaches the page through autoescaping, never as markup, and with
its control characters shown escaped (a SIASN name with an ESC reads ``\x1b``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from mappings.messages import t
from mappings.text import inert
from service.auth import SESSION_COOKIE, Gate
from service.console import labels
from service.console.csrf import CsrfSigner
from service.console.safe import mask_nik
from sync import clock
from sync.access.rules import Principal

TEMPLATES = Path(__file__).parent / "templates"
PREFIX = "/admin"


class PageRefused(Exception):
    """A page request that is answered with an explanation page (or a redirect to login)."""

    def __init__(self, status: int, message: str, *, login: bool = False) -> None:
        super().__init__(message)
        self.status, self.message, self.login = status, message, login


@dataclass(frozen=True)
class Viewer:
    """A logged-in person looking at the console, with what the pages need about them."""

    who: Principal
    level: str
    session_id: str


def _inert(value: Any) -> Any:
    """Every value a template prints: text from SIASN, files or people with its control, bidi
    and surrogate characters shown escaped (``\\x1b``); markup the code built stays as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return inert(value)
    return value


def build_environment() -> Environment:
    """The template environment: autoescaping for every template, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_inert,
    )
    env.globals.update(
        t=t,
        mask_nik=mask_nik,
        prefix=PREFIX,
        quote=quote,
        field_label=labels.field_label,
        action_label=labels.action_label,
        kind_label=labels.kind_label,
        rule_label=labels.rule_label,
        coded=labels.coded,
    )
    env.filters["nilai"] = labels.value_text
    return env


@dataclass(frozen=True)
class Views:
    """Renders pages and resolves the viewer of a request."""

    gate: Gate
    signer: CsrfSigner
    env: Environment

    @property
    def zone(self) -> tzinfo:
        """The display timezone (``EKINERJA_KONFLIK__TIMEZONE``)."""
        return clock.zone(self.gate.container.settings.display_timezone)

    def when(self, moment: datetime | str | None) -> str:
        """A time in the display timezone, ``dd-mm-yyyy HH:MM``; '-' for none."""
        return clock.shown(moment, self.zone)

    async def viewer(self, request: Request) -> Viewer:
        """The logged-in person, or a refusal that sends a browser to the login page."""
        who = await self.gate.principal(request)
        if who is None or who.kind == "apikey":
            raise PageRefused(401, t("console.login_required"), login=True)
        return Viewer(who, who.level(self.gate.roles), request.cookies.get(SESSION_COOKIE, ""))

    async def staff(self, request: Request) -> Viewer:
        """The viewer of an admin or operator page; an employee's own account is refused."""
        viewer = await self.viewer(request)
        if viewer.level == "self":
            raise PageRefused(403, t("console.staff_only"))
        return viewer

    async def changer(self, request: Request, form_token: str | None) -> Viewer:
        """The viewer of a state-changing POST: same origin and a form token of this session."""
        viewer = await self.viewer(request)
        try:
            await self.gate.require(request)  # the Origin check, logged when refused
        except HTTPException as exc:
            raise PageRefused(exc.status_code, str(exc.detail)) from exc
        if not self.signer.valid(viewer.session_id, form_token):
            raise PageRefused(403, t("console.csrf_refused"))
        return viewer

    def page(
        self, request: Request, viewer: Viewer, name: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """Render template ``name`` for ``viewer``."""
        body = self.env.get_template(name).render(
            request=request,
            me=viewer.who,
            level=viewer.level,
            when=self.when,
            csrf=self.signer.token(viewer.session_id),
            **context,
        )
        return HTMLResponse(body, status, headers=SECURITY_HEADERS)

    def refusal(self, request: Request, error: PageRefused) -> HTMLResponse:
        """The explanation page of a refused request."""
        body = self.env.get_template("galat.html").render(
            request=request,
            me=None,
            level="",
            when=self.when,
            csrf="",
            status=error.status,
            message=error.message,
        )
        return HTMLResponse(body, error.status, headers=SECURITY_HEADERS)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
