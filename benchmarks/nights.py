"""One reconciliation night in its own process, measured by phase from outside the product.

The child (``python -m benchmarks.nights CONFIG_JSON``) builds the container, wraps the
reconciliation's phase functions (the product exposes no timing hook; nothing in it is edited) and
prints ``phase NAME start|end`` lines while it runs, then one ``result {...}`` line: calls,
wall time, CPU of the whole process by phase (``getrusage``; the staging and per-batch apply
work, which run in worker threads, also by thread), and the peak RSS of this process alone
(``VmHWM``): the simulated world lives in another process.
"""

from __future__ import annotations

import asyncio
import cProfile
import importlib
import json
import os
import pstats
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PHASES = ("units", "fetch", "guard", "apply", "supervisors")
THREAD_WORK = {  # (module of sync.reconcile, function run on a worker thread): label
    ("fetch_phase", "_stage"): "fetch_staging",
    ("apply_phase", "_apply_batch"): "apply_batches",
}


def process_cpu() -> float:
    """User + system CPU seconds of this whole process (every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def thread_cpu() -> float:
    """User + system CPU seconds of the calling thread."""
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return usage.ru_utime + usage.ru_stime


def status_kb(field_name: str) -> int:
    """A ``/proc/self/status`` memory figure in kB (``VmHWM`` peak RSS, ``VmRSS`` now)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


@dataclass
class PhaseMeter:
    """CPU and wall seconds per reconcile phase, and per kind of thread work."""

    cpu: dict[str, float] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, cpu: float, wall: float) -> None:
        """Accumulate one measured stretch (a phase can run twice after a resume)."""
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu
        self.wall[name] = self.wall.get(name, 0.0) + wall

    def wrap(self) -> None:
        """Shadow the reconciliation's phases (and thread work) with timed ones, in this process."""
        from sync.reconcile import runner

        for phase in PHASES:
            runner.PHASES[phase] = self._timed_phase(phase, runner.PHASES[phase])
        for (module_name, name), label in THREAD_WORK.items():
            module = importlib.import_module(f"sync.reconcile.{module_name}")
            setattr(module, name, self._timed_thread(label, getattr(module, name)))

    def _timed_phase(
        self, phase: str, method: Callable[..., Awaitable[None]]
    ) -> Callable[..., Awaitable[None]]:
        async def timed(*args: Any) -> None:
            print(f"phase {phase} start", flush=True)
            cpu, wall = process_cpu(), time.perf_counter()
            try:
                await method(*args)
            finally:
                self.add(phase, process_cpu() - cpu, time.perf_counter() - wall)
                print(f"phase {phase} end", flush=True)

        return timed

    def _timed_thread(self, label: str, method: Callable[..., Any]) -> Callable[..., Any]:
        folder = os.environ.get("EKINERJA_BENCH_PROFILE")

        def timed(*args: Any) -> Any:
            profiler = cProfile.Profile() if folder else None
            cpu, wall = thread_cpu(), time.perf_counter()
            try:
                return profiler.runcall(method, *args) if profiler else method(*args)
            finally:
                self.add(label, thread_cpu() - cpu, time.perf_counter() - wall)
                if profiler is not None and folder:
                    _dump_thread_profile(profiler, Path(folder), label)

        return timed


_THREAD_PROFILES = threading.Lock()


def _dump_thread_profile(profiler: cProfile.Profile, folder: Path, label: str) -> None:
    """Add one call of thread work to its label's ``.pstats`` file (the event loop's profile
    does not see worker threads, where staging and the apply batches run)."""
    path = folder / f"{label}-{os.getpid()}.pstats"
    with _THREAD_PROFILES:
        folder.mkdir(parents=True, exist_ok=True)
        stats = pstats.Stats(profiler)
        if path.exists():
            stats.add(str(path))
        stats.dump_stats(path)


async def _reconcile(config: dict[str, Any], meter: PhaseMeter) -> dict[str, Any]:
    from benchmarks.simproc import siasn_settings
    from service.container import Container
    from service.settings import Settings
    from sync.reconcile import ReconcileOptions, Reconciler

    settings = Settings(
        database_url=config["database_url"],
        siasn=siasn_settings(config["url"], config["credentials"], rate=config["rate"]),
    )
    container = Container.build(settings)
    try:
        async with container.siasn() as siasn:
            options = ReconcileOptions(concurrency=config["concurrency"], batch_size=config["batch_size"])
            reconciler = Reconciler(siasn, container.sessions, options)
            meter.wrap()
            cpu, wall = process_cpu(), time.perf_counter()
            report = await reconciler.run()
            meter.add("total", process_cpu() - cpu, time.perf_counter() - wall)
            return report
    finally:
        container.close()


async def _cancellable(config: dict[str, Any], meter: PhaseMeter) -> dict[str, Any] | None:
    """The night, cancelled by SIGTERM (the run's lease is released on the way out)."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await _reconcile(config, meter)
    except asyncio.CancelledError:
        return None


def _profiled(night: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
    """Run ``night``; under cProfile when ``EKINERJA_BENCH_PROFILE`` names a folder (one
    ``.pstats`` file per night there, the event loop's thread only), so a figure comes with the
    profile that explains it."""
    folder = os.environ.get("EKINERJA_BENCH_PROFILE")
    if not folder:
        return night()
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(night)
    finally:
        Path(folder).mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(Path(folder) / f"night-{os.getpid()}.pstats")


def child(config: dict[str, Any]) -> dict[str, Any]:
    """Run one night here; the measured figures of this process."""
    from service.logging import configure_logging

    configure_logging("console", "WARNING")
    meter = PhaseMeter()
    rss_ready = status_kb("VmRSS")
    report = _profiled(lambda: asyncio.run(_cancellable(config, meter)))
    if report is None:
        return {"status": "cancelled"}
    employees = sum(report["counts"].values())
    return {
        "status": report["status"],
        "employees": employees,
        "calls": report["calls"],
        "counts": report["counts"],
        "conflicts_opened": report.get("conflicts_opened"),
        "cpu_s": {k: round(v, 3) for k, v in meter.cpu.items()},
        "wall_s": {k: round(v, 3) for k, v in meter.wall.items()},
        "rss_before_run_mb": round(rss_ready / 1024, 1),
        "peak_rss_mb": round(status_kb("VmHWM") / 1024, 1),
    }


@dataclass
class NightProcess:
    """A night running in a child process; a thread records its phases as it reports them."""

    process: subprocess.Popen[str]
    events: list[tuple[float, str, str]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _reader: threading.Thread | None = None

    @classmethod
    def start(cls, config: dict[str, Any]) -> NightProcess:
        """Start the child with ``config`` (database URL, simulator, concurrency, batch)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.nights", json.dumps(config)],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        night = cls(process)
        night._reader = threading.Thread(target=night._read, daemon=True)
        night._reader.start()
        return night

    def _read(self) -> None:
        for line in self.process.stdout or ():
            with self._changed:
                if line.startswith("phase "):
                    _, phase, edge = line.split()
                    self.events.append((time.monotonic(), phase, edge))
                elif line.startswith("result "):
                    self.result = json.loads(line[len("result ") :])
                self._changed.notify_all()
        with self._changed:
            self.events.append((time.monotonic(), "exit", "end"))
            self._changed.notify_all()

    def wait_for(self, phase: str, edge: str = "start", timeout: float = 3600) -> bool:
        """Block until the child reports ``phase edge``; False when it ended first."""

        def seen() -> bool:
            return any(e[1:] == (phase, edge) or e[1] == "exit" for e in self.events)

        with self._changed:
            self._changed.wait_for(seen, timeout)
            return any(e[1:] == (phase, edge) for e in self.events)

    def during(self, phase: str, at: float) -> bool:
        """Whether ``phase`` was running at monotonic time ``at``."""
        starts = [t for t, p, e in self.events if p == phase and e == "start"]
        ends = [t for t, p, e in self.events if p == phase and e == "end"]
        return bool(starts) and starts[0] <= at and (not ends or at <= ends[-1])

    def finish(self) -> dict[str, Any]:
        """Wait for the end; the result, or an error naming the exit code."""
        code = self.process.wait()
        if self._reader is not None:
            self._reader.join()
        if self.result is None or code != 0:
            raise RuntimeError(f"the night process exited {code} without a result")
        return self.result

    def stop(self) -> None:
        """Cancel the night (SIGTERM: the run stops and releases its lease) and reap it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._reader is not None:
            self._reader.join()


def run_night(config: dict[str, Any]) -> dict[str, Any]:
    """One night in its own process, with its figures per employee and per call."""
    result = NightProcess.start(config).finish()
    return derive(result)


def derive(result: dict[str, Any]) -> dict[str, Any]:
    """Rates and per-employee figures from a child's raw result."""
    employees = max(result["employees"], 1)
    wall = result["wall_s"]["total"]
    result["calls_per_s"] = round(result["calls"] / wall, 1)
    result["employees_per_s"] = round(result["employees"] / wall, 1)
    result["calls_per_employee"] = round(result["calls"] / employees, 3)
    result["cpu_ms_per_employee"] = {k: round(v * 1000 / employees, 2) for k, v in result["cpu_s"].items()}
    return result


if __name__ == "__main__":
    print("result " + json.dumps(child(json.loads(sys.argv[1]))), flush=True)
