"""Commands on units (unor): refresh the tree, Klaim Pimpinan Unit Kerja."""

from __future__ import annotations

import asyncio

import typer

from mappings.messages import UnknownMessage, t
from service.cli.common import build_container, cli_errors, fail, help_text, out
from service.container import Container
from service.render import plain
from sync.audit import SYSTEM_ACTOR

unor_app = typer.Typer(help=t("cli.unor"), no_args_is_help=True)


def change_label(kind: str) -> str:
    """The Indonesian name of a kind of unit change (the code itself when it has none)."""
    try:
        return t(f"cli.unor.change.{kind}")
    except UnknownMessage:
        return kind


@unor_app.command("refresh", help=help_text("cli.unor_refresh"))
def unor_refresh() -> None:
    """Fetch the unit tree (ref-unor) from SIASN and store it."""
    from mappings.units import UnitRecord
    from store.db import transaction
    from sync.units import apply_units, fetch_units

    async def fetch(container: Container) -> list[UnitRecord]:
        async with container.siasn() as siasn:
            return await fetch_units(siasn)

    with cli_errors():
        container = build_container()
        units = asyncio.run(fetch(container))
        with transaction(container.sessions) as session:
            changes = apply_units(session, units, actor=SYSTEM_ACTOR)
    counts = ", ".join(f"{change_label(k)} {v}" for k, v in changes.counts().items())
    out.print(t("cli.unor.refreshed", units=len(units), counts=counts))


@unor_app.command("klaim", help=help_text("cli.unor_klaim"))
def unor_klaim(
    unit_id: str = typer.Argument(..., help=t("cli.arg.unor_id")),
    nip: str = typer.Argument(..., help=t("cli.arg.nip_claimant")),
    actor: str = typer.Option(..., "--actor", "--oleh", help=t("cli.opt.actor_claim")),
    reason: str = typer.Option(..., "--reason", "--alasan", help=t("cli.opt.reason_claim")),
) -> None:
    """Klaim Pimpinan Unit Kerja: record who leads a unit (eselon II-IV, own unit only)."""
    from mappings.nip import normalize_nip
    from store.db import transaction
    from sync.claims import ClaimError, claim_unit

    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                result = claim_unit(session, unit_id, normalize_nip(nip), actor=actor,
                                    reason=reason)
        except ClaimError as exc:
            raise fail(str(exc), 1) from None
    out.print(f"{plain(result.status)}: {plain(result.explanation)}")
    if result.status != "diterima":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``unor`` to the main app."""
    app.add_typer(unor_app, name="unor")
