"""How a reconciliation run reads on a terminal: the report table, each item, roster problems."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mappings.messages import UnknownMessage, t
from service.cli.common import out
from service.cli.unor import change_label
from service.render import local_time, plain, visible
from sync import clock
from sync.reconcile import detail as run_detail


def situation_label(name: str | None) -> str:
    """The Indonesian name of a run item's situation (the code itself when it has none)."""
    try:
        return t(f"runs.situation.{name}")
    except UnknownMessage:
        return name or "-"


def status_label(status: str) -> str:
    """The Indonesian name of a run's status (the code itself when it has none)."""
    try:
        return t(f"console.run_status_{status}")
    except UnknownMessage:
        return status


def seconds(value: float | None) -> str:
    """A duration as ``12.3 s``; ``-`` for a run that has none (still running, or never timed)."""
    return "-" if value is None else t("runs.seconds", value=value)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def when(value: str | None, timezone: str) -> str:
    """A run's time as a terminal shows it, in the display timezone."""
    return local_time(value, timezone)


def dated(report: dict[str, Any], timezone: str) -> dict[str, Any]:
    """``report`` with its times as ISO 8601 with the display timezone's offset (machine form)."""
    tz = clock.zone(timezone)
    return {**report, **{k: clock.iso(report.get(k), tz) for k in ("started_at", "finished_at")}}


def print_item(item: run_detail.RunItemView) -> None:
    """What happened to one employee in a run: the situation, an error, why they left, changes."""
    out.print(plain(f"{item.nip} {item.nama or ''}: {situation_label(item.situation)}"), highlight=False)
    if item.error:
        out.print(f"  {plain(t('konflik.cli_run_error', error=item.error))}", highlight=False)
    if item.left_reason:
        out.print(f"  {plain(t('konflik.cli_run_left', reason=item.left_reason))}", highlight=False)
    for change in item.changes:
        line = t(
            "konflik.cli_run_change",
            action=change.action,
            field=change.field or "-",
            old=json.dumps(change.old, ensure_ascii=False, default=str),
            new=json.dumps(change.new, ensure_ascii=False, default=str),
        )
        out.print(f"  {plain(line)}", highlight=False)


def render_report(console: Console, report: dict[str, Any], *, reason: bool = True) -> None:
    """The run report as a readable table (``reason``: also the guard's or stop's reason)."""
    table = Table(
        title=plain(t("runs.report_title", run_id=report["run_id"], status=status_label(report["status"])))
    )
    table.add_column(t("runs.col.situation"))
    table.add_column(t("runs.col.count"), justify="right")
    for name, count in (report.get("counts") or {}).items():
        table.add_row(Text(visible(situation_label(name))), Text(visible(count)))
    console.print(table)
    console.print(
        plain(
            t(
                "runs.summary",
                calls=_count(report.get("calls")),
                failed=_count(report.get("failed")),
                conflicts=_count(report.get("conflicts_opened")),
                duration=seconds(report.get("duration_s")),
            )
        ),
        highlight=False,
    )
    _print_units(console, report.get("unit_changes") or {})
    _print_integrity(console, report.get("integrity") or {})
    if reason and report.get("guard_reason"):
        console.print(Text.assemble((t("runs.guard"), "yellow"), ": ", visible(report["guard_reason"])))


def _print_units(console: Console, units: dict[str, Any]) -> None:
    """The unit phase's changes, or why that phase failed."""
    if units.get("status") == "failed":
        console.print(Text(visible(t("guards.unit_phase_report", reason=units["reason"])), style="yellow"))
    elif units:
        console.print(
            plain(t("runs.units", changes=", ".join(f"{change_label(k)} {v}" for k, v in units.items()))),
            highlight=False,
        )


def _print_integrity(console: Console, integrity: dict[str, Any]) -> None:
    """Each integrity finding with a count, and its first examples."""
    for kind, found in integrity.items():
        if found.get("jumlah"):
            console.print(
                plain(
                    t(
                        "runs.integrity",
                        kind=kind,
                        count=found["jumlah"],
                        examples=", ".join(found["contoh"][:3]),
                    )
                ),
                highlight=False,
            )


def print_problems(problems: list[Any], bad: int) -> None:
    """Each listed problem as plain text (values shown with repr: no markup, no escapes)."""
    for problem in problems:
        typer.echo(
            visible(
                t("runs.roster_problem", line=problem.line, value=repr(problem.value), reason=problem.reason)
            )
        )
    if bad > len(problems):
        typer.echo(t("runs.roster_more", count=bad - len(problems)))
