"""CLI of the PMM feed: ``pmm sync``, ``pmm import FILE``, ``pmm status``.

Exit codes: 0 done, 1 some results failed or were rejected (or the run stopped), 2 bad input,
4 another feed is running.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select

from connectors._http.client import HttpOptions, build_async_client
from connectors._http.ratelimit import RateLimiter
from connectors._http.retry import RetryPolicy
from connectors.pmm.auth import PmmToken
from connectors.pmm.client import PmmClient
from connectors.pmm.recap import RecapFileError
from mappings.messages import t
from service.cli.common import build_container, cli_errors, fail, out
from service.container import Container
from service.settings import PmmSettings
from store.models_skp import PmmCursor, PmmProblem
from sync import runs
from sync.pmm.feed import feed_siasn
from sync.pmm.file_source import import_file
from sync.pmm.http_source import feed_http
from sync.pmm.problems import problems_by_school

SOURCES = ("siasn", "http", "all")
COUNT_LABEL = ("read", "created", "updated", "unchanged", "duplicate", "rejected", "problem",
               "failed")

pmm_app = typer.Typer(help="PMM / Ruang GTK teacher results into SKP.", no_args_is_help=True)


@asynccontextmanager
async def open_pmm(config: PmmSettings, transport: httpx.AsyncBaseTransport | None = None
                   ) -> AsyncIterator[PmmClient | None]:
    """The PMM HTTP client for the block; None when the contract is not configured."""
    if not (config.base_url and config.token_url and config.client_id):
        yield None
        return
    http = build_async_client(HttpOptions(read_timeout=config.timeout), base_url=config.base_url,
                              transport=transport)
    try:
        token = PmmToken(http, token_url=config.token_url, client_id=config.client_id,
                         client_secret=config.client_secret, retry=RetryPolicy())
        yield PmmClient(http, token=token, retry=RetryPolicy(),
                        limiter=RateLimiter(config.rate or None), page_size=config.page_size)
    finally:
        await http.aclose()


async def run_feed(container: Container, source: str) -> list[dict[str, Any]]:
    """Run the feed from ``source`` (siasn, http or all); one report per source read."""
    reports: list[dict[str, Any]] = []
    if source in ("siasn", "all"):
        async with container.siasn() as siasn:
            reports.append(await feed_siasn(container.sessions, siasn))
    if source in ("http", "all"):
        async with open_pmm(container.settings.pmm) as pmm:
            if pmm is None:
                if source == "http":
                    raise ValueError(t("skp.error.pmm_not_configured"))
            else:
                reports.append(await feed_http(container.sessions, pmm))
    return reports


def exit_code(report: dict[str, Any]) -> int:
    """0 when everything flowed or was reported, 1 when something failed or was rejected."""
    counts = report.get("counts") or {}
    if report.get("status") != "completed" or counts.get("failed") or counts.get("rejected"):
        return 1
    return 0


@pmm_app.command("sync")
def pmm_sync(
    source: str = typer.Option("all", "--source", help="siasn, http or all"),
    json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Feed teachers' results into SKP from SIASN (authoritative) and the PMM HTTP contract.

    Example: ekinerja-sync pmm sync --source siasn --json
    Exit codes: 0 done, 1 some failed or rejected, 2 bad input, 4 another feed is running.
    """
    if source not in SOURCES:
        raise fail(t("skp.error.source", source=source, choices=", ".join(SOURCES)))
    with cli_errors():
        container = build_container()
        try:
            reports = asyncio.run(run_feed(container, source))
        except runs.RunBusy as exc:
            raise fail(t("skp.error.busy", kind="pmm", detail=str(exc)), 4) from None
        except ValueError as exc:
            raise fail(str(exc)) from None
    show_reports(reports, json_output)


def show_reports(reports: list[dict[str, Any]], json_output: bool) -> None:
    """Print the reports (table or JSON) and exit with the worst code."""
    if json_output:
        typer.echo(json.dumps(reports, indent=2, ensure_ascii=False, default=str))
    else:
        for report in reports:
            render_feed(out, report)
    code = max((exit_code(r) for r in reports), default=0)
    if code:
        raise typer.Exit(code)


def render_feed(console: Console, report: dict[str, Any]) -> None:
    """A feed report: counts, then each teacher's problems with the fix and who makes it."""
    table = Table(title=escape(t("skp.feed.title", run_id=report.get("run_id") or "-",
                                 status=report.get("status"))))
    table.add_column(t("skp.count.header"))
    table.add_column(t("skp.count.amount"), justify="right")
    counts = report.get("counts") or {}
    for name in COUNT_LABEL:
        table.add_row(t(f"skp.count.{name}"), str(counts.get(name, 0)))
    console.print(table)
    if report.get("guard_reason"):
        console.print(escape(str(report["guard_reason"])), highlight=False)
    render_problems(console, report.get("problems") or [])
    for error in report.get("errors") or []:
        console.print(escape(f"{error['where']}: {error['error']}"), highlight=False)


def render_problems(console: Console, problems: list[dict[str, Any]]) -> None:
    """One line per problem and one with its fix; every value escaped (data is text)."""
    if problems:
        console.print(t("skp.problems.header"))
    for p in problems:
        console.print(escape(t("skp.problem.line", nip=p["nip"], nama=p.get("nama") or "-",
                               sekolah=p.get("satuan_pendidikan") or "-", reason=p["alasan"])),
                      highlight=False, soft_wrap=True)
        console.print(escape(t("skp.problem.fix", fix=p["perbaikan"], who=p["oleh"])),
                      highlight=False, soft_wrap=True)


@pmm_app.command("import")
def pmm_import(
    file: Path = typer.Argument(..., help="the recap file (PMM CSV or e-Kinerja XLSX)"),
    json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Import a recap file: every row accepted or refused with its reason; a bad file writes nothing.

    Example: ekinerja-sync pmm import rekap-pmm-2024-2.csv --json
    Exit codes: 0 every row accepted, 1 some rows refused, 2 the file is refused, 4 busy.
    """
    with cli_errors():
        container = build_container()
        try:
            report = import_file(container.sessions, file)
        except RecapFileError as exc:
            raise fail(t(f"pmm.file.{exc.code}", **exc.params)) from None
        except runs.RunBusy as exc:
            raise fail(t("skp.error.busy", kind="pmm", detail=str(exc)), 4) from None
    if not json_output:
        for row in report["rows"]:
            out.print(escape(t("skp.row.line", baris=row["baris"], nip=row["nip"] or "-",
                               hasil=row["hasil"], keterangan=row["keterangan"])),
                      highlight=False, soft_wrap=True)
    show_reports([report], json_output)


@pmm_app.command("status")
def pmm_status(json_output: bool = typer.Option(False, "--json", help="print as JSON")) -> None:
    """Where each feed source has read up to, and the open problems by school.

    Example: ekinerja-sync pmm status --json
    Exit codes: 0 shown, 2 bad configuration or database.
    """
    with cli_errors():
        container = build_container()
        with container.sessions() as session:
            cursors = [{"source": c.source, "scope": c.scope,
                        "high_water": c.high_water.isoformat() if c.high_water else None,
                        "page_cursor": c.page_cursor, "run_id": c.run_id}
                       for c in session.scalars(select(PmmCursor).order_by(
                           PmmCursor.source, PmmCursor.scope))]
            open_count = session.scalar(select(func.count()).select_from(PmmProblem).where(
                PmmProblem.status == "open")) or 0
            schools = problems_by_school(session)
    if json_output:
        typer.echo(json.dumps({"cursors": cursors, "open_problems": open_count,
                               "schools": schools}, indent=2, ensure_ascii=False))
        return
    out.print(t("skp.status.header"))
    for c in cursors:
        out.print(escape(t("skp.status.line", source=c["source"], scope=c["scope"],
                           high_water=c["high_water"] or "-")), highlight=False)
    out.print(t("skp.status.open", count=open_count))
    for school in schools:
        out.print(escape(f"{school['npsn'] or '-'} {school['satuan_pendidikan']}: "
                         f"{school['jumlah_guru']} guru"), highlight=False)
        for guru in school["guru"]:
            render_problems(out, guru["masalah"])


def register(app: typer.Typer) -> None:
    """Add the ``pmm`` group to the main app."""
    app.add_typer(pmm_app, name="pmm")
