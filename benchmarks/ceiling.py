"""Raw clients against the simulator: the aiohttp ceiling, httpx beside it, the naive loop.

The ceiling is the same SIASN calls with no processing (the body read, nothing parsed) by the
fastest client available, aiohttp, at the same concurrency as the night; httpx's default
transport is measured beside it for reference only (its pool is measurably slower, so a ceiling
measured with it flatters us). Each measurement is time-boxed after a warm-up, so every client
gets the same window of the same server.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx

from simulators.siasn import API_PREFIX

RIWAYAT = ("rw-golongan", "rw-jabatan")
Mix = str  # "data-utama" (night 2: one call per unchanged employee) or "full" (night 1: three)


def call_paths(nips: list[str], mix: Mix) -> list[str]:
    """The request paths of one night's kind: data-utama only, or data-utama plus riwayat."""
    kinds = ("data-utama", *RIWAYAT) if mix == "full" else ("data-utama",)
    return [f"{API_PREFIX}/pns/{kind}/{nip}" for nip in nips for kind in kinds]


async def _drive(
    call: Callable[[str], Awaitable[None]], paths: list[str], concurrency: int, seconds: float
) -> dict[str, Any]:
    """Warm up (two calls per connection), then keep ``concurrency`` calls open for ``seconds``."""
    cycle: Iterator[str] = itertools.cycle(paths)
    await asyncio.gather(*(call(next(cycle)) for _ in range(2 * concurrency)))
    done = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await call(next(cycle))
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    return {"calls": done, "wall_s": round(wall, 2), "calls_per_s": round(done / wall, 1)}


async def _aiohttp(
    url: str, headers: dict[str, str], paths: list[str], concurrency: int, seconds: float
) -> dict[str, Any]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(url, headers=headers, connector=connector, timeout=timeout) as session:

        async def call(path: str) -> None:
            async with session.get(path) as response:
                await response.read()
                response.raise_for_status()

        return await _drive(call, paths, concurrency, seconds)


async def _httpx(
    url: str, headers: dict[str, str], paths: list[str], concurrency: int, seconds: float
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:

        async def call(path: str) -> None:
            (await client.get(path)).raise_for_status()

        return await _drive(call, paths, concurrency, seconds)


CLIENTS = {"aiohttp": _aiohttp, "httpx": _httpx}


def raw(
    client: str, url: str, headers: dict[str, str], paths: list[str], concurrency: int, seconds: float
) -> dict[str, Any]:
    """Calls/s of one raw client at ``concurrency`` for ``seconds``."""
    result = asyncio.run(CLIENTS[client](url, headers, paths, concurrency, seconds))
    return {"client": client, "concurrency": concurrency, **result}


def alternate(
    url: str, headers: dict[str, str], paths: list[str], concurrency: int, seconds: float, rounds: int = 2
) -> list[dict[str, Any]]:
    """aiohttp, httpx, aiohttp, httpx...: the order must not decide the figures."""
    return [
        raw(client, url, headers, paths, concurrency, seconds)
        for _ in range(rounds)
        for client in ("aiohttp", "httpx")
    ]


def sweep(
    url: str, headers: dict[str, str], paths: list[str], levels: list[int], seconds: float
) -> list[dict[str, Any]]:
    """Both raw clients at each concurrency level."""
    return [
        raw(client, url, headers, paths, level, seconds)
        for level in levels
        for client in ("aiohttp", "httpx")
    ]


def naive_loop(url: str, headers: dict[str, str], nips: list[str]) -> dict[str, Any]:
    """One employee after another, as public wrappers do: data-utama, rw-golongan, rw-jabatan."""
    with httpx.Client(base_url=url + API_PREFIX, headers=headers, timeout=60) as client:
        client.get(f"/pns/data-utama/{nips[0]}").raise_for_status()  # connection warmed up
        started = time.perf_counter()
        for nip in nips:
            for kind in ("data-utama", *RIWAYAT):
                client.get(f"/pns/{kind}/{nip}").raise_for_status()
        wall = time.perf_counter() - started
    calls = 3 * len(nips)
    return {
        "employees": len(nips),
        "calls": calls,
        "wall_s": round(wall, 2),
        "employees_per_s": round(len(nips) / wall, 2),
        "calls_per_s": round(calls / wall, 1),
    }
