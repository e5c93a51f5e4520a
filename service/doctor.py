"""``ekinerja-sync doctor``: is the configuration complete, is every upstream reachable and
answering, are both SIASN tokens valid and for how long, is the database at the code's schema?

Each check says what is wrong and how to fix it; nothing is retried (a doctor run is quick) and no
secret is ever printed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Literal

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from connectors._http.client import build_async_client
from connectors._http.errors import (
    ApimAuthError,
    NetworkError,
    SsoAuthError,
    UpstreamError,
)
from connectors._http.tokens import AccessToken
from service.container import (
    ConfigError,
    apim_source,
    check_siasn,
    http_options,
    oidc_client,
    siasn_client,
    sso_source,
)
from service.settings import Settings
from store.db import current_revision, head_revision, make_engine
from store.models import ApiKey, LocalAccount, Pegawai

Status = Literal["ok", "warn", "error", "skip"]
PROBE_NIP = "199001012015011001"
SSO_WARN_S = 3600.0


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, how it went, and what to do about it."""

    name: str
    status: Status
    detail: str
    fix: str = ""


async def run_doctor(settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
                     ) -> list[Check]:
    """Every check, in order: database, access, SIASN (APIM, SSO, API), MyASN."""
    engine = make_engine(settings.database_url)
    try:
        checks, probe_nip = database_checks(engine)
    finally:
        engine.dispose()
    checks += await siasn_checks(settings, probe_nip, transport)
    checks.append(await myasn_check(settings))
    return checks


def report(checks: list[Check]) -> dict[str, object]:
    """The JSON form: ``ok`` is false when any check is an error."""
    return {"ok": not any(c.status == "error" for c in checks),
            "checks": [asdict(c) for c in checks]}


# database ------------------------------------------------------------------------------------
def database_checks(engine: Engine) -> tuple[list[Check], str]:
    """Connection and migration state, then whether anyone can call the API; also a NIP to ask
    SIASN about (one from the store when there is one)."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        return [Check("database", "error", f"cannot connect to {where}: {_first_line(exc)}",
                      "check EKINERJA_DATABASE_URL and that the database server runs")], PROBE_NIP
    head = head_revision()
    if current != head:
        return [Check("database", "error",
                      f"{where} is at schema {current or '(empty)'}, the code needs {head}",
                      "run `ekinerja-sync db upgrade`")], PROBE_NIP
    with Session(engine) as session:
        access = _access_check(session)
        nip = session.scalar(select(Pegawai.nip).limit(1))
    return [Check("database", "ok", f"{where} at schema {head}"), access], nip or PROBE_NIP


def _access_check(session: Session) -> Check:
    keys = session.scalar(select(func.count()).select_from(ApiKey)
                          .where(ApiKey.revoked_at.is_(None))) or 0
    admins = session.scalar(select(func.count()).select_from(LocalAccount)
                            .where(LocalAccount.disabled.is_(False))) or 0
    if keys == 0:
        return Check("access", "warn", f"no API key ({admins} local admin account(s)): the "
                     "e-Kinerja app cannot call the API",
                     "create one with `ekinerja-sync apikey create ekinerja-app`")
    return Check("access", "ok", f"{keys} API key(s), {admins} local admin account(s)")


# SIASN ---------------------------------------------------------------------------------------
async def siasn_checks(settings: Settings, probe_nip: str,
                       transport: httpx.AsyncBaseTransport | None) -> list[Check]:
    """The APIM token, the SSO token and one data-utama call (for ``probe_nip``)."""
    config = settings.siasn.model_copy(update={"retry_attempts": 1})
    try:
        check_siasn(config)
    except ConfigError as exc:
        return [Check("siasn.config", "error", str(exc), "set the variables named, see README")]
    http = build_async_client(http_options(config), base_url=config.api_url, transport=transport)
    try:
        apim, sso = apim_source(config, http), sso_source(config, http)
        checks = [await _token_check("siasn.apim", apim.token, config.apim_token_url),
                  await _token_check("siasn.sso", sso.token, config.sso_token_url,
                                     mode=config.sso_mode())]
        if any(c.status == "error" for c in checks):
            checks.append(Check("siasn.api", "skip", "not tried: a token is missing"))
            return checks
        client = siasn_client(config, http, apim=apim, sso=sso)
        checks.append(await _call_check(config.api_url,
                                        lambda: client.data_utama(probe_nip)))
        return checks
    finally:
        await http.aclose()


async def _token_check(name: str, obtain: Callable[[], Awaitable[AccessToken]], url: str, *,
                       mode: str | None = None) -> Check:
    label = f"{mode} mode, " if mode else ""
    try:
        token = await obtain()
    except UpstreamError as exc:
        return Check(name, "error", exc.message, _fix(name, exc, url))
    left = token.seconds_left()
    if left is None:
        return Check(name, "ok", f"{label}token obtained (expiry not stated)")
    expires = time.strftime("%Y-%m-%d %H:%M", time.localtime(token.expires_at or 0))
    detail = f"{label}valid until {expires} ({_duration(left)} left)"
    if name == "siasn.sso" and left < SSO_WARN_S:
        return Check(name, "warn", detail, "renew the SSO token before it expires (see README)")
    return Check(name, "ok", detail)


async def _call_check(url: str, call: Callable[[], Awaitable[object]]) -> Check:
    try:
        found = await call()
    except UpstreamError as exc:
        return Check("siasn.api", "error", exc.message, _fix("siasn.api", exc, url))
    answer = "a profile" if found is not None else "'Data tidak ditemukan' (tokens accepted)"
    return Check("siasn.api", "ok", f"data-utama answered {answer}")


def _fix(name: str, exc: UpstreamError, url: str) -> str:
    host = httpx.URL(url).host
    if isinstance(exc, NetworkError):
        return (f"cannot reach {host}: check the URL setting, DNS, proxy and firewall (SIASN "
                "answers only whitelisted IP addresses)")
    if isinstance(exc, ApimAuthError):
        return "check EKINERJA_SIASN__CONSUMER_KEY and EKINERJA_SIASN__CONSUMER_SECRET"
    if isinstance(exc, SsoAuthError):
        return "renew the SSO credential as the message says"
    return f"see the message; {host} answered but not as expected"


# MyASN ---------------------------------------------------------------------------------------
async def myasn_check(settings: Settings) -> Check:
    """Discovery and signing keys of the realm used for logins."""
    config = settings.myasn
    if not config.client_id:
        return Check("myasn", "warn", "login with ASN Digital is off; only local admin "
                     "accounts and API keys work", "set EKINERJA_MYASN__CLIENT_ID")
    try:
        async with oidc_client(config) as oidc:
            if oidc is None:
                raise RuntimeError("no OIDC client although a client id is set")
            meta = await oidc.metadata()
            kids = await oidc.key_ids()
    except UpstreamError as exc:
        return Check("myasn", "error", exc.message, _fix("myasn", exc, config.issuer)
                     if isinstance(exc, NetworkError) else "check EKINERJA_MYASN__ISSUER")
    return Check("myasn", "ok", f"realm {meta.issuer} answers; {len(kids)} signing key(s)")


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
