"""The Sinkron SIASN button and a conflict decision through a real ``ekinerja-sync serve``.

``serve`` runs in its own process on the benchmark's store with an API key, its nightly job
off; 20 clients press Sinkron SIASN at once (distinct employees, a fixed number of requests in
all), with nothing else running and again while a night runs in another process on the same
store. Latency is measured at the client, from sending to the whole answer.
"""

from __future__ import annotations

import asyncio
import math
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServeProcess:
    """``ekinerja-sync serve`` in its own process, with the API key made for it."""

    process: subprocess.Popen[bytes]
    url: str
    api_key: str

    @classmethod
    def start(cls, env: dict[str, str]) -> ServeProcess:
        """Create an API key, start ``serve`` on a free port, wait until it answers."""
        key = subprocess.run(
            [sys.executable, "-m", "service.cli", "apikey", "create", f"benchmark-{time.time_ns()}"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        serve = cls(process, f"http://127.0.0.1:{port}", key)
        serve._wait_healthy()
        return serve

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("ekinerja-sync serve did not start")

    def stop(self) -> None:
        """Terminate the server and reap it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass(frozen=True)
class Sample:
    """One request: when it ended (monotonic), how long it took, and its HTTP status."""

    ended: float
    seconds: float
    status: int


async def _press(serve: ServeProcess, nips: list[str], concurrency: int) -> list[Sample]:
    import aiohttp

    queue = list(reversed(nips))
    samples: list[Sample] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(
        serve.url, connector=connector, timeout=timeout, headers={"X-API-Key": serve.api_key}
    ) as session:

        async def worker() -> None:
            while queue:
                nip = queue.pop()
                started = time.monotonic()
                try:
                    async with session.post(f"/api/v1/pegawai/{nip}/sinkron-siasn") as answer:
                        await answer.read()
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0  # no answer at all
                ended = time.monotonic()
                samples.append(Sample(ended, ended - started, status))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples


def press_sinkron(serve: ServeProcess, nips: list[str], concurrency: int = 20) -> list[Sample]:
    """Sinkron SIASN for each NIP, ``concurrency`` at a time."""
    return asyncio.run(_press(serve, nips, concurrency))


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(round(share * len(ordered), 9))))
    return ordered[rank - 1]


def summarize(samples: list[Sample], during: Callable[[float], bool] | None = None) -> dict[str, Any]:
    """p50/p95/p99 in ms, statuses, 5xx and lost requests, and how many ended while ``during``."""
    if not samples:
        return {"requests": 0}
    seconds = [s.seconds for s in samples]
    summary: dict[str, Any] = {
        "requests": len(samples),
        **{f"p{q}_ms": round(percentile(seconds, q / 100) * 1000) for q in (50, 95, 99)},
        "max_ms": round(max(seconds) * 1000),
        "statuses": dict(Counter(str(s.status) for s in samples)),
        "http_5xx": sum(s.status >= 500 for s in samples),
        "no_answer": sum(s.status == 0 for s in samples),
    }
    if during is not None:
        summary["ended_during_phase"] = sum(during(s.ended) for s in samples)
    return summary


def open_conflicts(serve: ServeProcess, limit: int) -> list[int]:
    """Ids of open merge conflicts (a field changed on both sides), oldest first, via the API."""
    answer = httpx.get(
        f"{serve.url}/api/v1/konflik",
        params={"status": "open", "situasi": "merge"},
        headers={"X-API-Key": serve.api_key},
        timeout=60,
    )
    answer.raise_for_status()
    body = answer.json()
    rows = body.get("items", body) if isinstance(body, dict) else body
    return [int(row["id"]) for row in rows][:limit]


def decide(serve: ServeProcess, conflict_ids: list[int], refusals: list[str]) -> list[Sample]:
    """Take SIASN's value for each conflict, one decision at a time, each timed; what a
    refusal said goes to ``refusals``."""
    samples = []
    with httpx.Client(base_url=serve.url, headers={"X-API-Key": serve.api_key}, timeout=300) as client:
        for conflict_id in conflict_ids:
            started = time.monotonic()
            try:
                answer = client.post(
                    f"/api/v1/konflik/{conflict_id}/keputusan",
                    json={"decision": "ambil_siasn", "reason": "tolok ukur: keputusan"},
                )
                status = answer.status_code
                if status >= 300:
                    refusals.append(f"{status}: {answer.text[:200]}")
            except httpx.TransportError:
                status = 0
            ended = time.monotonic()
            samples.append(Sample(ended, ended - started, status))
    return samples
