"""The benchmark's arithmetic is honest (the benchmark itself never runs in the suite)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.one_serve import Counters, feed_finished, night_figures, overlap_s, pmm_figures
from benchmarks.ratelimit import budget_figures
from benchmarks.report import ratios
from benchmarks.sinkron import Sample, percentile, summarize
from sync.pmm.http_source import SOURCE as HTTP_SOURCE


def test_budget_figures_count_every_request_and_find_the_worst_window() -> None:
    """Admitted throughput excludes 429s, the 429 share counts them, and the worst 10-second
    window counts everything (tokens and 429s too) against ten seconds of budget."""
    seconds = {str(s): {"total": 10, "throttled": 0} for s in range(100, 120)}
    seconds["105"] = {"total": 16, "throttled": 4, "token": 1}
    figures = budget_figures(seconds, 100, 119, rate=10)
    assert figures["seconds"] == 20
    assert figures["requests"] == 206 and figures["answered_429"] == 4
    assert figures["token_requests"] == 1
    assert figures["sustained_share_of_limit"] == pytest.approx(202 / 20 / 10, abs=1e-3)
    assert figures["share_429"] == pytest.approx(4 / 206, abs=1e-4)
    assert figures["worst_10s_vs_budget"] == pytest.approx(106 / 100)


def test_seconds_without_traffic_count_as_zero() -> None:
    """A silent second inside the window lowers the sustained share; it is not skipped."""
    seconds = {"1": {"total": 10}, "3": {"total": 10}}
    assert budget_figures(seconds, 1, 3, rate=10)["sustained_share_of_limit"] == pytest.approx(
        20 / 30, abs=1e-3
    )


def test_percentiles_are_nearest_rank() -> None:
    """p50, p95 and p99 of 1..100 ms are 50, 95 and 99 ms; a single value is every percentile."""
    values = [n / 1000 for n in range(1, 101)]
    assert [percentile(values, q) for q in (0.5, 0.95, 0.99)] == [0.05, 0.095, 0.099]
    assert percentile([0.2], 0.99) == 0.2


def test_summary_counts_5xx_and_unanswered_apart() -> None:
    """HTTP 5xx and requests that got no answer at all are both reported, separately."""
    samples = [Sample(1.0, 0.1, 200), Sample(2.0, 0.2, 500), Sample(3.0, 0.3, 0)]
    summary = summarize(samples, during=lambda at: at < 2.5)
    assert summary["http_5xx"] == 1 and summary["no_answer"] == 1
    assert summary["ended_during_phase"] == 2


def test_nights_are_compared_per_employee_and_per_call() -> None:
    """A night with one call per employee is compared with the three-call naive loop both per
    employee and per call, and against the ceiling measured before it."""
    result: dict[str, Any] = {
        "naive": {"employees_per_s": 5.0, "calls_per_s": 15.0},
        "night_2": {"calls_per_s": 300.0, "employees_per_s": 295.0, "ceiling": {"calls_per_s": 600.0}},
    }
    ratios(result)
    night = result["night_2"]
    assert night["share_of_ceiling"] == 0.5
    assert night["x_naive_per_employee"] == 59.0 and night["x_naive_per_call"] == 20.0


def _counters(
    siasn: dict[str, int], pmm: dict[str, int], teachers: int, runs: dict[str, dict[str, Any]]
) -> Counters:
    return Counters(siasn=siasn, pmm=pmm, teachers_with_skp=teachers, runs=runs)


def _run(kind: str, status: str, calls: int = 0, **counts: int) -> dict[str, Any]:
    return {"kind": kind, "status": status, "phase": "x", "calls": calls, "counts": counts}


def test_lease_spans_overlap_only_where_both_ran() -> None:
    """Overlap sums each pair's common part; spans one after the other share nothing."""
    assert overlap_s([[0.0, 10.0]], [[5.0, 20.0], [25.0, 30.0]]) == 5.0
    assert overlap_s([[0.0, 10.0]], [[10.0, 12.0]]) == 0.0
    assert overlap_s([], [[0.0, 1.0]]) == 0.0


def test_feed_figures_count_its_own_calls_and_only_new_runs() -> None:
    """The feed's SIASN calls are its endpoints' deltas (not data-utama), PMM calls are
    tokens and API calls, runs are the ones it started, teachers are those newly holding SKP."""
    before = _counters(
        {"data-utama": 100, "rw-skp22": 4, "rw-kinerjaperiodik": 4},
        {"token": 1, "api": 3, "hasil": 2},
        5,
        {"old": _run("pmm:siasn", "completed", read=9)},
    )
    after = _counters(
        {"data-utama": 400, "rw-skp22": 22, "rw-kinerjaperiodik": 20},
        {"token": 2, "api": 7, "hasil": 4},
        18,
        {
            "old": _run("pmm:siasn", "completed", read=9),
            "new": _run("pmm:siasn", "completed", read=128),
            "http": _run(f"pmm:{HTTP_SOURCE}", "running", read=10),
        },
    )
    spans = {"reconcile": [[0.0, 30.0]], "pmm": [[20.0, 40.0]]}
    figures = pmm_figures(before, after, spans, 18)
    assert figures["siasn_calls"] == 34 and figures["pmm_calls"] == 5
    assert [(r["source"], r["read"]) for r in figures["runs"]] == [("siasn", 128), (HTTP_SOURCE, 10)]
    assert figures["teachers_synced"] == 13 and figures["overlap_with_night_s"] == 10.0
    assert not feed_finished(before, after)
    after.runs["http"]["status"] = "completed"
    assert feed_finished(before, after)


def test_resumed_night_counts_only_the_calls_made_since() -> None:
    """A night resuming an earlier run reports the calls its run counted in this scenario."""
    before = _counters({}, {}, 0, {"n1": _run("reconcile", "running", calls=300)})
    after = _counters({}, {}, 0, {"n1": _run("reconcile", "completed", calls=420)})
    figures = night_figures(before, after, {"reconcile": [[50.0, 60.0]]}, ["n1"])
    assert figures["resumed"] is True and figures["siasn_calls"] == 120
    assert figures["status"] == "completed" and figures["held_s"] == [[50.0, 60.0]]
    assert night_figures(before, after, {}, []) == {"runs": 0}
