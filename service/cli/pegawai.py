"""Commands on one employee: Sinkron SIASN, show, edit (Edit Profil)."""

from __future__ import annotations

import asyncio
import json

import typer

from mappings.messages import t
from service.cli.common import build_container, cli_errors, command_group, fail, help_text, out
from service.container import Container
from service.render import json_text, plain, render_outcome, render_profile, visible
from sync import clock
from sync.audit import SYSTEM_ACTOR
from sync.outcome import SinkronOutcome, Status

pegawai_app = command_group(t("cli.pegawai"))
ASSIGNMENTS_HELP = t("cli.arg.assignments")


def sinkron(
    nip: str = typer.Argument(..., help=t("cli.arg.nip_spaces")),
    json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json_outcome")),
) -> None:
    """Refresh one employee from SIASN (the Sinkron SIASN button)."""
    with cli_errors():
        container = build_container(create=True)
        outcome = asyncio.run(_sinkron(container, nip))
    failed = outcome.status in (Status.NOT_FOUND, Status.FAILED)
    if json_output:
        typer.echo(json_text(outcome.model_dump_json(indent=2)))
    elif not failed:
        render_outcome(out, outcome)
    if failed:  # said once, on stderr, with what to fix
        status = t(f"cli.status.{outcome.status.value}")
        detail = f" ({outcome.error})" if outcome.error else ""
        typer.echo(
            t(
                "cli.sinkron_refused",
                status=status,
                code=outcome.status.value,
                reason=visible(f"{outcome.reason}{detail}"),
            ),
            err=True,
        )
        raise typer.Exit(1)


async def _sinkron(container: Container, nip: str) -> SinkronOutcome:
    from sync.profil.sinkron import Sinkron

    async with container.siasn(lane="interactive") as siasn:
        return await Sinkron(siasn, container.sessions, clock.zone(container.settings.display_timezone)).run(
            nip, actor=SYSTEM_ACTOR
        )


@pegawai_app.command("show", help=help_text("cli.pegawai_show"))
def pegawai_show(
    nip: str = typer.Argument(..., help=t("cli.arg.nip")),
    json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json")),
) -> None:
    """Show a stored employee, their supervisor and open conflicts."""
    from mappings.nip import normalize_nip
    from service.api import read_profile

    with cli_errors():
        container = build_container()
        profile = read_profile(container, normalize_nip(nip))
    if profile is None:
        raise fail(t("common.not_found_pegawai", nip=nip), 1)
    if json_output:
        typer.echo(json_text(json.dumps(profile, indent=2, ensure_ascii=False)))
    else:
        render_profile(out, profile, container.settings.display_timezone)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """``field=value`` arguments as a mapping; a malformed or repeated one exits 2."""
    changes: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise fail(t("cli.edit.bad_assignment", item=repr(item)))
        if name in changes:
            raise fail(t("cli.edit.repeated_field", field=repr(name)))
        changes[name] = value
    return changes


@pegawai_app.command("edit", help=help_text("cli.pegawai_edit"))
def pegawai_edit(
    nip: str = typer.Argument(..., help=t("cli.arg.nip")),
    assignments: list[str] = typer.Argument(..., help=ASSIGNMENTS_HELP),
    actor: str = typer.Option(..., "--actor", "--oleh", help=t("cli.opt.actor_edit")),
    reason: str = typer.Option(..., "--reason", "--alasan", help=t("cli.opt.reason_edit")),
) -> None:
    """Edit local profile fields (Edit Profil), audited with who and why."""
    from mappings.nip import normalize_nip
    from store.db import transaction
    from sync.profil.edit import EditError, PegawaiNotFound, edit_pegawai

    changes = parse_assignments(assignments)
    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                result = edit_pegawai(session, normalize_nip(nip), changes, actor=actor, reason=reason)
        except EditError as exc:  # a field unknown, owned by SIASN or given a bad value: bad input
            raise fail(str(exc)) from None
        except PegawaiNotFound as exc:
            raise fail(str(exc), 1) from None
    for name, (old, new) in result.changed.items():
        out.print(f"{plain(name)}: {plain(repr(old))} -> {plain(repr(new))}")
    if not result.changed:
        out.print(t("cli.edit.no_change"))


def register(app: typer.Typer) -> None:
    """Add ``sinkron`` and ``pegawai`` to the main app."""
    app.command(help=help_text("cli.sinkron"))(sinkron)
    app.add_typer(pegawai_app, name="pegawai")
