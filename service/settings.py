"""Typed, immutable configuration from ``EKINERJA_*`` variables (``__`` nests) and ``.env``."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from mappings.messages import choices, t


def _zone(value: str) -> str:
    """An IANA timezone name Python knows (``Asia/Jakarta``), else a Bahasa refusal."""
    try:
        ZoneInfo(value)
    except (ValueError, LookupError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(t("guards.setting_timezone")) from None
    return value


def _http_url(value: str) -> str:
    """An ``http(s)://host...`` URL, else a Bahasa refusal that never echoes the value."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
    if host is None or parts.scheme not in ("http", "https"):
        raise ValueError(t("guards.setting_url"))
    return value


def _cron(value: str) -> str:
    """A five-field cron expression (empty: the job is off), else a Bahasa refusal."""
    if value.strip():
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except (ValueError, LookupError):
            raise ValueError(t("guards.setting_cron")) from None
    return value


def _optional_url(value: str) -> str:
    return value if value == "" else _http_url(value)


def _json_list(value: Any) -> Any:
    """A list written as JSON in the environment (``["a", "b"]``); anything else is refused."""
    if not isinstance(value, str):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ValueError(t("guards.setting_json_list")) from None
    if not isinstance(parsed, list):
        raise ValueError(t("guards.setting_json_list"))
    return parsed


Zone = Annotated[str, AfterValidator(_zone)]
Cron = Annotated[str, AfterValidator(_cron)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
OptionalUrl = Annotated[str, AfterValidator(_optional_url)]
JsonList = Annotated[list[str], NoDecode, BeforeValidator(_json_list)]

PRODUCTION_API = "https://apimws.bkn.go.id:8243/apisiasn/1.0"
PRODUCTION_APIM_TOKEN = "https://apimws.bkn.go.id/oauth2/token"
PRODUCTION_SSO_TOKEN = "https://sso-siasn.bkn.go.id/auth/realms/public-siasn/protocol/openid-connect/token"


class SiasnSettings(BaseModel):
    """Where SIASN is and how to authenticate, time out, pace and retry calls to it."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    api_url: HttpUrl = PRODUCTION_API
    apim_token_url: HttpUrl = PRODUCTION_APIM_TOKEN
    sso_token_url: HttpUrl = PRODUCTION_SSO_TOKEN
    consumer_key: str = ""
    consumer_secret: SecretStr = SecretStr("")
    sso_client_id: str = ""
    sso_username: str = ""
    sso_password: SecretStr = SecretStr("")
    sso_access_token: SecretStr = SecretStr("")
    sso_access_token_file: str | None = None
    sso_refresh_token: SecretStr = SecretStr("")
    auth_scheme: str = "bearer"
    cookie: SecretStr | None = None
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    total_timeout: float = Field(
        120.0, gt=0, description="seconds for a whole request, answer body included (a slow drip ends)"
    )
    max_connections: int = Field(32, ge=1)
    network: Literal["aiohttp", "httpx"] = Field(
        "aiohttp", description="the HTTP pool under the client: aiohttp's (measured faster) or httpx's"
    )
    rate: float = Field(10.0, ge=0, description="requests per second; 0 = unlimited")
    rate_burst: int = Field(5, ge=1)
    sinkron_share: float = Field(
        0.2, ge=0, lt=1, description="share of the rate only the Sinkron button may use (0-1)"
    )
    budget_store: Literal["auto", "memory", "postgres"] = Field(
        "auto", description="where the shared budget lives: auto = postgres when the store is"
    )
    retry_attempts: int = Field(4, ge=1)
    retry_base_delay: float = Field(0.5, ge=0)
    retry_max_delay: float = Field(20.0, ge=0)
    retry_max_retry_after: float = Field(120.0, ge=0)
    verify_tls: bool = True
    ca_bundle: str | None = None
    page_size: int = Field(500, ge=1)

    def sso_mode(self) -> Literal["token_file", "access_token", "refresh_token", "password"] | None:
        """Which SSO credential is configured: a token file, a token, a refresh token, a password."""
        if self.sso_access_token_file:
            return "token_file"
        if self.sso_access_token.get_secret_value().strip():
            return "access_token"
        if self.sso_refresh_token.get_secret_value().strip() and self.sso_client_id:
            return "refresh_token"
        if self.sso_username and self.sso_password.get_secret_value() and self.sso_client_id:
            return "password"
        return None


PRODUCTION_REALM = "https://sso-siasn.bkn.go.id/auth/realms/public-siasn"


class MyasnSettings(BaseModel):
    """The MyASN / ASN Digital realm used for people's logins (OIDC code + PKCE)."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    issuer: HttpUrl = PRODUCTION_REALM
    client_id: str = ""
    client_secret: SecretStr | None = None
    scope: str = "openid profile email"
    verify_tls: bool = True
    timeout: float = Field(10.0, gt=0)


class AuthSettings(BaseModel):
    """Who may use the HTTP API and the pages: sessions, role names, the public URL."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    public_url: OptionalUrl = ""
    session_ttl_s: int = Field(8 * 3600, ge=60)
    admin_roles: JsonList = ["role:ekinerja-sync:admin"]
    operator_roles: JsonList = ["role:siasn-instansi:peremajaan:operator", "role:ekinerja-sync:operator"]
    csrf_secret: SecretStr = Field(
        SecretStr(""), description="signs the console's form tokens; empty: a random secret per process"
    )


class PmmSettings(BaseModel):
    """Where the PMM HTTP contract is (a regional hub or a future API); empty = not used."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    base_url: OptionalUrl = ""
    token_url: OptionalUrl = ""
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    timeout: float = Field(30.0, gt=0)
    page_size: int = Field(200, ge=1, le=500)
    rate: float = Field(5.0, ge=0, description="requests per second; 0 = unlimited")
    retry_attempts: int = Field(4, ge=1)
    retry_base_delay: float = Field(0.5, ge=0)
    retry_max_delay: float = Field(20.0, ge=0)
    retry_max_retry_after: float = Field(120.0, ge=0)


class ApiSettings(BaseModel):
    """Where ``ekinerja-sync serve`` listens."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="larger bodies get 413")


class ScheduleSettings(BaseModel):
    """When ``ekinerja-sync serve`` runs the nightly reconciliation, PMM feed and SKP push."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    enabled: bool = True
    reconcile_cron: Cron = "0 1 * * *"
    pmm_cron: Cron = Field("", description="PMM feed (all sources), e.g. '0 3 * * *'; empty = off")
    skp_push_cron: Cron = Field("", description="SKP push to SIASN, e.g. '0 4 * * *'; empty = off")
    timezone: Zone = "Asia/Jakarta"
    misfire_grace_s: int = Field(3600, ge=1)
    rate: float = Field(10.0, ge=0, description="requests per second for the nightly run")
    queue: bool = Field(False, description="hand the nightly run to the workers (PostgreSQL only)")


MAX_CONCURRENCY = 256  # SIASN requests in flight in one worker (setting and ``worker --concurrency``)


class WorkerSettings(BaseModel):
    """Procrastinate workers (``ekinerja-sync worker``) and runs handed to them (``reconcile --queue``).

    Only with a PostgreSQL store: the queue lives in its tables (``db upgrade`` creates them).
    """

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    concurrency: int = Field(16, ge=1, le=MAX_CONCURRENCY, description="SIASN requests in flight per worker")
    partition_size: int = Field(1000, ge=10, le=100_000, description="employees per partition job")
    queue: str = Field("ekinerja", min_length=1, max_length=60, pattern=r"^[a-z0-9_-]+$")
    heartbeat_s: float = Field(10.0, ge=0.1, le=300, description="a worker's heartbeat interval")
    stalled_s: float = Field(30.0, ge=1, le=3600, description="no heartbeat this long: its jobs are retried")
    sweep_s: float = Field(15.0, ge=0.1, le=3600, description="how often a worker looks for stalled jobs")
    keep_failed_hours: int = Field(168, ge=1, le=8760, description="failed jobs are pruned after this")

    @model_validator(mode="after")
    def _stall_after_heartbeats(self) -> WorkerSettings:
        if self.stalled_s < 2 * self.heartbeat_s:  # else a busy, healthy worker counts as dead
            raise ValueError(
                t("guards.setting_worker_stall", stalled=self.stalled_s, heartbeat=self.heartbeat_s)
            )
        return self


class KonflikSettings(BaseModel):
    """Admin review: working days to decide a conflict, and the display timezone.

    ``timezone`` is the one display timezone: every time a person reads (console, CLI, exports,
    warnings) is shown in it and due dates count its days; machine formats carry its offset.
    """

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    due_working_days: int = Field(5, ge=0, le=250)
    timezone: Zone = "Asia/Jakarta"


class Settings(BaseSettings):
    """All configuration; built once by the composition root and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="EKINERJA_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
        allow_inf_nan=False,
    )

    database_url: str = "sqlite:///ekinerja.db"
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"
    siasn: SiasnSettings = SiasnSettings()
    myasn: MyasnSettings = MyasnSettings()
    auth: AuthSettings = AuthSettings()
    pmm: PmmSettings = PmmSettings()
    api: ApiSettings = ApiSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    konflik: KonflikSettings = KonflikSettings()
    worker: WorkerSettings = WorkerSettings()

    @property
    def display_timezone(self) -> str:
        """The timezone every time a person reads is shown in (``EKINERJA_KONFLIK__TIMEZONE``)."""
        return self.konflik.timezone

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        check_database_url(value)
        return value


SUPPORTED_DATABASES = ("sqlite", "postgresql")


class SettingsError(ValueError):
    """``EKINERJA_*`` values that do not validate; the message names each variable."""


def check_database_url(value: str) -> None:
    """Refuse a URL that is not SQLite or PostgreSQL with an installed driver (never echoes it)."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(t("guards.database_url_unreadable")) from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED_DATABASES:
        raise ValueError(t("guards.database_url_unsupported", backend=backend[:40]))
    try:
        url.get_dialect().import_dbapi()
    except (ImportError, NoSuchModuleError):
        raise ValueError(t("guards.database_driver_missing", driver=url.drivername[:60])) from None


def tls_unverified(settings: Settings) -> list[str]:
    """The ``EKINERJA_*`` variables that turn TLS verification off (warned about at every start).

    SIASN verifies against ``EKINERJA_SIASN__CA_BUNDLE`` when one is set, whatever ``VERIFY_TLS``
    says; every other ``verify_tls`` field of the settings counts as it is.
    """
    off = []
    for name, section in settings:
        if (
            isinstance(section, BaseModel)
            and getattr(section, "verify_tls", True) is False
            and not getattr(section, "ca_bundle", None)
        ):
            off.append(f"EKINERJA_{name.upper()}__VERIFY_TLS")
    return off


def load_settings() -> Settings:
    """Settings from the environment, or ``SettingsError`` naming every bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(settings_problems(exc)) from None
    except SourceError as exc:  # a nested value pydantic-settings could not decode as JSON
        raise SettingsError(source_problem(exc)) from None


def source_problem(exc: SourceError) -> str:
    """The variable (section) whose value could not be decoded, in Bahasa Indonesia."""
    found = re.search(r'field "(\w+)"', str(exc))
    section = found.group(1).upper() if found else "*"
    return t("guards.setting_unreadable", variable=f"EKINERJA_{section}")


def settings_problems(exc: ValidationError) -> str:
    """One ``VARIABLE: problem`` per invalid value, in Bahasa Indonesia, inputs not echoed."""
    return "; ".join(
        t("guards.setting_invalid", variable=_variable(error["loc"]), problem=_problem(error))
        for error in exc.errors()
    )


def _variable(loc: tuple[int | str, ...]) -> str:
    return "EKINERJA_" + "__".join(str(part).upper() for part in loc)


_PROBLEMS = {
    "float_parsing": "guards.setting_number",
    "float_type": "guards.setting_number",
    "finite_number": "guards.setting_finite",
    "int_parsing": "guards.setting_integer",
    "int_type": "guards.setting_integer",
    "int_from_float": "guards.setting_integer",
    "bool_parsing": "guards.setting_bool",
    "greater_than_equal": "guards.setting_min",
    "greater_than": "guards.setting_more_than",
    "less_than_equal": "guards.setting_max",
    "less_than": "guards.setting_less_than",
    "literal_error": "guards.setting_choice",
    "list_type": "guards.setting_json_list",
    "string_type": "guards.setting_text",
}


def _problem(error: Any) -> str:
    context = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in context:  # our validators speak Bahasa
        return str(context["error"])
    key = _PROBLEMS.get(error["type"], "guards.setting_value")  # never pydantic's English
    limit = next((context[k] for k in ("ge", "gt", "le", "lt") if k in context), "")
    return t(key, limit=limit, choices=choices(context.get("expected", "")))
