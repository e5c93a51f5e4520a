"""What every command shares: the console, one-line refusals, errors at the edge, the container."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import structlog
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from connectors.errors import UpstreamError
from mappings.limits import INT_MAX, whole_number
from mappings.messages import t
from mappings.nip import NipError
from service.cli.words import BahasaTyper
from service.container import ConfigError, Container
from service.logging import configure_logging
from service.render import visible
from service.settings import (
    Settings,
    SettingsError,
    load_settings,
    settings_problems,
    tls_unverified,
)
from store.db import SchemaBehindError
from store.queue_schema import QueueSchemaIncomplete
from sync.profil.sinkron import failure_reason

# Data is text: no emoji codes (``:smile:``) and no markup reach the terminal from values.
out = Console(emoji=False)
log = structlog.get_logger(__name__)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line on stderr (controls in ``message`` shown escaped) and return the exit."""
    typer.echo(f"{t('common.error_prefix')}: {visible(message)}", err=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn configuration, schema, input and database errors into one line on stderr."""
    try:
        yield
    except (ConfigError, NipError, SettingsError) as exc:
        raise fail(str(exc)) from None
    except QueueSchemaIncomplete as exc:
        raise fail(t("worker.queue_incomplete", tables=", ".join(exc.present))) from None
    except SchemaBehindError as exc:
        current = exc.current or t("cli.db.empty")
        raise fail(t("cli.schema_behind", where=exc.where, current=current, head=exc.head)) from None
    except ValidationError as exc:  # settings built without load_settings
        raise fail(settings_problems(exc)) from None
    except (ArgumentError, NoSuchModuleError) as exc:  # a database URL that slipped past
        raise fail(f"EKINERJA_DATABASE_URL: {type(exc).__name__}") from None
    except OperationalError as exc:
        raise fail(database_problem(exc)) from None
    except UpstreamError as exc:  # SIASN down or refusing: said like Sinkron says it, exit 1
        raise fail(failure_reason(exc), 1) from None
    except DatabaseError:  # a file that is not (or no longer) a SQLite database
        raise fail(t("guards.database_unreadable_file")) from None


_DISK_FULL = ("database or disk is full", "no space left on device", "disk full")


def database_problem(exc: OperationalError) -> str:
    """What an operator reads for a database error: a full disk and a long lock said as such."""
    detail = str(exc.orig).lower()
    if any(sign in detail for sign in _DISK_FULL) or getattr(exc.orig, "sqlstate", None) == "53100":
        return t("cli.database_full")
    if "database is locked" in detail:
        return t("cli.database_locked")
    return t("cli.database_unavailable", detail=exc.orig)


def build_container(*, migrate: bool = True, rate: float | None = None, create: bool = False) -> Container:
    """Settings, logging and the container, once per command.

    Only the commands that set a store up (``create=True``: reconcile, serve, sinkron, the
    imports, the first admin/key/grant) may create a new database; every other command refuses
    a database that does not exist yet, naming the path and ``EKINERJA_DATABASE_URL``.
    """
    settings = with_rate(load_settings(), rate)
    configure_logging(settings.log_format, settings.log_level)
    warn_insecure_tls(settings)
    return Container.build(settings, migrate=migrate, create=create)


def warn_insecure_tls(settings: Settings) -> None:
    """Say loudly, in the log and on stderr, that a connection's TLS verification is off."""
    for variable in tls_unverified(settings):
        message = t("tls.verification_off", variable=variable)
        log.warning("tls_verification_disabled", setting=variable, message=message)
        typer.echo(message, err=True)


def at_least(option: str, value: float | None, limit: float) -> None:
    """Refuse a command-line number below ``limit`` (exit 2, one line naming the option)."""
    if value is not None and not (math.isfinite(value) and value >= limit):
        raise fail(t("guards.option_min", option=option, limit=limit, value=value))


def number(name: str, low: int = 1, high: int = INT_MAX) -> Callable[[str | int], int]:
    """A typer ``parser`` for a whole-number argument or option: ASCII digits within
    ``low..high``, else exit 2 with one line naming ``name`` (never the value typed)."""

    def parse(raw: str | int) -> int:
        try:
            return whole_number(raw, low=low, high=high)
        except ValueError as exc:
            raise fail(t("cli.bad_number", name=name, problem=str(exc))) from None

    return parse


def with_rate(settings: Settings, rate: float | None) -> Settings:
    """Settings with the SIASN rate overridden for one command."""
    if rate is None:
        return settings
    return settings.model_copy(update={"siasn": settings.siasn.model_copy(update={"rate": rate})})


def command_group(help: str) -> typer.Typer:
    """A command group (``konflik``, ``runs``, ...) speaking Bahasa Indonesia throughout
    (``service.cli.words``), showing its help when called bare."""
    return BahasaTyper(help=help, no_args_is_help=True)


def help_text(key: str) -> str:
    """A command's help from the catalogue: ``cli.KEY`` and its ``cli.KEY.contoh`` example."""
    return f"{t(key)}\n\n{t('cli.contoh')}: {t(key + '.contoh')}"


def stderr_progress(*, transient: bool = False) -> Progress:
    """The progress bar of a long command: on stderr, so stdout keeps the report alone."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=transient,
    )
