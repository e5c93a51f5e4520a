"""The honest benchmark harness: ekinerja-sync against the fastest raw client, in one run.

    python -m benchmarks.run --employees 20000 --latency-ms 50 --concurrency 32
    python -m benchmarks.run --quick

The simulated SIASN runs in its own process; each night, ``serve`` and the workers run in their
own processes too, so nothing measured carries the generated world. In one run: the raw
ceiling (aiohttp) and httpx beside it, alternated and swept over concurrency; the naive loop;
night 1 and night 2 against a ceiling measured right before each; Sinkron SIASN latency idle and
while a night applies, and a conflict decision then; throughput under a rate limit enforced at
the simulator; peak RSS as the instansi grows; 1, 2 and 4 workers when they exist. JSON, a table
and a plot go to ``benchmarks/results/``. Ratios from one run, not absolute times, are the claims.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import ceiling, one_serve, ratelimit, report, sinkron, workers
from benchmarks.nights import NightProcess, run_night
from benchmarks.simproc import SimProcess
from benchmarks.store import Store

PEOPLE_CHANGES = (
    "mutasi",
    "naik_pangkat",
    "pensiun",
    "meninggal",
    "cpns_baru",
    "moved_by_merge",
    "stuck_in_removed_unit",
)
SECTIONS = ("clients", "nights", "sinkron", "ratelimit", "scale", "workers")


@dataclass(frozen=True)
class Plan:
    """How big and how long each section is (``--quick`` shrinks it to under two minutes)."""

    employees: int
    latency_ms: float
    concurrency: int
    batch_size: int
    seed: int
    levels: list[int]
    sweep_s: float
    ceiling_s: float
    naive_sample: int
    sinkron_requests: int
    decisions: int
    rate: float
    rate_window_s: float
    feed_wait_s: float
    scale: list[int]
    scale_nights: int
    workers: list[int]
    postgres: str | None
    sections: tuple[str, ...]


def parse() -> Plan:
    """The plan from the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short windows")
    parser.add_argument("--employees", type=int)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=200, help="the product's default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=25, help="limit enforced at the simulator")
    parser.add_argument("--scale", help="sizes for peak RSS, e.g. 10000,50000,100000")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server: store there")
    parser.add_argument("--only", help=f"comma-separated sections of {','.join(SECTIONS)}")
    args = parser.parse_args()
    quick = bool(args.quick)
    scale = args.scale or ("200,400,800" if quick else "10000,50000,100000")
    return Plan(
        employees=args.employees or (400 if quick else 20000),
        latency_ms=args.latency_ms,
        concurrency=args.concurrency,
        batch_size=args.batch_size,
        seed=args.seed,
        levels=[8, 32, 128] if quick else [8, 16, 32, 64, 128],
        sweep_s=0.7 if quick else 4.0,
        ceiling_s=1.0 if quick else 6.0,
        naive_sample=10 if quick else 100,
        sinkron_requests=40 if quick else 200,
        decisions=3 if quick else 5,
        rate=args.rate,
        rate_window_s=8 if quick else 60,
        feed_wait_s=20 if quick else 900,
        scale=[int(s) for s in scale.split(",")],
        scale_nights=1 if quick else 2,
        workers=[1, 2, 4],
        postgres=args.postgres,
        sections=tuple(args.only.split(",")) if args.only else SECTIONS,
    )


def clients(plan: Plan, sim: SimProcess, nips: list[str], result: dict[str, Any]) -> None:
    """Both raw clients alternated at the night's concurrency, the sweep, the naive loop."""
    headers, paths = sim.headers(), ceiling.call_paths(nips, "data-utama")
    print("clients: alternation, sweep, naive loop", flush=True)
    result["alternation"] = ceiling.alternate(sim.url, headers, paths, plan.concurrency, plan.ceiling_s)
    result["sweep"] = ceiling.sweep(sim.url, headers, paths, plan.levels, plan.sweep_s)
    result["naive"] = ceiling.naive_loop(sim.url, headers, nips[: plan.naive_sample])


def night(plan: Plan, sim: SimProcess, store: Store, nips: list[str], mix: str) -> dict[str, Any]:
    """The aiohttp ceiling for this night's calls right before it, then the night."""
    before = ceiling.raw(
        "aiohttp", sim.url, sim.headers(), ceiling.call_paths(nips, mix), plan.concurrency, plan.ceiling_s
    )
    measured = run_night(
        sim.night_config(store.url, concurrency=plan.concurrency, batch_size=plan.batch_size)
    )
    return {**measured, "ceiling": before}


def next_day(sim: SimProcess, store: Store, conflicts: int = 0) -> tuple[list[str], float]:
    """A simulated day at SIASN (some edited locally too), the roster re-imported; NIPs and
    the share of employees SIASN changed."""
    changes = sim.control("POST", "advance-day")
    changed = {nip for key in PEOPLE_CHANGES for nip in changes.get(key, [])}
    if conflicts:
        store.local_edits(sim, list(changes.get("mutasi", []))[:conflicts])
    nips = store.import_roster(sim)
    return nips, round(len(changed) / max(len(nips), 1), 4)


def nights(plan: Plan, sim: SimProcess, store: Store, nips: list[str], result: dict[str, Any]) -> list[str]:
    """Night 1 on the empty store, a day, night 2; the roster after it."""
    print("night 1", flush=True)
    result["night_1"] = night(plan, sim, store, nips, "full")
    report.save_partial(result)
    nips, changed = next_day(sim, store, conflicts=plan.decisions)
    print("night 2", flush=True)
    result["night_2"] = {**night(plan, sim, store, nips, "data-utama"), "changed_share": changed}
    return nips


def sinkron_section(
    plan: Plan, sim: SimProcess, store: Store, nips: list[str], result: dict[str, Any]
) -> None:
    """Sinkron idle, then a day and a night: decisions and Sinkron while it applies."""
    print("sinkron: idle, then while a night applies", flush=True)
    serve = sinkron.ServeProcess.start(sim.environment(store.url))
    try:
        sample = nips[:: max(1, len(nips) // plan.sinkron_requests)][: plan.sinkron_requests]
        out: dict[str, Any] = {"idle": sinkron.summarize(sinkron.press_sinkron(serve, sample))}
        conflict_ids = sinkron.open_conflicts(serve, plan.decisions)
        next_day(sim, store)
        running = NightProcess.start(
            sim.night_config(store.url, concurrency=plan.concurrency, batch_size=plan.batch_size)
        )
        try:
            if running.wait_for("apply"):
                during_night(serve, running, conflict_ids, list(reversed(sample)), out)
            out["night_3"] = {k: v for k, v in running.finish().items() if k in ("status", "calls", "wall_s")}
        finally:
            if running.process.poll() is None:
                running.stop()
        result["sinkron"] = out
    finally:
        serve.stop()


def during_night(
    serve: sinkron.ServeProcess,
    running: NightProcess,
    conflict_ids: list[int],
    nips: list[str],
    out: dict[str, Any],
) -> None:
    """From the start of the night's apply phase: decisions (one at a time) and Sinkron
    (20 at a time) together, each request marked by whether it ended before the apply did."""
    refusals: list[str] = []
    decided: list[sinkron.Sample] = []
    deciding = threading.Thread(target=lambda: decided.extend(sinkron.decide(serve, conflict_ids, refusals)))
    deciding.start()
    pressed = sinkron.press_sinkron(serve, nips)
    deciding.join()

    def applying(at: float) -> bool:
        return running.during("apply", at)

    out["decisions_during_apply"] = {**sinkron.summarize(decided, applying), "refusals": refusals}
    out["during_night"] = sinkron.summarize(pressed, applying)


def ratelimit_section(
    plan: Plan, sim: SimProcess, store: Store, nips: list[str], result: dict[str, Any]
) -> None:
    """A night at the product's rate N against N enforced; then with Sinkron pressed too; then
    the night, Sinkron and the PMM feed together in one ``serve``."""
    print(f"rate limit {plan.rate}/s: a night, then a night and Sinkron", flush=True)
    config = sim.night_config(
        store.url, concurrency=plan.concurrency, batch_size=plan.batch_size, rate=plan.rate
    )

    def night_alone(stop: threading.Event) -> None:
        running = NightProcess.start(config)
        stop.wait()
        running.stop()

    out = {"night_alone": ratelimit.measure(sim, plan.rate, 5, plan.rate_window_s, night_alone)}
    serve = sinkron.ServeProcess.start(sim.environment(store.url, rate=plan.rate))

    def night_and_sinkron(stop: threading.Event) -> None:
        running = NightProcess.start(config)
        while not stop.is_set():
            sinkron.press_sinkron(serve, nips[:40])
        running.stop()

    try:
        out["night_and_sinkron_api"] = ratelimit.measure(
            sim, plan.rate, 5, plan.rate_window_s, night_and_sinkron
        )
    finally:
        serve.stop()
    print("rate limit: night, Sinkron and the PMM feed in one serve", flush=True)
    out["night_sinkron_pmm_one_serve"] = one_serve.run(plan, sim, store, nips)
    result["rate_limit"] = out


def scale(plan: Plan, folder: Path, result: dict[str, Any]) -> None:
    """Night 1 (and night 2 unless quick) at each size, no added latency: peak RSS, CPU."""
    rows = []
    for size in plan.scale:
        print(f"scale: {size} employees", flush=True)
        sim = SimProcess.start(size, seed=plan.seed)
        store = Store.create(folder, f"scale-{size}", plan.postgres)
        try:
            store.import_roster(sim)
            config = sim.night_config(store.url, concurrency=plan.concurrency, batch_size=plan.batch_size)
            first = second = run_night(config)
            if plan.scale_nights > 1:
                next_day(sim, store)
                second = run_night(config)
        finally:
            sim.stop()
            store.drop()
        rows.append(
            {
                "employees": size,
                "peak_rss_mb": max(first["peak_rss_mb"], second["peak_rss_mb"]),
                "night_1_peak_rss_mb": first["peak_rss_mb"],
                "night_2_peak_rss_mb": second["peak_rss_mb"],
                "cpu_ms_per_employee": first["cpu_ms_per_employee"]["total"],
                "night_2_cpu_ms_per_employee": second["cpu_ms_per_employee"]["total"],
            }
        )
    result["scale"] = rows


@contextmanager
def timed(result: dict[str, Any], name: str) -> Iterator[None]:
    """Record how long a section took (``timings_s``) and save what is measured so far."""
    started = time.perf_counter()
    try:
        yield
    finally:
        result.setdefault("timings_s", {})[name] = round(time.perf_counter() - started, 1)
        report.save_partial(result)  # a long run stopped later still leaves its figures


def main_world(plan: Plan, folder: Path, result: dict[str, Any]) -> None:
    """The sections that share one simulator and one store, in order."""
    sim = SimProcess.start(plan.employees, seed=plan.seed, latency_ms=plan.latency_ms)
    store = Store.create(folder, "bench", plan.postgres)
    try:
        nips = store.import_roster(sim)
        if "clients" in plan.sections:
            with timed(result, "clients"):
                clients(plan, sim, nips, result)
        if "nights" in plan.sections:
            with timed(result, "nights"):
                nips = nights(plan, sim, store, nips, result)
        if "sinkron" in plan.sections:
            with timed(result, "sinkron"):
                sinkron_section(plan, sim, store, nips, result)
        if "ratelimit" in plan.sections:
            with timed(result, "ratelimit"):
                ratelimit_section(plan, sim, store, nips, result)
        if "workers" in plan.sections:
            with timed(result, "workers"):
                result["workers"] = workers_section(plan, sim, folder)
    finally:
        sim.stop()
        store.drop()


def workers_section(plan: Plan, sim: SimProcess, folder: Path) -> dict[str, Any]:
    """1, 2 and 4 workers on PostgreSQL, or why not."""
    reason = workers.missing_reason(sim.environment("sqlite:///" + str(folder / "probe.db")))
    if reason is not None:
        print(f"workers: skipped: {reason}", flush=True)
        return {"skipped": reason}
    if not plan.postgres:
        return {"skipped": "workers need PostgreSQL: pass --postgres ADMIN_URL"}
    roster = folder / "roster.csv"
    roster.write_bytes(sim.export_csv())
    return workers.run(sim, plan.postgres, plan.workers, plan.concurrency, str(roster), folder)


def main() -> None:
    """Run the plan, write the results, print the table."""
    plan = parse()
    result: dict[str, Any] = {
        "meta": {
            "employees": plan.employees,
            "latency_ms": plan.latency_ms,
            "concurrency": plan.concurrency,
            "batch_size": plan.batch_size,
            "store": "PostgreSQL" if plan.postgres else "SQLite",
            "machine": report.machine(),
        }
    }
    with tempfile.TemporaryDirectory(prefix="ekinerja-bench-") as name:
        main_world(plan, Path(name), result)
        if "scale" in plan.sections:
            with timed(result, "scale"):
                scale(plan, Path(name), result)
    report.ratios(result)
    path = report.write(result)
    print(f"\nresults: {path} (+ .md, .png)\n")
    print(report.table(result))


if __name__ == "__main__":
    main()
