"""Commands that run the service or check it: serve, schedule, simulate, demo, doctor."""

from __future__ import annotations

import asyncio
import errno
import json
import socket
from datetime import datetime

import typer

from mappings.messages import t
from service.cli.common import (
    build_container,
    cli_errors,
    command_group,
    fail,
    help_text,
    number,
    out,
    warn_insecure_tls,
)
from service.logging import configure_logging
from service.render import json_text, local_time, plain, render_checks
from service.settings import ScheduleSettings, Settings

schedule_app = command_group(t("cli.schedule"))
PORT_MAX = 65535
EMPLOYEES_MAX = 1_000_000  # a simulated province 10x the largest real one


def base_url(host: str, port: int) -> str:
    """The URL a browser on this machine uses for ``host:port`` (IPv6 in brackets)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def nightly_line(config: ScheduleSettings) -> str:
    """Whether the nightly job is on, its schedule and next run; a bad schedule exits 2."""
    if not config.enabled:
        return t("cli.serve.nightly_off")
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger.from_crontab(config.reconcile_cron, timezone=config.timezone)
    except (ValueError, LookupError) as exc:
        raise fail(
            t("cli.serve.bad_schedule", cron=config.reconcile_cron, timezone=config.timezone, detail=exc)
        ) from None
    upcoming = trigger.get_next_fire_time(None, datetime.now(trigger.timezone))
    when = upcoming.strftime("%Y-%m-%d %H:%M %Z") if upcoming else "-"
    return t(
        "cli.serve.nightly_on", cron=plain(config.reconcile_cron), timezone=plain(config.timezone), next=when
    )


def listen_lines(settings: Settings, host: str, port: int) -> list[str]:
    """What ``serve`` prints before it starts: addresses, everywhere-binding note, nightly job."""
    url = base_url(host, port)
    lines = [
        t("cli.serve.listening", host=plain(host), port=port),
        t("cli.serve.console", url=f"{url}/admin/"),
        t("cli.serve.login", url=f"{url}/login"),
        t("cli.serve.api", url=f"{url}/api/v1"),
        t("cli.serve.docs", url=f"{url}/docs"),
    ]
    if settings.auth.public_url:
        lines.append(t("cli.serve.public", url=plain(settings.auth.public_url.rstrip("/"))))
    if host not in ("127.0.0.1", "::1", "localhost"):
        lines.append(t("cli.serve.exposed", host=plain(host)))
    lines.append(nightly_line(settings.schedule))
    return lines


def serve(
    host: str = typer.Option(None, help=t("cli.opt.host")),
    port: int = typer.Option(None, parser=number("--port", 1, PORT_MAX), help=t("cli.opt.port")),
) -> None:
    """Serve the HTTP API and the admin console (loopback by default)."""
    import uvicorn

    from service.api import create_app, siasn_problem
    from service.worker.queue import conninfo

    with cli_errors():
        container = build_container(create=True)
        settings = container.settings
        problem = siasn_problem(settings.siasn)
        if problem is not None:  # the console and the review still work; Sinkron answers 503
            out.print(t("cli.serve.siasn_missing", reason=plain(problem)), soft_wrap=True, highlight=False)
            settings = settings.model_copy(
                update={"schedule": settings.schedule.model_copy(update={"enabled": False})}
            )
        if settings.schedule.enabled and settings.schedule.queue:  # the queue needs PostgreSQL
            conninfo(settings.database_url)
        bind_host, bind_port = host or settings.api.host, port or settings.api.port
        listener = bound_socket(bind_host, bind_port)  # refused in Bahasa before anything is said
        for line in listen_lines(settings, bind_host, bind_port):
            out.print(line, soft_wrap=True, highlight=False)
        app_ = create_app(container, scheduler=settings.schedule.enabled)
        server = uvicorn.Server(uvicorn.Config(app_, log_level="warning"))
        server.run(sockets=[listener])


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` for uvicorn, or exit 2 saying in Bahasa why not (the
    port is taken, not allowed, or the address is not this machine's)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise fail(t("cli.serve.bad_host", host=plain(host))) from None
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
    try:
        listener.bind(address)
    except OSError as exc:
        listener.close()
        key = {errno.EADDRINUSE: "cli.serve.port_busy", errno.EACCES: "cli.serve.port_denied"}.get(
            exc.errno or 0, "cli.serve.bad_host"
        )
        raise fail(t(key, host=plain(host), port=port)) from None
    listener.set_inheritable(True)
    return listener


@schedule_app.command("list", help=help_text("cli.schedule_list"))
def schedule_list(json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json"))) -> None:
    """Show the scheduled jobs and their next run."""
    from service.scheduler import ScheduleError, jobs

    with cli_errors():
        container = build_container()
        try:
            listed = jobs(container)
        except ScheduleError as exc:
            raise fail(str(exc)) from None
    if json_output:
        typer.echo(json_text(json.dumps(listed, indent=2, ensure_ascii=False)))
        return
    timezone = container.settings.display_timezone
    for job in listed:
        upcoming = job["next_run_time"]
        when = local_time(upcoming, timezone)
        out.print(
            t(
                "cli.schedule.job",
                id=plain(job["id"]),
                name=plain(job["name"]),
                trigger=plain(job["trigger"]),
                next=when,
                coalesce=job["coalesce"],
                max_instances=job["max_instances"],
            ),
            soft_wrap=True,
            highlight=False,
        )


def simulate(
    port: int = typer.Option(8765, parser=number("--port", 1, PORT_MAX), help=t("cli.opt.sim_port")),
    employees: int = typer.Option(
        2000, parser=number("--employees", 1, EMPLOYEES_MAX), help=t("cli.opt.employees")
    ),
    seed: int = typer.Option(1, parser=number("--seed", 0), help=t("cli.opt.seed")),
    latency_ms: float = typer.Option(0, help=t("cli.opt.latency_ms")),
    error_rate: float = typer.Option(0, help=t("cli.opt.error_rate")),
) -> None:
    """Serve a simulated SIASN on loopback and print the settings to use it."""
    from service.demo import serve_simulator

    serve_simulator(port=port, employees=employees, seed=seed, latency_ms=latency_ms, error_rate=error_rate)


def demo(
    employees: int = typer.Option(
        3000, parser=number("--employees", 1, EMPLOYEES_MAX), help=t("cli.opt.employees")
    ),
    seed: int = typer.Option(1, parser=number("--seed", 0), help=t("cli.opt.seed")),
    db: str = typer.Option("ekinerja-demo.db", help=t("cli.opt.demo_db")),
) -> None:
    """Run the demo: simulator on loopback, two nights of reconciliation, conflicts, report."""
    from service.demo import run_demo

    configure_logging("console", "WARNING")
    raise typer.Exit(run_demo(out, employees=employees, seed=seed, db_path=db))


def doctor(json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json_doctor"))) -> None:
    """Check configuration, database, SIASN tokens and answers, and MyASN; say how to fix."""
    from service.doctor import Check, report, run_doctor
    from service.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        checks = [Check("config", "error", str(exc), t("cli.doctor.fix_config"))]
    else:
        configure_logging(settings.log_format, "ERROR")
        warn_insecure_tls(settings)
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
    for command, key in (
        (serve, "cli.serve"),
        (simulate, "cli.simulate"),
        (demo, "cli.demo"),
        (doctor, "cli.doctor"),
    ):
        app.command(help=help_text(key))(command)
    app.add_typer(schedule_app, name="schedule")
