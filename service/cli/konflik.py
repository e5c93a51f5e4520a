"""``ekinerja-sync konflik``: list, show, assign, resolve (one, many, all filtered), export.

Exit codes: 0 done, 1 not found / refused (decided, superseded, changed since shown) / not
allowed, 2 bad input. The CLI acts as an admin (it runs where the database is).
"""

from __future__ import annotations

import json
from datetime import tzinfo
from pathlib import Path
from typing import Any

import typer

from mappings.messages import UnknownMessage, t
from service.cli.common import build_container, cli_errors, command_group, fail, help_text, number, out
from service.cli.konflik_common import (
    ASSIGNEE,
    CONFLICT_ID,
    FIELD,
    JSON_OUT,
    MIN_AGE,
    OVERDUE,
    SITUASI,
    STATUS,
    TEXT,
    UNIT,
    admin_scope,
    echo_json,
    konflik_filter,
    named_unit,
    say,
    session_errors,
    setup,
)
from service.cli.konflik_resolve import resolve_cmd
from service.cli.person import cli_actor
from service.cli.unor import resolve_unit
from service.render import json_text, print_table
from service.routes.konflik import detail_json, row_json
from store.db import transaction
from sync import clock
from sync.access.people import known_people, labels
from sync.authority import label
from sync.konflik import decide as deciding
from sync.konflik import query
from sync.konflik.export import to_csv
from sync.konflik.lifecycle import KonflikPolicy
from sync.konflik.query import KonflikFilter
from sync.konflik.usulan import COLUMNS as USULAN_COLUMNS
from sync.konflik.usulan import group_by_unit, list_usulan

konflik_app = command_group(t("cli.konflik"))

OUTPUT = typer.Option(None, "--output", "-o", help=t("cli.opt.output"))
COLUMNS = (
    "id",
    "nip",
    "nama",
    "unit_id",
    "unit_nama",
    "field",
    "kind",
    "status",
    "assignee",
    "opened_at",
    "due_on",
    "overdue",
    "version",
    "base",
    "local",
    "remote",
    "explanation",
)


@konflik_app.command("list", help=help_text("cli.konflik_list"))
def list_cmd(
    unit: str = UNIT,
    field: str = FIELD,
    situasi: str = SITUASI,
    status: list[str] = STATUS,
    assignee: str = ASSIGNEE,
    min_age: int = MIN_AGE,
    overdue: bool = OVERDUE,
    cari: str = TEXT,
    sort: str = typer.Option("dibuka", "--sort", help=t("cli.opt.konflik_sort")),
    page: int = typer.Option(1, "--page", parser=number("--page"), help=t("cli.opt.page")),
    per_page: int = typer.Option(
        50, "--per-page", help=t("cli.opt.per_page"), parser=number("--per-page", 1, query.MAX_PER_PAGE)
    ),
    json_output: bool = JSON_OUT,
) -> None:
    """List conflicts with filters, sorted and paged."""
    with cli_errors(), session_errors():
        container, rules, tz = setup()
        filt = konflik_filter(unit, field, situasi, status, assignee, min_age, overdue, cari)
        with container.sessions() as session:
            found = query.list_conflicts(
                session, admin_scope(), named_unit(session, filt), sort, page, per_page, policy=rules
            )
    rows = [row_json(r, tz) for r in found.rows]
    if json_output:
        echo_json({"total": found.total, "page": page, "items": rows})
        return
    headers = [t(f"konflik.cli_{name}") for name in ("id", "pegawai", "field", "status", "due")]
    print_table(
        out,
        headers,
        [
            [
                row["id"],
                f"{row['nip']} {row['nama'] or ''}",
                label(row["field"]),
                t(f"console.status_{row['status']}"),
                row["due_on"] + (" " + t("konflik.cli_overdue") if row["overdue"] else ""),
            ]
            for row in rows
        ],
        ids=(0,),
    )
    say(t("konflik.cli_total", total=found.total, page=page, pages=max(1, -(-found.total // per_page))))


@konflik_app.command("show", help=help_text("cli.konflik_show"))
def show_cmd(conflict_id: int = CONFLICT_ID, json_output: bool = JSON_OUT) -> None:
    """Show one conflict: values, unit path, explanation, recommended action, history."""
    with cli_errors(), session_errors():
        container, rules, tz = setup()
        with container.sessions() as session:
            data = detail_json(query.get_conflict(session, admin_scope(), conflict_id, policy=rules), tz)
    if json_output:
        echo_json(data)
        return
    _print_detail(data, tz)


def _print_detail(data: dict[str, Any], tz: tzinfo) -> None:
    say(
        t(
            "konflik.cli_head",
            id=data["id"],
            status=t(f"console.status_{data['status']}"),
            version=data["version"],
        )
    )
    say(f"{data['nip']} {data['nama'] or ''}")
    say(t("konflik.cli_unit_path", path=" > ".join(u["nama"] for u in data["unit_path"])))
    for key, side in (
        ("base", "konflik.side_base"),
        ("local", "konflik.side_local"),
        ("remote", "konflik.side_siasn"),
    ):
        say(f"  {t(side)}: {json.dumps(data[key], ensure_ascii=False)}")
    if data["group"]:
        members = ", ".join(f"{m['id']} ({label(m['field'])}, versi {m['version']})" for m in data["group"])
        say(t("konflik.cli_group", members=members))
    say(data["explanation"])
    say(t("konflik.cli_recommended", text=data["recommended"]))
    say(
        t(
            "konflik.cli_due_line",
            due=data["due_on"],
            overdue=t("konflik.cli_overdue") if data["overdue"] else "",
            assignee=data["assignee"] or "-",
        )
    )
    for event in data["history"]:
        when = clock.stamp(event["at"], tz)
        say(f"  {when} {_event_label(event['kind'])} {event['actor']}: {event['detail'] or ''}")


def _event_label(kind: str) -> str:
    try:
        return t(f"console.event_{kind}")
    except UnknownMessage:
        return kind


@konflik_app.command("assign", help=help_text("cli.konflik_assign"))
def assign_cmd(
    conflict_id: int = CONFLICT_ID,
    assignee: str = typer.Argument("", help=t("cli.arg.konflik_assignee")),
    version: int = typer.Option(
        None, "--version", parser=number("--version"), help=t("cli.opt.konflik_version")
    ),
    oleh: str = typer.Option(None, "--oleh", help=t("cli.opt.oleh_audit")),
) -> None:
    """Assign an undecided conflict to an admin or operator."""
    actor = cli_actor(oleh)
    with cli_errors(), session_errors():
        container, _rules, _tz = setup()
        with transaction(container.sessions) as session:
            done = deciding.assign(
                session, admin_scope(actor), conflict_id, assignee or None, actor=actor, seen_version=version
            )
            shown = labels(session).get(done.assignee or "", done.assignee or "-")
            text = t("konflik.cli_assigned", id=done.id, assignee=shown, version=done.version)
    say(text)


@konflik_app.command("penerima", help=help_text("cli.konflik_penerima"))
def penerima_cmd(
    cari: str = typer.Argument("", help=t("cli.arg.konflik_penerima_cari")),
    json_output: bool = JSON_OUT,
) -> None:
    """Everyone a conflict can be assigned to (the key is what ``assign`` takes)."""
    with cli_errors():
        container = build_container()
        with container.sessions() as session:
            people = known_people(session, cari or None)
    if json_output:
        echo_json([{"key": p.key, "label": p.label, "source": p.source} for p in people])
        return
    if not people:
        say(t("penugasan.cli_none"))
        return
    headers = [t("penugasan.col_key"), t("penugasan.col_name"), t("penugasan.col_source")]
    print_table(out, headers, [(p.key, p.label, t(f"penugasan.source_{p.source}")) for p in people])


@konflik_app.command("comment", help=help_text("cli.konflik_comment"))
def comment_cmd(
    conflict_id: int = CONFLICT_ID,
    text: str = typer.Argument(..., help=t("cli.arg.comment")),
    oleh: str = typer.Option(None, "--oleh", help=t("cli.opt.oleh_audit")),
) -> None:
    """Add a comment to a conflict's history."""
    actor = cli_actor(oleh)
    with cli_errors(), session_errors():
        container, _rules, _tz = setup()
        with transaction(container.sessions) as session:
            deciding.comment(session, admin_scope(actor), conflict_id, text, actor=actor)
    say(t("konflik.cli_commented", id=conflict_id))


# declared in konflik_resolve, registered here so the help lists the commands in this order
konflik_app.command("resolve", help=help_text("cli.konflik_resolve"))(resolve_cmd)


@konflik_app.command("export", help=help_text("cli.konflik_export"))
def export_cmd(
    format: str = typer.Option("csv", "--format", help=t("cli.opt.export_format")),
    output: Path = OUTPUT,
    usulan: bool = typer.Option(False, "--usulan", help=t("cli.opt.usulan")),
    unit: str = UNIT,
    field: str = FIELD,
    situasi: str = SITUASI,
    status: list[str] = STATUS,
    assignee: str = ASSIGNEE,
    min_age: int = MIN_AGE,
    overdue: bool = OVERDUE,
    cari: str = TEXT,
) -> None:
    """Export the filtered conflicts (or the usulan perbaikan) as CSV or JSON."""
    with cli_errors(), session_errors():
        if format not in ("csv", "json"):
            raise fail(t("konflik.cli_bad_format", value=format))
        container, rules, tz = setup()
        with container.sessions() as session:
            named = resolve_unit(session, unit) if unit else None
            if usulan:
                found = list_usulan(session, admin_scope(), named)
                text = (
                    to_csv((u.as_dict(tz) for u in found), USULAN_COLUMNS, tz)
                    if format == "csv"
                    else json_text(
                        json.dumps(
                            {"units": group_by_unit(found, tz)},
                            indent=2,
                            ensure_ascii=False,
                            default=str,
                        )
                    )
                )
            else:
                filt = konflik_filter(named, field, situasi, status, assignee, min_age, overdue, cari)
                rows = [row_json(r, tz) for r in _every_row(session, filt, rules)]
                text = (
                    to_csv(rows, COLUMNS, tz)
                    if format == "csv"
                    else json_text(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
                )
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(
                t("konflik.cli_cannot_write", path=str(output), error=exc.strerror or type(exc).__name__)
            ) from None
        say(t("konflik.cli_written", path=str(output)))


def _every_row(session: Any, filt: KonflikFilter, rules: KonflikPolicy) -> list[Any]:
    rows: list[Any] = []
    page = 1
    while True:
        found = query.list_conflicts(
            session, admin_scope(), filt, "id", page, query.MAX_PER_PAGE, policy=rules
        )
        rows.extend(found.rows)
        if len(rows) >= found.total or not found.rows:
            return rows
        page += 1


def register(app: typer.Typer) -> None:
    """Add ``konflik`` to the main app."""
    app.add_typer(konflik_app, name="konflik")
