"""Commands on units (unor): refresh the tree, Klaim Pimpinan Unit Kerja."""

from __future__ import annotations

import asyncio

import typer

from service.cli.common import build_container, cli_errors, fail, out
from service.container import Container
from sync.audit import SYSTEM_ACTOR

unor_app = typer.Typer(help="Units (unor) of the instansi.", no_args_is_help=True)


@unor_app.command("refresh")
def unor_refresh() -> None:
    """Fetch the unit tree (ref-unor) from SIASN and store it.

    Example: ekinerja-sync unor refresh
    """
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
    out.print(f"{len(units)} unit: " + ", ".join(f"{k} {v}" for k, v in changes.counts().items()))


@unor_app.command("klaim")
def unor_klaim(
    unit_id: str = typer.Argument(..., help="the unor id (SIASN)"),
    nip: str = typer.Argument(..., help="NIP of the structural official claiming it"),
    actor: str = typer.Option(..., "--actor", "--oleh", help="who records the claim"),
    reason: str = typer.Option(..., "--reason", "--alasan", help="basis, e.g. the SK"),
) -> None:
    """Klaim Pimpinan Unit Kerja: record who leads a unit (eselon II-IV, own unit only).

    Example: ekinerja-sync unor klaim 8AE4830A5B3F2D10E040640A040269BB 197703092006101001
    --oleh "operator BKD" --alasan "SK pelantikan 821.2/123/2026"
    """
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
    out.print(f"{result.status}: {result.explanation}")
    if result.status != "diterima":
        raise typer.Exit(1)




def register(app: typer.Typer) -> None:
    """Add ``unor`` to the main app."""
    app.add_typer(unor_app, name="unor")
