"""The simulator's own golongan/pangkat table and retirement ages (never the product's mappings).

Kept apart from ``mappings.ranks`` on purpose (DESIGN §2): a simulator that shared our table
could not catch a mistake in it. Golongan ids, codes and pangkat from SIASN's ``golonganPns``
reference (reference/domain.md §3.3); entry grade by education from the same section. Batas usia
pensiun (BUP) per UU ASN and PP 11/2017 pasal 239 as amended: 58 for pejabat administrasi and
pelaksana, 60 for pejabat pimpinan tinggi, fungsional madya and guru, 65 for fungsional utama.
"""

from __future__ import annotations

from dataclasses import dataclass

PANGKAT: dict[int, str] = {
    11: "Juru Muda",
    12: "Juru Muda Tingkat I",
    13: "Juru",
    14: "Juru Tingkat I",
    21: "Pengatur Muda",
    22: "Pengatur Muda Tingkat I",
    23: "Pengatur",
    24: "Pengatur Tingkat I",
    31: "Penata Muda",
    32: "Penata Muda Tingkat I",
    33: "Penata",
    34: "Penata Tingkat I",
    41: "Pembina",
    42: "Pembina Tingkat I",
    43: "Pembina Utama Muda",
    44: "Pembina Utama Madya",
    45: "Pembina Utama",
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
ENTRY_BY_EDUCATION = {"SMA": 21, "D3": 23, "S1": 31, "S2": 32, "S3": 33}


@dataclass(frozen=True)
class Rank:
    """One golongan: SIASN id, code ("III/a") and pangkat."""

    id: int
    kode: str
    pangkat: str


def rank(golongan_id: int) -> Rank:
    """The golongan with SIASN id ``golongan_id`` (11..45); KeyError for anything else."""
    group, ruang = divmod(golongan_id, 10)
    return Rank(golongan_id, f"{ROMAN[group]}/{'abcde'[ruang - 1]}", PANGKAT[golongan_id])


def usia_bup(*, eselon_id: int | None, jabatan: str, guru: bool) -> int:
    """Retirement age (BUP) of a post: 65, 60 or 58."""
    if "Ahli Utama" in jabatan:
        return 65
    if guru or "Ahli Madya" in jabatan or eselon_id in (11, 12, 21, 22):
        return 60
    return 58
