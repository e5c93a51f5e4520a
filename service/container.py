"""The composition root: builds settings-driven engine, sessions and SIASN clients once.

It owns the request budget of the SIASN credential: one ``SharedBudget`` per credential for the
whole process (every job, on whatever thread or event loop, and the API draw from it), kept in
a PostgreSQL row when the store is PostgreSQL so every process draws from the same one.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from connectors.factory import (
    HttpOptions,
    Lane,
    Ledger,
    MemoryLedger,
    RateLimiter,
    RetryPolicy,
    SharedBudget,
    TokenSource,
    build_async_client,
)
from connectors.myasn.oidc import OidcClient
from connectors.myasn.sso import (
    PasswordGrantSso,
    RefreshTokenSso,
    SsoTokenFile,
    SuppliedSsoToken,
)
from connectors.siasn.auth import ApimToken
from connectors.siasn.client import SiasnClient
from mappings.messages import t
from service.settings import MyasnSettings, Settings, SiasnSettings
from store.db import current_revision, ensure_schema, make_engine, session_factory, sqlite_path, sqlite_state
from store.rate_budget import PostgresLedger


class ConfigError(ValueError):
    """Configuration that cannot work; the message names the variables to set."""


@dataclass
class Container:
    """Everything a command or the HTTP API needs, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _budgets: dict[str, SharedBudget] = field(default_factory=dict, repr=False)
    _budget_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, settings: Settings, *, migrate: bool = True, create: bool = True) -> Container:
        """Create the engine; migrate SQLite, refuse a PostgreSQL schema that is behind.

        With ``create=False`` (the commands that only read or change what is there) a database
        that does not exist yet or has no schema is refused instead of being created empty.
        """
        check_store(settings.database_url, create=create)
        engine = make_engine(settings.database_url)
        if migrate and not create and current_revision(engine) is None:
            where = engine.url.render_as_string(hide_password=True)
            engine.dispose()
            raise ConfigError(t("cli.database_uninitialised", where=where))
        if migrate:
            ensure_schema(engine)
        return cls(settings, engine, session_factory(engine))

    @asynccontextmanager
    async def siasn(
        self, transport: httpx.AsyncBaseTransport | None = None, *, lane: Lane = "background"
    ) -> AsyncIterator[SiasnClient]:
        """A SIASN client for the block (its own connection pool) drawing from the credential's
        one budget in ``lane``: ``interactive`` for the Sinkron button, ``background`` for jobs."""
        config = self.settings.siasn
        check_siasn(config)
        budget = self.siasn_budget().lane(lane)
        http = build_async_client(
            http_options(config), base_url=config.api_url, transport=transport, budget=budget
        )
        try:
            yield siasn_client(config, http, limiter=RateLimiter(None))
        finally:
            await http.aclose()

    def siasn_budget(self) -> SharedBudget:
        """The budget of the configured SIASN credential, one per process (built on first use)."""
        config = self.settings.siasn
        key = f"siasn:{config.consumer_key}"[:200]
        with self._budget_lock:
            budget = self._budgets.get(key)
            if budget is None:
                budget = SharedBudget(
                    key,
                    config.rate or None,
                    ledger=self._ledger(config),
                    burst=config.rate_burst,
                    share=config.sinkron_share,
                )
                self._budgets[key] = budget
            return budget

    def _ledger(self, config: SiasnSettings) -> Ledger:
        """PostgreSQL's row when the store is PostgreSQL (or when asked), else process memory."""
        postgres = self.engine.dialect.name == "postgresql"
        if config.budget_store == "postgres" and not postgres:
            raise ConfigError(t("common.siasn_budget_store_needs_postgres"))
        if config.budget_store == "memory" or not postgres:
            return MemoryLedger()
        return PostgresLedger(self.engine)

    def oidc(self) -> AbstractAsyncContextManager[OidcClient | None]:
        """The MyASN OIDC client for logins; None when no client id is configured."""
        return oidc_client(self.settings.myasn)

    def close(self) -> None:
        """Release database connections (and the budgets' asking threads)."""
        with self._budget_lock:
            budgets, self._budgets = list(self._budgets.values()), {}
        for budget in budgets:
            budget.close()
        self.engine.dispose()


def check_store(url: str, *, create: bool) -> None:
    """Refuse a SQLite path that is a folder or another kind of file, and (unless ``create``) one
    that does not exist: a forgotten ``EKINERJA_DATABASE_URL`` must not answer from a new,
    empty store."""
    path = sqlite_path(url)
    if path is None:
        return
    state = sqlite_state(path)
    if state == "folder":
        raise ConfigError(t("guards.database_is_folder", path=path.resolve()))
    if state == "other":
        raise ConfigError(t("guards.database_not_sqlite", path=path.resolve()))
    if state == "missing" and not create:
        raise ConfigError(t("cli.database_missing", path=path.resolve()))


@asynccontextmanager
async def oidc_client(config: MyasnSettings) -> AsyncIterator[OidcClient | None]:
    """An OIDC client of the MyASN realm for the block; None when no client id is set."""
    if not config.client_id:
        yield None
        return
    options = HttpOptions(
        connect_timeout=config.timeout,
        read_timeout=config.timeout,
        max_connections=8,
        max_keepalive=4,
        verify=config.verify_tls,
    )
    http = build_async_client(options)
    try:
        yield OidcClient(
            http,
            issuer=config.issuer,
            client_id=config.client_id,
            client_secret=config.client_secret,
            scope=config.scope,
        )
    finally:
        await http.aclose()


def http_options(config: SiasnSettings) -> HttpOptions:
    """HTTP options from SIASN settings."""
    verify: bool | str = config.ca_bundle or config.verify_tls
    return HttpOptions(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        max_connections=config.max_connections,
        max_keepalive=config.max_connections,
        verify=verify,
    )


def retry_policy(config: SiasnSettings) -> RetryPolicy:
    """The retry policy from SIASN settings."""
    return RetryPolicy(
        attempts=config.retry_attempts,
        base_delay=config.retry_base_delay,
        max_delay=config.retry_max_delay,
        max_retry_after=config.retry_max_retry_after,
    )


def check_siasn(config: SiasnSettings) -> None:
    """Refuse settings that cannot authenticate, naming what to set."""
    missing = [
        name
        for name, value in (
            ("EKINERJA_SIASN__CONSUMER_KEY", config.consumer_key),
            ("EKINERJA_SIASN__CONSUMER_SECRET", config.consumer_secret.get_secret_value()),
        )
        if not value
    ]
    if missing:
        raise ConfigError(t("common.siasn_apim_missing", names=", ".join(missing)))
    if config.sso_mode() is None:
        raise ConfigError(t("common.siasn_sso_missing"))


def sso_source(config: SiasnSettings, http: httpx.AsyncClient) -> TokenSource:
    """The SSO token provider for the configured mode."""
    retry = retry_policy(config)
    mode = config.sso_mode()
    if mode == "token_file":
        return SsoTokenFile(Path(config.sso_access_token_file or ""))
    if mode == "access_token":
        return SuppliedSsoToken(config.sso_access_token)
    if mode == "refresh_token":
        return RefreshTokenSso(
            http,
            token_url=config.sso_token_url,
            client_id=config.sso_client_id,
            refresh_token=config.sso_refresh_token,
            retry=retry,
        )
    return PasswordGrantSso(
        http,
        token_url=config.sso_token_url,
        client_id=config.sso_client_id,
        username=config.sso_username,
        password=config.sso_password,
        retry=retry,
    )


def apim_source(config: SiasnSettings, http: httpx.AsyncClient) -> ApimToken:
    """The APIM (WSO2 gateway) token provider from the consumer key and secret."""
    return ApimToken(
        http,
        token_url=config.apim_token_url,
        consumer_key=config.consumer_key,
        consumer_secret=config.consumer_secret,
        retry=retry_policy(config),
    )


def siasn_client(
    config: SiasnSettings,
    http: httpx.AsyncClient,
    *,
    apim: TokenSource | None = None,
    sso: TokenSource | None = None,
    limiter: RateLimiter | None = None,
) -> SiasnClient:
    """Assemble the SIASN client: APIM token, SSO token, retry policy, rate limiter (its own
    unless given one: the container's clients draw from the shared budget in their transport)."""
    if limiter is None:
        limiter = RateLimiter(config.rate or None, burst=config.rate_burst)
    return SiasnClient(
        http,
        apim=apim or apim_source(config, http),
        sso=sso or sso_source(config, http),
        retry=retry_policy(config),
        limiter=limiter,
        auth_scheme=config.auth_scheme,
        cookie=config.cookie,
        page_size=config.page_size,
    )
