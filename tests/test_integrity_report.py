"""The supervisor integrity report, read as plain rows (bounded memory at 100,000 employees),
finds exactly what the report over ORM objects found: no atasan, a cycle, an atasan outside the
instansi, an atasan in a lower post, a unit not yet confirmed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import Pegawai, SupervisorLink
from sync.reconcile.integrity import EXAMPLES, integrity_report
from tests.helpers import import_export, reconcile


def orm_report(container: Container, instansi_id: str | None) -> dict[str, Any]:
    """The report as it was computed before (ORM objects; the oracle)."""
    from mappings.positions import eselon_of

    with container.sessions() as session:
        people = {p.id: p for p in session.scalars(select(Pegawai).where(Pegawai.aktif.is_(True)))}
        links = {link.pegawai_id: link for link in session.scalars(select(SupervisorLink))}
        found: dict[str, list[str]] = {
            k: []
            for k in (
                "tanpa_atasan",
                "siklus",
                "atasan_luar_instansi",
                "atasan_lebih_rendah",
                "unor_belum_dikonfirmasi",
            )
        }
        for pid, person in people.items():
            link = links.get(pid)
            atasan = people.get(link.atasan_id) if link and link.atasan_id else None
            if atasan is None:
                if link is not None and link.reason == "unor_tidak_dikenal":
                    found["unor_belum_dikonfirmasi"].append(person.nip)
                elif not link or link.reason != "atasan_kepala_daerah":
                    found["tanpa_atasan"].append(person.nip)
                continue
            seen, current, cycle = {pid}, links.get(pid), False
            while current is not None and current.atasan_id is not None:
                if current.atasan_id in seen:
                    cycle = current.atasan_id == pid
                    break
                seen.add(current.atasan_id)
                current = links.get(current.atasan_id)
            if cycle:
                found["siklus"].append(person.nip)
            if instansi_id and atasan.instansi_kerja_id and atasan.instansi_kerja_id != instansi_id:
                found["atasan_luar_instansi"].append(person.nip)
            mine, theirs = eselon_of(person.eselon_id), eselon_of(atasan.eselon_id)
            if mine is not None and (theirs is None or theirs.level > mine.level):
                found["atasan_lebih_rendah"].append(person.nip)
    return {kind: {"jumlah": len(n), "contoh": sorted(n)[:EXAMPLES]} for kind, n in found.items()}


def test_rows_find_what_objects_found(container: Container, world: World) -> None:
    """After a night, links bent into every kind of problem: both reports agree, and each kind
    is found."""
    import_export(container, world)
    reconcile(container)
    with transaction(container.sessions) as session:
        ids = list(session.scalars(select(SupervisorLink.pegawai_id).order_by(SupervisorLink.pegawai_id)))
        a, b, c, outsider, lone, unknown = ids[:6]
        session.execute(update(SupervisorLink).where(SupervisorLink.pegawai_id == a).values(atasan_id=b))
        session.execute(update(SupervisorLink).where(SupervisorLink.pegawai_id == b).values(atasan_id=c))
        session.execute(update(SupervisorLink).where(SupervisorLink.pegawai_id == c).values(atasan_id=a))
        session.execute(update(Pegawai).where(Pegawai.id == outsider).values(instansi_kerja_id="LAIN"))
        session.execute(
            update(SupervisorLink).where(SupervisorLink.pegawai_id == lone).values(atasan_id=None)
        )
        session.execute(
            update(SupervisorLink)
            .where(SupervisorLink.pegawai_id == unknown)
            .values(atasan_id=None, reason="unor_tidak_dikenal")
        )
        session.execute(
            update(SupervisorLink)
            .where(SupervisorLink.atasan_id.is_(None), SupervisorLink.pegawai_id > unknown)
            .values(atasan_id=outsider)
        )
    for instansi in (None, world_instansi(container)):
        with container.sessions() as session:
            found = integrity_report(session, instansi)
        assert found == orm_report(container, instansi)
    assert found["siklus"]["jumlah"] >= 3
    assert found["tanpa_atasan"]["jumlah"] >= 1 and found["unor_belum_dikonfirmasi"]["jumlah"] >= 1
    assert found["atasan_lebih_rendah"]["jumlah"] >= 1
    assert found["atasan_luar_instansi"]["jumlah"] >= 1


def world_instansi(container: Container) -> str | None:
    """The instansi most employees belong to."""
    with container.sessions() as session:
        values = list(session.scalars(select(Pegawai.instansi_kerja_id)))
    return max(set(values), key=values.count) if values else None
