"""What the ``konflik`` commands share: their filter options, session and error handling, output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import typer

from mappings.messages import t
from service.cli.common import build_container, fail, number, out
from service.cli.unor import resolve_unit
from service.container import Container
from service.render import json_text, plain
from service.routes.common import zone_of
from sync.konflik.errors import KonflikError
from sync.konflik.lifecycle import ACTIVE, KonflikPolicy
from sync.konflik.query import KonflikFilter
from sync.konflik.scope import Scope

UNIT = typer.Option(None, "--unit", help=t("cli.opt.konflik_unit"))
FIELD = typer.Option(None, "--field", help=t("cli.opt.konflik_field"))
SITUASI = typer.Option(None, "--situasi", help=t("cli.opt.konflik_situasi"))
STATUS = typer.Option(None, "--status", help=t("cli.opt.konflik_status"))
ASSIGNEE = typer.Option(None, "--assignee", help=t("cli.opt.konflik_assignee"))
MIN_AGE = typer.Option(
    None, "--min-age", parser=number("--min-age", 0, 36500), help=t("cli.opt.konflik_min_age")
)
OVERDUE = typer.Option(False, "--overdue", help=t("cli.opt.konflik_overdue"))
TEXT = typer.Option(None, "--cari", help=t("cli.opt.konflik_cari"))
JSON_OUT = typer.Option(False, "--json", help=t("cli.opt.json"))
CONFLICT_ID = typer.Argument(..., parser=number("ID"), help=t("cli.arg.conflict_id"))


def konflik_filter(
    unit: str | None,
    field: str | None,
    situasi: str | None,
    status: list[str] | None,
    assignee: str | None,
    min_age: int | None,
    overdue: bool,
    text: str | None,
) -> KonflikFilter:
    """The filter the options give; no ``--status``: the conflicts still open."""
    return KonflikFilter(
        unit=unit,
        field=field,
        kind=situasi,
        statuses=tuple(status) if status else ACTIVE,
        assignee=assignee,
        min_age_days=min_age,
        overdue=overdue,
        text=text,
    )


def named_unit(session: Any, filt: KonflikFilter) -> KonflikFilter:
    """``filt`` with its unit given as ``unor cari`` shows it resolved to the unit's id."""
    return replace(filt, unit=resolve_unit(session, filt.unit)) if filt.unit else filt


@contextmanager
def session_errors() -> Iterator[None]:
    """Konflik errors as one line on stderr: 2 for bad input, 1 for the rest."""
    try:
        yield
    except KonflikError as exc:
        plain = type(exc) is KonflikError
        raise fail(str(exc), 2 if plain else 1) from None


def setup() -> tuple[Container, KonflikPolicy, Any]:
    """The container, the konflik policy (due days) and its timezone, from the settings."""
    container = build_container()
    config = container.settings.konflik
    return container, KonflikPolicy(config.due_working_days, config.timezone), zone_of(config.timezone)


def admin_scope(actor: str = "cli") -> Scope:
    """Every conflict, seen and acted on by ``actor`` (the CLI acts as an admin)."""
    return Scope(level="all", actor=actor)


def echo_json(document: Any) -> None:
    """Print ``document`` as indented JSON, controls inside strings escaped for the terminal."""
    typer.echo(json_text(json.dumps(document, indent=2, ensure_ascii=False, default=str)))


def say(text: str) -> None:
    """Print operator-facing text with any markup in the data shown literally."""
    out.print(plain(text), highlight=False)
