"""Login pages: ASN Digital (MyASN) via OIDC code + PKCE, local admin accounts, logout.

The browser keeps two cookies, both HttpOnly and SameSite=Lax: ``ekinerja_login`` (the OIDC
``state`` of a login under way, so a callback is accepted only in the browser that started it) and
the session cookie. The pages are drawn from the console's Jinja2 templates (``masuk.html``,
``masuk_beranda.html``) with the console's environment: autoescaped, words from the catalogue.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Literal
from urllib.parse import urlsplit

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment
from sqlalchemy.orm import Session

from connectors.errors import UpstreamError
from connectors.myasn.oidc import AuthRequest, OidcClient, OidcTokens
from mappings.limits import NAME_MAX, NEXT_MAX, PASSWORD_MAX, STATE_MAX, LimitError, check_text
from mappings.messages import t
from service.auth import SESSION_COOKIE, Gate
from service.console.views import build_environment
from store.models import LoginState, Unit
from sync.access.accounts import verify_local_account
from sync.access.people import note_login
from sync.access.rules import Principal, RoleMap, operator_units
from sync.access.sessions import SessionInfo, close_session, open_session, save_login_state, take_login_state
from sync.access.throttle import reserve_login, sweep_login_throttle

LOGIN_COOKIE = "ekinerja_login"
LOGIN_TTL = 600
LOCAL_REFUSALS = {"wrong": ("access.login_wrong", 401), "locked": ("access.login_locked", 429)}
log = structlog.get_logger(__name__)


def web_router(gate: Gate, env: Environment | None = None) -> APIRouter:
    """The login, callback, logout and home pages, drawn with ``env`` (the console's by default)."""
    router = APIRouter(include_in_schema=False)
    pages = LoginPages(env or build_environment())
    _page_routes(router, gate, pages)
    _myasn_routes(router, gate, pages)
    _local_routes(router, gate, pages)
    return router


def _page_routes(router: APIRouter, gate: Gate, pages: LoginPages) -> None:
    """The home page (who is logged in) and the login page."""

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        who = await gate.principal(request)
        if who is None or who.kind == "apikey":
            return RedirectResponse("/login", 303)
        area = await gate.tx(_work_area, gate.roles, who)
        return pages.home(who, who.level(gate.roles), area)

    @router.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request, next: str = "/") -> Response:
        # No error text from the address: a link must not put its author's words on our login page.
        oidc: OidcClient | None = request.app.state.oidc
        return pages.login(_safe_next(next), "", myasn=oidc is not None)


def _myasn_routes(router: APIRouter, gate: Gate, pages: LoginPages) -> None:
    """Login with ASN Digital (MyASN): the redirect to the provider and its callback."""

    @router.get("/login/myasn")
    async def login_myasn(request: Request, next: str = "/") -> Response:
        oidc: OidcClient | None = request.app.state.oidc
        if oidc is None:
            return pages.login("/", t("access.myasn_not_configured"), 503, myasn=False)
        try:
            auth = await oidc.authorization_request(_redirect_uri(request, gate))
        except UpstreamError as exc:
            log.warning("login_myasn_unreachable", error=exc.message)
            return pages.login("/", t("access.myasn_unreachable"), 502)
        await gate.tx(
            save_login_state,
            LoginState(
                state=auth.state,
                nonce=auth.nonce,
                code_verifier=auth.code_verifier,
                redirect_uri=auth.redirect_uri,
                next_path=_safe_next(next),
                expires_at=time.time() + LOGIN_TTL,
            ),
        )
        response = RedirectResponse(auth.url, 302)
        _set_cookie(response, request, gate, LOGIN_COOKIE, auth.state, LOGIN_TTL)
        return response

    @router.get("/auth/callback")
    async def callback(
        request: Request, state: str = "", code: str = "", error: str = "", error_description: str = ""
    ) -> Response:
        if error:
            log.warning("login_refused", source="myasn", error=error, detail=error_description)
            return pages.login("/", t("access.myasn_refused", detail=error_description or error), 400)
        if not _usable_state(state) or request.cookies.get(LOGIN_COOKIE) != state:
            log.warning("login_refused", source="myasn", reason="state mismatch")
            return pages.login("/", t("access.login_foreign_state"), 400)
        row = await gate.tx(take_login_state, state)
        oidc: OidcClient | None = request.app.state.oidc
        if row is None or oidc is None:
            return pages.login("/", t("access.login_expired"), 400)
        auth = AuthRequest(
            url="",
            state=row.state,
            nonce=row.nonce,
            code_verifier=row.code_verifier,
            redirect_uri=row.redirect_uri,
        )
        try:
            tokens = await oidc.exchange_code(auth, code=code, state=state)
        except UpstreamError as exc:
            log.warning("login_refused", source="myasn", error=exc.message)
            return pages.login("/", t("access.myasn_failed", detail=exc.message), 400)
        return await _start_session(request, gate, _myasn_session(tokens), row.next_path)


def _local_routes(router: APIRouter, gate: Gate, pages: LoginPages) -> None:
    """Login with a local admin account, and logout (of either kind of session)."""

    @router.post("/login/lokal")
    async def login_local(
        request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")
    ) -> Response:
        myasn = request.app.state.oidc is not None
        if not _same_site_post(request, gate):
            log.warning(
                "login_refused",
                source="local",
                reason="cross-site",
                origin=request.headers.get("origin"),
                client=_client(request),
            )
            return pages.login("/", t("access.cross_site_login"), 403, myasn=myasn)
        try:
            name = check_text(username.strip(), path="username", min_length=1, max_length=NAME_MAX)
            check_text(password, path="password", max_length=PASSWORD_MAX)
        except LimitError:
            return pages.login("/", t("access.form_invalid"), 400, myasn=myasn)
        verdict = await _check_local(gate, name, password, _client(request))
        if verdict != "ok":
            log.warning(
                "login_refused", source="local", username=name, verdict=verdict, client=_client(request)
            )
            key, status = LOCAL_REFUSALS[verdict]
            return pages.login(_safe_next(next), t(key), status, myasn=myasn)
        info = SessionInfo(source="local", username=name, name=None, roles=(), id_token=None)
        return await _start_session(request, gate, info, _safe_next(next))

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        sid = request.cookies.get(SESSION_COOKIE, "")
        info = await gate.tx(close_session, sid) if sid else None
        target = "/login"
        oidc: OidcClient | None = request.app.state.oidc
        if info is not None and info.id_token and oidc is not None:
            back = gate.base_url(request) + "/login"
            try:
                target = (
                    await oidc.logout_url(id_token=info.id_token, post_logout_redirect_uri=back) or target
                )
            except UpstreamError:
                target = "/login"
        log.info("logout", username=info.username if info else None)
        response = RedirectResponse(target, 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


async def _check_local(
    gate: Gate, username: str, password: str, client: str
) -> Literal["ok", "wrong", "locked"]:
    """Reserve the attempt (atomic count per account and client), then check the password."""
    attempt = await gate.tx(reserve_login, username, client)
    if not attempt.allowed:
        return "locked"
    verdict = await gate.tx(verify_local_account, username, password, client)
    await gate.tx(sweep_login_throttle)
    return "locked" if verdict == "wrong" and attempt.last else verdict


def _same_site_post(request: Request, gate: Gate) -> bool:
    """A login form post must come from our own page: Origin (or Referer) and Sec-Fetch-Site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer")
        if referer is None:
            return origin is None
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(referer))
    return origin.rstrip("/") == gate.base_url(request)


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _myasn_session(tokens: OidcTokens) -> SessionInfo:
    who = tokens.identity
    return SessionInfo(
        source="myasn",
        username=who.username,
        name=who.name or None,
        roles=who.roles,
        id_token=tokens.id_token,
    )


def _open_session(session: Session, info: SessionInfo, *, ttl: float, roles: RoleMap) -> str:
    """Open the browser session and remember a MyASN account as someone who can be assigned."""
    note_login(session, info, roles)
    return open_session(session, info, ttl=ttl)


async def _start_session(request: Request, gate: Gate, info: SessionInfo, next_path: str) -> Response:
    ttl = gate.container.settings.auth.session_ttl_s
    sid = await gate.tx(partial(_open_session, ttl=ttl, roles=gate.roles), info)
    log.info("login", source=info.source, username=info.username, roles=list(info.roles))
    response = RedirectResponse(next_path, 303)
    _set_cookie(response, request, gate, SESSION_COOKIE, sid, ttl)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def _work_area(session: Session, roles: RoleMap, who: Principal) -> str | None:
    """The operator's units, for the home page; None for everyone else."""
    if who.level(roles) != "operator":
        return None
    units = [session.get(Unit, unit_id) for unit_id in operator_units(session, who)]
    names = [unit.nama for unit in units if unit is not None]
    if not names:
        return t("access.area_none")
    return t("access.area_units", units=", ".join(names))


def _usable_state(state: str) -> bool:
    try:
        check_text(state, path="state", min_length=1, max_length=STATE_MAX)
    except LimitError:
        return False
    return True


def _redirect_uri(request: Request, gate: Gate) -> str:
    return gate.base_url(request) + "/auth/callback"


def _set_cookie(response: Response, request: Request, gate: Gate, name: str, value: str, ttl: int) -> None:
    secure = gate.base_url(request).startswith("https://")
    response.set_cookie(name, value, max_age=ttl, path="/", httponly=True, samesite="lax", secure=secure)


def _safe_next(value: str) -> str:
    """Only local paths that fit the column: an open redirect would be a phishing aid."""
    try:
        check_text(value, path="next", min_length=1, max_length=NEXT_MAX)
    except LimitError:
        return "/"
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


# pages ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginPages:
    """The login and home pages, drawn from the console's templates."""

    env: Environment

    def login(self, next_path: str, error: str, status: int = 200, *, myasn: bool = True) -> HTMLResponse:
        """The login page: ``error`` above the form (none when empty), back to ``next_path`` after."""
        return self._draw("masuk.html", status, next_path=next_path, error=error, myasn=myasn)

    def home(self, who: Principal, level: str, area: str | None) -> HTMLResponse:
        """Who is logged in, how, with which rights (and an operator's work area)."""
        return self._draw("masuk_beranda.html", 200, who=who, level=level, area=area)

    def _draw(self, name: str, status: int, **context: object) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status)
