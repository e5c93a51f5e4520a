"""The apply phase's batches (``sync.reconcile.apply_batch``: the batch's employees read together,
written together) leave exactly the store the one-by-one apply leaves: the same nights on two stores, one
applying employee by employee, one by batch, compared after every night (report, run items,
every table the apply writes, the audit trail in chain order)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update

from service.container import Container
from service.settings import Settings, SiasnSettings
from simulators.dataset import World
from simulators.nights import DayChanges, advance_day
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, Conflict, ConflictEvent, Pegawai, RunItem
from sync.reconcile import apply_phase, unchanged
from tests.helpers import (
    decide_all_siasn,
    edit,
    import_export,
    leaf_units,
    reconcile,
    sinkron,
    staff_nip,
    store_state,
)

pytestmark = pytest.mark.e2e
SAME = ("status", "phase", "counts", "calls", "failed", "conflicts_opened", "guard_reason", "unit_changes")
TWIN_NIP = "199001012020121999"  # a local-only employee holding another one's PNS id


class Stores:
    """Two stores over one simulated SIASN: ``rows`` applies one by one, ``bulk`` by batch."""

    def __init__(self, urls: tuple[str, str], siasn: SiasnSettings, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows, self.bulk = (self._container(url, siasn) for url in urls)
        self.monkeypatch = monkeypatch
        monkeypatch.setattr(unchanged, "ENABLED", False)  # every employee through the apply
        monkeypatch.setattr(apply_phase, "LOAD", 3)  # a batch of 7 read in three parts

    @staticmethod
    def _container(url: str, siasn: SiasnSettings) -> Container:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return Container.build(Settings(database_url=url, siasn=siasn))

    def both(self) -> tuple[Container, Container]:
        """The two stores."""
        return self.rows, self.bulk

    def night(self) -> dict[str, Any]:
        """One night on both stores (small batches: many of them); the bulk store's report after
        checking it, its run items and the whole store against the one-by-one store."""
        self.monkeypatch.setattr(apply_phase, "BULK", False)
        expected = reconcile(self.rows, batch_size=7, concurrency=4)
        self.monkeypatch.setattr(apply_phase, "BULK", True)
        found = reconcile(self.bulk, batch_size=7, concurrency=4)
        assert {k: found[k] for k in SAME} == {k: expected[k] for k in SAME}
        assert _items(self.bulk, found["run_id"]) == _items(self.rows, expected["run_id"])
        assert store_state(self.bulk) == store_state(self.rows)
        assert _chain(self.bulk) == _chain(self.rows)
        assert _events(self.bulk) == _events(self.rows)
        return found

    def close(self) -> None:
        """Close both stores."""
        self.rows.close()
        self.bulk.close()


def _items(container: Container, run_id: str) -> list[tuple[Any, ...]]:
    """A run's items: NIP, state, situation, why it was skipped."""
    with container.sessions() as session:
        rows = session.execute(
            select(RunItem.nip, RunItem.state, RunItem.situation, RunItem.error)
            .where(RunItem.run_id == run_id)
            .order_by(RunItem.nip)
        )
        return [tuple(row) for row in rows]


def _chain(container: Container) -> list[tuple[Any, ...]]:
    """The audit trail in chain order (what ``store_state`` compares as a set)."""
    with container.sessions() as session:
        rows = session.execute(
            select(
                AuditEntry.action,
                AuditEntry.pegawai_nip,
                AuditEntry.field,
                AuditEntry.old_value,
                AuditEntry.new_value,
                AuditEntry.reason,
            ).order_by(AuditEntry.seq)
        )
        return [tuple(row) for row in rows]


def _events(container: Container) -> list[tuple[Any, ...]]:
    """Every conflict event: its conflict's employee and field, the kind, actor and detail."""
    with container.sessions() as session:
        rows = session.execute(
            select(Pegawai.nip, Conflict.field, ConflictEvent.kind, ConflictEvent.actor, ConflictEvent.detail)
            .join(Conflict, Conflict.id == ConflictEvent.conflict_id)
            .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
            .order_by(ConflictEvent.id)
        )
        return [tuple(row) for row in rows]


def _twin(container: Container, nip: str) -> None:
    """``nip`` loses its PNS id to a local-only employee: the next apply finds the twin."""
    with transaction(container.sessions) as session:
        person = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
        assert person is not None and person.pns_id is not None
        pns_id = person.pns_id
        session.execute(update(Pegawai).where(Pegawai.nip == nip).values(pns_id="lokal-lama"))
        session.add(Pegawai(nip=TWIN_NIP, pns_id=pns_id, nama="Catatan ganda", aktif=True))


def _quiet(world: World, day: DayChanges, count: int) -> list[str]:
    """Staff the day left alone."""
    touched = day.updated() | day.left() | set(day.cpns_baru)
    return [nip for nip in (staff_nip(world, i) for i in range(40)) if nip not in touched][:count]


def test_batches_leave_the_store_the_one_by_one_apply_leaves(
    database_url: str,
    second_url: str,
    siasn_settings: SiasnSettings,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Night 1 on empty stores; a busy day with a clashing local unit, a local unit that
    converges, a kept phone number, a Sinkron and a PNS-id twin; night 2; the conflict decided,
    a local edit and another day; nights 3 and 4. Both stores agree after each night."""
    stores = Stores((database_url, second_url), siasn_settings, monkeypatch)
    for container in stores.both():
        import_export(container, world)
    first = stores.night()
    assert first["status"] == "completed" and first["counts"]["absent"] > 100

    day = advance_day(world, 1, scale=4)
    clash, converge = day.mutasi[:2]
    local_unit = leaf_units(world, world.pegawai[clash].unor_id)[-1]
    kept, synced, twin = _quiet(world, day, 3)
    for container in stores.both():
        edit(container, clash, unor_id=local_unit)
        edit(container, converge, unor_id=world.pegawai[converge].unor_id)
        edit(container, kept, no_hp="081234567890")
        sinkron(container, synced)
        _twin(container, twin)
    second = stores.night()
    counts = second["counts"]
    assert counts["conflict"] >= 1 and counts["ambiguous"] == 1 and counts["missing"] == 1
    assert counts["updated"] > 0 and counts["left"] > 0

    for container in stores.both():
        assert decide_all_siasn(container, clash) > 0
        edit(container, kept, no_hp="081200000000")
    advance_day(world, 2, scale=4)
    assert stores.night()["status"] == "completed"
    advance_day(world, 3, scale=2)
    assert stores.night()["status"] == "completed"
    stores.close()


def test_record_values_are_the_records_fields_in_json_form() -> None:
    """``PegawaiRecord.values`` (shallow, for speed) gives what ``asdict`` gave: every field, in
    declaration order, dates as ISO strings, every other value as is."""
    from dataclasses import asdict, fields

    from mappings.pegawai import PegawaiRecord

    filled: dict[str, Any] = {f.name: f"v-{f.name}" for f in fields(PegawaiRecord)}
    filled.update(
        tanggal_lahir=date(1990, 1, 2), tmt_jabatan=date(2020, 3, 1), eselon_id=41, jenis_jabatan_id=4
    )
    record = PegawaiRecord(**filled)
    expected = {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(record).items()}
    assert list(record.values().items()) == list(expected.items())
    assert record.values()["tanggal_lahir"] == "1990-01-02" and record.values()["eselon_id"] == 41
