"""``ekinerja-sync worker`` and the queued form of ``reconcile`` (``--queue``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import typer
from procrastinate.exceptions import ConnectorException

from mappings.messages import t
from service.cli.common import at_least, build_container, cli_errors, fail, help_text, number
from service.container import Container
from service.render import visible
from service.settings import MAX_CONCURRENCY, load_settings
from service.worker.follow import check_queue, queue_and_follow
from service.worker.process import run_worker
from service.worker.queue import conninfo
from sync.reconcile import ReconcileOptions
from sync.reconcile.context import Progress


def worker(
    concurrency: int = typer.Option(
        None,
        "--concurrency",
        parser=number("--concurrency", 1, MAX_CONCURRENCY),
        help=t("cli.opt.worker_concurrency"),
    ),
    once: bool = typer.Option(False, "--sekali", help=t("cli.opt.worker_once")),
) -> None:
    """Run a Procrastinate worker for queued reconciliations (PostgreSQL only)."""
    at_least("--concurrency", concurrency, 1)
    with cli_errors(), _queue_errors():
        refuse_without_postgres()
        container = build_container()
        check_queue(container)
        chosen = concurrency or container.settings.worker.concurrency
        said = t("worker.started", queue=container.settings.worker.queue, concurrency=chosen)
        typer.echo(visible(said), err=True)
        with suppress(KeyboardInterrupt):
            asyncio.run(run_worker(container, chosen, wait=not once))
    typer.echo(t("worker.stopped"), err=True)


def refuse_without_postgres() -> None:
    """Refuse a store that is not PostgreSQL before anything is opened or created."""
    conninfo(load_settings().database_url)


class QueuedStart:
    """How ``reconcile --queue`` starts a run: hand it to the workers and follow it."""

    def __init__(self) -> None:
        self.run_id: str | None = None

    async def __call__(
        self, container: Container, options: ReconcileOptions, progress: Progress | None = None
    ) -> dict[str, Any]:
        """The run's report once it ends (as ``service.jobs.run_reconcile`` gives it)."""
        with _queue_errors():
            return await queue_and_follow(container, options, progress, warn=_said, opened=self._opened)

    def _opened(self, run_id: str) -> None:
        self.run_id = run_id

    def interrupted(self) -> typer.Exit:
        """Ctrl-C while following: the run goes on in the workers; say where to look."""
        if self.run_id is not None:
            typer.echo(visible(t("worker.interrupted", run_id=self.run_id)), err=True)
        return typer.Exit(130)


def _said(message: str) -> None:
    typer.echo(visible(message), err=True)


@contextmanager
def _queue_errors() -> Iterator[None]:
    """Procrastinate's connection errors as one line in Bahasa (exit 2)."""
    try:
        yield
    except ConnectorException as exc:
        raise fail(t("worker.queue_unreachable", error=str(exc).splitlines()[0][:300])) from None


def register(app: typer.Typer) -> None:
    """Add ``worker`` to the main app."""
    app.command(help=help_text("cli.worker"))(worker)
