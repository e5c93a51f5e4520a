"""The container owns one client per upstream credential on an event loop (issue 14.4): every job
running there (the Sinkron API, the nightly run, a held-run approval) shares its connections and
tokens and draws from the credential's one budget, each in its own lane."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import httpx

from connectors.factory import Ask, Ledger
from service.api import create_app
from service.container import Container
from service.jobs import run_reconcile
from service.scheduler import nightly_reconcile
from simulators.dataset import World
from simulators.server import ServerThread
from sync.profil.sinkron import Sinkron
from sync.reconcile import ReconcileOptions
from tests.helpers import import_export, new_api_key, staff_nip


class CountingLedger:
    """A ledger that counts the asks of each lane and passes them on."""

    def __init__(self, inner: Ledger) -> None:
        self.inner = inner
        self.shared_across_processes = inner.shared_across_processes
        self.asks: Counter[str] = Counter()
        self._lock = threading.Lock()

    def decide(self, ask: Ask) -> tuple[bool, float]:
        """Count the ask by lane, then let the wrapped ledger decide."""
        with self._lock:
            self.asks["background" if ask.background else "interactive"] += 1
        return self.inner.decide(ask)

    def pause(self, key: str, seconds: float) -> None:
        """Pass a Retry-After on."""
        self.inner.pause(key, seconds)


def _counted(container: Container, world: World) -> CountingLedger:
    """A fast budget whose ledger counts what each lane asks; the roster imported."""
    siasn = container.settings.siasn.model_copy(update={"rate": 2000.0, "rate_burst": 200})
    schedule = container.settings.schedule.model_copy(update={"rate": 0})
    container.settings = container.settings.model_copy(update={"siasn": siasn, "schedule": schedule})
    import_export(container, world)
    budget = container.siasn_budget()
    ledger = CountingLedger(budget.ledger)
    budget.ledger = ledger
    return ledger


def _apim_tokens(url: str) -> int:
    """APIM tokens the simulator has issued."""
    return int(httpx.get(f"{url}/_sim/stats").json().get("apim_token", 0))


def test_two_jobs_on_one_loop_share_one_client_and_one_budget(
    container: Container, world: World, sim_server: ServerThread
) -> None:
    """A Sinkron press and a reconciliation at the same time on one event loop go through the
    same HTTP client (one APIM token between them) and both draw from the credential's budget,
    the press in the button's lane and the night in the background lane; the client is closed
    once the last of them is done."""
    ledger = _counted(container, world)
    before = _apim_tokens(sim_server.url)
    nip = staff_nip(world)

    async def go() -> tuple[bool, str, str]:
        async with container.siasn(lane="interactive") as button, container.siasn() as night:
            assert button is not night and button.http is night.http
            report, outcome = await asyncio.gather(
                run_reconcile(container, ReconcileOptions(concurrency=8)),
                Sinkron(button, container.sessions).run(nip, actor="test"),
            )
            shared = container.siasn_budget().key
        async with container.siasn() as later:
            reopened = later.http is not button.http and button.http.is_closed
        assert shared.startswith("siasn:")
        return reopened, report["status"], outcome.status.value

    reopened, status, outcome = asyncio.run(go())
    assert status == "completed" and outcome not in ("failed", "not_found")
    assert reopened
    assert _apim_tokens(sim_server.url) - before == 1  # one token for both jobs
    assert ledger.asks["interactive"] >= 1 and ledger.asks["background"] > 160, ledger.asks


def test_serve_runs_the_night_over_the_sinkron_apis_client(
    container: Container, world: World, sim_server: ServerThread
) -> None:
    """In ``serve`` the scheduled night runs on the API's event loop: a Sinkron press over HTTP
    and the nightly reconciliation share one client (one APIM token for both) and one budget."""
    ledger = _counted(container, world)
    headers = {"X-API-Key": new_api_key(container)}
    before = _apim_tokens(sim_server.url)
    with ServerThread(create_app(container, scheduler=True)) as server:
        pressed = httpx.post(
            f"{server.url}/api/v1/pegawai/{staff_nip(world)}/sinkron-siasn", headers=headers, timeout=30
        )
        assert pressed.status_code == 200, pressed.text
        report = nightly_reconcile()
        assert report is not None and report["status"] == "completed"
        again = httpx.post(
            f"{server.url}/api/v1/pegawai/{staff_nip(world, 1)}/sinkron-siasn", headers=headers, timeout=30
        )
        assert again.status_code == 200, again.text
        assert _apim_tokens(sim_server.url) - before == 1
    assert ledger.asks["interactive"] >= 2 and ledger.asks["background"] > 160, ledger.asks
