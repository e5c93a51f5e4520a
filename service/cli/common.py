"""What every command shares: the console, one-line refusals, errors at the edge, the container."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

from mappings.messages import t
from mappings.nip import NipError
from service.container import ConfigError, Container
from service.logging import configure_logging
from service.render import visible
from service.settings import Settings
from store.db import SchemaBehindError

# Data is text: no emoji codes (``:smile:``) and no markup reach the terminal from values.
out = Console(emoji=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line on stderr (controls in ``message`` shown escaped) and return the exit."""
    typer.echo(f"{t('common.error_prefix')}: {visible(message)}", err=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn configuration, schema, input and database errors into one line on stderr."""
    try:
        yield
    except (ConfigError, SchemaBehindError, NipError) as exc:
        raise fail(str(exc)) from None
    except OperationalError as exc:
        raise fail(t("cli.database_unavailable", detail=exc.orig)) from None


def build_container(*, migrate: bool = True, rate: float | None = None) -> Container:
    """Settings, logging and the container, once per command."""
    settings = with_rate(Settings(), rate)
    configure_logging(settings.log_format, settings.log_level)
    return Container.build(settings, migrate=migrate)


def with_rate(settings: Settings, rate: float | None) -> Settings:
    """Settings with the SIASN rate overridden for one command."""
    if rate is None:
        return settings
    return settings.model_copy(update={"siasn": settings.siasn.model_copy(update={"rate": rate})})


def help_text(key: str) -> str:
    """A command's help from the catalogue: ``cli.KEY`` and its ``cli.KEY.contoh`` example."""
    return f"{t(key)}\n\n{t('cli.contoh')}: {t(key + '.contoh')}"
