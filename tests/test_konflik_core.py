"""The konflik service layer on SQLite and PostgreSQL: lifecycle, deciding, scope, queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, Conflict, ConflictEvent
from sync import audit
from sync.access.rules import Principal, RoleMap
from sync.konflik.calendar import add_working_days, is_working_day, overdue_before
from sync.konflik.decide import Resolution, assign, comment, decide
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused
from sync.konflik.query import KonflikFilter, get_conflict, list_conflicts, select_ids, summary
from sync.konflik.scope import ADMIN_CLI, scope_for
from sync.konflik.usulan import group_by_unit, list_usulan
from tests.helpers import base_value, conflicts, leaf_units, pegawai, schema_diff, sinkron
from tests.konflik_helpers import known_account, raise_unit_conflicts

ROLES = RoleMap(admin=frozenset({"admin"}), operator=frozenset({"operator"}))


def test_working_days_skip_weekends_and_indonesian_holidays() -> None:
    """Due dates skip Saturdays, Sundays and public holidays such as 17 August."""
    assert not is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)  # Fri -> Tue
    assert add_working_days(date(2026, 8, 12), 5) == date(2026, 8, 20)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # past Christmas
    cutoff = overdue_before(date(2026, 8, 21), 5, "Asia/Jakarta")
    assert cutoff.isoformat() == "2026-08-12T17:00:00+00:00"  # opened 12 Aug, due 20 Aug


def test_migration_matches_models(database_url: str) -> None:
    """The migrated schema is exactly what store/models.py declares."""
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        diff = schema_diff(connection)
    engine.dispose()
    assert diff == []


def test_new_siasn_value_supersedes_undecided_conflict(container: Container, world: World) -> None:
    """A new SIASN value replaces the open conflict with a linked one; the old is refused."""
    [raised] = raise_unit_conflicts(container, world)
    third = next(u for u in leaf_units(world, raised.remote_unit) if u != raised.local_unit)
    mutasi(world, raised.nip, unor_id=third)
    sinkron(container, raised.nip)
    rows = {c.id: c for c in conflicts(container, raised.nip)}
    old = rows[raised.conflict_id]
    [new] = [c for c in rows.values() if c.id != old.id]
    assert (old.status, new.status, new.supersedes_id) == ("superseded", "open", old.id)
    assert (new.remote_value, new.local_value) == (third, raised.local_unit)
    with container.sessions() as session:
        kinds = [e.kind for e in session.scalars(select(ConflictEvent).order_by(ConflictEvent.id))]
        detail = get_conflict(session, ADMIN_CLI, old.id)
    assert kinds == ["opened", "superseded", "opened"]
    assert detail.superseded_by_id == new.id
    with (
        pytest.raises(KonflikRefused, match=f"digantikan oleh konflik {new.id}"),
        transaction(container.sessions) as session,
    ):
        decide(session, ADMIN_CLI, [old.id], Resolution.TAKE_SIASN, actor="admin", reason="SK")


@pytest.mark.parametrize("how", list(Resolution))
def test_decide_moves_base_audits_and_records_usulan(
    container: Container, world: World, how: Resolution
) -> None:
    """Each decision sets the value, moves the base to SIASN's, audits, and lists usulan (keeping
    the local value or setting one SIASN does not hold is a correction to propose, issue 13.10)."""
    [raised] = raise_unit_conflicts(container, world)
    chosen = next(
        u for u in reversed(leaf_units(world, "")) if u not in (raised.local_unit, raised.remote_unit)
    )
    with transaction(container.sessions) as session:
        decide(
            session,
            ADMIN_CLI,
            [raised.conflict_id],
            how,
            actor="local:admin",
            reason="sesuai SK",
            value=chosen,
            seen_versions={raised.conflict_id: 1},
        )
    expected = {
        Resolution.TAKE_SIASN: raised.remote_unit,
        Resolution.KEEP_LOCAL: raised.local_unit,
        Resolution.SET_VALUE: chosen,
    }[how]
    person = pegawai(container, raised.nip)
    assert person is not None and person.unor_id == expected
    assert base_value(container, raised.nip, "unor_id") == raised.remote_unit
    with container.sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "local:admin")))
        usulan = list_usulan(session, ADMIN_CLI)
        detail = get_conflict(session, ADMIN_CLI, raised.conflict_id)
    assert actions[0] == f"konflik_{how.value}"
    assert ("usul_perbaikan_siasn" in actions) == (how is not Resolution.TAKE_SIASN)
    proposed = {
        Resolution.TAKE_SIASN: [],
        Resolution.KEEP_LOCAL: [raised.local_unit],
        Resolution.SET_VALUE: [chosen],
    }
    assert [u.nilai_usulan for u in usulan] == proposed[how]
    assert [u.nilai_siasn for u in usulan] == ([] if how is Resolution.TAKE_SIASN else [raised.remote_unit])
    assert detail.row.status == "resolved" and detail.events[-1].kind == "resolved"
    sinkron(container, raised.nip)
    assert [c.status for c in conflicts(container, raised.nip)] == ["resolved"]


def test_bulk_decision_is_all_or_nothing(container: Container, world: World) -> None:
    """One decided conflict in a bulk refuses the whole bulk; nothing changes."""
    first, second = raise_unit_conflicts(container, world, 2)
    with transaction(container.sessions) as session:
        decide(
            session, ADMIN_CLI, [second.conflict_id], Resolution.TAKE_SIASN, actor="admin", reason="SK terbit"
        )
    with pytest.raises(KonflikRefused, match="sudah diputuskan"), transaction(container.sessions) as session:
        decide(
            session,
            ADMIN_CLI,
            [first.conflict_id, second.conflict_id],
            Resolution.KEEP_LOCAL,
            actor="admin",
            reason="cek",
        )
    [row] = conflicts(container, first.nip)
    assert row.status == "open"
    person = pegawai(container, first.nip)
    assert person is not None and person.unor_id == first.local_unit
    with (
        pytest.raises(KonflikError, match="alasan keputusan wajib"),
        transaction(container.sessions) as session,
    ):
        decide(session, ADMIN_CLI, [first.conflict_id], Resolution.TAKE_SIASN, actor="admin", reason="   ")


def test_stale_decision_says_what_changed(container: Container, world: World) -> None:
    """A decision on version 1 after an assignment is refused naming the assignment."""
    [raised] = raise_unit_conflicts(container, world)
    known_account(container, "operator.bkd")
    with transaction(container.sessions) as session:
        assign(session, ADMIN_CLI, raised.conflict_id, "operator.bkd", actor="admin.a")
        comment(session, ADMIN_CLI, raised.conflict_id, "<b>cek SK</b>", actor="admin.a")
    with (
        pytest.raises(KonflikRefused, match=r"ditugaskan kepada operator\.bkd"),
        transaction(container.sessions) as session,
    ):
        decide(
            session,
            ADMIN_CLI,
            [raised.conflict_id],
            Resolution.TAKE_SIASN,
            actor="admin.b",
            reason="SK",
            seen_versions={raised.conflict_id: 1},
        )
    with container.sessions() as session:
        detail = get_conflict(session, ADMIN_CLI, raised.conflict_id)
        page = list_conflicts(session, ADMIN_CLI, KonflikFilter(assignee="operator.bkd"))
    assert detail.row.status == "assigned" and detail.row.version == 2
    assert [c.detail for c in detail.comments] == ["<b>cek SK</b>"]
    assert [r.id for r in page.rows] == [raised.conflict_id]


def test_scope_limits_what_operators_and_employees_see(container: Container, world: World) -> None:
    """An operator elsewhere sees nothing; the employee sees their own and cannot decide."""
    [raised] = raise_unit_conflicts(container, world)
    leaves = set(leaf_units(world, raised.local_unit))
    other = next(p.nip for p in world.pegawai.values() if p.unor_id in leaves)
    sinkron(container, other)
    with container.sessions() as session:
        stranger = scope_for(session, Principal("myasn", other, ("operator",)), ROLES)
        own = scope_for(session, Principal("myasn", raised.nip), ROLES)
        assert list_conflicts(session, stranger, KonflikFilter()).total == 0
        with pytest.raises(KonflikNotFound):
            get_conflict(session, stranger, raised.conflict_id)
        assert list_conflicts(session, own, KonflikFilter()).total == 1
    with pytest.raises(KonflikForbidden), transaction(container.sessions) as session:
        decide(session, own, [raised.conflict_id], Resolution.TAKE_SIASN, actor="x", reason="y")
    with pytest.raises(KonflikNotFound), transaction(container.sessions) as session:
        decide(session, stranger, [raised.conflict_id], Resolution.TAKE_SIASN, actor="x", reason="y")


def test_filters_overdue_summary_and_select_all(container: Container, world: World) -> None:
    """Filters narrow the list; a conflict opened long ago is overdue in lists and summary."""
    first, second = raise_unit_conflicts(container, world, 2)
    with transaction(container.sessions) as session:
        session.execute(
            update(Conflict)
            .where(Conflict.id == first.conflict_id)
            .values(opened_at=audit.now() - timedelta(days=30))
        )
    with container.sessions() as session:
        overdue = list_conflicts(session, ADMIN_CLI, KonflikFilter(overdue=True))
        aged = select_ids(session, ADMIN_CLI, KonflikFilter(min_age_days=10))
        by_text = list_conflicts(session, ADMIN_CLI, KonflikFilter(text=second.nip[:14]))
        none = list_conflicts(session, ADMIN_CLI, KonflikFilter(field="golongan"))
        totals = summary(session, ADMIN_CLI)
        newest = list_conflicts(session, ADMIN_CLI, KonflikFilter(), sort="-dibuka", per_page=1)
        with pytest.raises(KonflikError, match="status tidak dikenal"):
            list_conflicts(session, ADMIN_CLI, KonflikFilter(statuses=("x",)))
    assert [r.id for r in overdue.rows] == [first.conflict_id] and overdue.rows[0].overdue
    assert aged == [first.conflict_id]
    assert second.conflict_id in [r.id for r in by_text.rows]
    assert none.total == 0
    assert (totals["open"], totals["overdue"]) == (2, 1)
    assert totals["by_field"] == [{"field": "unor_id", "open": 2, "overdue": 1}]
    assert newest.total == 2 and [r.id for r in newest.rows] == [second.conflict_id]
    with transaction(container.sessions) as session:
        decide(
            session,
            ADMIN_CLI,
            [first.conflict_id, second.conflict_id],
            Resolution.KEEP_LOCAL,
            actor="admin",
            reason="SK lokal benar",
        )
        groups = group_by_unit(list_usulan(session, ADMIN_CLI))
    assert sum(len(g["usulan"]) for g in groups) == 2


def test_reason_and_comment_with_control_characters_are_refused() -> None:
    """A decision reason or comment holding NUL or an escape sequence is refused with the
    catalogue's message, before anything is looked up or written."""
    from sync.konflik.decide import decision_reason, stored_text

    for hostile in ("a\x00b", "\x1b[2Jx", "ok\x07"):
        with pytest.raises(KonflikError):
            decision_reason(hostile)
        with pytest.raises(KonflikError):
            stored_text(hostile)
    assert decision_reason("  SK mutasi\nsudah terbit ") == "SK mutasi\nsudah terbit"
