"""CLI commands for access to the service: API keys, local admin accounts, operator grants."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import typer
from rich.table import Table

from mappings.limits import LimitError
from mappings.messages import t
from mappings.nip import normalize_nip
from service.cli.common import build_container, cli_errors, fail, out
from store.db import transaction
from sync.access import AccessError, grant_unit, list_grants, revoke_unit
from sync.credentials import (
    CredentialError,
    create_api_key,
    disable_local_account,
    list_api_keys,
    revoke_api_key,
    set_local_account,
)

apikey_app = typer.Typer(help="API keys for the e-Kinerja app (server to server).",
                         no_args_is_help=True)
admin_app = typer.Typer(help="Local admin accounts (login fallback when MyASN is down).",
                        no_args_is_help=True)
operator_app = typer.Typer(help="Units an operator administers beyond their own.",
                           no_args_is_help=True)
T = TypeVar("T")


def write(work: Callable[..., T], *args: Any) -> T:
    """``work(session, *args)`` in one transaction; a refused request exits 2 with why."""
    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                return work(session, *args)
        except (CredentialError, AccessError, LimitError) as exc:
            raise fail(str(exc)) from None

@apikey_app.command("create")
def apikey_create(name: str = typer.Argument(..., help="who the key is for, e.g. ekinerja-app")
                  ) -> None:
    """Create an API key; it is printed once and only its hash is stored.

    Example: ekinerja-sync apikey create ekinerja-app
    """
    key = write(create_api_key, name)
    typer.echo(key)
    typer.echo(f"API key {name!r} created. Store it now: it cannot be shown again. "
               "Send it as the X-API-Key header.", err=True)

@apikey_app.command("list")
def apikey_list(json_output: bool = typer.Option(False, "--json", help="print as JSON")
                ) -> None:
    """List API keys (name, prefix, created, last used, revoked).

    Example: ekinerja-sync apikey list
    """
    with cli_errors():
        container = build_container()
        with container.sessions() as session:
            rows = [{"name": k.name, "prefix": k.prefix, "created_at": _iso(k.created_at),
                     "last_used_at": _iso(k.last_used_at),
                     "revoked_at": _iso(k.revoked_at)} for k in list_api_keys(session)]
    if json_output:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("nama", "awalan", "dibuat", "terakhir dipakai", "dicabut")
    for row in rows:
        table.add_row(*(str(row[k] or "-") for k in row))
    out.print(table)

@apikey_app.command("revoke")
def apikey_revoke(name: str = typer.Argument(..., help="the key's name")) -> None:
    """Revoke an API key at once (callers using it get 401).

    Example: ekinerja-sync apikey revoke ekinerja-app
    """
    write(revoke_api_key, name)
    out.print(f"API key {name!r} revoked")

@admin_app.command("set-password")
def admin_set_password(
    username: str = typer.Argument(..., help="the local admin's username"),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="read the password from standard input"),
) -> None:
    """Create a local admin account or set its password (prompted, at least 12 characters).

    Example: ekinerja-sync admin set-password admin-bkd
    """
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    write(set_local_account, username, password)
    out.print(f"local admin {username!r} can log in at /login")

@admin_app.command("disable")
def admin_disable(username: str = typer.Argument(..., help="the local admin's username")) -> None:
    """Disable a local admin account and end its sessions at once (set-password enables it).

    Example: ekinerja-sync admin disable admin-bkd
    """
    write(disable_local_account, username)
    out.print(t("access.account_disabled", username=username), markup=False)

@operator_app.command("grant")
def operator_grant(
    nip: str = typer.Argument(..., help="the operator's NIP (their MyASN username)"),
    unor_id: str = typer.Argument(..., help="SIASN unor id; every unit under it is included"),
    by: str = typer.Option(..., "--oleh", help="who grants it (audit)"),
) -> None:
    """Let an operator administer a unit and everything under it.

    Example: ekinerja-sync operator grant 197503052007042001 UNOR_ID --oleh "kepala BKD"
    """
    with cli_errors():
        nip = normalize_nip(nip)
    write(partial(grant_unit, by=by), nip, unor_id)
    out.print(f"{nip} now administers unit {unor_id} and the units under it")

@operator_app.command("revoke")
def operator_revoke(nip: str = typer.Argument(..., help="the operator's NIP"),
                    unor_id: str = typer.Argument(..., help="the granted unor id")) -> None:
    """Take a granted unit back.

    Example: ekinerja-sync operator revoke 197503052007042001 UNOR_ID
    """
    with cli_errors():
        nip = normalize_nip(nip)
    write(revoke_unit, nip, unor_id)
    out.print(f"grant of unit {unor_id} to {nip} revoked")

@operator_app.command("list")
def operator_list() -> None:
    """List granted units (an operator's own unit always counts too).

    Example: ekinerja-sync operator list
    """
    with cli_errors():
        container = build_container()
        with container.sessions() as session:
            rows = [(g.nip, g.unit_id, g.granted_by, str(_iso(g.granted_at)))
                    for g in list_grants(session)]
    table = Table("nip", "unor", "oleh", "sejak")
    for row in rows:
        table.add_row(*row)
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``apikey``, ``admin`` and ``operator`` to the main app."""
    app.add_typer(apikey_app, name="apikey")
    app.add_typer(admin_app, name="admin")
    app.add_typer(operator_app, name="operator")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None
