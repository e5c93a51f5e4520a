"""The ``ekinerja-sync`` command line."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import OperationalError

from mappings.nip import NipError
from service.container import ConfigError, Container
from service.logging import configure_logging
from service.render import render_checks, render_outcome, render_profile
from service.settings import Settings
from store.db import SchemaBehindError, current_revision, head_revision, make_engine, upgrade
from sync.audit import SYSTEM_ACTOR
from sync.outcome import SinkronOutcome, Status

app = typer.Typer(help="ekinerja-sync: keeps the local e-Kinerja store in step with SIASN.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
pegawai_app = typer.Typer(help="Local employee profiles.", no_args_is_help=True)
unor_app = typer.Typer(help="Units (unor) of the instansi.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(pegawai_app, name="pegawai")
app.add_typer(unor_app, name="unor")

out = Console()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line on stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn configuration, schema, input and database errors into one line on stderr."""
    try:
        yield
    except (ConfigError, SchemaBehindError, NipError) as exc:
        raise fail(str(exc)) from None
    except OperationalError as exc:
        raise fail(f"database unavailable: {exc.orig}") from None


def build_container(*, migrate: bool = True, rate: float | None = None) -> Container:
    """Settings, logging and the container, once per command."""
    from service.cli_runs import with_rate

    settings = with_rate(Settings(), rate)
    configure_logging(settings.log_format, settings.log_level)
    return Container.build(settings, migrate=migrate)


@app.command()
def sinkron(
    nip: str = typer.Argument(..., help="18-digit NIP (spaces allowed)"),
    json_output: bool = typer.Option(False, "--json", help="print the outcome as JSON"),
) -> None:
    """Refresh one employee from SIASN (the Sinkron SIASN button).

    Example: ekinerja-sync sinkron "19860926 201505 1 001" --json
    """
    with cli_errors():
        container = build_container()
        outcome = asyncio.run(_sinkron(container, nip))
    if json_output:
        typer.echo(outcome.model_dump_json(indent=2))
    else:
        render_outcome(out, outcome)
    if outcome.status in (Status.NOT_FOUND, Status.FAILED):
        typer.echo(f"{outcome.status.value}: {outcome.reason}", err=True)
        raise typer.Exit(1)


async def _sinkron(container: Container, nip: str) -> SinkronOutcome:
    from sync.sinkron import Sinkron

    async with container.siasn() as siasn:
        return await Sinkron(siasn, container.sessions).run(nip, actor=SYSTEM_ACTOR)


@pegawai_app.command("show")
def pegawai_show(
    nip: str = typer.Argument(..., help="18-digit NIP"),
    json_output: bool = typer.Option(False, "--json", help="print as JSON"),
) -> None:
    """Show a stored employee, their supervisor and open conflicts.

    Example: ekinerja-sync pegawai show 198609262015051001
    """
    from mappings.nip import normalize_nip
    from service.api import read_profile

    with cli_errors():
        profile = read_profile(build_container(), normalize_nip(nip))
    if profile is None:
        raise fail(f"no local employee with NIP {nip}", 1)
    if json_output:
        typer.echo(json.dumps(profile, indent=2, ensure_ascii=False))
    else:
        render_profile(out, profile)


@pegawai_app.command("edit")
def pegawai_edit(
    nip: str = typer.Argument(..., help="18-digit NIP"),
    assignments: list[str] = typer.Argument(..., help="field=value pairs"),
    actor: str = typer.Option(..., "--actor", "--oleh", help="who makes the edit"),
    reason: str = typer.Option(..., "--reason", "--alasan", help="why (kept in the audit log)"),
) -> None:
    """Edit local profile fields (Edit Profil), audited with who and why.

    Example: ekinerja-sync pegawai edit 198609262015051001 no_hp=081234567890
    --oleh "operator BKD" --alasan "nomor baru dari pegawai"
    """
    from mappings.nip import normalize_nip
    from store.db import transaction
    from sync.edit import EditError, PegawaiNotFound, edit_pegawai

    changes = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise fail(f"expected field=value, got {item!r}")
        changes[name.strip()] = value
    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                result = edit_pegawai(session, normalize_nip(nip), changes, actor=actor,
                                      reason=reason)
        except (EditError, PegawaiNotFound) as exc:
            raise fail(str(exc), 1) from None
    for name, (old, new) in result.changed.items():
        out.print(f"{name}: {old!r} -> {new!r}")
    if not result.changed:
        out.print("tidak ada perubahan (nilai sama)")


@unor_app.command("refresh")
def unor_refresh() -> None:
    """Fetch the unit tree (ref-unor) from SIASN and store it.

    Example: ekinerja-sync unor refresh
    """
    from mappings.units import UnitRecord
    from store.db import transaction
    from sync.units import apply_units, fetch_units

    async def fetch(container: Container) -> list[UnitRecord]:
        async with container.siasn() as siasn:
            return await fetch_units(siasn)

    with cli_errors():
        container = build_container()
        units = asyncio.run(fetch(container))
        with transaction(container.sessions) as session:
            changes = apply_units(session, units, actor=SYSTEM_ACTOR)
    out.print(f"{len(units)} unit: " + ", ".join(f"{k} {v}" for k, v in changes.counts().items()))


@unor_app.command("klaim")
def unor_klaim(
    unit_id: str = typer.Argument(..., help="the unor id (SIASN)"),
    nip: str = typer.Argument(..., help="NIP of the structural official claiming it"),
    actor: str = typer.Option(..., "--actor", "--oleh", help="who records the claim"),
    reason: str = typer.Option(..., "--reason", "--alasan", help="basis, e.g. the SK"),
) -> None:
    """Klaim Pimpinan Unit Kerja: record who leads a unit (eselon II-IV, own unit only).

    Example: ekinerja-sync unor klaim 8AE4830A5B3F2D10E040640A040269BB 197703092006101001
    --oleh "operator BKD" --alasan "SK pelantikan 821.2/123/2026"
    """
    from mappings.nip import normalize_nip
    from store.db import transaction
    from sync.claims import ClaimError, claim_unit

    with cli_errors():
        container = build_container()
        try:
            with transaction(container.sessions) as session:
                result = claim_unit(session, unit_id, normalize_nip(nip), actor=actor,
                                    reason=reason)
        except ClaimError as exc:
            raise fail(str(exc), 1) from None
    out.print(f"{result.status}: {result.explanation}")
    if result.status != "diterima":
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations to the configured database.

    Example: EKINERJA_DATABASE_URL=postgresql+psycopg://user@host/db ekinerja-sync db upgrade
    """
    with cli_errors():
        settings = Settings()
        engine = make_engine(settings.database_url)
        before = current_revision(engine)
        upgrade(engine)
        out.print(f"schema {before or '(empty)'} -> {current_revision(engine)}")


@db_app.command("status")
def db_status() -> None:
    """Show the schema revision of the database and the one the code needs.

    Example: ekinerja-sync db status
    """
    with cli_errors():
        engine = make_engine(Settings().database_url)
        current, head = current_revision(engine), head_revision()
    out.print(f"database {current or '(empty)'}, code {head}: "
              + ("up to date" if current == head else "upgrade needed"))
    if current != head:
        raise typer.Exit(1)


@app.command()
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


schedule_app = typer.Typer(help="The nightly schedule of `serve`.", no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")


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


@app.command()
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


@app.command()
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


@app.command()
def doctor(json_output: bool = typer.Option(False, "--json", help="print the findings as JSON")
           ) -> None:
    """Check configuration, database, SIASN tokens and answers, and MyASN; say how to fix.

    Exits 1 when something is broken. Example: ekinerja-sync doctor --json
    """
    import json

    from pydantic import ValidationError

    from service.doctor import Check, report, run_doctor

    try:
        settings = Settings()
    except ValidationError as exc:
        checks = [Check("config", "error", str(exc).replace("\n", " "),
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


def _register_runs() -> None:
    from service.cli_access import register as register_access
    from service.cli_runs import register

    register(app, build_container, fail, cli_errors)
    register_access(app, build_container, fail, cli_errors)


_register_runs()


def main() -> None:
    """Console entry point."""
    app(prog_name="ekinerja-sync")


if __name__ == "__main__":  # pragma: no cover
    main()
