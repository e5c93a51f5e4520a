"""Fetch workers under a sample guard, and the counts of a run that ended before applying.

``all_workers`` runs the fetch workers of a run or a dry run; each result goes through
``watched``, which stops every worker (``Tripped``) once the ``SampleWatch`` says the source looks
empty or failing. ``tally`` reports what such a run (or a stopped one) did fetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import RunItem
from sync.fence import first_failure
from sync.reconcile.fetch import Failed, Fetched, NotFound
from sync.reconcile.guards import SampleWatch
from sync.reconcile.steps import count_situations


class Tripped(Exception):
    """A sample guard tripped: stop every fetch worker."""


def watched(watch: SampleWatch, result: Fetched) -> None:
    """Feed one fetch result to the sample guard; raise ``Tripped`` once it has tripped."""
    verdict = watch.record(failed=isinstance(result, Failed), unknown=isinstance(result, NotFound))
    if verdict is not None and watch.tripped is None:
        watch.tripped = verdict.reason
    if watch.tripped is not None:
        raise Tripped(watch.tripped)


async def all_workers(worker: Callable[[], Coroutine[Any, Any, None]], concurrency: int) -> None:
    """Run ``concurrency`` workers; a tripped guard ends them all, any other error is re-raised
    as itself (the first one), not as an exception group."""
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, concurrency)):
                group.create_task(worker())
    except* Tripped:
        pass
    except* Exception as failed:
        raise first_failure(failed) from None


def counts_of(results: Iterable[Fetched]) -> dict[str, int]:
    """Situation counts of fetched results that were never applied: failed and unknown NIPs."""
    counts = count_situations([])
    for result in results:
        if isinstance(result, Failed | NotFound):
            counts["failed" if isinstance(result, Failed) else "missing"] += 1
    return counts


def tally(session: Session, run_id: str) -> dict[str, int]:
    """Counts of a stored run that ended before applying: failed fetches, NIPs SIASN lacks."""
    rows = session.execute(
        select(RunItem.state, RunItem.snapshot).where(
            RunItem.run_id == run_id, RunItem.state.in_(("failed", "fetched"))
        )
    ).all()
    counts = count_situations([])
    counts["failed"] = sum(1 for state, _ in rows if state == "failed")
    counts["missing"] = sum(1 for state, snap in rows if state == "fetched" and snap is None)
    return counts
