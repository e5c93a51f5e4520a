"""A night read in pages (pending NIPs fetched a page at a time, the guard's plan read a page at a
time, merge bases and people read in ``IN`` slices) leaves exactly the store, report and guard
verdict of the same night read in one piece: the pages bound memory, never what a run decides."""

from __future__ import annotations

from typing import Any

import pytest

from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.nights import advance_day
from sync.reconcile import fetch_phase, steps
from sync.reconcile.guards import GuardPolicy
from tests.helpers import edit, import_export, leaf_units, migrated_container, reconcile, store_state

pytestmark = pytest.mark.e2e
SAME = ("status", "phase", "counts", "calls", "failed", "conflicts_opened", "guard_reason", "unit_changes")
HOLD = GuardPolicy(max_deactivate_share=0.0, min_employees_for_share=1)  # any leaver holds the night
WHOLE = {"fetch": 1_000_000, "plan": 1_000_000, "slice": 1_000_000}
TINY = {"fetch": 7, "plan": 5, "slice": 3}  # pages that cut the 160 employees everywhere


class Stores:
    """Two stores over one simulated SIASN: ``whole`` reads in one piece, ``paged`` in tiny pages."""

    def __init__(self, urls: tuple[str, str], siasn: SiasnSettings, monkeypatch: pytest.MonkeyPatch) -> None:
        self.whole, self.paged = (migrated_container(url, siasn) for url in urls)
        self.monkeypatch = monkeypatch

    def _pages(self, sizes: dict[str, int]) -> None:
        self.monkeypatch.setattr(fetch_phase, "PAGE", sizes["fetch"])
        self.monkeypatch.setattr(steps, "PAGE", sizes["plan"])
        self.monkeypatch.setattr(steps, "SLICE", sizes["slice"])

    def night(self, **options: Any) -> dict[str, Any]:
        """One night on both stores; the paged store's report after checking it against the
        whole one (report and whole store)."""
        self._pages(WHOLE)
        expected = reconcile(self.whole, batch_size=25, concurrency=4, **options)
        self._pages(TINY)
        found = reconcile(self.paged, batch_size=25, concurrency=4, **options)
        assert {k: found[k] for k in SAME} == {k: expected[k] for k in SAME}
        assert store_state(self.paged) == store_state(self.whole)
        return found

    def close(self) -> None:
        """Close both stores."""
        self.whole.close()
        self.paged.close()


def test_paged_nights_decide_what_whole_nights_decide(
    database_url: str,
    second_url: str,
    siasn_settings: SiasnSettings,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Night 1; a day with a clashing local unit edit; night 2 held by the guard (its verdict
    counted over pages), then approved; another day; night 3: both stores agree after each."""
    stores = Stores((database_url, second_url), siasn_settings, monkeypatch)
    for container in (stores.whole, stores.paged):
        import_export(container, world)
    first = stores.night()
    assert first["status"] == "completed" and sum(first["counts"].values()) == len(world.pegawai)

    day = advance_day(world, 1)
    clash = day.mutasi[0]
    for container in (stores.whole, stores.paged):
        edit(container, clash, unor_id=leaf_units(world, world.pegawai[clash].unor_id)[-1])
    held = stores.night(guards=HOLD)
    assert held["status"] == "held" and held["guard_reason"]
    approved = stores.night(confirm=True, approval_reason="diperiksa", guards=HOLD)
    assert approved["status"] == "completed" and approved["counts"]["conflict"] >= 1

    advance_day(world, 2)
    third = stores.night()
    assert third["status"] == "completed"
    stores.close()


def test_slices_keep_every_nip_once() -> None:
    """``in_slices`` cuts into bounded lists, drops repeats and loses nothing."""
    nips = [f"1990{i:014d}" for i in range(11)] + ["1990" + "0" * 14]
    slices = list(steps.in_slices(nips, 4))
    assert [len(s) for s in slices] == [4, 4, 3]
    assert sorted(n for s in slices for n in s) == sorted(set(nips))
