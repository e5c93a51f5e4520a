"""CLI commands of the nightly reconciliation: roster import, reconcile, runs."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mappings.messages import t
from service.cli.common import at_least, build_container, cli_errors, fail, out
from service.container import Container
from service.routes.common import zone_of
from store.db import transaction
from sync import run_detail, runs
from sync.guards import GuardPolicy
from sync.konflik.errors import KonflikError
from sync.konflik.scope import ADMIN_CLI
from sync.reconcile import ReconcileOptions, Reconciler, RunStopped
from sync.roster import RosterFormatError, RosterRejected, import_roster

SITUATION_LABEL = {
    "confirmed": "sesuai (tidak berubah)", "updated": "diperbarui", "conflict": "konflik",
    "absent": "baru (dibuat dari SIASN)", "missing": "tidak ditemukan di SIASN",
    "left": "keluar (dinonaktifkan)", "ambiguous": "ganda/ambigu", "failed": "gagal diambil",
}
EXIT = {"completed": 0, "dry_run": 0, "aborted": 1, "stopped": 1, "dry_run_aborted": 1,
        "held": 3, "dry_run_held": 3}

roster_app = typer.Typer(help="Roster: which NIPs the instansi has.", no_args_is_help=True)
runs_app = typer.Typer(help="Reconciliation runs.", no_args_is_help=True)


@roster_app.command("import")
def roster_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="the CSV file"),
    strict: bool = typer.Option(False, "--strict", help="refuse the file if any row is bad"),
    json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Import the SIASN "Export Data ASN" CSV into the roster.

    Example: ekinerja-sync roster import export-data-asn.csv --strict
    """
    with cli_errors():
        container = build_container()
        try:
            with file.open("rb") as stream, transaction(container.sessions) as session:
                report = import_roster(session, stream, source=file.name, strict=strict)
        except OSError as exc:
            raise fail(f"{file}: {exc.strerror}") from None
        except RosterFormatError as exc:
            raise fail(f"{file}: {exc}") from None
        except RosterRejected as exc:
            _print_problems(exc.report.problems, exc.report.bad)
            raise fail(f"{file}: {exc}", 1) from None
    if json_output:
        typer.echo(json.dumps({"rows": report.rows, "imported": report.imported,
                               "already_known": report.already_known, "bad": report.bad,
                               "problems": [p.__dict__ for p in report.problems]}, indent=2))
    else:
        typer.echo(f"{report.rows} baris: {report.imported} NIP baru, {report.already_known} "
                   f"sudah dikenal, {report.bad} bermasalah")
        _print_problems(report.problems, report.bad)

def reconcile(
    dry_run: bool = typer.Option(False, "--dry-run", help="plan and report, write nothing"),
    confirm: bool = typer.Option(False, "--confirm", help="apply a run held by a guard"),
    rate: float = typer.Option(None, "--rate", help="SIASN requests per second (0 = no cap)"),
    concurrency: int = typer.Option(16, "--concurrency", help="requests in flight"),
    batch_size: int = typer.Option(200, "--batch-size", help="employees per checkpoint"),
    guard_sample: int = typer.Option(200, "--guard-sample",
                                     help="check the failing/unknown-NIP guards from this many "
                                     "fetched employees on (stop early)"),
    json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Reconcile the whole instansi with SIASN (resumes an interrupted run).

    Example: ekinerja-sync reconcile --rate 20 --json
    Exit codes: 0 done, 1 aborted or stopped, 3 held by a guard (re-run with --confirm),
    4 another run is in progress.
    """
    at_least("--rate", rate, 0)
    at_least("--concurrency", concurrency, 1)
    at_least("--batch-size", batch_size, 1)
    at_least("--guard-sample", guard_sample, 1)
    with cli_errors():
        container = build_container(rate=rate)
        try:
            report = asyncio.run(_reconcile(container, ReconcileOptions(
                dry_run=dry_run, confirm=confirm, concurrency=concurrency,
                batch_size=batch_size, guards=GuardPolicy(sample_size=guard_sample))))
        except runs.RunBusy as exc:
            raise fail(str(exc), 4) from None
        except RunStopped as exc:
            raise fail(f"stopped: {exc}", 1) from None
    code = EXIT.get(report["status"], 1)
    if json_output:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:  # a refusal's reason goes to stderr only, once
        render_report(out, report, reason=not code)
    if code:
        typer.echo(f"{report['status']}: {report.get('guard_reason') or ''}".rstrip(": "),
                   err=True)
        raise typer.Exit(code)

@runs_app.command("list")
def runs_list(limit: int = typer.Option(20, help="how many, newest first", min=1, max=1000),
              json_output: bool = typer.Option(False, "--json", help="print as JSON")
              ) -> None:
    """List reconciliation runs, newest first (times in the configured timezone).

    Example: ekinerja-sync runs list --limit 5
    """
    with cli_errors(), run_errors():
        container = build_container()
        tz = zone_of(container.settings.konflik.timezone)
        with container.sessions() as session:
            rows = run_detail.list_runs(session, ADMIN_CLI, limit)
    if json_output:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table("run_id", "status", "mulai", "durasi", "gagal", "konflik", box=None,
                  pad_edge=False)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(row["run_id"], escape(row["status"]), _when(row["started_at"], tz),
                      f"{row['duration_s']} s" if row["duration_s"] is not None else "-",
                      str(row["failed"]), str(row["conflicts_opened"]))
    out.print(table)


@runs_app.command("show")
def runs_show(run_id: str = typer.Argument(..., help="the run id or any unique prefix of it"),
              items: bool = typer.Option(False, "--items", help="every employee: situation, "
                                         "changes, failure cause, leaving reason"),
              situasi: str = typer.Option(None, "--situasi", help="only items in this "
                                          "situation (with --items)"),
              json_output: bool = typer.Option(False, "--json", help="print as JSON")
              ) -> None:
    """Show one run's report, and with --items what happened to each employee.

    Example: ekinerja-sync runs show 3f2a --items --situasi left
    """
    with cli_errors(), run_errors():
        container = build_container()
        tz = zone_of(container.settings.konflik.timezone)
        with container.sessions() as session:
            report = run_detail.run_report(session, ADMIN_CLI, run_id)
            found = run_detail.run_items(session, ADMIN_CLI, run_id, situasi) if items else []
    report["started_at"] = _when(report["started_at"], tz)
    report["finished_at"] = _when(report["finished_at"], tz)
    if json_output:
        if items:
            report["items"] = [i.as_dict() for i in found]
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return
    render_report(out, report)
    for item in found:
        _print_item(item)


def _when(value: str | None, tz: Any) -> str:
    if not value:
        return "-"
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def _print_item(item: run_detail.RunItemView) -> None:
    head = f"{item.nip} {item.nama or ''}: {SITUATION_LABEL.get(item.situation or '', item.situation)}"
    out.print(escape(head), highlight=False)
    if item.error:
        out.print(escape(f"  {t('konflik.cli_run_error', error=item.error)}"), highlight=False)
    if item.left_reason:
        out.print(escape(f"  {t('konflik.cli_run_left', reason=item.left_reason)}"),
                  highlight=False)
    for change in item.changes:
        line = t("konflik.cli_run_change", action=change.action, field=change.field or "-",
                 old=json.dumps(change.old, ensure_ascii=False, default=str),
                 new=json.dumps(change.new, ensure_ascii=False, default=str))
        out.print(escape(f"  {line}"), highlight=False)


@contextmanager
def run_errors() -> Iterator[None]:
    """Run lookups as one line on stderr: 2 for a bad or ambiguous id, 1 for an unknown one."""
    try:
        yield
    except KonflikError as exc:
        raise fail(str(exc), 2 if type(exc) is KonflikError else 1) from None


def register(app: typer.Typer) -> None:
    """Add these commands to the main app (the main module owns settings and errors)."""
    app.add_typer(roster_app, name="roster")
    app.add_typer(runs_app, name="runs")
    app.command()(reconcile)


async def _reconcile(container: Container, options: ReconcileOptions) -> dict[str, Any]:
    async with container.siasn() as siasn:
        if not sys.stdout.isatty():
            return await Reconciler(siasn, container.sessions, options).run()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True)) as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int, total: int) -> None:
                label = {"fetch": "ambil data SIASN", "apply": "terapkan"}.get(phase, phase)
                if phase not in tasks:
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            return await Reconciler(siasn, container.sessions, options, progress).run()


def render_report(console: Console, report: dict[str, Any], *, reason: bool = True) -> None:
    """The run report as a readable table (``reason``: also the guard's or stop's reason)."""
    table = Table(title=f"Rekonsiliasi {report['run_id']}: {report['status']}")
    table.add_column("situasi")
    table.add_column("jumlah", justify="right")
    for name, count in (report.get("counts") or {}).items():
        table.add_row(SITUATION_LABEL.get(name, name), str(count))
    console.print(table)
    console.print(f"panggilan SIASN {report.get('calls')}, gagal {report.get('failed')}, konflik "
                  f"baru {report.get('conflicts_opened')}, durasi {report.get('duration_s')} s")
    units = report.get("unit_changes") or {}
    if units.get("status") == "failed":
        console.print(f"[yellow]{escape(t('guards.unit_phase_report', reason=units['reason']))}[/]")
    elif units:
        console.print("unit: " + ", ".join(f"{k} {v}" for k, v in units.items()))
    for kind, found in (report.get("integrity") or {}).items():
        if found.get("jumlah"):
            console.print(f"integritas atasan: {kind} {found['jumlah']} "
                          f"(mis. {', '.join(found['contoh'][:3])})")
    if reason and report.get("guard_reason"):
        console.print(f"[yellow]pengaman[/]: {report['guard_reason']}")


def _print_problems(problems: list[Any], bad: int) -> None:
    """Each listed problem as plain text (values shown with repr: no markup, no escapes)."""
    for problem in problems:
        typer.echo(f"  baris {problem.line}: {problem.value!r}: {problem.reason}")
    if bad > len(problems):
        typer.echo(f"  ... dan {bad - len(problems)} baris bermasalah lainnya")
