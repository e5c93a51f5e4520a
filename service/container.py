"""The composition root: builds settings-driven engine, sessions and upstream clients once.

It owns one client per upstream credential (SIASN, PMM, MyASN) on each event loop, shared by
every job running there (``service.upstreams``), and one request budget per credential for the
whole process (every job, on whatever thread or event loop, and the API draw from it); SIASN's
is kept in a PostgreSQL row when the store is PostgreSQL so every process draws from the same one.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
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
    tls_context,
)
from connectors.myasn.oidc import OidcClient
from connectors.myasn.sso import (
    PasswordGrantSso,
    RefreshTokenSso,
    SsoTokenFile,
    SuppliedSsoToken,
)
from connectors.pmm.client import PmmClient
from connectors.siasn.auth import ApimToken
from connectors.siasn.client import SiasnClient
from mappings.messages import t
from service.pmm_client import own_pmm, pmm_client, pmm_configured
from service.settings import MyasnSettings, Settings, SiasnSettings
from service.upstreams import LoopClients, Owned
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
    _clients: LoopClients = field(default_factory=LoopClients, repr=False)

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
        """A SIASN client for the block drawing from the credential's one budget in ``lane``:
        ``interactive`` for the Sinkron button, ``background`` for jobs. Its connections and
        tokens are the container's, shared with every job on this event loop; a ``transport``
        (a test's fake SIASN) gets connections of its own for the block."""
        config = self.settings.siasn
        check_siasn(config)
        budget = self.siasn_budget()
        if transport is not None:
            http = build_async_client(
                http_options(config), base_url=config.api_url, transport=transport, budget=budget.lane(lane)
            )
            try:
                yield siasn_client(config, http, limiter=RateLimiter(None), lane=lane)
            finally:
                await http.aclose()
            return
        async with self._clients.use(budget.key, lambda: own_siasn(config, budget)) as owned:
            apim, sso = owned.parts
            yield siasn_client(config, owned.http, apim=apim, sso=sso, limiter=RateLimiter(None), lane=lane)

    @asynccontextmanager
    async def pmm(self, transport: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[PmmClient | None]:
        """The PMM HTTP contract's client for the block (None when it is not configured), over
        the container's connections and token on this event loop, drawing from the credential's
        one budget; a ``transport`` gets connections of its own for the block."""
        config = self.settings.pmm
        if not pmm_configured(config):
            yield None
            return
        budget = self.pmm_budget()
        if transport is not None:
            owned = own_pmm(config, budget, transport)
            try:
                yield pmm_client(config, owned)
            finally:
                await owned.http.aclose()
            return
        async with self._clients.use(budget.key, lambda: own_pmm(config, budget)) as shared:
            yield pmm_client(config, shared)

    def siasn_budget(self) -> SharedBudget:
        """The budget of the configured SIASN credential, one per process (built on first use)."""
        config = self.settings.siasn
        key = f"siasn:{config.consumer_key}"[:200]
        return self._budget(
            key,
            lambda: SharedBudget(
                key,
                config.rate or None,
                ledger=self._ledger(config),
                burst=config.rate_burst,
                share=config.sinkron_share,
            ),
        )

    def pmm_budget(self) -> SharedBudget:
        """The budget of the configured PMM credential, one per process (kept in memory)."""
        config = self.settings.pmm
        key = f"pmm:{config.client_id}"[:200]
        return self._budget(key, lambda: SharedBudget(key, config.rate or None, burst=1))

    def _budget(self, key: str, build: Callable[[], SharedBudget]) -> SharedBudget:
        with self._budget_lock:
            budget = self._budgets.get(key)
            if budget is None:
                budget = self._budgets[key] = build()
            return budget

    def _ledger(self, config: SiasnSettings) -> Ledger:
        """PostgreSQL's row when the store is PostgreSQL (or when asked), else process memory."""
        postgres = self.engine.dialect.name == "postgresql"
        if config.budget_store == "postgres" and not postgres:
            raise ConfigError(t("common.siasn_budget_store_needs_postgres"))
        if config.budget_store == "memory" or not postgres:
            return MemoryLedger()
        return PostgresLedger(self.engine)

    @asynccontextmanager
    async def oidc(self) -> AsyncIterator[OidcClient | None]:
        """The MyASN OIDC client for logins (the container's, shared on this event loop); None
        when no client id is configured."""
        config = self.settings.myasn
        if not config.client_id:
            yield None
            return
        key = f"myasn:{config.client_id}"[:200]
        async with self._clients.use(key, lambda: own_oidc(config)) as owned:
            yield owned.parts

    def close(self) -> None:
        """Release database connections (and the budgets' asking threads); the upstream
        clients close with the last block using them."""
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
    """An OIDC client of the MyASN realm for the block, on connections of its own; None when no
    client id is set."""
    if not config.client_id:
        yield None
        return
    owned = own_oidc(config)
    try:
        yield owned.parts
    finally:
        await owned.http.aclose()


def own_oidc(config: MyasnSettings) -> Owned[OidcClient]:
    """The MyASN realm's HTTP client and the OIDC client over it."""
    options = HttpOptions(
        connect_timeout=config.timeout,
        read_timeout=config.timeout,
        max_connections=8,
        max_keepalive=4,
        verify=config.verify_tls,
    )
    http = build_async_client(options)
    oidc = OidcClient(
        http,
        issuer=config.issuer,
        client_id=config.client_id,
        client_secret=config.client_secret,
        scope=config.scope,
    )
    return Owned(http, oidc)


def http_options(config: SiasnSettings) -> HttpOptions:
    """HTTP options from SIASN settings; a CA bundle that cannot be read is refused here, naming
    ``EKINERJA_SIASN__CA_BUNDLE`` (not a traceback at the first call)."""
    verify: bool | ssl.SSLContext = config.verify_tls
    if config.ca_bundle:
        try:
            verify = tls_context(config.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                t("common.siasn_ca_bundle_unreadable", path=config.ca_bundle, error=exc)
            ) from exc
    return HttpOptions(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        total_timeout=config.total_timeout,
        max_connections=config.max_connections,
        max_keepalive=config.max_connections,
        verify=verify,
        network=config.network,
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
    lane: Lane | None = None,
) -> SiasnClient:
    """Assemble the SIASN client: APIM token, SSO token, retry policy, rate limiter (its own
    unless given one: the container's clients draw from the shared budget in their transport),
    and the budget's lane its calls draw from (None: the transport's)."""
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
        lane=lane,
    )


def own_siasn(config: SiasnSettings, budget: SharedBudget) -> Owned[tuple[TokenSource, TokenSource]]:
    """The credential's HTTP client (every request drawing from ``budget``, in the background
    lane unless the calling job says otherwise) and its APIM and SSO token sources."""
    http = build_async_client(http_options(config), base_url=config.api_url, budget=budget.lane("background"))
    return Owned(http, (apim_source(config, http), sso_source(config, http)))
