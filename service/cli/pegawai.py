"""Commands on one employee: Sinkron SIASN, show, edit (Edit Profil)."""

from __future__ import annotations

import asyncio
import json

import typer

from mappings.messages import t
from service.cli.common import build_container, cli_errors, fail, out
from service.container import Container
from service.render import render_outcome, render_profile
from sync.audit import SYSTEM_ACTOR
from sync.outcome import SinkronOutcome, Status

pegawai_app = typer.Typer(help="Local employee profiles.", no_args_is_help=True)


def sinkron(
    nip: str = typer.Argument(..., help="18-digit NIP (spaces allowed)"),
    json_output: bool = typer.Option(False, "--json", help="print the outcome as JSON"),
) -> None:
    """Refresh one employee from SIASN (the Sinkron SIASN button).

    Example: ekinerja-sync sinkron "19860926 201505 1 001" --json
    """
    with cli_errors():
        container = build_container()
        outcome = asyncio.run(_sinkron(container, nip))
    if json_output:
        typer.echo(outcome.model_dump_json(indent=2))
    else:
        render_outcome(out, outcome)
    if outcome.status in (Status.NOT_FOUND, Status.FAILED):
        typer.echo(f"{outcome.status.value}: {outcome.reason}", err=True)
        raise typer.Exit(1)


async def _sinkron(container: Container, nip: str) -> SinkronOutcome:
    from sync.sinkron import Sinkron

    async with container.siasn() as siasn:
        return await Sinkron(siasn, container.sessions).run(nip, actor=SYSTEM_ACTOR)


@pegawai_app.command("show")
def pegawai_show(
    nip: str = typer.Argument(..., help="18-digit NIP"),
    json_output: bool = typer.Option(False, "--json", help="print as JSON"),
) -> None:
    """Show a stored employee, their supervisor and open conflicts.

    Example: ekinerja-sync pegawai show 198609262015051001
    """
    from mappings.nip import normalize_nip
    from service.api import read_profile

    with cli_errors():
        profile = read_profile(build_container(), normalize_nip(nip))
    if profile is None:
        raise fail(t("common.not_found_pegawai", nip=nip), 1)
    if json_output:
        typer.echo(json.dumps(profile, indent=2, ensure_ascii=False))
    else:
        render_profile(out, profile)


@pegawai_app.command("edit")
def pegawai_edit(
    nip: str = typer.Argument(..., help="18-digit NIP"),
    assignments: list[str] = typer.Argument(..., help="field=value pairs"),
    actor: str = typer.Option(..., "--actor", "--oleh", help="who makes the edit"),
    reason: str = typer.Option(..., "--reason", "--alasan", help="why (kept in the audit log)"),
) -> None:
    """Edit local profile fields (Edit Profil), audited with who and why.

    Example: ekinerja-sync pegawai edit 198609262015051001 no_hp=081234567890
    --oleh "operator BKD" --alasan "nomor baru dari pegawai"
    """
    from mappings.nip import normalize_nip
    from store.db import transaction
    from sync.edit import EditError, EditLimitError, PegawaiNotFound, edit_pegawai

    changes = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise fail(f"expected field=value, got {item!r}")
        changes[name.strip()] = value
    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                result = edit_pegawai(session, normalize_nip(nip), changes, actor=actor,
                                      reason=reason)
        except EditLimitError as exc:
            raise fail(str(exc)) from None
        except (EditError, PegawaiNotFound) as exc:
            raise fail(str(exc), 1) from None
    for name, (old, new) in result.changed.items():
        out.print(f"{name}: {old!r} -> {new!r}")
    if not result.changed:
        out.print("tidak ada perubahan (nilai sama)")




def register(app: typer.Typer) -> None:
    """Add ``sinkron`` and ``pegawai`` to the main app."""
    app.command()(sinkron)
    app.add_typer(pegawai_app, name="pegawai")
