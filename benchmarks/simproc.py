"""The simulated SIASN (and PMM) in their own processes, and the harness's handle on them.

The child (``python -m benchmarks.simproc EMPLOYEES SEED LATENCY_MS RATE BURST``) generates the
world, serves it on a free loopback port and prints one JSON line with its URL and credentials;
the world is never generated in a measured process. ``python -m benchmarks.simproc pmm EMPLOYEES
SEED LATENCY_MS`` does the same for the PMM contract over the same generated world.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from service.settings import SiasnSettings
from simulators.siasn import API_PREFIX, APIM_TOKEN_PATH, SSO_TOKEN_PATH

START_TIMEOUT_S = 600  # 100,000 employees take a while to generate on a loaded machine


def terminate(process: subprocess.Popen[str]) -> None:
    """Terminate a child process and reap it (killed after 15 s)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_child(args: list[str], failure: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start ``python -m benchmarks.simproc ARGS`` and read its first line (JSON: where it
    listens); killed, with ``failure`` raised, when that line does not come."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.simproc", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(START_TIMEOUT_S, process.kill)
    watchdog.start()
    try:
        line = process.stdout.readline() if process.stdout else ""
    finally:
        watchdog.cancel()
    if not line:
        process.kill()
        raise RuntimeError(failure)
    ready: dict[str, Any] = json.loads(line)
    return process, ready


@dataclass
class SimProcess:
    """A running simulator process: its URL, the instansi's credentials, and control calls."""

    process: subprocess.Popen[str]
    url: str
    credentials: dict[str, str]
    employees: int

    @classmethod
    def start(
        cls, employees: int, *, seed: int = 1, latency_ms: float = 0, rate: float = 0, burst: float = 5
    ) -> SimProcess:
        """Start the child and wait for its first line (URL and credentials)."""
        args = [str(employees), str(seed), str(latency_ms), str(rate), str(burst)]
        process, ready = start_child(args, "the simulator process did not start")
        return cls(process, ready["url"], ready["credentials"], employees)

    def stop(self) -> None:
        """Terminate the child and reap it."""
        terminate(self.process)

    def settings(self, *, rate: float = 0) -> SiasnSettings:
        """Product settings for this simulator (``rate`` 0: the product paces nothing)."""
        return siasn_settings(self.url, self.credentials, rate=rate)

    def night_config(
        self, database_url: str, *, concurrency: int, batch_size: int, rate: float = 0
    ) -> dict[str, Any]:
        """What a night child process needs (``benchmarks.nights``), JSON-ready."""
        return {
            "database_url": database_url,
            "url": self.url,
            "credentials": self.credentials,
            "rate": rate,
            "concurrency": concurrency,
            "batch_size": batch_size,
        }

    def environment(self, database_url: str, *, rate: float = 0) -> dict[str, str]:
        """``EKINERJA_*`` variables for a product subprocess using this simulator and store."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
        config = self.settings(rate=rate)
        env.update(
            {
                f"EKINERJA_SIASN__{name.upper()}": str(value)
                for name, value in (
                    ("api_url", config.api_url),
                    ("apim_token_url", config.apim_token_url),
                    ("sso_token_url", config.sso_token_url),
                    ("consumer_key", config.consumer_key),
                    ("consumer_secret", self.credentials["consumer_secret"]),
                    ("sso_client_id", config.sso_client_id),
                    ("sso_username", config.sso_username),
                    ("sso_password", self.credentials["sso_password"]),
                    ("rate", rate),
                    ("retry_base_delay", config.retry_base_delay),
                )
            }
        )
        env.update(
            {
                "EKINERJA_DATABASE_URL": database_url,
                "EKINERJA_LOG_LEVEL": "WARNING",
                "EKINERJA_LOG_FORMAT": "console",
                "EKINERJA_SCHEDULE__ENABLED": "false",
            }
        )
        return env

    def headers(self) -> dict[str, str]:
        """Both SIASN headers (APIM and SSO tokens) for a raw client."""
        c = self.credentials
        apim = httpx.post(
            self.url + APIM_TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            auth=(c["consumer_key"], c["consumer_secret"]),
            timeout=30,
        )
        sso = httpx.post(
            self.url + SSO_TOKEN_PATH,
            data={
                "grant_type": "password",
                "client_id": c["sso_client_id"],
                "username": c["sso_username"],
                "password": c["sso_password"],
            },
            timeout=30,
        )
        return {
            "Authorization": f"Bearer {apim.json()['access_token']}",
            "Auth": f"bearer {sso.json()['access_token']}",
        }

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call a ``/_sim/`` control route; its JSON answer."""
        response = httpx.request(method, f"{self.url}/_sim/{path}", json=body, timeout=600)
        response.raise_for_status()
        return response.json()

    def export_csv(self) -> bytes:
        """The roster ("Export Data ASN" CSV) as SIASN would give it today."""
        return httpx.get(f"{self.url}/_sim/export-data-asn.csv", timeout=600).content


def siasn_settings(url: str, credentials: dict[str, str], *, rate: float = 0) -> SiasnSettings:
    """SIASN settings pointing at a simulator with its credentials (no retry back-off to speak of)."""
    c = credentials
    return SiasnSettings(
        api_url=url + API_PREFIX,
        apim_token_url=url + APIM_TOKEN_PATH,
        sso_token_url=url + SSO_TOKEN_PATH,
        consumer_key=c["consumer_key"],
        consumer_secret=SecretStr(c["consumer_secret"]),
        sso_client_id=c["sso_client_id"],
        sso_username=c["sso_username"],
        sso_password=SecretStr(c["sso_password"]),
        rate=rate,
        retry_base_delay=0.05,
    )


@dataclass
class PmmProcess:
    """A running PMM simulator process (the world ``SimProcess`` generated on the same seed)."""

    process: subprocess.Popen[str]
    url: str

    @classmethod
    def start(cls, employees: int, *, seed: int = 1, latency_ms: float = 0) -> PmmProcess:
        """Start the child and wait for its first line (its URL)."""
        args = ["pmm", str(employees), str(seed), str(latency_ms)]
        process, ready = start_child(args, "the PMM simulator process did not start")
        return cls(process, ready["url"])

    def stop(self) -> None:
        """Terminate the child and reap it."""
        terminate(self.process)

    def environment(self) -> dict[str, str]:
        """``EKINERJA_PMM__*`` for a product subprocess reading this simulator (rate: default)."""
        from simulators.pmm import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH

        return {
            "EKINERJA_PMM__BASE_URL": self.url,
            "EKINERJA_PMM__TOKEN_URL": self.url + TOKEN_PATH,
            "EKINERJA_PMM__CLIENT_ID": CLIENT_ID,
            "EKINERJA_PMM__CLIENT_SECRET": CLIENT_SECRET,
        }

    def stats(self) -> dict[str, int]:
        """Requests the PMM simulator received so far, by kind (``token``, ``api``, ``hasil``)."""
        return dict(httpx.get(f"{self.url}/_sim/stats", timeout=60).json())


def _serve(employees: int, seed: int, latency_ms: float, rate: float, burst: float) -> None:
    from simulators.dataset import generate_world
    from simulators.faults import FaultPlan
    from simulators.ratelimit import RateBudget
    from simulators.server import ServerThread
    from simulators.siasn import SiasnSimulator

    world = generate_world(seed, employees)
    sim = SiasnSimulator(
        world, faults=FaultPlan(latency=latency_ms / 1000), budget=RateBudget(rate=rate, burst=burst)
    )
    server = ServerThread(sim.app()).start()
    print(json.dumps({"url": server.url, "credentials": asdict(sim.credentials)}), flush=True)
    threading.Event().wait()  # until terminated


def _serve_pmm(employees: int, seed: int, latency_ms: float) -> None:
    from simulators.dataset import generate_world
    from simulators.faults import FaultPlan
    from simulators.pmm import PmmSimulator
    from simulators.server import ServerThread

    sim = PmmSimulator(generate_world(seed, employees), faults=FaultPlan(latency=latency_ms / 1000))
    server = ServerThread(sim.app()).start()
    print(json.dumps({"url": server.url}), flush=True)
    threading.Event().wait()  # until terminated


if __name__ == "__main__":
    if sys.argv[1] == "pmm":
        _serve_pmm(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        count, seed_, latency, rate_, burst_ = sys.argv[1:6]
        _serve(int(count), int(seed_), float(latency), float(rate_), float(burst_))
