"""Helpers for the PMM feed and SKP push tests: a PMM simulator, a populated store, snapshots."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from service.container import Container
from service.jobs import run_push
from service.pmm_client import open_pmm
from service.settings import PmmSettings
from simulators.dataset import World
from simulators.pmm import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH
from simulators.server import ServerThread
from store.models_skp import Evaluasi, PmmProblem, Skp
from sync.pmm.feed import feed_siasn
from sync.pmm.http_source import feed_http
from tests.helpers import import_export, reconcile


def pmm_settings(base_url: str) -> PmmSettings:
    """PMM settings pointing at a running PMM simulator."""
    return PmmSettings(
        base_url=base_url,
        token_url=base_url + TOKEN_PATH,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        rate=0,
    )


def with_pmm(container: Container, base_url: str) -> Container:
    """The container with the PMM contract configured."""
    settings = container.settings.model_copy(update={"pmm": pmm_settings(base_url)})
    return Container(settings, container.engine, container.sessions)


def feed(container: Container, source: str) -> dict[str, Any]:
    """Run the feed from ``siasn`` or ``http`` in this process; returns its report."""

    async def go() -> dict[str, Any]:
        if source == "siasn":
            async with container.siasn() as siasn:
                return await feed_siasn(container.sessions, siasn)
        async with open_pmm(container.settings.pmm) as pmm:
            assert pmm is not None
            return await feed_http(container.sessions, pmm)

    return asyncio.run(go())


def skp_state(container: Container) -> dict[str, Any]:
    """SKP rows, evaluations and open problems without ids and timestamps, for comparisons."""
    with container.sessions() as session:
        skps = sorted(
            (s.nip, s.source, s.source_id, s.status_rencana, str(s.periode_mulai))
            for s in session.scalars(select(Skp))
        )
        evals = sorted(
            tuple(
                str(v)
                for v in (
                    e.jenis_periode,
                    e.angka_periode,
                    e.rating_hasil_kerja,
                    e.rating_perilaku_kerja,
                    e.predikat,
                    e.status_evaluasi,
                    e.siasn_id,
                    e.push_state,
                )
            )
            for e in session.scalars(select(Evaluasi))
        )
        problems = sorted(
            (p.source, p.nip, p.rule, p.periode, p.status) for p in session.scalars(select(PmmProblem))
        )
    return {"skp": skps, "evaluasi": evals, "problems": problems}


def open_rules(container: Container, nip: str, periode: str | None = None) -> set[str]:
    """The rules of a teacher's open problems (of one period when given)."""
    query = select(PmmProblem.rule).where(PmmProblem.nip == nip, PmmProblem.status == "open")
    if periode is not None:
        query = query.where(PmmProblem.periode == periode)
    with container.sessions() as session:
        return set(session.scalars(query))


def push(container: Container, *, dry_run: bool = False) -> dict[str, Any]:
    """Run the SKP push in this process; returns its report."""
    return asyncio.run(run_push(container, dry_run=dry_run))


def add_period_results(
    pmm_sim: Any, periode: dict[str, Any], source_periode: str = "2025"
) -> list[dict[str, Any]]:
    """A new period in the PMM simulator with a copy of every result of ``source_periode``."""
    pmm_sim.periods.append(periode)
    added = []
    for row in [r for r in pmm_sim.results.values() if r["periode_id"] == source_periode]:
        new = copy.deepcopy(row)
        new["id"] = row["id"][:-4] + periode["id"][-4:].replace("-", "0")
        new["periode_id"] = periode["id"]
        pmm_sim.results[new["id"]] = new
        added.append(new)
    return added


@pytest.fixture
def stocked(container: Container, world: World, pmm_server: ServerThread) -> Container:
    """The store after one reconciliation (employees, units, supervisors), PMM configured."""
    import_export(container, world)
    assert reconcile(container)["status"] == "completed"
    return with_pmm(container, pmm_server.url)
