"""Measure reconciliation against the simulator in a separate process, in one run.

    python -m benchmarks.run --employees 20000 --latency-ms 50 --concurrency 32

Reports, as JSON (``benchmarks/results/``) and a table: the raw-fetch ceiling (the same
data-utama calls from a bare httpx client), a naive sequential per-NIP loop of the kind public
SIASN wrappers use (sampled), and ekinerja-sync's reconciliation, night 1 (empty store) and
night 2 (after a simulated day): wall time, employees/s, upstream calls per employee, CPU ms per
employee of our process, peak RSS. Ratios, not absolute times, are the claims.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from service.container import Container
from service.demo import credentials_settings, start_simulator_process
from service.logging import configure_logging
from service.settings import Settings
from simulators.dataset import generate_world
from simulators.siasn import API_PREFIX, APIM_TOKEN_PATH, SSO_TOKEN_PATH, SiasnCredentials
from store.db import transaction
from sync.reconcile import ReconcileOptions, Reconciler
from sync.roster import import_roster

RESULTS = Path(__file__).parent / "results"


def _tokens(url: str, creds: SiasnCredentials) -> dict[str, str]:
    apim = httpx.post(url + APIM_TOKEN_PATH, data={"grant_type": "client_credentials"},
                      auth=(creds.consumer_key, creds.consumer_secret)).json()["access_token"]
    sso = httpx.post(url + SSO_TOKEN_PATH, data={
        "grant_type": "password", "client_id": creds.sso_client_id,
        "username": creds.sso_username, "password": creds.sso_password}).json()["access_token"]
    return {"Authorization": f"Bearer {apim}", "Auth": f"bearer {sso}"}


async def raw_ceiling(url: str, headers: dict[str, str], nips: list[str],
                      concurrency: int) -> dict[str, Any]:
    """The same data-utama calls with no processing, at the same concurrency."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url + API_PREFIX, headers=headers, limits=limits,
                                 timeout=60) as client:
        queue = list(nips)
        started = time.perf_counter()

        async def worker() -> None:
            while queue:
                (await client.get(f"/pns/data-utama/{queue.pop()}")).raise_for_status()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {"calls": len(nips), "wall_s": round(wall, 2), "calls_per_s": round(len(nips) / wall, 1)}


def naive_loop(url: str, headers: dict[str, str], nips: list[str]) -> dict[str, Any]:
    """One employee after another: data-utama, rw-golongan, rw-jabatan (sampled)."""
    with httpx.Client(base_url=url + API_PREFIX, headers=headers, timeout=60) as client:
        started = time.perf_counter()
        for nip in nips:
            for path in ("data-utama", "rw-golongan", "rw-jabatan"):
                client.get(f"/pns/{path}/{nip}").raise_for_status()
        wall = time.perf_counter() - started
    return {"employees": len(nips), "wall_s": round(wall, 2),
            "employees_per_s": round(len(nips) / wall, 2)}


def reconcile_night(container: Container, concurrency: int) -> dict[str, Any]:
    """One reconciliation with CPU time and peak RSS of this process."""

    async def go() -> dict[str, Any]:
        async with container.siasn() as siasn:
            options = ReconcileOptions(concurrency=concurrency, batch_size=500)
            return await Reconciler(siasn, container.sessions, options).run()

    cpu = time.process_time()
    started = time.perf_counter()
    report = asyncio.run(go())
    wall = time.perf_counter() - started
    employees = sum(report["counts"].values())
    return {"status": report["status"], "employees": employees, "wall_s": round(wall, 2),
            "employees_per_s": round(employees / wall, 1), "calls": report["calls"],
            "calls_per_employee": round(report["calls"] / max(employees, 1), 3),
            "cpu_ms_per_employee": round((time.process_time() - cpu) * 1000 / max(employees, 1),
                                         2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "counts": report["counts"]}


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=20000)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    configure_logging("console", "WARNING")
    world = generate_world(args.seed, args.employees)
    creds = SiasnCredentials.demo(world)
    nips = list(world.pegawai)
    process, url = start_simulator_process(employees=args.employees, seed=args.seed,
                                           latency_ms=args.latency_ms)
    try:
        headers = _tokens(url, creds)
        result: dict[str, Any] = {"employees": args.employees, "latency_ms": args.latency_ms,
                                  "concurrency": args.concurrency}
        result["raw_ceiling"] = asyncio.run(raw_ceiling(url, headers, nips, args.concurrency))
        result["naive_sequential"] = naive_loop(url, headers, nips[: args.naive_sample])
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(database_url=f"sqlite:///{folder}/bench.db",
                                siasn=credentials_settings(creds, url))
            container = Container.build(settings)
            csv = httpx.get(f"{url}/_sim/export-data-asn.csv", timeout=120).content
            with transaction(container.sessions) as session:
                import_roster(session, csv, source="export.csv")
            result["night_1"] = reconcile_night(container, args.concurrency)
            httpx.post(f"{url}/_sim/advance-day", timeout=120)
            result["night_2"] = reconcile_night(container, args.concurrency)
            container.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    _ratios(result)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"reconcile-{args.employees}-{int(time.time())}.json"
    out.write_text(json.dumps(result, indent=2))
    _table(result, out)


def _ratios(result: dict[str, Any]) -> None:
    ceiling = result["raw_ceiling"]["calls_per_s"]
    naive = result["naive_sequential"]["employees_per_s"]
    for night in ("night_1", "night_2"):
        data = result[night]
        data["vs_naive"] = round(data["employees_per_s"] / naive, 1)
        data["calls_per_s"] = round(data["calls"] / data["wall_s"], 1)
        data["share_of_raw_ceiling"] = round(data["calls_per_s"] / ceiling, 2)


def _table(result: dict[str, Any], out: Path) -> None:
    print(f"{result['employees']} employees, {result['latency_ms']} ms upstream latency, "
          f"concurrency {result['concurrency']} (results in {out})")
    print(f"raw-fetch ceiling: {result['raw_ceiling']['calls_per_s']} calls/s")
    print(f"naive sequential loop: {result['naive_sequential']['employees_per_s']} employees/s")
    for night in ("night_1", "night_2"):
        d = result[night]
        print(f"{night}: {d['wall_s']} s, {d['employees_per_s']} employees/s "
              f"({d['vs_naive']}x naive), {d['calls']} calls ({d['calls_per_employee']}/employee,"
              f" {d['share_of_raw_ceiling']} of raw ceiling), CPU {d['cpu_ms_per_employee']} "
              f"ms/employee, peak RSS {d['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
