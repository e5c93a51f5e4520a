"""The results: ratios computed once, a JSON file, a table (Markdown) and a PNG plot."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
PHASES = ("units", "fetch", "guard", "apply", "supervisors")


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPU, cores, memory, Python, load, plain-Python speed."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    started = time.perf_counter()
    for _ in range(10_000_000):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 2**20, 1),
        "python": sys.version.split()[0],
        "load_average_start": os.getloadavg(),
        "loop_10m_s": round(time.perf_counter() - started, 2),
    }


def ratios(result: dict[str, Any]) -> None:
    """Each night against its own ceiling and against the naive loop, per employee and per call."""
    naive = result.get("naive")
    for name in ("night_1", "night_2"):
        night = result.get(name)
        if not night:
            continue
        night["share_of_ceiling"] = round(night["calls_per_s"] / night["ceiling"]["calls_per_s"], 3)
        if naive:
            night["x_naive_per_employee"] = round(night["employees_per_s"] / naive["employees_per_s"], 1)
            night["x_naive_per_call"] = round(night["calls_per_s"] / naive["calls_per_s"], 1)
    scale = result.get("scale") or []
    if len(scale) > 1:
        first, last = scale[0]["peak_rss_mb"], scale[-1]["peak_rss_mb"]
        result["scale_growth"] = round(last / first - 1, 3)


def _cpu(night: dict[str, Any]) -> str:
    per = night["cpu_ms_per_employee"]
    return f"{per['total']:.1f} ({' / '.join(f'{per.get(p, 0):.1f}' for p in PHASES)})"


def _night_rows(result: dict[str, Any]) -> list[str]:
    rows = []
    for name, label in (("night_1", "night 1 (empty store)"), ("night_2", "night 2 (after a simulated day)")):
        n = result.get(name)
        if not n:
            continue
        rows.append(
            f"| ceiling before {label.split(' (')[0]}: aiohttp, {n['ceiling']['concurrency']}"
            f" concurrent | {n['ceiling']['calls_per_s']} | 1.00 | | | | | |"
        )
        rows.append(
            f"| {label} | {n['calls_per_s']} | {n['share_of_ceiling']:.2f} | "
            f"{n.get('x_naive_per_employee', '')}x / {n.get('x_naive_per_call', '')}x | "
            f"{n['calls_per_employee']} | {_cpu(n)} | {n['peak_rss_mb']} MB | "
            f"{n.get('changed_share', '')} |"
        )
    return rows


def table(result: dict[str, Any]) -> str:
    """The Markdown table of ratios and the lines under it."""
    meta = result["meta"]
    lines = [
        f"{meta['employees']} employees, L = {meta['latency_ms']} ms, concurrency "
        f"{meta['concurrency']}, {meta['store']}; {meta['machine']['cores']} cores "
        f"({meta['machine']['cpu']}), load average "
        f"{', '.join(f'{x:.1f}' for x in meta['machine']['load_average_start'])} at the start",
        "",
        "| | calls/s | share of the aiohttp ceiling | x naive (per employee / per call) "
        "| calls per employee | CPU ms per employee: total (units / fetch / guard / apply "
        "/ supervisors) | peak RSS | changed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    naive = result.get("naive")
    if naive:
        lines.append(
            f"| naive loop, one employee at a time (3 calls) | {naive['calls_per_s']} | | 1x / 1x | 3 | | | |"
        )
    lines += _night_rows(result)
    lines += ["", *_clients(result), *_sinkron(result), *_limits(result), *_scale(result)]
    workers = result.get("workers") or {}
    if "skipped" in workers:
        lines.append(f"- workers (1, 2, 4): skipped: {workers['skipped']}")
    for run in workers.get("runs", []):
        lines.append(
            f"- {run['workers']} worker(s): {run['calls_per_s']} calls/s, {run['speedup_vs_1']}x one worker"
        )
    return "\n".join(lines)


def _clients(result: dict[str, Any]) -> list[str]:
    lines = []
    alternation = result.get("alternation") or []
    if alternation:
        lines.append(
            "- raw clients alternated at the night's concurrency: "
            + ", ".join(f"{r['client']} {r['calls_per_s']}" for r in alternation)
            + " calls/s"
        )
    sweep = result.get("sweep") or []
    if sweep:
        by_level: dict[int, dict[str, float]] = {}
        for r in sweep:
            by_level.setdefault(r["concurrency"], {})[r["client"]] = r["calls_per_s"]
        lines.append(
            "- sweep (aiohttp / httpx calls/s): "
            + ", ".join(f"{level}: {c.get('aiohttp')} / {c.get('httpx')}" for level, c in by_level.items())
        )
    return lines


def _sinkron(result: dict[str, Any]) -> list[str]:
    sinkron = result.get("sinkron") or {}
    lines = []
    for key, label in (("idle", "idle"), ("during_night", "from the start of a night's apply phase")):
        s = sinkron.get(key)
        if s and s.get("requests"):
            extra = (
                (f", {s['ended_during_phase']} of {s['requests']} ended during the apply phase")
                if "ended_during_phase" in s
                else ""
            )
            lines.append(
                f"- Sinkron SIASN {label} ({s['requests']} requests, 20 concurrent): "
                f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms, "
                f"{s['http_5xx']} HTTP 5xx, {s['no_answer']} unanswered{extra}"
            )
    d = sinkron.get("decisions_during_apply")
    if d and d.get("requests"):
        lines.append(
            f"- conflict decision while a night applies ({d['requests']}, one at a "
            f"time): p50 {d['p50_ms']} ms, max {d['max_ms']} ms, statuses "
            f"{d['statuses']}"
        )
    return lines


def _limits(result: dict[str, Any]) -> list[str]:
    lines = []
    for name, r in (result.get("rate_limit") or {}).items():
        if r.get("requests"):
            lines.append(
                f"- rate limit {r['rate_limit']}/s at the simulator, {name}: "
                f"{r['sustained_share_of_limit']:.2f} of it sustained, "
                f"{r['share_429'] * 100:.1f}% answered 429, worst 10 s window "
                f"{r['worst_10s_vs_budget']:.2f}x the budget"
            )
            lines.extend(_jobs(r))
    return lines


def _jobs(r: dict[str, Any]) -> list[str]:
    """Each job's own figures in a one-``serve`` scenario (night, Sinkron, PMM feed)."""
    lines = []
    night, pressed, pmm = r.get("night"), r.get("sinkron"), r.get("pmm")
    if night and night.get("runs"):
        lines.append(
            f"  - night: {night['status']} (phase {night['phase']}"
            f"{', resumed' if night['resumed'] else ''}), {night['siasn_calls']} SIASN calls "
            f"counted by its run (written per fetch batch), lease held {_spans(night['held_s'])} s "
            "after serve started"
        )
    elif night is not None:
        lines.append("  - night: no run started in the window")
    if pressed and pressed.get("requests"):
        lines.append(
            f"  - Sinkron: {pressed['requests']} requests, p50 {pressed['p50_ms']} ms, "
            f"p95 {pressed['p95_ms']} ms, statuses {pressed['statuses']}"
        )
    if pmm is not None:
        runs = "; ".join(f"{f['source']} {f['status']} read {f.get('read', 0)}" for f in pmm["runs"])
        lines.append(
            f"  - PMM feed: {runs or 'no run started'}; lease held {_spans(pmm['held_s'])} s, "
            f"{pmm['overlap_with_night_s']} s of it while the night ran; in the window "
            f"{pmm['siasn_calls_in_window']} SIASN and {pmm['pmm_calls_in_window']} PMM calls; "
            f"{'whole feed' if pmm['finished'] else 'feed unfinished at the wait limit'}: "
            f"{pmm['siasn_calls']} SIASN calls, {pmm['pmm_calls']} PMM calls, "
            f"{pmm['teachers_synced']} of {pmm['teachers_in_store']} teachers with SKP"
        )
    return lines


def _scale(result: dict[str, Any]) -> list[str]:
    scale = result.get("scale") or []
    if not scale:
        return []
    growth = result.get("scale_growth")
    return [
        "- peak RSS of the reconcile process by size (L = 0): "
        + ", ".join(
            f"{s['employees']}: {s['peak_rss_mb']} MB ({s['cpu_ms_per_employee']:.1f} ms CPU/employee)"
            for s in scale
        )
        + (f"; growth {growth * 100:.0f}%" if growth is not None else "")
    ]


def _spans(spans: list[list[float]]) -> str:
    return ", ".join(f"{a}..{b}" for a, b in spans) or "never"


def save_partial(result: dict[str, Any]) -> None:
    """The figures measured so far, to ``results/partial.json`` (overwritten each section)."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "partial.json").write_text(json.dumps(result, indent=2))


def write(result: dict[str, Any]) -> Path:
    """JSON, Markdown table and PNG plot in ``benchmarks/results/``; the JSON's path."""
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"bench-{result['meta']['employees']}-{time.strftime('%Y%m%d-%H%M%S')}"
    result["meta"]["load_average_end"] = os.getloadavg()
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2))
    stem.with_suffix(".md").write_text(table(result) + "\n")
    plot(result, stem.with_suffix(".png"))
    return stem.with_suffix(".json")


def plot(result: dict[str, Any], path: Path) -> None:
    """The concurrency sweep of both raw clients, and each night against its ceiling."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for client, style in (("aiohttp", "o-"), ("httpx", "s--")):
        points = [
            (r["concurrency"], r["calls_per_s"]) for r in result.get("sweep") or [] if r["client"] == client
        ]
        if points:
            left.plot(*zip(*points, strict=True), style, label=f"raw {client}")
    for name, marker in (("night_1", "^"), ("night_2", "v")):
        night = result.get(name)
        if night:
            left.plot(
                [night["ceiling"]["concurrency"]],
                [night["calls_per_s"]],
                marker,
                markersize=10,
                label=name.replace("_", " "),
            )
    left.set(
        xscale="log", xlabel="concurrent requests", ylabel="calls/s", title="Concurrency sweep (data-utama)"
    )
    left.set_xticks([8, 16, 32, 64, 128], labels=["8", "16", "32", "64", "128"])
    if left.get_legend_handles_labels()[0]:
        left.legend()
    names = [n for n in ("night_1", "night_2") if result.get(n)]
    ceilings = [result[n]["ceiling"]["calls_per_s"] for n in names]
    achieved = [result[n]["calls_per_s"] for n in names]
    xs = range(len(names))
    right.bar([x - 0.2 for x in xs], ceilings, 0.4, label="aiohttp ceiling (just before)")
    right.bar([x + 0.2 for x in xs], achieved, 0.4, label="ekinerja-sync reconcile")
    right.set_xticks(list(xs), labels=[n.replace("_", " ") for n in names])
    right.set(ylabel="calls/s", title="Nights against the ceiling")
    if names:
        right.legend()
    meta = result["meta"]
    figure.suptitle(
        f"{meta['employees']} employees, L = {meta['latency_ms']} ms, concurrency {meta['concurrency']}"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
