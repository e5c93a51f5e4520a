"""The PMM feed and SKP push as scheduled jobs, and their reports as safe terminal text."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from rich.console import Console

from service.cli.pmm import render_feed
from service.container import Container
from service.scheduler import (
    JOB_ID,
    PMM_JOB_ID,
    SKP_PUSH_JOB_ID,
    ScheduleError,
    build_scheduler,
    nightly_pmm_feed,
    nightly_skp_push,
)
from simulators.dataset import World
from store.db import transaction
from store.models import RunLock
from tests.helpers import import_export, reconcile


def _with_crons(container: Container, pmm: str, push: str) -> Container:
    schedule = container.settings.schedule.model_copy(
        update={"pmm_cron": pmm, "skp_push_cron": push, "rate": 0}
    )
    settings = container.settings.model_copy(update={"schedule": schedule})
    return Container(settings, container.engine, container.sessions)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_jobs_registered_only_when_their_cron_is_set(container: Container) -> None:
    """Empty crons leave only the reconciliation; set ones add the feed and the push."""
    plain = build_scheduler(container)
    assert [j.id for j in plain.get_jobs()] == [JOB_ID]
    scheduler = build_scheduler(_with_crons(container, "0 3 * * *", "30 4 * * 1-5"))
    assert sorted(j.id for j in scheduler.get_jobs()) == sorted([JOB_ID, PMM_JOB_ID, SKP_PUSH_JOB_ID])
    with pytest.raises(ScheduleError, match="EKINERJA_SCHEDULE__SKP_PUSH_CRON"):
        build_scheduler(_with_crons(container, "0 3 * * *", "every night"))


_meeting = threading.Barrier(2, timeout=10)
_spans: dict[str, tuple[float, float]] = {}


def _night_meets() -> None:
    """Stand-in for the night: waits (10 s at most) until the feed is running too."""
    _meeting.wait()


def _feed_meets() -> None:
    """Stand-in for the PMM feed: meets the night, then works a little."""
    started = time.monotonic()
    _meeting.wait()
    time.sleep(0.3)
    _spans["feed"] = (started, time.monotonic())


def _push_works() -> None:
    """Stand-in for the SKP push: works a little."""
    started = time.monotonic()
    time.sleep(0.3)
    _spans["push"] = (started, time.monotonic())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_long_night_does_not_hold_the_feed_back(container: Container) -> None:
    """All three jobs due at once: the night and the feed run at the same time (the feed used
    to wait for the night's end, and was dropped as missed an hour late); the feed and the push
    still run one after the other."""
    _meeting.reset()
    _spans.clear()
    scheduler = build_scheduler(_with_crons(container, "0 3 * * *", "0 4 * * *"))
    for job_id, stand_in in (
        (JOB_ID, _night_meets),
        (PMM_JOB_ID, _feed_meets),
        (SKP_PUSH_JOB_ID, _push_works),
    ):
        scheduler.modify_job(job_id, func=stand_in)
    scheduler.start()
    try:
        for job_id in (JOB_ID, PMM_JOB_ID, SKP_PUSH_JOB_ID):
            scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))
        deadline = time.monotonic() + 15
        while len(_spans) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert not _meeting.broken, "the night and the feed did not run at the same time"
    assert set(_spans) == {"feed", "push"}
    (feed_start, feed_end), (push_start, push_end) = _spans["feed"], _spans["push"]
    assert feed_end <= push_start or push_end <= feed_start


@pytest.mark.e2e
def test_nightly_jobs_run_and_skip_an_overlap(container: Container, world: World) -> None:
    """The feed and push jobs run; with another process holding a lease they are skipped."""
    import_export(container, world)
    reconcile(container)
    build_scheduler(_with_crons(container, "0 3 * * *", "0 4 * * *"))
    reports = nightly_pmm_feed()
    assert reports is not None and [r["source"] for r in reports] == ["siasn"]
    pushed = nightly_skp_push()
    assert pushed is not None and pushed["status"] == "completed"
    with transaction(container.sessions) as session:
        for kind in ("pmm", "skp_push"):
            lock = session.get(RunLock, kind)
            assert lock is not None  # left by the runs above, released
            lock.owner, lock.expires_at = "another-host:1", time.time() + 600
    assert nightly_pmm_feed() is None
    assert nightly_skp_push() is None


def test_feed_report_prints_data_as_text_never_markup() -> None:
    """A teacher's name or school carrying Rich markup is printed literally."""
    console = Console(record=True, width=200)
    render_feed(
        console,
        {
            "run_id": "r1",
            "status": "completed",
            "counts": {"read": 1},
            "problems": [
                {
                    "nip": "198703122010012004",
                    "nama": "[red]Siti[/red]",
                    "satuan_pendidikan": "[bold]SMA 3[/]",
                    "alasan": "alasan [link=x]y[/link]",
                    "perbaikan": "p",
                    "oleh": "kepala sekolah",
                }
            ],
            "errors": [{"where": "[blink]w", "error": "e"}],
        },
    )
    text = console.export_text()
    assert "[red]Siti[/red]" in text and "[bold]SMA 3[/]" in text and "[blink]w" in text
    assert "[link=x]y[/link]" in text


def test_push_report_lists_what_was_not_sent_as_text() -> None:
    """The push report shows counts and each held-back or failed evaluation, escaped."""
    from service.cli.skp import exit_code, render_push

    report = {
        "run_id": "p1",
        "status": "completed",
        "counts": {"sent": 1, "failed": 1},
        "items": [
            {
                "nip": "1",
                "nama": "A",
                "periode": "2026-T1",
                "hasil": "sent",
                "siasn_id": "x",
                "keterangan": None,
            },
            {
                "nip": "2",
                "nama": "[b]B[/b]",
                "periode": "2026-T1",
                "hasil": "failed",
                "siasn_id": None,
                "keterangan": "ditolak [i]",
            },
        ],
    }
    console = Console(record=True, width=200)
    render_push(console, report)
    text = console.export_text()
    assert "2 [b]B[/b] 2026-T1: gagal: ditolak [i]" in text and "1 A 2026-T1" not in text
    assert exit_code(report) == 1
    assert exit_code({**report, "counts": {"sent": 1}}) == 0
