"""CLI commands for access to the service: API keys, local admin accounts, operator grants."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import typer
from sqlalchemy.orm import Session

from mappings.limits import LimitError
from mappings.messages import t
from mappings.nip import normalize_nip
from service.cli.common import build_container, cli_errors, command_group, fail, help_text, out
from service.cli.unor import resolve_unit
from service.render import json_text, local_time, plain, print_table, visible
from store.db import transaction
from sync import clock
from sync.access.accounts import disable_local_account, set_local_account
from sync.access.common import CredentialError
from sync.access.grants import AccessError, grant_unit, list_grants, revoke_unit
from sync.access.keys import create_api_key, list_api_keys, revoke_api_key
from sync.unit_index import UnitLookupError, unit_index

apikey_app = command_group(t("cli.apikey"))
admin_app = command_group(t("cli.admin"))
operator_app = command_group(t("cli.operator"))
T = TypeVar("T")


def write(work: Callable[..., T], *args: Any, create: bool = False) -> T:
    """``work(session, *args)`` in one transaction; a refused request exits 2 with why.
    ``create``: the first key, admin or grant of a new installation may create the store."""
    with cli_errors():
        container = build_container(create=create)
        try:
            with transaction(container.sessions) as session:
                return work(session, *args)
        except (CredentialError, AccessError, LimitError) as exc:
            raise fail(str(exc)) from None


@apikey_app.command("create", help=help_text("cli.apikey_create"))
def apikey_create(name: str = typer.Argument(..., help=t("cli.arg.apikey_name"))) -> None:
    """Create an API key; it is printed once and only its hash is stored."""
    key = write(create_api_key, name, create=True)
    typer.echo(key)
    typer.echo(t("cli.apikey.created", name=visible(repr(name))), err=True)


@apikey_app.command("list", help=help_text("cli.apikey_list"))
def apikey_list(json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json"))) -> None:
    """List API keys (name, prefix, created, last used, revoked)."""
    with cli_errors():
        container = build_container()
        timezone = container.settings.display_timezone
        with container.sessions() as session:
            keys = list_api_keys(session)
            rows = [
                {
                    "name": k.name,
                    "prefix": k.prefix,
                    "created_at": _iso(k.created_at, timezone),
                    "last_used_at": _iso(k.last_used_at, timezone),
                    "revoked_at": _iso(k.revoked_at, timezone),
                }
                for k in keys
            ]
            shown = [
                (
                    k.name,
                    k.prefix,
                    *(local_time(v, timezone) for v in (k.created_at, k.last_used_at, k.revoked_at)),
                )
                for k in keys
            ]
    if json_output:
        typer.echo(json_text(json.dumps(rows, indent=2, ensure_ascii=False)))
        return
    headers = [t(f"cli.col.{name}") for name in ("name", "prefix", "created", "last_used", "revoked")]
    print_table(out, headers, shown, ids=(1,))


@apikey_app.command("revoke", help=help_text("cli.apikey_revoke"))
def apikey_revoke(name: str = typer.Argument(..., help=t("cli.arg.apikey_revoke"))) -> None:
    """Revoke an API key at once (callers using it get 401)."""
    write(revoke_api_key, name)
    out.print(t("cli.apikey.revoked", name=plain(repr(name))))


@admin_app.command("set-password", help=help_text("cli.admin_set_password"))
def admin_set_password(
    username: str = typer.Argument(..., help=t("cli.arg.username")),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=t("cli.opt.password_stdin")),
) -> None:
    """Create a local admin account or set its password (prompted, at least 12 characters)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else _typed_twice()
    write(set_local_account, username, password, create=True)
    out.print(t("cli.admin.password_set", username=plain(repr(username))))


def _typed_twice() -> str:
    """The password typed twice (hidden), asked in Bahasa; two different entries exit 2."""
    first = typer.prompt(t("cli.admin.password_prompt"), hide_input=True)
    second = typer.prompt(t("cli.admin.password_repeat"), hide_input=True)
    if first != second:
        raise fail(t("cli.admin.password_mismatch"))
    return str(first)


@admin_app.command("disable", help=help_text("cli.admin_disable"))
def admin_disable(username: str = typer.Argument(..., help=t("cli.arg.username"))) -> None:
    """Disable a local admin account and end its sessions at once (set-password enables it)."""
    write(disable_local_account, username)
    out.print(t("access.account_disabled", username=plain(username)))


@operator_app.command("grant", help=help_text("cli.operator_grant"))
def operator_grant(
    nip: str = typer.Argument(..., help=t("cli.arg.nip_operator")),
    unor_id: str = typer.Argument(..., help=t("cli.arg.unor_id_grant")),
    by: str = typer.Option(..., "--oleh", help=t("cli.opt.by_grant")),
) -> None:
    """Let an operator administer a unit and everything under it."""
    with cli_errors():
        nip = normalize_nip(nip)
    path = write(partial(_grant_named, by=by), nip, unor_id, create=True)
    out.print(t("cli.operator.granted", nip=plain(nip), unor_id=plain(path)))


@operator_app.command("revoke", help=help_text("cli.operator_revoke"))
def operator_revoke(
    nip: str = typer.Argument(..., help=t("cli.arg.nip_operator")),
    unor_id: str = typer.Argument(..., help=t("cli.arg.unor_id_granted")),
) -> None:
    """Take a granted unit back."""
    with cli_errors():
        nip = normalize_nip(nip)
    path = write(_revoke_named, nip, unor_id)
    out.print(t("cli.operator.revoked", nip=plain(nip), unor_id=plain(path)))


@operator_app.command("list", help=help_text("cli.operator_list"))
def operator_list() -> None:
    """List granted units (an operator's own unit always counts too)."""
    with cli_errors():
        container = build_container()
        timezone = container.settings.display_timezone
        with container.sessions() as session:
            rows = [
                (g.nip, g.unit_id, g.granted_by, local_time(g.granted_at, timezone))
                for g in list_grants(session)
            ]
    headers = [t(f"cli.col.{name}") for name in ("nip", "unor", "by", "since")]
    print_table(out, headers, rows, ids=(0, 1))


def _grant_named(session: Session, nip: str, text: str, *, by: str) -> str:
    """Grant the unit ``text`` names (as ``unor cari`` shows it); its path for the message."""
    unit_id = resolve_unit(session, text)
    grant_unit(session, nip, unit_id, by=by)
    return unit_index(session).label(unit_id, unit_id) or unit_id


def _revoke_named(session: Session, nip: str, text: str) -> str:
    """Revoke a granted unit named by id, path or unique words; its path for the message."""
    granted = {g.unit_id for g in list_grants(session) if g.nip == nip}
    try:
        unit_id = unit_index(session).resolve(text, within=granted or None)
    except UnitLookupError:
        unit_id = text
    revoke_unit(session, nip, unit_id)
    return unit_index(session).label(unit_id, unit_id) or unit_id


def register(app: typer.Typer) -> None:
    """Add ``apikey``, ``admin`` and ``operator`` to the main app."""
    app.add_typer(apikey_app, name="apikey")
    app.add_typer(admin_app, name="admin")
    app.add_typer(operator_app, name="operator")


def _iso(value: datetime | None, timezone: str) -> str | None:
    return clock.iso(value, clock.zone(timezone))
