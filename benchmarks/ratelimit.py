"""Throughput under a rate limit enforced at the simulator, counted at SIASN's side.

The simulator admits N requests/s per credential (token bucket, 429 with Retry-After) and
counts every request it receives in 1-second buckets (token requests, retries and 429s
included). A scenario runs for a fixed window; the figures come from the simulator's counts
over the seconds wholly inside it, never from the client: sustained admitted throughput as a
share of N, the share answered 429, and the worst 10-second window against the budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks.simproc import SimProcess

WINDOW_S = 10


def budget_figures(seconds: dict[str, dict[str, int]], first: int, last: int, rate: float) -> dict[str, Any]:
    """Figures over the whole seconds ``first``..``last`` (epoch) of the simulator's counts."""
    span = range(first, last + 1)
    counts = [seconds.get(str(s), {}) for s in span]
    total = sum(c.get("total", 0) for c in counts)
    throttled = sum(c.get("throttled", 0) for c in counts)
    tokens = sum(c.get("token", 0) for c in counts)
    admitted = total - throttled
    per_window = [
        sum(c.get("total", 0) for c in counts[i : i + WINDOW_S])
        for i in range(max(1, len(counts) - WINDOW_S + 1))
    ]
    window = min(WINDOW_S, len(counts))
    return {
        "seconds": len(counts),
        "requests": total,
        "token_requests": tokens,
        "answered_429": throttled,
        "admitted_per_s": round(admitted / len(counts), 2),
        "sustained_share_of_limit": round(admitted / len(counts) / rate, 3),
        "share_429": round(throttled / total, 4) if total else 0.0,
        "worst_10s_vs_budget": round(max(per_window) / (window * rate), 3),
    }


def first_traffic(sim: SimProcess, deadline: float) -> None:
    """Wait until the simulator has counted a request (the load's processes have started)."""
    while time.monotonic() < deadline:
        if sim.control("GET", "ratelimit")["totals"].get("total"):
            return
        time.sleep(0.5)


def measure(
    sim: SimProcess, rate: float, burst: float, window_s: float, load: Callable[[threading.Event], None]
) -> dict[str, Any]:
    """Enforce ``rate`` at the simulator, run ``load`` until ``window_s`` after its first request."""
    sim.control("POST", "ratelimit", {"rate": rate, "burst": burst, "reset": True})
    stop = threading.Event()
    worker = threading.Thread(target=load, args=(stop,), daemon=True)
    began = time.time()
    worker.start()
    first_traffic(sim, deadline=time.monotonic() + 300)
    time.sleep(window_s + 1)
    ended = time.time()
    stop.set()
    worker.join(timeout=120)
    stats = sim.control("GET", "ratelimit")
    sim.control("POST", "ratelimit", {"rate": 0, "reset": True})
    busy = [int(s) for s, c in stats["seconds"].items() if c.get("total") and int(s) >= began]
    if not busy:
        return {"rate_limit": rate, "burst": burst, "requests": 0}
    # from the first whole second with traffic (the client's start-up is not the limit's
    # business) to the last whole second of the window
    figures = budget_figures(stats["seconds"], min(busy) + 1, int(ended) - 1, rate)
    return {"rate_limit": rate, "burst": burst, **figures}
