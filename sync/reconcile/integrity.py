"""Integrity report of supervisor links: none, cycles, outside the instansi, a lower post.

An employee whose unit is not in the stored tree (not yet confirmed by ref-unor, e.g. after a
first night whose ref-unor failed) is listed as such, not as having no supervisor: their atasan
cannot be derived until the tree is known.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.positions import eselon_of
from store.models import Pegawai, SupervisorLink

EXAMPLES = 20


def integrity_report(session: Session, instansi_id: str | None) -> dict[str, Any]:
    """Counts and example NIPs for each kind of supervisor problem among active employees."""
    people = {p.id: p for p in session.scalars(select(Pegawai).where(Pegawai.aktif.is_(True)))}
    links = {link.pegawai_id: link for link in session.scalars(select(SupervisorLink))}
    found: dict[str, list[str]] = {
        "tanpa_atasan": [],
        "siklus": [],
        "atasan_luar_instansi": [],
        "atasan_lebih_rendah": [],
        "unor_belum_dikonfirmasi": [],
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
        if _in_cycle(pid, links):
            found["siklus"].append(person.nip)
        if instansi_id and atasan.instansi_kerja_id and atasan.instansi_kerja_id != instansi_id:
            found["atasan_luar_instansi"].append(person.nip)
        if _lower(atasan, person):
            found["atasan_lebih_rendah"].append(person.nip)
    return {kind: {"jumlah": len(nips), "contoh": sorted(nips)[:EXAMPLES]} for kind, nips in found.items()}


def _in_cycle(start: int, links: dict[int, SupervisorLink]) -> bool:
    seen = {start}
    current = links.get(start)
    while current is not None and current.atasan_id is not None:
        if current.atasan_id in seen:
            return current.atasan_id == start
        seen.add(current.atasan_id)
        current = links.get(current.atasan_id)
    return False


def _lower(atasan: Pegawai, person: Pegawai) -> bool:
    mine, theirs = eselon_of(person.eselon_id), eselon_of(atasan.eselon_id)
    if mine is None:
        return False
    return theirs is None or theirs.level > mine.level
