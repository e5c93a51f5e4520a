"""CLI of the SKP push: ``skp push [--dry-run]``.

Exit codes: 0 done, 1 some evaluations failed or their outcome is uncertain (or the run
stopped), 2 bad input, 4 another push is running.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import typer
from rich.console import Console

from mappings.messages import t
from service.cli.common import build_container, cli_errors, command_group, fail, help_text, out
from service.cli.pmm import render_counts, run_status
from service.jobs import run_push
from service.render import json_text, plain
from sync import runs
from sync.skp.push import COUNTS

skp_app = command_group(t("skp.help.skp"))


def exit_code(report: dict[str, Any]) -> int:
    """0 when everything due was sent or adopted, 1 when something failed or is uncertain."""
    counts = report.get("counts") or {}
    if report.get("status") not in (runs.RunStatus.COMPLETED, runs.RunStatus.DRY_RUN):
        return 1
    return 1 if counts.get("failed") or counts.get("uncertain") else 0


@skp_app.command("push", help=help_text("skp.help.skp_push"))
def skp_push(
    dry_run: bool = typer.Option(False, "--dry-run", help=t("skp.opt.dry_run")),
    json_output: bool = typer.Option(False, "--json", help=t("skp.opt.json_report")),
) -> None:
    """Send the instansi's rated SKP results to SIASN once each (reads SIASN before posting)."""
    with cli_errors():
        container = build_container()
        try:
            report = asyncio.run(run_push(container, dry_run=dry_run))
        except runs.RunBusy as exc:
            raise fail(t("skp.error.busy", kind="skp push", detail=str(exc)), 4) from None
    if json_output:
        typer.echo(json_text(json.dumps(report, indent=2, ensure_ascii=False, default=str)))
    else:
        render_push(out, report)
    code = exit_code(report)
    if code:
        raise typer.Exit(code)


def render_push(console: Console, report: dict[str, Any]) -> None:
    """Counts, then one line per evaluation that was not simply sent (values printed as text)."""
    title = t("skp.push.title", run_id=report.get("run_id") or "-", status=run_status(report.get("status")))
    render_counts(console, title, report.get("counts") or {}, COUNTS)
    if report.get("reason"):
        console.print(plain(t("skp.feed.reason", reason=report["reason"])), highlight=False)
    for item in report.get("items") or []:
        if item["hasil"] in ("sent", "adopted", "planned"):
            continue
        outcome = t(f"skp.count.{item['hasil']}") if item["hasil"] in COUNTS else item["hasil"]
        console.print(
            plain(
                t(
                    "skp.push.item",
                    nip=item["nip"],
                    nama=item["nama"] or "-",
                    periode=item["periode"],
                    hasil=outcome,
                    keterangan=item["keterangan"] or "-",
                )
            ),
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add the ``skp`` group to the main app."""
    app.add_typer(skp_app, name="skp")
