"""Integrity report of supervisor links: none, cycles, outside the instansi, a lower post.

An employee whose unit is not in the stored tree (not yet confirmed by ref-unor, e.g. after a
first night whose ref-unor failed) is listed as such, not as having no supervisor: their atasan
cannot be derived until the tree is known.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.positions import eselon_of
from store.models import Pegawai, SupervisorLink

EXAMPLES = 20


class _Ranked(Protocol):
    """What the report reads of an employee (a row of four columns, not an ORM object)."""

    nip: str
    instansi_kerja_id: str | None
    eselon_id: int | None


def integrity_report(session: Session, instansi_id: str | None) -> dict[str, Any]:
    """Counts and example NIPs for each kind of supervisor problem among active employees.

    The whole link graph is needed (a cycle can run through any employee), so it is read as
    plain rows of a few columns: at 100,000 employees tens of MB, not ORM objects by the GB.
    """
    people: dict[int, _Ranked] = {
        row.id: row
        for row in session.execute(
            select(Pegawai.id, Pegawai.nip, Pegawai.instansi_kerja_id, Pegawai.eselon_id).where(
                Pegawai.aktif.is_(True)
            )
        )
    }
    links: dict[int, tuple[int | None, str | None]] = {
        pegawai_id: (atasan_id, reason)
        for pegawai_id, atasan_id, reason in session.execute(
            select(SupervisorLink.pegawai_id, SupervisorLink.atasan_id, SupervisorLink.reason)
        )
    }
    found: dict[str, list[str]] = {
        "tanpa_atasan": [],
        "siklus": [],
        "atasan_luar_instansi": [],
        "atasan_lebih_rendah": [],
        "unor_belum_dikonfirmasi": [],
    }
    for pid, person in people.items():
        link = links.get(pid)
        atasan = people.get(link[0]) if link and link[0] else None
        if atasan is None:
            if link is not None and link[1] == "unor_tidak_dikenal":
                found["unor_belum_dikonfirmasi"].append(person.nip)
            elif not link or link[1] != "atasan_kepala_daerah":
                found["tanpa_atasan"].append(person.nip)
            continue
        if _in_cycle(pid, links):
            found["siklus"].append(person.nip)
        if instansi_id and atasan.instansi_kerja_id and atasan.instansi_kerja_id != instansi_id:
            found["atasan_luar_instansi"].append(person.nip)
        if _lower(atasan, person):
            found["atasan_lebih_rendah"].append(person.nip)
    return {kind: {"jumlah": len(nips), "contoh": sorted(nips)[:EXAMPLES]} for kind, nips in found.items()}


def _in_cycle(start: int, links: dict[int, tuple[int | None, str | None]]) -> bool:
    seen = {start}
    current = links.get(start)
    while current is not None and current[0] is not None:
        if current[0] in seen:
            return current[0] == start
        seen.add(current[0])
        current = links.get(current[0])
    return False


def _lower(atasan: _Ranked, person: _Ranked) -> bool:
    mine, theirs = eselon_of(person.eselon_id), eselon_of(atasan.eselon_id)
    if mine is None:
        return False
    return theirs is None or theirs.level > mine.level
