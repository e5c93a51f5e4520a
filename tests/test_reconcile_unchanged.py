"""The nightly fast path for unchanged employees (``sync.reconcile.unchanged``) leaves exactly the
store the full apply leaves: the same nights on two stores, one with the fast path off, one with
it on, compared after every night (held plan, guard verdict and counts included)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.nights import DayChanges, advance_day
from store.db import transaction
from store.models import FieldState, Pegawai, RunChange, RunItem
from sync.reconcile import unchanged
from sync.reconcile.guards import GuardPolicy
from tests.helpers import (
    decide_all_siasn,
    edit,
    import_export,
    leaf_units,
    migrated_container,
    reconcile,
    sinkron,
    staff_nip,
    store_state,
)

pytestmark = pytest.mark.e2e
SAME = ("status", "phase", "counts", "calls", "failed", "conflicts_opened", "guard_reason", "unit_changes")
HOLD = GuardPolicy(max_deactivate_share=0.0, min_employees_for_share=1)  # any leaver holds the night


class Nights:
    """Two stores over one simulated SIASN: ``full`` never takes the fast path, ``fast`` does."""

    def __init__(self, urls: tuple[str, str], siasn: SiasnSettings, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full, self.fast = (migrated_container(url, siasn) for url in urls)
        self.monkeypatch = monkeypatch
        self.closed: list[str] = []
        original = unchanged.close_unchanged

        def counted(session: Any, run: Any, batch: list[Any]) -> list[Any]:
            left = original(session, run, batch)
            kept = {nip for nip, _, _ in left}
            self.closed += [nip for nip, _, _ in batch if nip not in kept]
            return left

        monkeypatch.setattr(unchanged, "close_unchanged", counted)

    def both(self) -> tuple[Container, Container]:
        """The two stores."""
        return self.full, self.fast

    def night(self, **options: Any) -> tuple[dict[str, Any], list[str]]:
        """One night on both stores; the fast store's report after checking it against the full
        one (report, stored plan, whole store) and the NIPs the fast path closed."""
        self.monkeypatch.setattr(unchanged, "ENABLED", False)
        expected = reconcile(self.full, batch_size=25, concurrency=4, **options)
        assert self.closed == []
        self.monkeypatch.setattr(unchanged, "ENABLED", True)
        found = reconcile(self.fast, batch_size=25, concurrency=4, **options)
        closed, self.closed = self.closed, []
        assert {k: found[k] for k in SAME} == {k: expected[k] for k in SAME}
        assert _plan(self.fast, found["run_id"]) == _plan(self.full, expected["run_id"])
        assert store_state(self.fast) == store_state(self.full)
        return found, closed

    def close(self) -> None:
        """Close both stores."""
        self.full.close()
        self.fast.close()


def _plan(container: Container, run_id: str) -> list[tuple[Any, ...]]:
    """The stored plan of a held run (empty for a run that applied)."""
    with container.sessions() as session:
        rows = session.execute(
            select(
                RunChange.nip, RunChange.action, RunChange.field, RunChange.old_value, RunChange.new_value
            ).where(RunChange.run_id == run_id)
        ).all()
    return sorted((tuple(str(v) for v in row) for row in rows), key=str)


def _tamper(container: Container, renamed: str, unbased: str, written: str) -> None:
    """Changes no product path makes without clearing the digest: each needs the full apply."""
    with transaction(container.sessions) as session:
        session.execute(update(Pegawai).where(Pegawai.nip == renamed).values(unor_nama="Nama lama"))
        session.execute(update(Pegawai).where(Pegawai.nip == written).values(email="lain@contoh.go.id"))
        person = session.scalar(select(Pegawai.id).where(Pegawai.nip == unbased))
        session.execute(
            delete(FieldState).where(FieldState.pegawai_id == person, FieldState.field == "email")
        )


def _touched(day: DayChanges) -> set[str]:
    """Everyone a simulated day changed in SIASN."""
    return day.updated() | day.left() | set(day.cpns_baru)


def test_fast_path_leaves_the_store_the_full_apply_leaves(
    database_url: str,
    second_url: str,
    siasn_settings: SiasnSettings,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Night 1; a day of changes, a local unit edit that clashes with a mutasi, a kept local
    phone number, a Sinkron; night 2 held by a guard, then approved; the conflict decided and
    another day; night 3; three changes behind the digest's back; a quiet night 4. Both stores
    agree after each."""
    nights = Nights((database_url, second_url), siasn_settings, monkeypatch)
    for container in nights.both():
        import_export(container, world)
    first, closed = nights.night()
    assert first["status"] == "completed" and closed == []  # no digest yet

    day = advance_day(world, 1)
    clash = day.mutasi[0]
    local_unit = leaf_units(world, world.pegawai[clash].unor_id)[-1]
    quiet = [staff_nip(world, i) for i in range(12)]
    quiet = [nip for nip in quiet if nip not in _touched(day)]
    kept, synced = quiet[0], quiet[1]
    for container in nights.both():
        edit(container, clash, unor_id=local_unit)
        edit(container, kept, no_hp="081234567890")
        sinkron(container, synced)

    held, closed = nights.night(guards=HOLD)
    assert held["status"] == "held" and closed  # the guard saw the closed employees too
    approved, closed_after = nights.night(confirm=True, approval_reason="diperiksa", guards=HOLD)
    assert approved["status"] == "completed" and closed_after == []  # closed while fetching
    assert len(closed) > sum(approved["counts"].values()) // 2
    assert not ({clash, kept} | _touched(day)) & set(closed)
    assert synced in closed  # a Sinkron stores the digest as a night does

    for container in nights.both():
        assert decide_all_siasn(container, clash) > 0
    day = advance_day(world, 2)
    third, closed = nights.night()
    assert third["status"] == "completed" and clash not in closed and kept not in closed
    assert not set(closed) & _touched(day)
    odd = closed[:3]  # behind the digest's back: an old unit name, a lost base, a raw write
    for container in nights.both():
        _tamper(container, *odd)
    fourth, closed = nights.night()
    assert fourth["status"] == "completed" and clash in closed
    assert kept not in closed and not set(odd) & set(closed)  # each is applied in full
    nights.close()


def test_digest_follows_what_would_make_a_reapply_do_something(container: Container, world: World) -> None:
    """Applied records leave their digest; an edit clears it; an employee whose stored revision is
    newer than the night's fetch is still ``stale``, never closed unchanged."""
    import_export(container, world)
    reconcile(container)
    edited, ahead = staff_nip(world, 0), staff_nip(world, 1)
    assert all(_digests(container).values())
    edit(container, edited, no_hp="081234567890")
    with transaction(container.sessions) as session:
        person = session.scalar(select(Pegawai).where(Pegawai.nip == ahead))
        assert person is not None
        person.siasn_fetched_at = time.time() + 3600  # a Sinkron "after" the night's fetches
    assert _digests(container)[edited] is None
    night = reconcile(container)
    assert night["counts"]["stale"] == 1 and night["counts"]["confirmed"] == len(world.pegawai) - 1
    with container.sessions() as session:
        items = dict(
            session.execute(
                select(RunItem.nip, RunItem.situation).where(RunItem.run_id == night["run_id"])
            ).all()
        )
    assert items[ahead] == "stale" and items[edited] == "confirmed"
    digests = _digests(container)
    assert digests[edited] is None and digests[ahead] is not None  # a kept local value: no digest
    assert sum(1 for d in digests.values() if d) == len(world.pegawai) - 1


def _digests(container: Container) -> dict[str, str | None]:
    with container.sessions() as session:
        return dict(session.execute(select(Pegawai.nip, Pegawai.siasn_digest)).all())
