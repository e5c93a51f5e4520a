"""Golongan/ruang and pangkat: SIASN ids 11..45, "III/c" and its variants, PPPK grades I..XVII."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mappings.messages import t

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_ROMAN_BY_NUMBER = {v: k for k, v in _ROMAN.items()}
_PPPK_ROMAN = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
)

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


@dataclass(frozen=True)
class Golongan:
    """A canonical rank: ``kode`` like "III/c" (PNS) or "IX" (PPPK), SIASN id when PNS."""

    kode: str
    id: int | None
    pangkat: str | None
    pppk: bool = False

    @property
    def order(self) -> int:
        """A number that grows with seniority (PNS ids; PPPK grades scaled to compare)."""
        if self.id is not None:
            return self.id
        return _PPPK_ROMAN.index(self.kode) + 1


class RankError(ValueError):
    """A golongan that cannot be read."""


def golongan_by_id(golongan_id: int) -> Golongan:
    """The rank with SIASN ``golonganPns`` id ``golongan_id`` (11..45)."""
    if golongan_id not in PANGKAT:
        raise RankError(t("guards.golongan_id_unknown"))
    group, ruang = divmod(golongan_id, 10)
    kode = f"{_ROMAN_BY_NUMBER[group]}/{'abcde'[ruang - 1]}"
    return Golongan(kode=kode, id=golongan_id, pangkat=PANGKAT[golongan_id])


_ID_TEXT = re.compile(r"[0-9]{1,9}")
_PNS_PATTERN = re.compile(r"^(IV|III|II|I|[1-4])\s*[/\s.-]?\s*([A-Ea-e])$")


def parse_golongan(value: str | int) -> Golongan:
    """Read "III/c", "III c", "3c", "IIIc", "III-C", "33" or 33 (PNS), or "IX" (PPPK)."""
    if isinstance(value, int):
        return golongan_by_id(value)
    text = value.strip().upper()
    if _ID_TEXT.fullmatch(text):  # ASCII only: "²".isdigit() is true and int("²") fails
        return golongan_by_id(int(text))
    match = _PNS_PATTERN.match(text)
    if match:
        group_text, ruang = match.groups()
        group = int(group_text) if group_text.isdigit() else _ROMAN[group_text]
        return golongan_by_id(group * 10 + "ABCDE".index(ruang) + 1)
    if text in _PPPK_ROMAN:
        return Golongan(kode=text, id=None, pangkat=None, pppk=True)
    raise RankError(t("guards.golongan_unknown"))
