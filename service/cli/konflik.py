"""``ekinerja-sync konflik``: list, show, assign, resolve (one, many, all filtered), export.

Exit codes: 0 done, 1 not found / refused (decided, superseded, changed since shown) / not
allowed, 2 bad input. The CLI acts as an admin (it runs where the database is).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import Any

import typer

from mappings.limits import whole_number
from mappings.messages import UnknownMessage, t
from service.cli.common import build_container, cli_errors, command_group, fail, help_text, number, out
from service.cli.person import cli_actor
from service.cli.unor import resolve_unit
from service.container import Container
from service.render import json_text, plain, print_table
from service.routes.common import zone_of
from service.routes.konflik import decided_json, detail_json, row_json
from store.db import transaction
from sync import clock
from sync.access.people import known_people, labels
from sync.authority import MERGED_FIELDS, label
from sync.konflik import decide as deciding
from sync.konflik import query
from sync.konflik.errors import KonflikError
from sync.konflik.export import to_csv
from sync.konflik.lifecycle import ACTIVE, KonflikPolicy
from sync.konflik.query import KonflikFilter
from sync.konflik.scope import Scope
from sync.konflik.usulan import COLUMNS as USULAN_COLUMNS
from sync.konflik.usulan import group_by_unit, list_usulan
from sync.unit_index import unit_index

konflik_app = command_group(t("cli.konflik"))

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
IDS = typer.Argument(None, parser=number("ID"), help=t("cli.arg.conflict_ids"))
CONFLICT_ID = typer.Argument(..., parser=number("ID"), help=t("cli.arg.conflict_id"))
KEPUTUSAN = typer.Option(..., "--keputusan", help=t("cli.opt.keputusan"))
VERSI = typer.Option(None, "--versi", help=t("cli.opt.versi"))
NILAI = typer.Option(None, "--nilai", help=t("cli.opt.nilai_group"))
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


def _filter(
    unit: str | None,
    field: str | None,
    situasi: str | None,
    status: list[str] | None,
    assignee: str | None,
    min_age: int | None,
    overdue: bool,
    text: str | None,
) -> KonflikFilter:
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


def _named_unit(session: Any, filt: KonflikFilter) -> KonflikFilter:
    """``filt`` with its unit given as ``unor cari`` shows it resolved to the unit's id."""
    return replace(filt, unit=resolve_unit(session, filt.unit)) if filt.unit else filt


@contextmanager
def _session_errors() -> Iterator[None]:
    """Konflik errors as one line on stderr: 2 for bad input, 1 for the rest."""
    try:
        yield
    except KonflikError as exc:
        plain = type(exc) is KonflikError
        raise fail(str(exc), 2 if plain else 1) from None


def _setup() -> tuple[Container, KonflikPolicy, Any]:
    container = build_container()
    config = container.settings.konflik
    return container, KonflikPolicy(config.due_working_days, config.timezone), zone_of(config.timezone)


def _scope(actor: str = "cli") -> Scope:
    return Scope(level="all", actor=actor)


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
    with cli_errors(), _session_errors():
        container, rules, tz = _setup()
        filt = _filter(unit, field, situasi, status, assignee, min_age, overdue, cari)
        with container.sessions() as session:
            found = query.list_conflicts(
                session, _scope(), _named_unit(session, filt), sort, page, per_page, policy=rules
            )
    rows = [row_json(r, tz) for r in found.rows]
    if json_output:
        _echo_json({"total": found.total, "page": page, "items": rows})
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


def _echo_json(document: Any) -> None:
    """Print ``document`` as indented JSON, controls inside strings escaped for the terminal."""
    typer.echo(json_text(json.dumps(document, indent=2, ensure_ascii=False, default=str)))


@konflik_app.command("show", help=help_text("cli.konflik_show"))
def show_cmd(conflict_id: int = CONFLICT_ID, json_output: bool = JSON_OUT) -> None:
    """Show one conflict: values, unit path, explanation, recommended action, history."""
    with cli_errors(), _session_errors():
        container, rules, tz = _setup()
        with container.sessions() as session:
            data = detail_json(query.get_conflict(session, _scope(), conflict_id, policy=rules), tz)
    if json_output:
        _echo_json(data)
        return
    _print_detail(data, tz)


def say(text: str) -> None:
    """Print operator-facing text with any markup in the data shown literally."""
    out.print(plain(text), highlight=False)


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
    with cli_errors(), _session_errors():
        container, _rules, _tz = _setup()
        with transaction(container.sessions) as session:
            done = deciding.assign(
                session, _scope(actor), conflict_id, assignee or None, actor=actor, seen_version=version
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
        _echo_json([{"key": p.key, "label": p.label, "source": p.source} for p in people])
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
    with cli_errors(), _session_errors():
        container, _rules, _tz = _setup()
        with transaction(container.sessions) as session:
            deciding.comment(session, _scope(actor), conflict_id, text, actor=actor)
    say(t("konflik.cli_commented", id=conflict_id))


@konflik_app.command("resolve", help=help_text("cli.konflik_resolve"))
def resolve_cmd(
    ids: list[int] = IDS,
    keputusan: deciding.Resolution = KEPUTUSAN,
    alasan: str = typer.Option(..., "--alasan", help=t("cli.opt.alasan_decide")),
    nilai: list[str] = NILAI,
    versi: list[str] = VERSI,
    semua: bool = typer.Option(False, "--semua", help=t("cli.opt.semua")),
    unit: str = UNIT,
    field: str = FIELD,
    situasi: str = SITUASI,
    assignee: str = ASSIGNEE,
    min_age: int = MIN_AGE,
    overdue: bool = OVERDUE,
    cari: str = TEXT,
    oleh: str = typer.Option(None, "--oleh", help=t("cli.opt.oleh_audit")),
    json_output: bool = JSON_OUT,
) -> None:
    """Decide conflicts (one, several, or all filtered) with the conflicts of their related
    fields, all or nothing, with a reason; prints every field decided."""
    with cli_errors(), _session_errors():
        if bool(ids) == semua:
            raise fail(t("konflik.cli_ids_or_all"))
        actor = cli_actor(oleh)
        seen = _versions(versi or [])
        container, rules, _tz = _setup()
        with transaction(container.sessions) as session:
            chosen = (
                list(ids)
                if ids
                else query.select_ids(
                    session,
                    _scope(actor),
                    _named_unit(
                        session, _filter(unit, field, situasi, None, assignee, min_age, overdue, cari)
                    ),
                    policy=rules,
                )
            )
            done = deciding.decide(
                session,
                _scope(actor),
                chosen,
                keputusan,
                actor=actor,
                reason=alasan,
                seen_versions=seen,
                value=_nilai(nilai or []),
            )
            decided = [c.id for c in done]
            fields = [decided_json(c) for c in done]
            lines = [_field_line(session, f) for f in fields]
    if json_output:
        _echo_json({"decided": decided, "decision": keputusan.value, "fields": fields})
        return
    say(
        t(
            "konflik.cli_decided",
            count=len(decided),
            decision=keputusan.value,
            ids=", ".join(map(str, decided)),
        )
    )
    for line in lines:
        say(line)


def _nilai(given: list[str]) -> Any:
    """``--nilai``: one value, or ``FIELD=NILAI`` once per field of a group (a mapping)."""
    pairs = [entry.partition("=") for entry in given]
    if any(sep and name.strip() in MERGED_FIELDS for name, sep, _ in pairs):
        if not all(sep and name.strip() in MERGED_FIELDS for name, sep, _ in pairs):
            raise KonflikError(t("konflik.cli_bad_nilai"))
        return {name.strip(): value for name, _, value in pairs}
    if len(given) > 1:
        raise KonflikError(t("konflik.cli_bad_nilai"))
    return given[0] if given else None


def _field_line(session: Any, decided: dict[str, Any]) -> str:
    """One decided field as a line: the conflict, the field's label and the value it holds."""
    value = decided["value"]
    if decided["field"] == "unor_id" and isinstance(value, str):
        value = unit_index(session).label(value, value)
    shown = t("konflik.empty") if value is None else str(value)
    return t("konflik.cli_decided_field", id=decided["id"], field=label(decided["field"]), value=shown)


def _versions(pairs: list[str]) -> dict[int, int]:
    seen: dict[int, int] = {}
    for pair in pairs:
        left, _, right = pair.partition("=")
        try:
            seen[whole_number(left)] = whole_number(right)
        except ValueError:
            raise KonflikError(t("konflik.cli_bad_version", value=pair)) from None
    return seen


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
    with cli_errors(), _session_errors():
        if format not in ("csv", "json"):
            raise fail(t("konflik.cli_bad_format", value=format))
        container, rules, tz = _setup()
        with container.sessions() as session:
            named = resolve_unit(session, unit) if unit else None
            if usulan:
                found = list_usulan(session, _scope(), named)
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
                filt = _filter(named, field, situasi, status, assignee, min_age, overdue, cari)
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
        found = query.list_conflicts(session, _scope(), filt, "id", page, query.MAX_PER_PAGE, policy=rules)
        rows.extend(found.rows)
        if len(rows) >= found.total or not found.rows:
            return rows
        page += 1


def register(app: typer.Typer) -> None:
    """Add ``konflik`` to the main app."""
    app.add_typer(konflik_app, name="konflik")
