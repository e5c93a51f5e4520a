"""The PMM HTTP contract as a feed source: incremental per period, re-reading a small window.

Per period the stored cursor keeps the high-water ``updated_at`` of the last completed read and,
while a read is under way, the page cursor; each page's rows and the page cursor are committed
together. The next read asks ``updated_since`` = high water minus ``REREAD`` (results can change
while paging) and skips what it already has by result id + ``updated_at``. e-Kinerja's period
rules are checked over the instansi's whole period list and reach every teacher of a breached
year.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.errors import AuthError, PermanentError, UpstreamError
from connectors.pmm.client import HasilPage, PmmClient
from connectors.pmm.models import Periode as PmmPeriode
from mappings import periode as periods
from mappings.messages import t
from mappings.skp_rules import Finding
from sync.clock import aware
from sync.pmm.feed import FeedRun, FeedStopped, Progress
from sync.pmm.ingest import Batch, Incoming, ingest
from sync.pmm.rules import StoreContext, load_context, periodik_findings
from sync.runs import RunStatus

SOURCE = "pmm_http"
REREAD = timedelta(minutes=10)


def standard_periods(
    listed: list[PmmPeriode],
) -> tuple[dict[str, periods.Periode], dict[str, periods.PeriodeError]]:
    """Each PMM period as a standard one, or why it is not standard."""
    good: dict[str, periods.Periode] = {}
    bad: dict[str, periods.PeriodeError] = {}
    for item in listed:
        try:
            good[item.id] = periods.from_pmm(item.jenis.value, item.tahun, item.mulai, item.selesai)
        except periods.PeriodeError as exc:
            bad[item.id] = exc
    return good, bad


async def feed_http(
    sessions: sessionmaker[Session], pmm: PmmClient, *, progress: Progress | None = None
) -> dict[str, Any]:
    """Read every period's new and changed results from the PMM contract into SKP;
    ``progress`` is told the periods done after each one."""
    feed = FeedRun(sessions, SOURCE)
    await asyncio.to_thread(feed.begin)
    try:
        listed = await pmm.periode()
        good, bad = standard_periods(listed)
        breaches = periodik_findings(good.values())
        context = await asyncio.to_thread(feed.tx, load_context)
        for done, item in enumerate(listed, 1):
            await _read_period(feed, pmm, item.id, good.get(item.id), bad.get(item.id), breaches, context)
            if progress is not None:
                progress(done, len(listed))
    except AuthError as exc:
        return await asyncio.to_thread(
            feed.finish, RunStatus.STOPPED, t("skp.error.credentials", source="PMM", detail=str(exc))
        )
    except UpstreamError as exc:  # the next run resumes from the stored page cursor
        return await asyncio.to_thread(
            feed.finish, RunStatus.FAILED, t("skp.error.upstream", source="PMM", detail=str(exc))
        )
    except FeedStopped as exc:
        return await asyncio.to_thread(feed.finish, RunStatus.STOPPED, str(exc))
    except BaseException:
        await asyncio.to_thread(feed.finish, RunStatus.FAILED, "interrupted")
        raise
    return await asyncio.to_thread(feed.finish, RunStatus.COMPLETED)


async def _read_period(
    feed: FeedRun,
    pmm: PmmClient,
    periode_id: str,
    periode: periods.Periode | None,
    error: periods.PeriodeError | None,
    breaches: dict[int, list[Finding]],
    context: StoreContext,
) -> None:
    stored = await asyncio.to_thread(feed.cursor, periode_id)
    high = aware(stored.high_water) if stored else None
    since = high - REREAD if high else None
    page_cursor = stored.page_cursor if stored else None
    try:
        async for page in pmm.hasil(periode_id, updated_since=since, cursor=page_cursor):
            seen = [aware(r.updated_at) for r in page.results if r.updated_at]
            newest = max((s for s in seen if s), default=None)
            if newest and (high is None or newest > high):
                high = newest
            batch = Batch([Incoming(r, periode, periode_id, error) for r in page.results], breaches)
            await asyncio.to_thread(_store_page, feed, periode_id, page, batch, context)
    except PermanentError:
        if page_cursor is not None:  # a stored cursor PMM no longer takes: start the period over
            await asyncio.to_thread(
                feed.tx, lambda s: feed.move_cursor(s, periode_id, page=None, high_water=None)
            )
        raise
    final = high
    await asyncio.to_thread(feed.tx, lambda s: feed.move_cursor(s, periode_id, page=None, high_water=final))


def _store_page(feed: FeedRun, periode_id: str, page: HasilPage, batch: Batch, context: StoreContext) -> None:
    def work(session: Session) -> None:
        counts: Counter[str] = ingest(session, SOURCE, batch, context, actor=feed.actor, run_id=feed.run_id)
        feed.add(counts)
        for bad in page.rejected:  # read, and refused before it became a result
            feed.counts["read"] += 1
            feed.counts["rejected"] += 1
            feed.errors.append(
                {
                    "where": f"{periode_id}[{bad.index}] {bad.nip or '-'}",
                    "error": f"{bad.field}: {bad.detail}",
                }
            )
        feed.move_cursor(session, periode_id, page=page.next_cursor, high_water=None)

    feed.tx(work)
