"""A Sinkron reads the chains of the employee's units, not the whole unit tree (issue 15.3).

Two halves: the small context (``sync.unor.chain``) finds the same supervisor, reason, source
and unit answers as the whole-tree ``load_context`` on trees with claims, headless units, deep
chains, inactive units, orphans and cycles; and a Sinkron on a store with hundreds of units
runs the same few statements, reading a few unit rows, whatever the number of units.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from mappings.supervisors import derive_supervisor
from service.container import Container
from simulators.dataset import World
from store.db import make_engine, session_factory, transaction, upgrade
from store.models import Pegawai, SupervisorLink, Unit, UnitClaim
from sync.unor.chain import load_unit_context
from sync.unor.supervision import OrgContext, load_context, update_supervisor
from tests.helpers import load_units, sinkron, staff_nip

# (id, parent, head PNS id, active, instansi); "SMA" makes a school
TREE = [
    ("R", None, "pR", True, "I1"),
    ("D", "R", "pD", True, "I1"),
    ("SMA Negeri 1", "D", "pS", True, "I1"),
    ("SMA Negeri 2", "D", None, True, "I1"),  # headless school: its claimant heads it
    ("E1", "D", None, True, "I1"),  # claimed
    ("E2", "E1", None, True, "I1"),
    ("E3", "E2", "pE3", True, "I1"),
    ("E4", "E3", None, True, "I1"),
    ("E5", "E4", None, True, "I2"),
    ("E6", "E5", None, True, "I2"),
    ("X", "D", "pX", False, "I1"),  # inactive: its active child is a root
    ("Y", "X", None, True, "I1"),
    ("Y2", "Y", "pY2", True, None),
    ("H", "R", None, True, "I1"),  # headless OPD
    ("H1", "H", None, True, "I1"),
    ("K", "R", "pK", True, "I1"),  # SIASN's head wins over the claim
    ("C1", "C2", None, True, "I2"),  # a cycle
    ("C2", "C1", "pC2", True, "I2"),
    ("C3", "C1", None, True, "I2"),
    ("O", "missing", None, True, None),  # orphan
]
CLAIMS = {"E1": "pE1", "SMA Negeri 2": "pS2", "K": "pK2", "X": "pXc", "H1": "pH1"}
HEADS_AT = {"pR": "R", "pD": "D", "pS": "SMA Negeri 1", "pE3": "E3", "pK": "K", "pC2": "C2", "pY2": "Y2"}
HEADS_AT |= {pns: unit for unit, pns in CLAIMS.items()}


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions over an empty, migrated store."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def _store(session: Session, tree: list[tuple[str, str | None, str | None, bool, str | None]]) -> None:
    for unit_id, parent, head, aktif, instansi in tree:
        session.add(
            Unit(
                id=unit_id,
                nama=unit_id,
                parent_id=parent,
                pemimpin_pns_id=head,
                aktif=aktif,
                instansi_id=instansi,
            )
        )


def _person(session: Session, number: int, pns_id: str, unor_id: str | None) -> Pegawai:
    person = Pegawai(nip=f"{number:018d}", pns_id=pns_id, unor_id=unor_id, aktif=True)
    session.add(person)
    session.flush()
    return person


def _claim(session: Session, unit_id: str, person: Pegawai) -> None:
    session.add(
        UnitClaim(
            unit_id=unit_id,
            pegawai_id=person.id,
            claimed_by="admin",
            reason="SK",
            claimed_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
    )


def _same_answers(session: Session, full: OrgContext, pns_id: str, unor_id: str | None) -> None:
    """The small context of ``unor_id`` answers as the whole tree does, for that employee."""
    small = load_unit_context(session, (unor_id,))
    assert small.instansi_id == full.instansi_id
    expected = derive_supervisor(pns_id, unor_id, full.tree, full.heads)
    assert derive_supervisor(pns_id, unor_id, small.tree, small.heads) == expected, (pns_id, unor_id)
    assert (expected.via_unit_id in small.claimed) == (expected.via_unit_id in full.claimed)
    assert small.tree.get(unor_id) == full.tree.get(unor_id)
    if unor_id is not None:
        assert small.tree.is_smallest(unor_id) == full.tree.is_smallest(unor_id), unor_id
        if full.tree.get(unor_id) is not None:  # a claim of an inactive unit is never read
            assert small.heads.get(unor_id) == full.heads.get(unor_id), unor_id
        assert small.tree.opd_of(unor_id) == full.tree.opd_of(unor_id), unor_id
        assert list(small.tree.ancestors(unor_id)) == list(full.tree.ancestors(unor_id)), unor_id


def test_small_context_finds_the_same_supervisor_as_the_whole_tree(sessions: sessionmaker[Session]) -> None:
    """Every employee of a tree with claims, headless units, a deep chain, a school, an inactive
    unit, a cycle and an orphan gets the same stored link (atasan, via, reason, source),
    notices and unit answers from the small context as from ``load_context``."""
    with transaction(sessions) as session:
        _store(session, TREE)
        people = {pns: _person(session, n, pns, unit) for n, (pns, unit) in enumerate(HEADS_AT.items())}
        for unit_id, *_ in TREE:
            people[f"s{unit_id}"] = _person(session, len(people), f"s{unit_id}", unit_id)
        people["sMissing"] = _person(session, len(people), "sMissing", "missing")
        people["sNone"] = _person(session, len(people), "sNone", None)
        for unit_id, pns in CLAIMS.items():
            _claim(session, unit_id, people[pns])
    with transaction(sessions) as session:
        full = load_context(session)
        assert full.claimed == {"E1", "SMA Negeri 2", "X", "H1"}
        sources = set()
        for person in session.scalars(select(Pegawai)):
            _same_answers(session, full, person.pns_id or "", person.unor_id)
            whole = update_supervisor(session, person, full, actor="test")
            session.flush()
            link = session.get(SupervisorLink, person.id)
            assert link is not None
            stored = (link.atasan_id, link.via_unit_id, link.reason, link.source)
            small = load_unit_context(session, (person.unor_id,))
            chain = update_supervisor(session, person, small, actor="test")
            session.flush()
            assert (link.atasan_id, link.via_unit_id, link.reason, link.source) == stored
            assert (chain.atasan, chain.notices) == (whole.atasan, whole.notices)
            sources.add((link.source, link.reason))
    assert {("klaim", "kepala_unor"), ("unor", "kepala_unor_atas")} <= sources
    assert ("unor", "kepala_sekolah_ke_kepala_dinas") in sources
    assert ("unor", "atasan_kepala_daerah") in sources


def _random_tree(rng: random.Random, size: int) -> list[tuple[str, str | None, str | None, bool, str | None]]:
    tree: list[tuple[str, str | None, str | None, bool, str | None]] = []
    for n in range(size):
        name = f"{rng.choice(['SD', 'Bidang', 'Seksi', 'Dinas'])} {n}"
        roll = rng.random()
        parent = (
            None
            if n == 0 or roll < 0.05
            else "gone"
            if roll < 0.08
            else tree[rng.randrange(len(tree))][0]
            if roll < 0.95
            else f"{rng.choice(['SD', 'Bidang'])} {rng.randrange(size)}"  # may close a cycle
        )
        head = f"h{rng.randrange(size)}" if rng.random() < 0.4 else None
        tree.append((name, parent, head, rng.random() < 0.9, rng.choice(["I1", "I1", "I2", None])))
    return tree


@pytest.mark.parametrize("seed", range(2))
def test_small_context_agrees_on_random_forests(database_url: str, seed: int) -> None:
    """Random forests (orphans, cycles, inactive units, schools, claims): for every unit and a
    head or a staff member in it, the small context answers as the whole tree does."""
    _agree_on_random_forest(database_url, seed)


@pytest.mark.parametrize("seed", range(2, 6))
def test_more_random_forests_on_sqlite(tmp_path: Path, seed: int) -> None:
    """Four more random forests, on SQLite only (two seeds are enough on PostgreSQL too)."""
    _agree_on_random_forest(f"sqlite:///{tmp_path / 'forest.db'}", seed)


def _agree_on_random_forest(database_url: str, seed: int) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    rng = random.Random(seed)
    tree = _random_tree(rng, 60)
    with transaction(sessions) as session:
        _store(session, tree)
        for n, (unit_id, _parent, head, _aktif, _i) in enumerate(tree):
            if head is None or rng.random() < 0.3:
                claimant = _person(session, n, f"c{unit_id}", unit_id)
                if rng.random() < 0.5:
                    _claim(session, unit_id, claimant)
    with transaction(sessions) as session:
        full = load_context(session)
        for unit_id, _parent, head, *_ in tree:
            for pns_id in {head or "", f"c{unit_id}", full.heads.get(unit_id, ""), "staff"}:
                _same_answers(session, full, pns_id, unit_id)
    engine.dispose()


class _UnitReads:
    """Every statement of an engine, and those that read the unit table (with parameters)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements = 0
        self.unit_reads: list[tuple[str, Any]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        self.statements += 1
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and re.search(
            r"\b(FROM|JOIN)\s+unit\b", statement, re.IGNORECASE
        ):
            self.unit_reads.append((statement, parameters))

    def rows(self) -> int:
        """Rows the recorded unit reads return when run again."""
        with self.engine.connect() as connection:
            return sum(len(connection.exec_driver_sql(s, p).all()) for s, p in self.unit_reads)


def _extra_units(container: Container, parent: str, start: int, count: int) -> None:
    with transaction(container.sessions) as session:
        for n in range(start, start + count):
            session.add(Unit(id=f"extra-{n}", nama=f"Seksi Tambahan {n}", parent_id=parent, aktif=True))


def _counted_sinkron(container: Container, nip: str) -> _UnitReads:
    reads = _UnitReads(container.engine)
    event.listen(container.engine, "before_cursor_execute", reads)
    try:
        sinkron(container, nip)
    finally:
        event.remove(container.engine, "before_cursor_execute", reads)
    return reads


@pytest.mark.e2e
def test_sinkron_does_not_load_the_unit_tree(container: Container, world: World) -> None:
    """With 30 and then 330 extra units, a Sinkron runs the same number of statements and its
    unit reads return a few rows (the employee's chain), not one per unit."""
    load_units(container)
    nip = staff_nip(world)
    sinkron(container, nip)
    root = next(u.id for u in world.units.values() if u.parent_id is None)
    _extra_units(container, root, 0, 30)
    small = _counted_sinkron(container, nip)
    small_rows = small.rows()
    _extra_units(container, root, 30, 300)
    big = _counted_sinkron(container, nip)
    with container.sessions() as session:
        assert len(session.scalars(select(Unit.id)).all()) > 350
    assert big.statements == small.statements
    assert len(big.unit_reads) == len(small.unit_reads) <= 3
    assert big.rows() == small_rows < 20  # the whole-tree load read every unit: 369 rows


def test_small_context_refuses_whole_tree_questions(sessions: sessionmaker[Session]) -> None:
    """Orphans and cycles need every unit: the small context refuses them loudly rather than
    answering from a partial tree (the integrity report uses ``load_context``)."""
    with transaction(sessions) as session:
        _store(session, TREE)
        small = load_unit_context(session, (TREE[0][0],))
        with pytest.raises(NotImplementedError, match="load_context"):
            small.tree.orphans()
        with pytest.raises(NotImplementedError, match="load_context"):
            small.tree.cycles()
