"""Positions: SIASN jenis jabatan, eselon ids, and fungsional names split into jabatan + jenjang."""

from __future__ import annotations

from dataclasses import dataclass

JENIS_JABATAN: dict[int, str] = {
    1: "Struktural",
    2: "Fungsional Tertentu",
    3: "Rangkap",
    4: "Fungsional Umum",
}


@dataclass(frozen=True)
class Eselon:
    """An eselon: SIASN id, name ("III.a") and the ASN position class it corresponds to."""

    id: int
    nama: str
    jabatan_asn: str
    level: int


ESELON: dict[int, Eselon] = {
    e.id: e
    for e in (
        Eselon(10, "I.a", "JPT Utama", 1),
        Eselon(11, "I.a", "JPT Madya", 1),
        Eselon(12, "I.b", "JPT Madya", 1),
        Eselon(21, "II.a", "JPT Pratama", 2),
        Eselon(22, "II.b", "JPT Pratama", 2),
        Eselon(31, "III.a", "Administrator", 3),
        Eselon(32, "III.b", "Administrator", 3),
        Eselon(41, "IV.a", "Pengawas", 4),
        Eselon(42, "IV.b", "Pengawas", 4),
        Eselon(51, "V.a", "Pengawas (lama)", 5),
        Eselon(52, "V.b", "Pengawas (lama)", 5),
    )
}
NON_ESELON = 99

JENJANG_FUNGSIONAL = (
    "Ahli Pertama",
    "Ahli Muda",
    "Ahli Madya",
    "Ahli Utama",
    "Pemula",
    "Terampil",
    "Mahir",
    "Penyelia",
)


def jenis_jabatan_nama(jenis_id: int | None) -> str | None:
    """The SIASN name of a jenis jabatan id, None when unknown."""
    return JENIS_JABATAN.get(jenis_id) if jenis_id is not None else None


def eselon_of(eselon_id: int | None) -> Eselon | None:
    """The eselon for a SIASN id; None for non-structural (99, empty, unknown)."""
    return ESELON.get(eselon_id) if eselon_id is not None else None


def split_fungsional(nama: str) -> tuple[str, str | None]:
    """Split "Guru Ahli Muda" into ("Guru", "Ahli Muda"); names without a jenjang stay whole."""
    text = " ".join(nama.split())
    for jenjang in JENJANG_FUNGSIONAL:
        if text.lower().endswith(" " + jenjang.lower()):
            return text[: -len(jenjang) - 1], jenjang
    return text, None


def is_structural(jenis_id: int | None, eselon_id: int | None) -> bool:
    """True for a structural (or rangkap) post with a real eselon."""
    return jenis_id in (1, 3) and eselon_of(eselon_id) is not None


def may_claim_unit(jenis_id: int | None, eselon_id: int | None) -> bool:
    """Only structural officials of eselon II-IV may claim to lead the unit they sit in."""
    eselon = eselon_of(eselon_id)
    return is_structural(jenis_id, eselon_id) and eselon is not None and 2 <= eselon.level <= 4
