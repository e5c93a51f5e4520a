"""Commands on units (unor): find them by name (cari, list), refresh the tree, Klaim Pimpinan.

Every command that takes a unit accepts what ``unor cari`` shows: the SIASN unor id, the whole
path (``Dinas Pendidikan › Bidang SD › SD Negeri 1``, with ``›`` or ``>``), or words that match
exactly one unit; text that matches none or several is refused (exit 2) pointing to
``unor cari``.
"""

from __future__ import annotations

import asyncio
import json

import typer
from sqlalchemy.orm import Session

from mappings.messages import UnknownMessage, t
from service.cli.common import build_container, cli_errors, command_group, fail, help_text, out
from service.container import Container
from service.render import json_text, plain, print_table
from sync.audit import SYSTEM_ACTOR
from sync.unor.index import UnitLookupError, UnitMatches, unit_index

unor_app = command_group(t("cli.unor"))


def change_label(kind: str) -> str:
    """The Indonesian name of a kind of unit change (the code itself when it has none)."""
    try:
        return t(f"cli.unor.change.{kind}")
    except UnknownMessage:
        return kind


PAGE = typer.Option(1, "--page", min=1, max=999_999, help=t("cli.opt.page"))
PER_PAGE = typer.Option(50, "--per-page", min=1, max=500, help=t("cli.opt.per_page"))
JSON_OUT = typer.Option(False, "--json", help=t("cli.opt.json"))


def resolve_unit(session: Session, text: str, *, unknown_passes: bool = False) -> str:
    """The unit id ``text`` names (id, whole path or unique words); exit 2 pointing to ``cari``
    (``unknown_passes``: text naming no unit goes on as typed, for a command that explains it)."""
    try:
        return unit_index(session).resolve(text)
    except UnitLookupError as exc:
        if exc.count == 0 and unknown_passes:
            return text
        key = "cli.unor.none" if exc.count == 0 else "cli.unor.several"
        raise fail(t(key, count=exc.count)) from None


def _show(found: UnitMatches, page: int, per_page: int, json_output: bool) -> None:
    if json_output:
        typer.echo(
            json_text(
                json.dumps(
                    {
                        "total": found.total,
                        "page": page,
                        "per_page": per_page,
                        "items": [u.as_dict() for u in found.items],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        )
        return
    rows = [(u.label + ("" if u.aktif else f" ({t('cli.unor.inactive')})"), u.id) for u in found.items]
    print_table(out, [t("cli.col.unor_path"), t("cli.col.unor")], rows, ids=(1,))
    out.print(
        plain(t("cli.unor.total", total=found.total, page=page, pages=max(1, -(-found.total // per_page)))),
        highlight=False,
    )


def _search(text: str, page: int, per_page: int, include_inactive: bool) -> UnitMatches:
    with cli_errors():
        container = build_container()
        with container.sessions() as session:
            return unit_index(session).search(
                text, include_inactive=include_inactive, limit=per_page, offset=(page - 1) * per_page
            )


@unor_app.command("cari", help=help_text("cli.unor_cari"))
def unor_cari(
    text: str = typer.Argument(..., help=t("cli.arg.unor_text")),
    page: int = PAGE,
    per_page: int = PER_PAGE,
    json_output: bool = JSON_OUT,
    semua: bool = typer.Option(False, "--semua", help=t("cli.opt.unor_all")),
) -> None:
    """Find units whose name or path holds every word of TEXT (own-name matches first)."""
    if len(text) > 200:
        raise fail(t("cli.unor.text_too_long"))
    _show(_search(text, page, per_page, semua), page, per_page, json_output)


@unor_app.command("list", help=help_text("cli.unor_list"))
def unor_list(
    page: int = PAGE,
    per_page: int = PER_PAGE,
    json_output: bool = JSON_OUT,
    semua: bool = typer.Option(False, "--semua", help=t("cli.opt.unor_all")),
) -> None:
    """Every unit with its path and id, ordered by path, paged."""
    _show(_search("", page, per_page, semua), page, per_page, json_output)


@unor_app.command("refresh", help=help_text("cli.unor_refresh"))
def unor_refresh() -> None:
    """Fetch the unit tree (ref-unor) from SIASN and store it."""
    from mappings.units import UnitRecord
    from store.db import transaction
    from sync.unor.tree import apply_units, fetch_units

    async def fetch(container: Container) -> list[UnitRecord]:
        async with container.siasn() as siasn:
            return await fetch_units(siasn)

    with cli_errors():
        container = build_container(create=True)
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
    from sync.unor.claims import ClaimError, claim_unit

    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                unit = resolve_unit(session, unit_id, unknown_passes=True)
                result = claim_unit(session, unit, normalize_nip(nip), actor=actor, reason=reason)
        except ClaimError as exc:
            raise fail(str(exc), 1) from None
    out.print(f"{plain(result.status)}: {plain(result.explanation)}")
    if result.status != "diterima":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``unor`` to the main app."""
    app.add_typer(unor_app, name="unor")
