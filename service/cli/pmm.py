"""CLI of the PMM feed: ``pmm sync``, ``pmm import FILE``, ``pmm status``.

Exit codes: 0 done, 1 some results failed or were rejected (or the run stopped), 2 bad input,
4 another feed is running.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import func, select

from connectors.pmm.recap import RecapFileError
from mappings.messages import t
from service.cli.common import (
    at_least,
    build_container,
    cli_errors,
    command_group,
    fail,
    help_text,
    out,
    stderr_progress,
)
from service.container import Container
from service.jobs import FEED_SOURCES, run_feed
from service.render import json_text, local_time, plain, print_table
from store.models_skp import PmmCursor, PmmProblem
from sync import clock, runs
from sync.pmm.feed import Progress as FeedProgress
from sync.pmm.file_source import file_refusal, import_file
from sync.pmm.ingest import COUNTS, OUTCOMES, unaccounted
from sync.pmm.problems import problems_by_school

SOURCES = FEED_SOURCES
COUNT_LABEL = COUNTS

RUN_STATUS = (
    runs.RunStatus.COMPLETED,
    runs.RunStatus.FAILED,
    runs.RunStatus.STOPPED,
    runs.RunStatus.DRY_RUN,
    runs.RunStatus.RUNNING,
)

pmm_app = command_group(t("skp.help.pmm"))
RECAP_FILE_HELP = t("skp.arg.recap_file")


async def _feed_with_progress(container: Container, source: str) -> list[dict[str, Any]]:
    """``run_feed`` with a progress bar per source on stderr, only when stdout is a terminal
    (as ``reconcile`` does); a pipe or a file gets the report alone."""
    if not sys.stdout.isatty():
        return await run_feed(container, source)
    with stderr_progress() as bar:

        def shown(label: str) -> FeedProgress:
            task = bar.add_task(label, total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        return await run_feed(container, source, shown)


def with_pmm_rate(container: Container, rate: float | None) -> Container:
    """The container with the PMM contract's rate overridden for one command (``--rate``)."""
    if rate is None:
        return container
    pmm = container.settings.pmm.model_copy(update={"rate": rate})
    return replace(container, settings=container.settings.model_copy(update={"pmm": pmm}))


def exit_code(report: dict[str, Any]) -> int:
    """0 when everything flowed or was reported, 1 when something failed, was rejected or could
    not be read."""
    counts = report.get("counts") or {}
    troubled = counts.get("failed") or counts.get("rejected") or counts.get("unread")
    if report.get("status") != runs.RunStatus.COMPLETED or troubled:
        return 1
    return 0


@pmm_app.command("sync", help=help_text("skp.help.pmm_sync"))
def pmm_sync(
    source: str = typer.Option("all", "--source", help=t("skp.opt.source")),
    rate: float = typer.Option(None, "--rate", help=t("pmm.opt.rate")),
    json_output: bool = typer.Option(False, "--json", help=t("skp.opt.json_report")),
) -> None:
    """Feed teachers' results into SKP from SIASN (authoritative) and the PMM HTTP contract."""
    if source not in SOURCES:
        raise fail(t("skp.error.source", source=source, choices=", ".join(SOURCES)))
    at_least("--rate", rate, 0)
    with cli_errors():
        container = with_pmm_rate(build_container(rate=rate), rate)
        try:
            reports = asyncio.run(_feed_with_progress(container, source))
        except runs.RunBusy as exc:
            raise fail(t("skp.error.busy", kind="pmm", detail=str(exc)), 4) from None
        except ValueError as exc:
            raise fail(str(exc)) from None
    show_reports(reports, json_output)


def show_reports(reports: list[dict[str, Any]], json_output: bool) -> None:
    """Print the reports (table or JSON) and exit with the worst code."""
    if json_output:
        typer.echo(json_text(json.dumps(reports, indent=2, ensure_ascii=False, default=str)))
    else:
        for report in reports:
            render_feed(out, report)
    code = max((exit_code(r) for r in reports), default=0)
    if code:
        raise typer.Exit(code)


def run_status(status: object) -> str:
    """A run status in the operator's words; an unknown one is shown as it is."""
    return t(f"skp.run_status.{status}") if status in RUN_STATUS else str(status)


def render_counts(console: Console, title: str, counts: dict[str, Any], names: tuple[str, ...]) -> None:
    """A report's title line, then its count per outcome as a table that fits the terminal."""
    console.print(plain(title), highlight=False)
    rows = [(count_label(name), counts.get(name, 0)) for name in names]
    print_table(console, [t("skp.count.header"), t("skp.count.amount")], rows)


def count_label(name: str) -> str:
    """An outcome's name in the operator's words."""
    return t("pmm.count.unread") if name == "unread" else t(f"skp.count.{name}")


def render_sum(console: Console, counts: dict[str, Any]) -> None:
    """The feed's counts as the sum they make: read = created + updated + ... (non-zero parts)."""
    parts = [
        t("pmm.count.part", label=count_label(name), count=counts.get(name, 0))
        for name in OUTCOMES
        if counts.get(name)
    ]
    console.print(
        t("pmm.count.sum", read=counts.get("read", 0), parts=" + ".join(parts) or "0"), highlight=False
    )
    missing = unaccounted(counts)
    if missing:
        console.print(t("pmm.count.off", count=missing), highlight=False)


def render_feed(console: Console, report: dict[str, Any]) -> None:
    """A feed report: counts, then each teacher's problems with the fix and who makes it."""
    title = t("skp.feed.title", run_id=report.get("run_id") or "-", status=run_status(report.get("status")))
    render_counts(console, title, report.get("counts") or {}, COUNT_LABEL)
    render_sum(console, report.get("counts") or {})
    if report.get("guard_reason"):
        console.print(plain(t("skp.feed.reason", reason=report["guard_reason"])), highlight=False)
    problems = report.get("problems") or []
    render_problems(console, problems)
    more = (report.get("problems_total") or 0) - len(problems)
    if more > 0:
        console.print(t("skp.problems.more", count=more), highlight=False)
    for error in report.get("errors") or []:
        console.print(plain(t("skp.feed.error", where=error["where"], error=error["error"])), highlight=False)


def render_problems(console: Console, problems: list[dict[str, Any]]) -> None:
    """One line per problem and one with its fix; every value printed as text."""
    if problems:
        console.print(t("skp.problems.header"))
    for p in problems:
        console.print(
            plain(
                t(
                    "skp.problem.line",
                    nip=p["nip"],
                    nama=p.get("nama") or "-",
                    sekolah=p.get("satuan_pendidikan") or "-",
                    reason=p["alasan"],
                )
            ),
            highlight=False,
        )
        console.print(plain(t("skp.problem.fix", fix=p["perbaikan"], who=p["oleh"])), highlight=False)


def row_outcome(hasil: str) -> str:
    """A recap row's outcome in the operator's words (a refusal keeps its code)."""
    if hasil in COUNT_LABEL:
        return t(f"skp.count.{hasil}")
    return t("skp.row.refused", code=hasil)


@pmm_app.command("import", help=help_text("skp.help.pmm_import"))
def pmm_import(
    file: Path = typer.Argument(..., help=RECAP_FILE_HELP),
    json_output: bool = typer.Option(False, "--json", help=t("skp.opt.json_report")),
) -> None:
    """Import a recap file: every row accepted or refused with its reason; a bad file writes nothing."""
    with cli_errors():
        container = build_container(create=True)  # an import sets a store up, as roster import does
        try:
            report = _import_with_progress(container, file)
        except RecapFileError as exc:
            raise fail(file_refusal(exc)) from None
        except runs.RunBusy as exc:
            raise fail(t("skp.error.busy", kind="pmm", detail=str(exc)), 4) from None
    if json_output:  # streamed: a province's report is tens of megabytes
        echo_json_stream([report])
        raise typer.Exit(exit_code(report))
    for row in report["rows"]:
        out.print(
            plain(
                t(
                    "skp.row.line",
                    baris=row["baris"],
                    nip=row["nip"] or "-",
                    hasil=row_outcome(row["hasil"]),
                    keterangan=row["keterangan"],
                )
            ),
            highlight=False,
        )
    show_reports([report], json_output)


def echo_json_stream(document: Any) -> None:
    """Print ``document`` as indented JSON a piece at a time (controls escaped, as json_text)."""
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, default=str)
    pending: list[str] = []
    size = 0
    for chunk in encoder.iterencode(document):
        pending.append(chunk)
        size += len(chunk)
        if size > 65536:
            sys.stdout.write(json_text("".join(pending)))
            pending, size = [], 0
    sys.stdout.write(json_text("".join(pending)) + "\n")
    sys.stdout.flush()


def _import_with_progress(container: Container, file: Path) -> dict[str, Any]:
    """``import_file`` with a progress bar on stderr when stderr is a terminal."""
    if not sys.stderr.isatty():
        return import_file(container.sessions, file)
    with stderr_progress(transient=True) as bar:

        def start(total: int) -> Callable[[int], None]:
            task = bar.add_task(t("pmm.progress"), total=total or None)
            return lambda done: bar.advance(task, done)

        return import_file(container.sessions, file, progress=start)


@pmm_app.command("status", help=help_text("skp.help.pmm_status"))
def pmm_status(json_output: bool = typer.Option(False, "--json", help=t("skp.opt.json"))) -> None:
    """Where each feed source has read up to, and the open problems by school."""
    with cli_errors():
        container = build_container()
        timezone = container.settings.display_timezone
        with container.sessions() as session:
            stored = list(session.scalars(select(PmmCursor).order_by(PmmCursor.source, PmmCursor.scope)))
            cursors = [
                {
                    "source": c.source,
                    "scope": c.scope,
                    "high_water": clock.iso(c.high_water, clock.zone(timezone)),
                    "page_cursor": c.page_cursor,
                    "run_id": c.run_id,
                }
                for c in stored
            ]
            shown = [(c.source, c.scope, local_time(c.high_water, timezone)) for c in stored]
            open_count = (
                session.scalar(
                    select(func.count()).select_from(PmmProblem).where(PmmProblem.status == "open")
                )
                or 0
            )
            schools = problems_by_school(session)
    if json_output:
        typer.echo(
            json_text(
                json.dumps(
                    {"cursors": cursors, "open_problems": open_count, "schools": schools},
                    indent=2,
                    ensure_ascii=False,
                )
            )
        )
        return
    render_status(out, shown, open_count, schools)


def render_status(
    console: Console, cursors: list[tuple[str, str, str]], open_count: int, schools: list[dict[str, Any]]
) -> None:
    """The feed sources and how far each has read, then the open problems school by school."""
    console.print(t("skp.status.header"))
    headers = [t("skp.col.source"), t("skp.col.scope"), t("skp.col.high_water")]
    if cursors:
        print_table(console, headers, cursors)
    else:
        console.print(t("skp.status.none"))
    console.print(t("skp.status.open", count=open_count))
    for school in schools:
        console.print(
            plain(
                t(
                    "skp.status.school",
                    npsn=school["npsn"] or "-",
                    sekolah=school["satuan_pendidikan"],
                    jumlah=school["jumlah_guru"],
                )
            ),
            highlight=False,
        )
        for guru in school["guru"]:
            render_problems(console, guru["masalah"])


def register(app: typer.Typer) -> None:
    """Add the ``pmm`` group to the main app."""
    app.add_typer(pmm_app, name="pmm")
