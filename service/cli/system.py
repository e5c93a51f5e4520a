"""Commands that run the service or check it: serve, schedule, simulate, demo, doctor."""

from __future__ import annotations

import asyncio
import json

import typer
from rich.markup import escape

from service.cli.common import build_container, cli_errors, fail, out
from service.logging import configure_logging
from service.render import render_checks
from service.settings import Settings

schedule_app = typer.Typer(help="The nightly schedule of `serve`.", no_args_is_help=True)


def serve(
    host: str = typer.Option(None, help="bind address (default EKINERJA_API__HOST)"),
    port: int = typer.Option(None, help="port (default EKINERJA_API__PORT)"),
) -> None:
    """Serve the HTTP API (loopback by default).

    Example: ekinerja-sync serve --port 8080
    """
    import uvicorn

    from service.api import create_app

    with cli_errors():
        container = build_container()
        settings = container.settings
        from service.container import check_siasn

        check_siasn(settings.siasn)
        app_ = create_app(container, scheduler=settings.schedule.enabled)
        uvicorn.run(app_, host=host or settings.api.host,
                    port=port or settings.api.port, log_level="warning")




@schedule_app.command("list")
def schedule_list(json_output: bool = typer.Option(False, "--json", help="print as JSON")) -> None:
    """Show the scheduled jobs and their next run.

    Example: EKINERJA_SCHEDULE__RECONCILE_CRON="30 1 * * *" ekinerja-sync schedule list
    """
    from service.scheduler import ScheduleError, jobs

    with cli_errors():
        try:
            listed = jobs(build_container())
        except ScheduleError as exc:
            raise fail(str(exc)) from None
    if json_output:
        typer.echo(json.dumps(listed, indent=2))
        return
    for job in listed:
        out.print(f"{job['id']}: {job['name']}, {escape(job['trigger'])}, berikutnya "
                  f"{job['next_run_time']} (coalesce {job['coalesce']}, "
                  f"max_instances {job['max_instances']})")


def simulate(
    port: int = typer.Option(8765, help="port on 127.0.0.1"),
    employees: int = typer.Option(2000, help="employees in the generated province"),
    seed: int = typer.Option(1, help="seed of the generated province"),
    latency_ms: float = typer.Option(0, help="added latency per API call"),
    error_rate: float = typer.Option(0, help="share of API calls answering 503"),
) -> None:
    """Serve a simulated SIASN on loopback and print the settings to use it.

    Example: ekinerja-sync simulate --port 8765 --employees 2000 --seed 1
    """
    from service.demo import serve_simulator

    serve_simulator(port=port, employees=employees, seed=seed, latency_ms=latency_ms,
                    error_rate=error_rate)


def demo(
    employees: int = typer.Option(3000, help="employees in the generated province"),
    seed: int = typer.Option(1, help="seed of the generated province"),
    db: str = typer.Option("ekinerja-demo.db", help="SQLite file to write (recreated)"),
) -> None:
    """Run the demo: simulator on loopback, two nights of reconciliation, conflicts, report.

    Example: ekinerja-sync demo --employees 3000 --seed 1
    """
    from service.demo import run_demo

    configure_logging("console", "WARNING")
    raise typer.Exit(run_demo(out, employees=employees, seed=seed, db_path=db))


def doctor(json_output: bool = typer.Option(False, "--json", help="print the findings as JSON")
           ) -> None:
    """Check configuration, database, SIASN tokens and answers, and MyASN; say how to fix.

    Exits 1 when something is broken. Example: ekinerja-sync doctor --json
    """
    import json

    from pydantic import ValidationError

    from service.doctor import Check, report, run_doctor
    from service.settings import settings_problems

    try:
        settings = Settings()
    except ValidationError as exc:
        checks = [Check("config", "error", settings_problems(exc),
                        "correct the EKINERJA_* variables named")]
    else:
        configure_logging(settings.log_format, "ERROR")
        checks = asyncio.run(run_doctor(settings))
    result = report(checks)
    if json_output:
        typer.echo(json.dumps(result, indent=2))
    else:
        render_checks(out, checks)
    if not result["ok"]:
        raise typer.Exit(1)



def register(app: typer.Typer) -> None:
    """Add ``serve``, ``schedule``, ``simulate``, ``demo`` and ``doctor`` to the main app."""
    for command in (serve, simulate, demo, doctor):
        app.command()(command)
    app.add_typer(schedule_app, name="schedule")
