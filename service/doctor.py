"""``ekinerja-sync doctor``: is the configuration complete, is every upstream reachable and
answering, are both SIASN tokens valid and for how long, is the database at the code's schema?

Each check says what is wrong and how to fix it; nothing is retried (a doctor run is quick) and no
secret is ever printed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from connectors.errors import (
    ApimAuthError,
    NetworkError,
    SsoAuthError,
    TlsError,
    UpstreamError,
)
from connectors.factory import AccessToken, build_async_client
from mappings.messages import t
from service.container import (
    ConfigError,
    apim_source,
    check_siasn,
    check_store,
    http_options,
    oidc_client,
    siasn_client,
    sso_source,
)
from service.settings import Settings, tls_unverified
from store.db import current_revision, head_revision, make_engine, session_factory, sqlite_path, sqlite_state
from store.models import ApiKey, LocalAccount, Pegawai, SyncRun
from sync import clock
from sync.audit.verify import run_verification

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


async def run_doctor(settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> list[Check]:
    """Every check, in order: database, access, audit log, SIASN (APIM, SSO, API), MyASN."""
    checks, probe_nip = store_checks(settings.database_url)
    checks += [
        Check("tls", "warn", t("tls.verification_off", variable=variable), t("tls.fix", variable=variable))
        for variable in tls_unverified(settings)
    ]
    checks += await siasn_checks(settings, probe_nip, transport)
    checks.append(await myasn_check(settings))
    return checks


def report(checks: list[Check]) -> dict[str, object]:
    """The JSON form: ``ok`` is false when any check is an error."""
    return {"ok": not any(c.status == "error" for c in checks), "checks": [asdict(c) for c in checks]}


# database ------------------------------------------------------------------------------------
def store_checks(url: str) -> tuple[list[Check], str]:
    """The database checks, without ever creating a SQLite file that is not there (a forgotten
    ``EKINERJA_DATABASE_URL`` is a warning naming the path, not a new empty store)."""
    try:
        check_store(url, create=False)
    except ConfigError as exc:
        path = sqlite_path(url)
        if path is not None and sqlite_state(path) == "missing":
            missing = t("cli.doctor.db_missing", path=path.resolve())
            return [Check("database", "warn", missing, t("cli.doctor.db_new_fix"))], PROBE_NIP
        return [Check("database", "error", str(exc), t("cli.doctor.fix_config"))], PROBE_NIP
    engine = make_engine(url)
    try:
        return database_checks(engine)
    finally:
        engine.dispose()


def database_checks(engine: Engine) -> tuple[list[Check], str]:
    """Connection and migration state, then whether anyone can call the API; also a NIP to ask
    SIASN about (one from the store when there is one)."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        return [
            Check(
                "database",
                "error",
                t("cli.doctor.db_unreachable", where=where, error=_first_line(exc)),
                t("cli.doctor.db_unreachable_fix"),
            )
        ], PROBE_NIP
    head = head_revision()
    if current is None:
        return [Check("database", "warn", t("cli.doctor.db_new", where=where), t("cli.doctor.db_new_fix"))], (
            PROBE_NIP
        )
    if current != head:
        return [
            Check(
                "database",
                "error",
                t("cli.doctor.db_behind", where=where, current=current or t("cli.db.empty"), head=head),
                t("cli.doctor.db_behind_fix"),
            )
        ], PROBE_NIP
    with Session(engine) as session:
        access = _access_check(session)
        nip = session.scalar(select(Pegawai.nip).limit(1))
        empty = nip is None and session.scalar(select(SyncRun.id).limit(1)) is None
    store = (
        Check("database", "warn", t("cli.doctor.db_empty", where=where), t("cli.doctor.db_new_fix"))
        if empty
        else Check("database", "ok", t("cli.doctor.db_ok", where=where, head=head))
    )
    return [
        store,
        access,
        audit_check(engine),
    ], nip or PROBE_NIP


def audit_check(engine: Engine) -> Check:
    """``audit verify``: the audit log's hash chain is whole (the outcome is recorded too)."""
    try:
        report, stored = run_verification(session_factory(engine))
    except SQLAlchemyError as exc:  # a locked or vanished database: said, not a traceback
        where = engine.url.render_as_string(hide_password=True)
        return Check(
            "audit",
            "error",
            t("cli.doctor.db_unreachable", where=where, error=_first_line(exc)),
            t("cli.doctor.db_unreachable_fix"),
        )
    if report.ok:
        return Check("audit", "ok", stored.detail or "")
    return Check("audit", "error", stored.detail or "", t("audit.verify.fix"))


def _access_check(session: Session) -> Check:
    keys = session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))) or 0
    admins = (
        session.scalar(select(func.count()).select_from(LocalAccount).where(LocalAccount.disabled.is_(False)))
        or 0
    )
    if keys == 0:
        return Check(
            "access", "warn", t("cli.doctor.no_api_key", admins=admins), t("cli.doctor.no_api_key_fix")
        )
    return Check("access", "ok", t("cli.doctor.access_ok", keys=keys, admins=admins))


# SIASN ---------------------------------------------------------------------------------------
async def siasn_checks(
    settings: Settings, probe_nip: str, transport: httpx.AsyncBaseTransport | None
) -> list[Check]:
    """The APIM token, the SSO token and one data-utama call (for ``probe_nip``)."""
    config = settings.siasn.model_copy(update={"retry_attempts": 1})
    tz = clock.zone(settings.display_timezone)
    try:
        check_siasn(config)
    except ConfigError as exc:
        return [Check("siasn.config", "error", str(exc), t("cli.doctor.config_fix"))]
    http = build_async_client(http_options(config), base_url=config.api_url, transport=transport)
    try:
        apim, sso = apim_source(config, http), sso_source(config, http)
        checks = [
            await _token_check("siasn.apim", apim.token, config.apim_token_url, tz=tz),
            await _token_check("siasn.sso", sso.token, config.sso_token_url, mode=config.sso_mode(), tz=tz),
        ]
        if any(c.status == "error" for c in checks):
            checks.append(Check("siasn.api", "skip", t("cli.doctor.api_skipped")))
            return checks
        client = siasn_client(config, http, apim=apim, sso=sso)
        checks.append(await _call_check(config.api_url, lambda: client.data_utama(probe_nip)))
        return checks
    finally:
        await http.aclose()


async def _token_check(
    name: str,
    obtain: Callable[[], Awaitable[AccessToken]],
    url: str,
    *,
    tz: tzinfo,
    mode: str | None = None,
) -> Check:
    label = t("cli.doctor.mode", mode=mode) if mode else ""
    try:
        token = await obtain()
    except UpstreamError as exc:
        return Check(name, "error", exc.message, fix_hint(name, exc, url))
    left = token.seconds_left()
    if left is None:
        return Check(name, "ok", label + t("cli.doctor.token_no_expiry"))
    expires = clock.stamp(datetime.fromtimestamp(token.expires_at or 0, UTC), tz)
    detail = label + t("cli.doctor.token_valid", expires=expires, left=_duration(left))
    if name == "siasn.sso" and left < SSO_WARN_S:
        return Check(name, "warn", detail, t("cli.doctor.renew_sso"))
    return Check(name, "ok", detail)


async def _call_check(url: str, call: Callable[[], Awaitable[object]]) -> Check:
    try:
        found = await call()
    except UpstreamError as exc:
        return Check("siasn.api", "error", exc.message, fix_hint("siasn.api", exc, url))
    answer = t("cli.doctor.answer_profile" if found is not None else "cli.doctor.answer_none")
    return Check("siasn.api", "ok", t("cli.doctor.api_ok", answer=answer))


def fix_hint(name: str, exc: UpstreamError, url: str) -> str:
    """What the operator should do about ``exc`` from check ``name`` against ``url`` (Bahasa)."""
    host = httpx.URL(url).host
    if isinstance(exc, TlsError) and name.startswith("siasn"):
        return t("cli.doctor.tls_fix", host=host)
    if isinstance(exc, NetworkError):
        return t("cli.doctor.unreachable_fix", host=host)
    if isinstance(exc, ApimAuthError):
        return t("cli.doctor.apim_fix")
    if isinstance(exc, SsoAuthError):
        return t("cli.doctor.sso_fix")
    return t("cli.doctor.unexpected_fix", host=host)


# MyASN ---------------------------------------------------------------------------------------
async def myasn_check(settings: Settings) -> Check:
    """Discovery and signing keys of the realm used for logins."""
    config = settings.myasn
    if not config.client_id:
        return Check("myasn", "warn", t("cli.doctor.myasn_off"), t("cli.doctor.myasn_off_fix"))
    try:
        async with oidc_client(config) as oidc:
            if oidc is None:
                raise RuntimeError("no OIDC client although a client id is set")
            meta = await oidc.metadata()
            kids = await oidc.key_ids()
    except UpstreamError as exc:
        return Check(
            "myasn",
            "error",
            exc.message,
            fix_hint("myasn", exc, config.issuer)
            if isinstance(exc, NetworkError)
            else t("cli.doctor.myasn_issuer_fix"),
        )
    return Check("myasn", "ok", t("cli.doctor.myasn_ok", issuer=meta.issuer, keys=len(kids)))


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes >= 60:
        return t("cli.doctor.hours_minutes", hours=minutes // 60, minutes=minutes % 60)
    return t("cli.doctor.minutes", minutes=minutes)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
