"""Supervisor derivation from the unit tree and unit heads (DESIGN §4).

The atasan of an employee is the head of their unit, or of the nearest ancestor with a head when
they are the head themselves or the post is vacant; a kepala sekolah's atasan is the Kepala Dinas
(head of the OPD above the school). Heads map unit id -> PNS id (SIASN ``PemimpinPnsId`` merged
with local "Klaim Pimpinan Unit Kerja" by the caller).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mappings.notices import Notice
from mappings.units import UnitRecord, UnitTree


@dataclass(frozen=True)
class SupervisorResult:
    """The derived atasan (PNS id) and why; ``notice`` explains a missing one."""

    atasan_pns_id: str | None
    via_unit_id: str | None
    reason: str
    notice: Notice | None = None


def derive_supervisor(
    pns_id: str, unor_id: str | None, tree: UnitTree, heads: Mapping[str, str]
) -> SupervisorResult:
    """Derive the atasan of the employee ``pns_id`` sitting in unit ``unor_id``."""
    unit = tree.get(unor_id)
    if unit is None:
        return SupervisorResult(
            None,
            None,
            "unor_tidak_dikenal",
            Notice(
                "unor_tidak_dikenal",
                f"Unit kerja {unor_id or '(kosong)'} belum ada di data unit lokal; jalankan "
                "rekonsiliasi unit (ref-unor) agar atasan dapat ditentukan.",
            ),
        )
    if unit.is_school and heads.get(unit.id) == pns_id:
        return _principal_supervisor(pns_id, unit, tree, heads)
    for candidate in (unit, *tree.ancestors(unit.id)):
        head = heads.get(candidate.id)
        if head and head != pns_id:
            reason = "kepala_unor" if candidate.id == unit.id else "kepala_unor_atas"
            return SupervisorResult(head, candidate.id, reason)
    return _none_found(unit, tree)


def _principal_supervisor(
    pns_id: str, school: UnitRecord, tree: UnitTree, heads: Mapping[str, str]
) -> SupervisorResult:
    opd = tree.opd_of(school.id)
    head = heads.get(opd.id) if opd else None
    if opd is not None and head and head != pns_id:
        return SupervisorResult(head, opd.id, "kepala_sekolah_ke_kepala_dinas")
    return SupervisorResult(
        None,
        None,
        "atasan_tidak_ditemukan",
        Notice(
            "atasan_tidak_ditemukan",
            f"Kepala sekolah {school.nama}: Kepala Dinas tidak ditemukan (jabatan kosong atau unit "
            "dinas belum dikenal).",
        ),
    )


def _none_found(unit: UnitRecord, tree: UnitTree) -> SupervisorResult:
    opd = tree.opd_of(unit.id)
    if opd is not None and opd.id == unit.id:
        return SupervisorResult(
            None,
            None,
            "atasan_kepala_daerah",
            Notice(
                "atasan_kepala_daerah",
                f"Pimpinan {unit.nama} dinilai oleh Kepala Daerah (bukan PNS); pejabat penilai "
                "diisi manual pada SKP.",
            ),
        )
    return SupervisorResult(
        None,
        None,
        "atasan_tidak_ditemukan",
        Notice(
            "atasan_tidak_ditemukan",
            f"Tidak ada atasan: {unit.nama} dan unit di atasnya tidak memiliki pimpinan PNS yang "
            "tercatat. Periksa PemimpinPnsId di SIASN atau klaim pimpinan unit kerja.",
        ),
    )
