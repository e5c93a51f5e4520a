"""Scale-out: the same night with 1, 2 and 4 ``ekinerja-sync worker`` processes on PostgreSQL.

Needs the ``worker`` command (Procrastinate, issue 15 item 4) and a PostgreSQL server. Each
worker count starts from the same state (a fresh database, the roster imported), runs
``reconcile --queue --json`` with the workers started beforehand, and is compared with one
worker at the same per-worker concurrency; each worker's share of the partition jobs is read
from its own JSON log.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.simproc import SimProcess

CLI = [sys.executable, "-m", "service.cli"]


def missing_reason(env: dict[str, str]) -> str | None:
    """Why the section cannot run here (None when it can)."""
    probe = subprocess.run([*CLI, "worker", "--help"], env=env, capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return "`ekinerja-sync worker` does not exist yet (Procrastinate workers, issue 15 item 4)"
    return None


def fresh_database(admin_url: str) -> str:
    """An empty PostgreSQL database next to ``admin_url``; its URL."""
    name = f"ekinerja_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, url: str) -> None:
    """Drop a database made by ``fresh_database``."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def one_count(
    sim: SimProcess, admin_url: str, workers: int, concurrency: int, roster: str, folder: Path
) -> dict[str, Any]:
    """Night 1 on a fresh database with ``workers`` worker processes: calls/s, the report and
    each worker's share of the partition jobs (from its own JSON log)."""
    url = fresh_database(admin_url)
    env = sim.environment(url)
    employees = sum(1 for line in Path(roster).read_text(encoding="utf-8").splitlines()[1:] if line.strip())
    env.update(
        {
            "EKINERJA_WORKER__PARTITION_SIZE": str(max(50, employees // 32)),
            "EKINERJA_LOG_FORMAT": "json",
            "EKINERJA_LOG_LEVEL": "INFO",
        }
    )
    logs = [folder / f"worker-{workers}-{index}.log" for index in range(workers)]
    started: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([*CLI, "roster", "import", roster], env=env, check=True, capture_output=True)
        started = [
            subprocess.Popen(
                [*CLI, "worker", "--concurrency", str(concurrency)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log.open("wb"),
            )
            for log in logs
        ]
        began = time.perf_counter()
        done = subprocess.run(
            [*CLI, "reconcile", "--queue", "--json"], env=env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - began
        report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=60)
        drop_database(admin_url, url)
    calls = int(report.get("calls", 0))
    return {
        "workers": workers,
        "exit_code": done.returncode,
        "wall_s": round(wall, 2),
        "calls": calls,
        "calls_per_s": round(calls / wall, 1),
        "status": report.get("status"),
        "part_share_per_worker": _shares(logs),
    }


def _shares(logs: list[Path]) -> list[float]:
    """Each worker's share of the partition jobs it ran (partitions are equal but the last)."""
    counts = [log.read_text(encoding="utf-8", errors="replace").count('"queued_part_done"') for log in logs]
    total = sum(counts) or 1
    return [round(count / total, 3) for count in counts]


def run(
    sim: SimProcess, admin_url: str, counts: list[int], concurrency: int, roster: str, folder: Path
) -> dict[str, Any]:
    """Every worker count (``missing_reason`` said none is missing), with its speed-up."""
    results = [one_count(sim, admin_url, count, concurrency, roster, folder) for count in counts]
    base = results[0]["calls_per_s"] or 1
    for result in results:
        result["speedup_vs_1"] = round(result["calls_per_s"] / base, 2)
    return {"concurrency_per_worker": concurrency, "runs": results}
