"""A night, the Sinkron API and the PMM feed in one ``serve``, under a rate limit at SIASN.

``serve``'s own scheduler starts the night and the PMM feed at the next whole minute, as an
operator's crons would (``EKINERJA_SCHEDULE__RECONCILE_CRON`` and ``__PMM_CRON``; the feed reads
every configured source: each teacher's rw-skp22 and rw-kinerjaperiodik from SIASN, then the PMM
contract from its simulator), while Sinkron SIASN is pressed through the same ``serve``: one
process, one SIASN credential, one budget. The rate-limit figures count every request the SIASN
simulator received in the window, whoever sent it. Each job's own figures come from its run rows
in the store and from the simulators' per-endpoint counters; whether the feed actually ran while
the night did is measured (``pmm.overlap_with_night_s``), not assumed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from benchmarks import ratelimit, sinkron
from benchmarks.simproc import PmmProcess, SimProcess
from store.db import make_engine
from store.models import RunLock, SyncRun
from store.models_skp import Skp
from sync.pmm.http_source import SOURCE as HTTP_SOURCE
from sync.pmm.siasn_source import teacher_nips

if TYPE_CHECKING:
    from benchmarks.run import Plan
    from benchmarks.store import Store

# SIASN endpoints only the PMM feed reads in this scenario (the SKP push is not scheduled)
PMM_SIASN_ENDPOINTS = ("rw-skp22", "rw-kinerjaperiodik")


@dataclass(frozen=True)
class Counters:
    """What the simulators and the store had counted at one moment."""

    siasn: dict[str, int]
    pmm: dict[str, int]
    teachers_with_skp: int
    runs: dict[str, dict[str, Any]]

    @classmethod
    def take(cls, sim: SimProcess, pmm: PmmProcess, store_url: str) -> Counters:
        """Read both simulators' counters, the teachers holding an SKP and the runs now."""
        engine = make_engine(store_url)
        try:
            with engine.connect() as connection:
                teachers = int(connection.scalar(select(func.count(distinct(Skp.nip)))) or 0)
        finally:
            engine.dispose()
        return cls(dict(sim.control("GET", "stats")), pmm.stats(), teachers, all_runs(store_url))


class LeaseWatch(threading.Thread):
    """Polls the run leases (``run_lock``) to see when each kind of job really runs.

    A lease counts as held from the first poll where it differs from what it was before
    ``serve`` started (taken, taken over or renewed: a lease a killed night left behind does
    not count) until it is released or lapses; a resumed night keeps its old run row, so the
    lease, not the run's start time, says when it ran."""

    def __init__(self, store_url: str, interval_s: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(store_url)
        self.interval_s = interval_s
        self.origin = time.monotonic()
        self.initial = self._read()
        self.spans: Spans = {}
        self.run_ids: dict[str, list[str]] = {}
        self.done = threading.Event()

    def _read(self) -> dict[str, tuple[str, int, float, str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(RunLock.kind, RunLock.owner, RunLock.epoch, RunLock.expires_at, RunLock.run_id)
            ).all()
        return {kind: (owner, epoch, expires, run_id) for kind, owner, epoch, expires, run_id in rows}

    def run(self) -> None:
        """Poll until stopped; each kind's held spans in seconds after the watch began."""
        held: dict[str, bool] = {}
        while not self.done.wait(self.interval_s):
            at, now = round(time.monotonic() - self.origin, 2), time.time()
            for kind, (owner, epoch, expires, run_id) in self._read().items():
                live = expires > now and (owner, epoch, expires, run_id) != self.initial.get(kind)
                if live and not held.get(kind):
                    self.spans.setdefault(kind, []).append([at, at])
                    ids = self.run_ids.setdefault(kind, [])
                    ids.extend([run_id] if run_id not in ids else [])
                if live:
                    self.spans[kind][-1][1] = at
                    self.initial.pop(kind, None)  # renewed once: later polls compare to nothing
                held[kind] = live

    def stop(self) -> None:
        """Stop polling and release the connection."""
        self.done.set()
        self.join(timeout=10)
        self.engine.dispose()


Spans = dict[str, list[list[float]]]


def overlap_s(first: list[list[float]], second: list[list[float]]) -> float:
    """Seconds during which a span of ``first`` and one of ``second`` both ran."""
    return round(sum(max(0.0, min(a[1], b[1]) - max(a[0], b[0])) for a in first for b in second), 1)


def run(plan: Plan, sim: SimProcess, store: Store, nips: list[str]) -> dict[str, Any]:
    """The scheduled night and PMM feed with Sinkron pressed, all in one ``serve``; the
    rate-limit figures of the window and each job's own figures next to them."""
    started = time.monotonic()
    pmm = PmmProcess.start(plan.employees, seed=plan.seed, latency_ms=plan.latency_ms)
    try:
        figures = _measure(plan, sim, store, nips, pmm)
    finally:
        pmm.stop()
    return {**figures, "scenario_wall_s": round(time.monotonic() - started, 1)}


def environment(plan: Plan, sim: SimProcess, store: Store, pmm: PmmProcess) -> dict[str, str]:
    """``serve``'s settings: both jobs on a cron firing at the next whole minute, the night
    without a cap of its own (the shared budget only), the PMM contract configured."""
    env = sim.environment(store.url, rate=plan.rate)
    env.update(
        {
            "EKINERJA_SCHEDULE__ENABLED": "true",
            "EKINERJA_SCHEDULE__RECONCILE_CRON": "* * * * *",
            "EKINERJA_SCHEDULE__PMM_CRON": "* * * * *",
            "EKINERJA_SCHEDULE__RATE": "0",
            **pmm.environment(),
        }
    )
    return env


def _measure(plan: Plan, sim: SimProcess, store: Store, nips: list[str], pmm: PmmProcess) -> dict[str, Any]:
    pressed: list[sinkron.Sample] = []

    def load(stop: threading.Event) -> None:
        ratelimit.first_traffic(sim, deadline=time.monotonic() + 120)  # the scheduler's jobs began
        while not stop.is_set():
            pressed.extend(sinkron.press_sinkron(serve, nips[:40]))

    before = Counters.take(sim, pmm, store.url)
    sim.control("POST", "ratelimit", {"rate": plan.rate, "burst": 5, "reset": True})
    watch = LeaseWatch(store.url)
    watch.start()
    try:
        serve = sinkron.ServeProcess.start(environment(plan, sim, store, pmm))
        try:
            measured = ratelimit.measure(sim, plan.rate, 5, plan.rate_window_s, load)
            after = Counters.take(sim, pmm, store.url)  # before serve stops: the jobs as they are
            fed = _feed_end(sim, pmm, store.url, before, time.monotonic() + plan.feed_wait_s)
        finally:
            serve.stop()
    finally:
        watch.stop()
    in_window = pmm_figures(before, after, watch.spans, teachers_in_store(store.url))
    return {
        **measured,
        "night": night_figures(before, after, watch.spans, watch.run_ids.get("reconcile", [])),
        "sinkron": sinkron.summarize(pressed),
        "pmm": {
            **pmm_figures(before, fed, watch.spans, in_window["teachers_in_store"]),
            "siasn_calls_in_window": in_window["siasn_calls"],
            "pmm_calls_in_window": in_window["pmm_calls"],
            "finished": feed_finished(before, fed),
        },
    }


def feed_finished(before: Counters, now: Counters) -> bool:
    """The feed has read its last source (the PMM contract, read after SIASN) to the end."""
    return any(
        run["kind"] == f"pmm:{HTTP_SOURCE}" and run["status"] != "running"
        for run_id, run in now.runs.items()
        if run_id not in before.runs
    )


def _feed_end(
    sim: SimProcess, pmm: PmmProcess, store_url: str, before: Counters, deadline: float
) -> Counters:
    """The counters once the feed has finished (the night and ``serve`` carry on meanwhile),
    or at ``deadline``: the feed's own figures cover the whole feed, not just the window."""
    while True:
        now = Counters.take(sim, pmm, store_url)
        if feed_finished(before, now) or time.monotonic() >= deadline:
            return now
        time.sleep(1)


def all_runs(store_url: str) -> dict[str, dict[str, Any]]:
    """Every run in the store by id: kind, status, phase, SIASN calls it counted, counts."""
    engine = make_engine(store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(SyncRun).order_by(SyncRun.started_at)).mappings().all()
    finally:
        engine.dispose()
    return {
        row["id"]: {
            "kind": row["kind"],
            "status": row["status"],
            "phase": row["phase"],
            "calls": row["calls"],
            "counts": row["counts"] or {},
        }
        for row in rows
    }


def teachers_in_store(store_url: str) -> int:
    """Active teachers and principals in the store (whom the SIASN source reads)."""
    engine = make_engine(store_url)
    try:
        with engine.connect() as connection:
            return len(teacher_nips(Session(bind=connection)))
    finally:
        engine.dispose()


def night_figures(before: Counters, after: Counters, spans: Spans, ids: list[str]) -> dict[str, Any]:
    """The scheduled night: status and phase at the window's end, SIASN calls its run counted
    in the scenario, whether it resumed a run an earlier (killed) night left, when it held
    its lease (seconds after ``serve`` started)."""
    if not ids:
        return {"runs": 0}
    run_id = ids[-1]
    run = after.runs.get(run_id, {})
    return {
        "runs": len(ids),
        "status": run.get("status"),
        "phase": run.get("phase"),
        "resumed": run_id in before.runs,
        "siasn_calls": run.get("calls", 0) - before.runs.get(run_id, {}).get("calls", 0),
        "held_s": spans.get("reconcile", []),
    }


def pmm_figures(before: Counters, after: Counters, spans: Spans, teachers: int) -> dict[str, Any]:
    """The scheduled PMM feed from ``before`` to ``after``: its runs (per source) with their
    counts, PMM calls made, teachers holding an SKP afterwards, SIASN calls it made (counted at
    SIASN by endpoint; its 429s cannot be told apart from the others'), how long it ran while
    the night did (lease spans until the watch stopped)."""
    feeds = [
        run
        for run_id, run in after.runs.items()
        if run["kind"].startswith("pmm") and run_id not in before.runs
    ]
    return {
        "runs": [
            {"source": feed["kind"].partition(":")[2], "status": feed["status"], **feed["counts"]}
            for feed in feeds
        ],
        "held_s": spans.get("pmm", []),
        "pmm_calls": sum(after.pmm.get(k, 0) - before.pmm.get(k, 0) for k in ("token", "api")),
        "siasn_calls": sum(after.siasn.get(k, 0) - before.siasn.get(k, 0) for k in PMM_SIASN_ENDPOINTS),
        "teachers_in_store": teachers,
        "teachers_synced": after.teachers_with_skp - before.teachers_with_skp,
        "overlap_with_night_s": overlap_s(spans.get("reconcile", []), spans.get("pmm", [])),
    }
