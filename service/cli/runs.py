"""CLI commands of the nightly reconciliation: roster import, reconcile, runs."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from mappings.messages import UnknownMessage, t
from service.cli import runs_held
from service.cli.common import (
    at_least,
    build_container,
    cli_errors,
    command_group,
    fail,
    help_text,
    number,
    out,
    stderr_progress,
)
from service.cli.runs_report import (
    dated,
    print_item,
    print_problems,
    render_report,
    seconds,
    status_label,
    when,
)
from service.cli.worker import QueuedStart, refuse_without_postgres
from service.container import Container
from service.jobs import run_reconcile
from service.render import json_text, print_table, visible
from store.db import transaction
from sync import runs
from sync.konflik.errors import KonflikError
from sync.konflik.scope import ADMIN_CLI
from sync.reconcile import ReconcileOptions, RunStopped
from sync.reconcile import detail as run_detail
from sync.reconcile.guards import GuardPolicy
from sync.reconcile.roster import RosterFormatError, RosterRejected, import_roster, open_roster
from sync.runs import RunStatus

Start = Callable[..., Awaitable[dict[str, Any]]]  # (container, options[, progress]) -> report

EXIT: dict[RunStatus, int] = {
    RunStatus.COMPLETED: 0,
    RunStatus.DRY_RUN: 0,
    RunStatus.ABORTED: 1,
    RunStatus.STOPPED: 1,
    RunStatus.DRY_RUN_ABORTED: 1,
    RunStatus.HELD: 3,
    RunStatus.DRY_RUN_HELD: 3,
}

ROSTER_FILE = typer.Argument(..., exists=True, dir_okay=False, help=t("cli.arg.roster_file"))
roster_app = command_group(t("cli.roster"))
runs_app = command_group(t("cli.runs"))


@roster_app.command("import", help=help_text("cli.roster_import"))
def roster_import(
    file: Path = ROSTER_FILE,
    strict: bool = typer.Option(False, "--strict", help=t("cli.opt.strict")),
    json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json_report")),
) -> None:
    """Import the SIASN "Export Data ASN" CSV into the roster."""
    with cli_errors():
        container = build_container(create=True)
        try:
            with open_roster(file) as stream, transaction(container.sessions) as session:
                report = import_roster(session, stream, source=file.name, strict=strict)
        except OSError as exc:
            raise fail(
                t("runs.file_error", path=str(file), error=exc.strerror or type(exc).__name__)
            ) from None
        except RosterFormatError as exc:
            raise fail(t("runs.file_error", path=str(file), error=str(exc))) from None
        except RosterRejected as exc:
            print_problems(exc.report.problems, exc.report.bad)
            raise fail(t("runs.file_error", path=str(file), error=str(exc)), 1) from None
    if json_output:
        _echo_json(
            {
                "rows": report.rows,
                "imported": report.imported,
                "already_known": report.already_known,
                "bad": report.bad,
                "problems": [p.__dict__ for p in report.problems],
            }
        )
    else:
        typer.echo(
            t(
                "runs.roster_report",
                rows=report.rows,
                imported=report.imported,
                known=report.already_known,
                bad=report.bad,
            )
        )
        print_problems(report.problems, report.bad)


def _echo_json(document: Any) -> None:
    """Print ``document`` as indented JSON, controls inside strings escaped for the terminal."""
    typer.echo(json_text(json.dumps(document, indent=2, ensure_ascii=False, default=str)))


def reconcile(
    dry_run: bool = typer.Option(False, "--dry-run", help=t("cli.opt.dry_run")),
    confirm: bool = typer.Option(False, "--confirm", help=t("cli.opt.confirm")),
    rate: float = typer.Option(None, "--rate", help=t("cli.opt.rate")),
    concurrency: int = typer.Option(
        16, "--concurrency", parser=number("--concurrency"), help=t("cli.opt.concurrency")
    ),
    batch_size: int = typer.Option(
        200, "--batch-size", parser=number("--batch-size"), help=t("cli.opt.batch_size")
    ),
    guard_sample: int = typer.Option(
        200, "--guard-sample", parser=number("--guard-sample"), help=t("cli.opt.guard_sample")
    ),
    alasan: str = typer.Option(None, "--alasan", help=t("held.opt_alasan_confirm")),
    oleh: str = typer.Option(None, "--oleh", help=t("held.opt_oleh")),
    json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json_report")),
    queue: bool = typer.Option(False, "--queue", help=t("cli.opt.queue")),
) -> None:
    """Reconcile the whole instansi with SIASN (resumes an interrupted run); ``--queue`` hands
    it to the workers (``ekinerja-sync worker``) and follows it.

    Exit codes: 0 done, 1 aborted or stopped, 3 held by a guard (approve it in the console or
    with ``runs setujui``), 4 another run is in progress.
    """
    at_least("--rate", rate, 0)
    at_least("--concurrency", concurrency, 1)
    at_least("--batch-size", batch_size, 1)
    at_least("--guard-sample", guard_sample, 1)
    if queue and dry_run:
        raise fail(t("worker.queue_conflicts_dry_run"))
    approval = runs_held.approval_reason(confirm, alasan)
    actor = runs_held.cli_actor(oleh) if confirm else ReconcileOptions.actor
    with cli_errors():
        if queue:
            refuse_without_postgres()
        container = build_container(rate=rate, create=True)
        report = _run_reconcile(
            container,
            ReconcileOptions(
                dry_run=dry_run,
                confirm=confirm,
                concurrency=concurrency,
                batch_size=batch_size,
                guards=GuardPolicy(sample_size=guard_sample),
                actor=actor,
                approval_reason=approval,
                timezone=container.settings.display_timezone,
            ),
            QueuedStart() if queue else None,
        )
    _finish_reconcile(container, report, json_output)


def _run_reconcile(
    container: Container, options: ReconcileOptions, queued: QueuedStart | None = None
) -> dict[str, Any]:
    """One reconciliation with its progress bar (in this process, or ``queued`` to the
    workers); busy (exit 4) and stopped (exit 1) refused."""
    if queued is not None:  # SIGTERM stops following as Ctrl-C does (exit 130, the run goes on)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return asyncio.run(reconcile_with_progress(container, options, queued or run_reconcile))
    except KeyboardInterrupt:
        if queued is None:
            raise
        raise queued.interrupted() from None
    except runs.RunBusy as exc:
        raise fail(str(exc), 4) from None
    except RunStopped as exc:
        raise fail(t("runs.stopped", reason=str(exc)), 1) from None


def _finish_reconcile(container: Container, report: dict[str, Any], json_output: bool) -> None:
    """Print a finished run's report, then exit with its status's code."""
    code = EXIT.get(report["status"], 1)
    held = report["status"] in runs_held.HELD
    report = runs_held.with_plan_counts(container, report)
    if json_output:
        _echo_json(dated(report, container.settings.display_timezone))
    else:  # a hold's reason first on stdout; another refusal's reason on stderr only, once
        runs_held.print_hold(out, report)
        render_report(out, report, reason=not code)
        runs_held.print_next_step(out, report, container.settings.auth.public_url)
    if code:
        _refuse(report, code, held=held and not json_output)


def _refuse(report: dict[str, Any], code: int, *, held: bool) -> None:
    """Say on stderr why the run did not finish (a hold: only where to look), exit ``code``."""
    reason = report.get("guard_reason")
    if held:
        typer.echo(visible(t("held.cli_status")), err=True)
        raise typer.Exit(code)
    typer.echo(
        visible(
            t("runs.refused", status=status_label(report["status"]), reason=reason)
            if reason
            else t("runs.refused_bare", status=status_label(report["status"]))
        ),
        err=True,
    )
    raise typer.Exit(code)


@runs_app.command("list", help=help_text("cli.runs_list"))
def runs_list(
    limit: int = typer.Option(20, help=t("cli.opt.runs_limit"), parser=number("--limit", 1, 1000)),
    json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json")),
) -> None:
    """List reconciliation runs, newest first (times in the configured timezone)."""
    with cli_errors(), run_errors():
        container = build_container()
        tz = container.settings.display_timezone
        with container.sessions() as session:
            rows = run_detail.list_runs(session, ADMIN_CLI, limit)
    if json_output:
        _echo_json([dated(row, tz) for row in rows])
        return
    headers = [
        t(f"runs.col.{name}") for name in ("run_id", "status", "started", "duration", "failed", "conflicts")
    ]
    print_table(
        out,
        headers,
        [
            [
                row["run_id"],
                status_label(row["status"]),
                when(row["started_at"], tz),
                seconds(row["duration_s"]),
                row["failed"],
                row["conflicts_opened"],
            ]
            for row in rows
        ],
        ids=(0,),
    )


@runs_app.command("show", help=help_text("cli.runs_show"))
def runs_show(
    run_id: str = typer.Argument(..., help=t("cli.arg.run_id")),
    items: bool = typer.Option(False, "--items", help=t("cli.opt.items")),
    situasi: str = typer.Option(None, "--situasi", help=t("cli.opt.runs_situasi")),
    json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json")),
) -> None:
    """Show one run's report, and with --items what happened to each employee."""
    with cli_errors(), run_errors():
        container = build_container()
        tz = container.settings.display_timezone
        with container.sessions() as session:
            report = run_detail.run_report(session, ADMIN_CLI, run_id)
            found = run_detail.run_items(session, ADMIN_CLI, run_id, situasi) if items else []
        report = runs_held.with_plan_counts(container, report)
    if json_output:
        if items:
            report["items"] = [i.as_dict() for i in found]
        _echo_json(dated(report, tz))
        return
    runs_held.print_hold(out, report)
    render_report(out, report)
    runs_held.print_approval(out, report, tz)
    for item in found:
        print_item(item)


@runs_app.command("setujui", help=help_text("held.cli_setujui"))
def runs_setujui(
    run_id: str = typer.Argument(..., help=t("cli.arg.run_id")),
    alasan: str = typer.Option(None, "--alasan", help=t("held.opt_alasan")),
    oleh: str = typer.Option(None, "--oleh", help=t("held.opt_oleh")),
) -> None:
    """Approve a held run after reviewing its plan (the console's button from the terminal)."""
    report = runs_held.approve(run_id, alasan, oleh)
    render_report(out, report)
    code = EXIT.get(report["status"], 1)
    if code:
        raise typer.Exit(code)


@contextmanager
def run_errors() -> Iterator[None]:
    """Run lookups as one line on stderr, exit 2: a bad, ambiguous or unknown id is bad input
    (README, exit codes)."""
    try:
        yield
    except KonflikError as exc:
        raise fail(str(exc)) from None


def register(app: typer.Typer) -> None:
    """Add these commands to the main app (the main module owns settings and errors)."""
    app.add_typer(roster_app, name="roster")
    app.add_typer(runs_app, name="runs")
    app.command(help=help_text("cli.reconcile"))(reconcile)


async def reconcile_with_progress(
    container: Container, options: ReconcileOptions, start: Start = run_reconcile
) -> dict[str, Any]:
    """``start`` (a run in this process, or queued) with a progress bar per phase on stderr,
    only when stdout is a terminal; a pipe or a file gets the report alone."""
    if not sys.stdout.isatty():
        return await start(container, options)
    with stderr_progress() as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            label = _phase_label(phase)
            if phase not in tasks:
                tasks[phase] = bar.add_task(label, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        return await start(container, options, progress)


def _phase_label(phase: str) -> str:
    try:
        return t(f"runs.phase.{phase}")
    except UnknownMessage:
        return phase
