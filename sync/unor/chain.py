"""The part of the unit tree one employee needs: the chains from their units up to a root.

A Sinkron SIASN used to load every active unit and every claim as ORM objects
(``load_context``) inside its write transaction, for one employee. The supervisor of one
employee only depends on the chain of active units from their unit up to a root, the heads
(SIASN ``PemimpinPnsId``, else a local claim) of those units, whether their unit has an active
sub-unit, and the instansi of the store. ``load_unit_context`` reads exactly that with a few
indexed plain-column queries; a nightly run still loads the whole tree once (``load_context``).

The reads happen inside the Sinkron's write transaction, after the employee row is read (and
locked), not before it opens. Read before, a unit refresh or a claim committed in between
would be missed and the link written from the old tree would stay wrong: the claim's (or the
night's) own recompute already ran. Re-validating inside would mean reading the same few rows
again, and which units are needed depends on the employee row as stored under the lock (a
concurrent edit may have moved them). The reads are a handful of primary-key and ``parent_id``
index lookups plus one aggregate, so they add little to the write lock's hold time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from mappings.units import UnitRecord, UnitTree
from store.models import Pegawai, Unit, UnitClaim
from sync.unor.supervision import OrgContext

_FIELDS = (
    "id",
    "nama",
    "parent_id",
    "eselon_id",
    "nama_jabatan",
    "pemimpin_pns_id",
    "instansi_id",
    "jenis_unor_id",
)


def load_unit_context(session: Session, unit_ids: Iterable[str | None]) -> OrgContext:
    """An ``OrgContext`` holding the chains of ``unit_ids`` (more are read when asked for).

    Within those chains it answers exactly as ``load_context`` would: the same units, heads,
    claimed units and the same instansi (the most common among active units; a tie, which the
    whole-tree load breaks by row order, goes to the smallest id).
    """
    heads: dict[str, str] = {}
    claimed: set[str] = set()
    tree = ChainTree(session, heads, claimed)
    tree.cover(unit_ids)
    return OrgContext(tree, heads, session.scalar(_INSTANSI), claimed)


class ChainTree(UnitTree):
    """A ``UnitTree`` that knows only the chains it was asked about, reading them on demand.

    Every unit read comes with its chain of active ancestors (a unit's parent is read unless it
    is inactive or unknown), so ``get``, ``ancestors``, ``is_root``, ``opd_of`` and
    ``is_smallest`` answer for a covered unit as the whole tree would. An id not covered yet is
    read first (two queries), and its units' heads and claims are added to the context's
    ``heads`` and ``claimed``. Whole-tree questions (``orphans``, ``cycles``) are refused.
    """

    def __init__(self, session: Session, heads: dict[str, str], claimed: set[str]) -> None:
        super().__init__(())
        self._session = session
        self._heads = heads
        self._claimed = claimed
        self._covered: set[str] = set()  # ids answered for: read, or known inactive or unknown
        self._parents: set[str] = set()  # covered ids with an active sub-unit

    def cover(self, unit_ids: Iterable[str | None]) -> None:
        """Read the chains of those ``unit_ids`` not read yet."""
        wanted = {u for u in unit_ids if u and u not in self._covered}
        if not wanted:
            return
        read: set[str] = set()
        for *values, claim_pns_id in self._session.execute(_CHAIN, {"ids": sorted(wanted)}):
            unit = UnitRecord(**dict(zip(_FIELDS, values, strict=True)))
            read.add(unit.id)
            if unit.id in self.units:
                continue
            self.units[unit.id] = unit
            if unit.parent_id is not None:
                self.children.setdefault(unit.parent_id, []).append(unit.id)
            if unit.pemimpin_pns_id:
                self._heads[unit.id] = unit.pemimpin_pns_id
            elif claim_pns_id:
                self._heads[unit.id] = claim_pns_id
                self._claimed.add(unit.id)
        # a parent not read is inactive or unknown: the chain query reads every active one
        known = wanted | read | {self.units[u].parent_id or u for u in read}
        self._parents.update(self._session.scalars(_WITH_CHILDREN, {"ids": sorted(known)}))
        self._covered.update(known)

    def get(self, unit_id: str | None) -> UnitRecord | None:
        """The unit with ``unit_id`` (read with its chain first), None when unknown or inactive."""
        if unit_id:
            self.cover((unit_id,))
        return super().get(unit_id)

    def ancestors(self, unit_id: str) -> Iterator[UnitRecord]:
        """Parents of ``unit_id``, nearest first (as ``UnitTree.ancestors``)."""
        self.cover((unit_id,))
        return super().ancestors(unit_id)

    def is_smallest(self, unit_id: str) -> bool:
        """True when no active unit sits below ``unit_id``."""
        self.cover((unit_id,))
        return unit_id not in self._parents

    def is_root(self, unit_id: str) -> bool:
        """True for an active unit without an active parent."""
        self.cover((unit_id,))
        return super().is_root(unit_id)

    def opd_of(self, unit_id: str) -> UnitRecord | None:
        """The OPD a unit belongs to (as ``UnitTree.opd_of``)."""
        self.cover((unit_id,))
        return super().opd_of(unit_id)

    def orphans(self) -> list[UnitRecord]:
        """Refused: a chain cannot tell; use ``load_context``."""
        raise NotImplementedError("whole-tree question asked of a ChainTree; use load_context")

    def cycles(self) -> list[str]:
        """Refused: a chain cannot tell; use ``load_context``."""
        raise NotImplementedError("whole-tree question asked of a ChainTree; use load_context")


def _chain_query() -> Select[Any]:
    """The active units ``ids`` and all their active ancestors, each with its claimant's PNS id
    (one recursive query; ``UNION`` drops rows already found, so a cycle ends)."""
    chain = (
        select(*(getattr(Unit, name) for name in _FIELDS))
        .where(Unit.id.in_(bindparam("ids", expanding=True)), Unit.aktif.is_(True))
        .cte("unit_chain", recursive=True)
    )
    parent = aliased(Unit)
    chain = chain.union(
        select(*(getattr(parent, name) for name in _FIELDS))
        .join(chain, parent.id == chain.c.parent_id)
        .where(parent.aktif.is_(True))
    )
    return (
        select(*(chain.c[name] for name in _FIELDS), Pegawai.pns_id)
        .outerjoin(UnitClaim, UnitClaim.unit_id == chain.c.id)
        .outerjoin(Pegawai, Pegawai.id == UnitClaim.pegawai_id)
    )


# built once: building a statement costs more than running it on a few rows
_CHAIN = _chain_query()
_WITH_CHILDREN = (
    select(Unit.parent_id)
    .where(Unit.aktif.is_(True), Unit.parent_id.in_(bindparam("ids", expanding=True)))
    .distinct()
)
_INSTANSI = (  # the most common instansi id of the active units; no rows loaded
    select(Unit.instansi_id)
    .where(Unit.aktif.is_(True), Unit.instansi_id.is_not(None))
    .group_by(Unit.instansi_id)
    .order_by(func.count().desc(), Unit.instansi_id)
    .limit(1)
)
