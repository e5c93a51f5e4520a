"""Related fields decided together (issue 16.6) and "tetapkan nilai" as an upstream correction
(issue 13.10), in the service layer on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import AuditEntry
from sync.authority import DECIDED_TOGETHER, FIELD_AUTHORITY, Authority
from sync.konflik.decide import Resolution, assign, decide
from sync.konflik.errors import KonflikError, KonflikRefused
from sync.konflik.query import get_conflict
from sync.konflik.scope import ADMIN_CLI
from sync.konflik.usulan import list_usulan
from tests.group_helpers import LOCAL_TMT, raise_golongan_group, raise_removed_unit
from tests.helpers import audit_actions, conflicts, leaf_units, pegawai, sinkron
from tests.konflik_helpers import known_account


def _statuses(container: Container, nip: str) -> dict[str, str]:
    return {c.field: c.status for c in conflicts(container, nip) if c.status != "superseded"}


def test_groups_are_declared_over_shared_fields() -> None:
    """Every field decided together is a shared field, and no field is in two groups."""
    grouped = [name for group in DECIDED_TOGETHER for name in group]
    assert len(grouped) == len(set(grouped))
    assert all(FIELD_AUTHORITY[name] is Authority.SHARED for name in grouped)


def test_deciding_one_member_decides_the_group(container: Container, world: World) -> None:
    """Taking SIASN on the golongan conflict decides TMT golongan too, one audit entry per field."""
    group = raise_golongan_group(container, world)
    with transaction(container.sessions) as session:
        done = decide(
            session, ADMIN_CLI, [group.ids["golongan"]], Resolution.TAKE_SIASN, actor="admin", reason="SK KP"
        )
    assert sorted(c.id for c in done) == sorted(group.ids.values())
    assert _statuses(container, group.nip) == {"golongan": "resolved", "tmt_golongan": "resolved"}
    person = pegawai(container, group.nip)
    assert person is not None
    assert (person.golongan, person.tmt_golongan.isoformat() if person.tmt_golongan else None) == (
        group.remote["golongan"],
        group.remote["tmt_golongan"],
    )
    decided = [str(f) for a, f in audit_actions(container, group.nip) if a == "konflik_ambil_siasn"]
    assert sorted(decided) == ["golongan", "tmt_golongan"]
    with container.sessions() as session:
        history = get_conflict(session, ADMIN_CLI, group.ids["golongan"]).events
    assert history[-1].detail is not None
    assert history[-1].detail.endswith(f"bersama konflik {group.ids['tmt_golongan']} (TMT golongan)")


def test_set_value_on_a_group_takes_one_value_per_field(container: Container, world: World) -> None:
    """ "Tetapkan nilai" on a group wants a value for each field; anything less writes nothing."""
    group = raise_golongan_group(container, world)
    cid = group.ids["tmt_golongan"]
    refusals = [
        ("III/c", "isi nilai baru untuk setiap field"),
        ({"golongan": "III/c"}, "isi nilai baru untuk TMT golongan"),
        ({"golongan": "III/c", "tmt_golongan": "01-05-2026", "nama": "X"}, "tidak termasuk"),
        ({"golongan": "Z/z", "tmt_golongan": "01-05-2026"}, f"konflik {group.ids['golongan']}"),
    ]
    for value, said in refusals:
        with pytest.raises(KonflikError, match=said), transaction(container.sessions) as session:
            decide(session, ADMIN_CLI, [cid], Resolution.SET_VALUE, actor="admin", reason="SK", value=value)
    assert _statuses(container, group.nip) == {"golongan": "open", "tmt_golongan": "open"}
    with transaction(container.sessions) as session:
        decide(
            session,
            ADMIN_CLI,
            [cid],
            Resolution.SET_VALUE,
            actor="admin",
            reason="SK KP yang benar",
            value={"golongan": "III c", "tmt_golongan": "01-05-2026"},
        )
    person = pegawai(container, group.nip)
    assert person is not None and person.golongan == "III/c" and str(person.tmt_golongan) == "2026-05-01"
    assert _statuses(container, group.nip) == {"golongan": "resolved", "tmt_golongan": "resolved"}


def test_stale_or_unseen_member_refuses_the_group(container: Container, world: World) -> None:
    """A member changed since shown, or never shown, refuses the whole decision; nothing written."""
    group = raise_golongan_group(container, world)
    first, second = group.ids["golongan"], group.ids["tmt_golongan"]
    with (
        pytest.raises(KonflikRefused, match=f"{second} \\(TMT golongan\\)"),
        transaction(container.sessions) as session,
    ):
        decide(
            session,
            ADMIN_CLI,
            [first],
            Resolution.TAKE_SIASN,
            actor="admin",
            reason="SK",
            seen_versions={first: 1},
        )
    known_account(container, "operator.bkd")
    with transaction(container.sessions) as session:
        assign(session, ADMIN_CLI, second, "operator.bkd", actor="admin.a")
    with (
        pytest.raises(KonflikRefused, match=r"ditugaskan kepada operator\.bkd"),
        transaction(container.sessions) as session,
    ):
        decide(
            session,
            ADMIN_CLI,
            [first],
            Resolution.TAKE_SIASN,
            actor="admin",
            reason="SK",
            seen_versions={first: 1, second: 1},
        )
    assert _statuses(container, group.nip) == {"golongan": "open", "tmt_golongan": "assigned"}
    person = pegawai(container, group.nip)
    assert person is not None and str(person.tmt_golongan) == LOCAL_TMT


@pytest.mark.parametrize("differs", [True, False])
def test_set_value_differing_from_siasn_is_an_usulan(
    container: Container, world: World, differs: bool
) -> None:
    """A value an admin sets that SIASN does not hold is proposed upstream; SIASN's own is not."""
    group = raise_golongan_group(container, world)
    value = {"golongan": "III/c", "tmt_golongan": "01-05-2026"} if differs else group.remote
    with transaction(container.sessions) as session:
        decide(
            session,
            ADMIN_CLI,
            [group.first],
            Resolution.SET_VALUE,
            actor="admin",
            reason="SK",
            value=value,
        )
    with container.sessions() as session:
        found = {u.field: (u.nilai_siasn, u.nilai_usulan) for u in list_usulan(session, ADMIN_CLI)}
        proposals = [
            str(f)
            for f in session.scalars(
                select(AuditEntry.field).where(AuditEntry.action == "usul_perbaikan_siasn")
            )
        ]
    expected = {
        "golongan": (group.remote["golongan"], "III/c"),
        "tmt_golongan": (group.remote["tmt_golongan"], "2026-05-01"),
    }
    assert found == (expected if differs else {})
    assert sorted(proposals) == (sorted(expected) if differs else [])


def test_removed_unit_set_value_is_proposed_and_settles(container: Container, world: World) -> None:
    """A removed-unit conflict needs a value; the chosen unit is proposed to SIASN (which still
    names the removed unit), and the next Sinkron keeps it and raises nothing new."""
    nip, gone = raise_removed_unit(container, world)
    [conflict] = [c for c in conflicts(container, nip) if c.status == "open"]
    assert conflict.kind == "unor_dihapus"
    with (
        pytest.raises(KonflikError, match="menetapkan unit kerja aktif"),
        transaction(container.sessions) as session,
    ):
        decide(session, ADMIN_CLI, [conflict.id], Resolution.TAKE_SIASN, actor="admin", reason="SK")
    chosen = leaf_units(world, gone)[0]
    with transaction(container.sessions) as session:
        decide(
            session, ADMIN_CLI, [conflict.id], Resolution.SET_VALUE, actor="admin", reason="SK", value=chosen
        )
    with container.sessions() as session:
        [usulan] = list_usulan(session, ADMIN_CLI)
    assert (usulan.field, usulan.nilai_siasn, usulan.nilai_usulan) == ("unor_id", gone, chosen)
    person = pegawai(container, nip)
    assert person is not None and person.unor_id == chosen
    [outcome] = sinkron(container, nip)
    assert [c.status for c in conflicts(container, nip)] == ["resolved"]
    assert "menunggu_perbaikan_siasn" in [w.code for w in outcome.warnings]


def test_members_asked_for_are_checked_as_before(container: Container, world: World) -> None:
    """Naming every member in a bulk with a version for one of them decides both (a conflict
    asked for by id is not "unseen"); a group member neither named nor versioned would be."""
    group = raise_golongan_group(container, world)
    first, second = group.ids["golongan"], group.ids["tmt_golongan"]
    with transaction(container.sessions) as session:
        done = decide(
            session,
            ADMIN_CLI,
            [first, second],
            Resolution.KEEP_LOCAL,
            actor="admin",
            reason="SK lokal",
            seen_versions={first: 1},
        )
    assert sorted(c.id for c in done) == sorted([first, second])
    assert _statuses(container, group.nip) == {"golongan": "resolved", "tmt_golongan": "resolved"}
