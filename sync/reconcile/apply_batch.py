"""Applying many employees in one transaction: what a batch reads once and writes in bulk.

The per-employee apply (``sync.apply``) reads its employee (locked), the employee's merge bases
and open conflicts and checks the PNS id against every other employee, each in its own query,
and flushes after each employee. A reconciliation batch reads all of that together for its
employees (``ApplyBatch.load``, a part of the batch at a time), keeps the new merge bases as
plain rows and writes them with the rest of a part (``ApplyBatch.write``): one flush (the ORM
batches the rows of one kind into one statement) and one insert of the new merge bases.
The decisions, the values written and the audit entries (in the same order) are the
per-employee apply's: only the number of statements changes (``tests/test_apply_bulk.py``
compares whole stores).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from mappings.pegawai import PegawaiRecord
from store.models import Conflict, FieldState, Pegawai
from sync.konflik import lifecycle

CHUNK = 500  # values in one IN (...) list
T = TypeVar("T")


@dataclass
class NewBase:
    """A merge base received for the first time, written with the batch (``FieldState``'s columns)."""

    pegawai: Pegawai
    field: str
    base_value: Any
    received_at: datetime
    diverged_since: datetime | None = None


@dataclass
class ApplyBatch:
    """The stored side of a batch's employees, read once, and what the batch adds in bulk."""

    session: Session
    pegawai: dict[str, Pegawai] = field(default_factory=dict)
    states: dict[int, dict[str, FieldState]] = field(default_factory=dict)
    conflicts: dict[int, dict[str, Conflict]] = field(default_factory=dict)
    owners: dict[str, Pegawai] = field(default_factory=dict)  # PNS id -> its holder, as seen now
    new_bases: list[NewBase] = field(default_factory=list)

    def load(self, records: Mapping[str, PegawaiRecord | None]) -> None:
        """Read the employees ``records`` name (locked, as the per-employee apply locks them),
        their merge bases and open conflicts, and the holders of the records' PNS ids. Called
        again for more employees of the batch: the queries flush what the batch changed so far."""
        people: dict[str, Pegawai] = {}
        for nips in _chunks(sorted(records)):
            query = (  # as locked now: an earlier part may have read one unlocked, as a PNS-id holder
                select(Pegawai)
                .where(Pegawai.nip.in_(nips))
                .order_by(Pegawai.nip)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            people.update((p.nip, p) for p in self.session.scalars(query))
        self.pegawai.update(people)
        for chunk in _chunks(sorted(p.id for p in people.values())):
            for state in self.session.scalars(select(FieldState).where(FieldState.pegawai_id.in_(chunk))):
                self.states.setdefault(state.pegawai_id, {})[state.field] = state
            active = select(Conflict).where(
                Conflict.pegawai_id.in_(chunk), Conflict.status.in_(lifecycle.ACTIVE)
            )
            for conflict in self.session.scalars(active):
                self.conflicts.setdefault(conflict.pegawai_id, {})[conflict.field] = conflict
        self.owners.update((p.pns_id, p) for p in people.values() if p.pns_id is not None)
        wanted = sorted({r.pns_id for r in records.values() if r is not None and r.pns_id is not None})
        for pns_ids in _chunks(wanted):
            holders = self.session.scalars(select(Pegawai).where(Pegawai.pns_id.in_(pns_ids)))
            self.owners.update((p.pns_id, p) for p in holders if p.pns_id is not None)

    def locked(self, nip: str) -> Pegawai | None:
        """The stored employee ``nip`` (locked by ``load``)."""
        return self.pegawai.get(nip)

    def field_states(self, pegawai: Pegawai) -> dict[str, FieldState | NewBase]:
        """The employee's merge bases, by field name (a copy: the apply adds to it)."""
        return dict(self.states.get(pegawai.id, {})) if pegawai.id is not None else {}

    def active_conflicts(self, pegawai: Pegawai) -> dict[str, Conflict]:
        """The employee's conflicts awaiting an admin, by field name (a copy)."""
        return dict(self.conflicts.get(pegawai.id, {})) if pegawai.id is not None else {}

    def twin(self, nip: str, pns_id: str | None) -> Pegawai | None:
        """Another employee holding ``pns_id`` now (the employees applied so far included)."""
        if pns_id is None:  # ``pns_id IS NULL`` in the per-employee query: asked as it asks
            return self.session.scalar(select(Pegawai).where(Pegawai.pns_id.is_(None), Pegawai.nip != nip))
        owner = self.owners.get(pns_id)
        return owner if owner is not None and owner.pns_id == pns_id and owner.nip != nip else None

    def applied(self, pegawai: Pegawai) -> None:
        """After an employee is applied: the PNS id it now holds."""
        if pegawai.pns_id is not None:
            self.owners[pegawai.pns_id] = pegawai

    def new_base(self, pegawai: Pegawai, name: str, value: Any, received_at: datetime) -> NewBase:
        """A merge base received for the first time, inserted with the batch's part."""
        base = NewBase(pegawai, name, value, received_at)
        self.new_bases.append(base)
        return base

    def write(self) -> None:
        """Write the batch: every changed row (one statement per kind), then the new bases."""
        self.session.flush()
        rows = [
            {
                "pegawai_id": b.pegawai.id,
                "field": b.field,
                "base_value": b.base_value,
                "received_at": b.received_at,
                "diverged_since": b.diverged_since,
            }
            for b in self.new_bases
        ]
        self.new_bases = []
        if rows:  # Core, not the ORM's bulk insert: no per-row bookkeeping, one executemany
            self.session.execute(insert(cast(Table, FieldState.__table__)), rows)


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
