"""The job entry points: a reconciliation, the PMM feed, the SKP push, a held run's approval.

The CLI, the scheduler, the HTTP API and the demo all start their jobs here, over the container's
clients (one per upstream credential on each event loop, drawing from the credential's one
budget). What a caller shows (progress bars, tables, pages, exit codes) stays with the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mappings.messages import t
from service.container import Container
from sync.konflik.scope import Scope
from sync.pmm.feed import Progress as FeedProgress
from sync.pmm.feed import feed_siasn
from sync.pmm.http_source import feed_http
from sync.reconcile import ReconcileOptions, Reconciler
from sync.reconcile.context import Progress as ReconcileProgress
from sync.reconcile.detail import approve_held_run
from sync.skp.push import SkpPush

FEED_SOURCES = ("siasn", "http", "all")


async def run_reconcile(
    container: Container,
    options: ReconcileOptions,
    progress: ReconcileProgress | None = None,
    *,
    rate: float | None = None,
) -> dict[str, Any]:
    """One reconciliation of the whole instansi (or its dry run); its report. ``progress`` is
    told each phase's done/total; ``rate`` paces this run below the budget (the nightly rate)."""
    async with container.siasn() as siasn:
        if rate is not None:
            siasn.limiter.rate = siasn.limiter.ceiling = rate
        return await Reconciler(siasn, container.sessions, options, progress).run()


async def run_feed(
    container: Container, source: str, shown: Callable[[str], FeedProgress | None] | None = None
) -> list[dict[str, Any]]:
    """Run the PMM feed from ``source`` (siasn, http or all); one report per source read.
    ``shown(label)`` gives a source's progress callback (None: no progress shown)."""
    reports: list[dict[str, Any]] = []
    bar = shown or (lambda _label: None)
    if source in ("siasn", "all"):
        async with container.siasn() as siasn:
            reports.append(await feed_siasn(container.sessions, siasn, progress=bar(t("pmm.progress_siasn"))))
    if source in ("http", "all"):
        async with container.pmm() as pmm:
            if pmm is None:
                if source == "http":
                    raise ValueError(t("skp.error.pmm_not_configured"))
            else:
                reports.append(await feed_http(container.sessions, pmm, progress=bar(t("pmm.progress_http"))))
    return reports


async def run_push(container: Container, *, dry_run: bool = False) -> dict[str, Any]:
    """One SKP push to SIASN (or its plan); its report."""
    async with container.siasn() as siasn:
        return await SkpPush(siasn, container.sessions, dry_run=dry_run).run()


async def approve_held(
    container: Container, scope: Scope, run_id: str, *, actor: str, reason: str
) -> dict[str, Any]:
    """Apply a held run after review, recording who approved it and why; its report."""
    async with container.siasn() as siasn:
        return await approve_held_run(
            siasn,
            container.sessions,
            scope,
            run_id,
            actor=actor,
            reason=reason,
            timezone=container.settings.display_timezone,
        )
