"""How long an interactive write waits while a night reconciles, on SQLite.

    python -m benchmarks.write_wait --employees 3000

Sets up a store (night 1 against the simulator, then open conflicts to decide), advances the
simulated SIASN a day, and runs night 2 as ``ekinerja-sync reconcile`` in its own process while
``ekinerja-sync serve`` (another process) is asked for a conflict decision through the HTTP API
every ``--interval-ms``. Prints p50/p95/max of the decision's response time during the night and
the night's wall time; the result goes to ``benchmarks/results/write-wait-*.json``. The
simulator runs in its own process too. Compare runs of one machine, never across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from service.container import Container
from service.demo import credentials_settings, start_simulator_process
from service.logging import configure_logging
from service.settings import Settings
from simulators.dataset import generate_world
from simulators.siasn import SiasnCredentials
from store.db import transaction
from store.models import Pegawai
from sync.access.keys import create_api_key
from sync.konflik import lifecycle
from sync.reconcile import ReconcileOptions, Reconciler
from sync.reconcile.roster import import_roster
from sync.runs import RunStatus

RESULTS = Path(__file__).parent / "results"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _setup(container: Container, url: str, conflicts: int) -> tuple[list[int], str]:
    """Night 1, then ``conflicts`` open conflicts to decide and an API key."""
    csv = httpx.get(f"{url}/_sim/export-data-asn.csv", timeout=120).content
    with transaction(container.sessions) as session:
        import_roster(session, csv, source="export.csv")

    async def night() -> dict[str, Any]:
        async with container.siasn() as siasn:
            return await Reconciler(siasn, container.sessions, ReconcileOptions()).run()

    if asyncio.run(night())["status"] != RunStatus.COMPLETED:
        raise SystemExit("night 1 did not complete")
    ids = []
    with transaction(container.sessions) as session:
        people = session.scalars(
            select(Pegawai).where(Pegawai.aktif.is_(True)).order_by(Pegawai.nip).limit(conflicts)
        )
        for index, person in enumerate(people):
            ids.append(
                lifecycle.raise_conflict(
                    session,
                    pegawai=person,
                    field="catatan",
                    kind="merge",  # no run touches it
                    values=(None, f"catatan lokal {index}", f"catatan lain {index}"),
                    explanation="benchmark",
                    actor="benchmark",
                    run_id=None,
                ).id
            )
        key = create_api_key(session, "benchmark")
    return ids, key


def _environment(database_url: str, creds: SiasnCredentials, url: str, port: int) -> dict[str, str]:
    siasn = credentials_settings(creds, url)
    env = {
        **os.environ,
        "EKINERJA_DATABASE_URL": database_url,
        "EKINERJA_LOG_LEVEL": "WARNING",
        "EKINERJA_API__PORT": str(port),
        "EKINERJA_SCHEDULE__ENABLED": "false",
    }
    for name in (
        "api_url",
        "apim_token_url",
        "sso_token_url",
        "consumer_key",
        "sso_client_id",
        "sso_username",
    ):
        env[f"EKINERJA_SIASN__{name.upper()}"] = str(getattr(siasn, name))
    env["EKINERJA_SIASN__CONSUMER_SECRET"] = creds.consumer_secret
    env["EKINERJA_SIASN__SSO_PASSWORD"] = creds.sso_password
    return env


def _wait_for(url: str, deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def _decide_during(
    night: subprocess.Popen[bytes] | None,
    api: str,
    key: str,
    ids: list[int],
    interval: float,
    seconds: float = 0,
) -> list[float]:
    """One decision every ``interval`` seconds until the night ends (no night: for ``seconds``,
    the machine's own noise floor); each response time. Uses up the ids it decides."""
    waits: list[float] = []
    until = time.monotonic() + seconds
    with httpx.Client(base_url=api, headers={"X-API-Key": key}, timeout=120) as client:
        while ids:
            if (night.poll() is not None) if night is not None else time.monotonic() > until:
                break
            conflict_id = ids.pop()
            started = time.perf_counter()
            answer = client.post(
                f"/api/v1/konflik/{conflict_id}/keputusan",
                json={"decision": "pertahankan_lokal", "reason": "benchmark"},
            )
            waits.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise SystemExit(f"decision refused: {answer.status_code} {answer.text[:200]}")
            time.sleep(max(0.0, interval - waits[-1]))
    return waits


def _summary(waits: list[float]) -> dict[str, Any]:
    ordered = sorted(waits)
    return {
        "decisions": len(waits),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    """Run the measurement and print it."""
    args = _arguments()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the child processes too
    configure_logging("console", "WARNING")
    creds = SiasnCredentials.demo(generate_world(args.seed, args.employees))
    simulator, url = start_simulator_process(employees=args.employees, seed=args.seed)
    started: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            result = _measure(args, creds, url, f"sqlite:///{folder}/bench.db", started)
    finally:
        for process in (*started, simulator):
            process.terminate()
            process.wait(timeout=10)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"write-wait-{args.employees}-{int(time.time())}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument("--interval-ms", type=float, default=200)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def _measure(
    args: argparse.Namespace,
    creds: SiasnCredentials,
    url: str,
    database_url: str,
    started: list[subprocess.Popen[bytes]],
) -> dict[str, Any]:
    """Night 1, then decisions without and during night 2; the server goes into ``started``."""
    container = Container.build(Settings(database_url=database_url, siasn=credentials_settings(creds, url)))
    ids, key = _setup(container, url, conflicts=args.employees)
    container.close()
    print("night 1 done; night 2 with decisions every", args.interval_ms, "ms", flush=True)
    httpx.post(f"{url}/_sim/advance-day", timeout=120)
    port = _free_port()
    env = _environment(database_url, creds, url, port)
    serve = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started.append(serve)
    api = f"http://127.0.0.1:{port}"
    _wait_for(f"{api}/login")
    idle = _decide_during(None, api, key, ids, args.interval_ms / 1000, seconds=15)
    began = time.perf_counter()
    night = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "reconcile", "--rate", "0", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    waits = _decide_during(night, api, key, ids, args.interval_ms / 1000)
    output, _ = night.communicate(timeout=3600)
    wall = time.perf_counter() - began
    report = json.loads(output)
    return {
        "employees": args.employees,
        "interval_ms": args.interval_ms,
        "night_status": report.get("status"),
        "night_wall_s": round(wall, 1),
        "waits": _summary(waits) if waits else {},
        "waits_without_a_night": _summary(idle) if idle else {},
    }


if __name__ == "__main__":
    main()
