"""Period normalisation: tahunan and periodik (semester, triwulan, bulanan), from every source.

A period is (jenis, tahun, angka): TAHUNAN 1, SEMESTER 1..2, TRIWULAN 1..4, BULANAN 1..12, with
its first and last day. Sources spell it as PMM period records (``{"id": "2024-2", "jenis":
"SEMESTER", ...}``), recap-file labels ("Semester 1 2024", "Januari - Juni 2024", "Triwulan II
2026", "2025"), and SIASN ``periodikId`` (1 bulanan, 2 triwulan) with start and end months.
Anything that is not one of those standard periods is refused with the reason. e-Kinerja's sync
also needs one "Tipe Periodik" per instansi and year and no duplicate "Angka Periodik":
``check_periodik`` lists the breaches.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mappings.messages import t

JENIS = ("TAHUNAN", "SEMESTER", "TRIWULAN", "BULANAN")
MONTHS_PER = {"TAHUNAN": 12, "SEMESTER": 6, "TRIWULAN": 3, "BULANAN": 1}
SIASN_PERIODIK = {1: "BULANAN", 2: "TRIWULAN"}  # SIASN reference ``periodik``
BULAN = (
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
)
_BULAN_SHORT = {name[:3]: i + 1 for i, name in enumerate(BULAN)} | {"agt": 8, "des": 12, "nop": 11, "peb": 2}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ORDINAL = {"ganjil": 1, "genap": 2, "satu": 1, "dua": 2, "tiga": 3, "empat": 4}


class PeriodeError(ValueError):
    """A period that is not one of the standard ones (the message says why)."""


@dataclass(frozen=True, order=True)
class Periode:
    """A standard evaluation period."""

    tahun: int
    jenis: str
    angka: int

    def __post_init__(self) -> None:
        if self.jenis not in MONTHS_PER:
            raise PeriodeError(t("pmm.periode.jenis", jenis=self.jenis, choices=", ".join(JENIS)))
        count = 12 // MONTHS_PER[self.jenis]
        if not 1 <= self.angka <= count:
            raise PeriodeError(t("pmm.periode.angka", jenis=self.jenis, count=count, angka=self.angka))
        if not 2000 <= self.tahun <= 2100:
            raise PeriodeError(t("pmm.periode.tahun", tahun=self.tahun))

    @property
    def bulan_mulai(self) -> int:
        """First month (1..12)."""
        return (self.angka - 1) * MONTHS_PER[self.jenis] + 1

    @property
    def bulan_selesai(self) -> int:
        """Last month (1..12)."""
        return self.angka * MONTHS_PER[self.jenis]

    @property
    def mulai(self) -> date:
        """First day."""
        return date(self.tahun, self.bulan_mulai, 1)

    @property
    def selesai(self) -> date:
        """Last day."""
        last = calendar.monthrange(self.tahun, self.bulan_selesai)[1]
        return date(self.tahun, self.bulan_selesai, last)

    @property
    def key(self) -> str:
        """A short stable key: ``2025``, ``2024-S2``, ``2026-T1``, ``2026-B03``."""
        if self.jenis == "TAHUNAN":
            return str(self.tahun)
        return f"{self.tahun}-{self.jenis[0]}{self.angka:0{2 if self.jenis == 'BULANAN' else 1}d}"


def from_dates(mulai: date, selesai: date) -> Periode:
    """The standard period spanning exactly ``mulai``..``selesai``; refused otherwise."""
    if mulai.year != selesai.year or mulai > selesai:
        raise PeriodeError(
            t("pmm.periode.one_year", mulai=f"{mulai:%d/%m/%Y}", selesai=f"{selesai:%d/%m/%Y}")
        )
    months = selesai.month - mulai.month + 1
    jenis = next((j for j, n in MONTHS_PER.items() if n == months), None)
    if jenis is None or (mulai.month - 1) % months:
        raise PeriodeError(
            t("pmm.periode.not_standard", mulai=f"{mulai:%d/%m/%Y}", selesai=f"{selesai:%d/%m/%Y}")
        )
    periode = Periode(mulai.year, jenis, (mulai.month - 1) // months + 1)
    if (periode.mulai, periode.selesai) != (mulai, selesai):
        raise PeriodeError(
            t("pmm.periode.month_edges", mulai=f"{mulai:%d/%m/%Y}", selesai=f"{selesai:%d/%m/%Y}")
        )
    return periode


def from_pmm(jenis: str, tahun: int, mulai: date, selesai: date) -> Periode:
    """A PMM period record; its dates must agree with its ``jenis``."""
    periode = from_dates(mulai, selesai)
    if periode.jenis != jenis.upper() or periode.tahun != tahun:
        raise PeriodeError(
            f"PMM period {jenis} {tahun} has dates {mulai}..{selesai} of {periode.jenis} {periode.tahun}"
        )
    return periode


def from_siasn(
    periodik_id: int | None, tahun: int | None, bulan_mulai: int | None, bulan_selesai: int | None
) -> Periode:
    """A SIASN ``rw-kinerjaperiodik`` period (``periodikId`` 1 bulanan, 2 triwulan)."""
    if tahun is None or bulan_mulai is None or bulan_selesai is None:
        raise PeriodeError("SIASN periodic row lacks tahun or its months")
    if not (1 <= bulan_mulai <= bulan_selesai <= 12):
        raise PeriodeError(f"months {bulan_mulai}..{bulan_selesai} are not within one year")
    last = calendar.monthrange(tahun, bulan_selesai)[1]
    periode = from_dates(date(tahun, bulan_mulai, 1), date(tahun, bulan_selesai, last))
    declared = SIASN_PERIODIK.get(periodik_id or 0)
    if declared is not None and declared != periode.jenis:
        raise PeriodeError(
            f"periodikId {periodik_id} ({declared}) disagrees with months {bulan_mulai}..{bulan_selesai}"
        )
    return periode


_DATE_RANGE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})\D+(\d{1,2})[/-](\d{1,2})[/-](\d{4})")


def parse_label(text: str) -> Periode:
    """A period label from a recap file: "2025", "Semester 2 2024", "Januari - Juni 2024",
    "01/01/2025 s.d. 31/12/2025"."""
    dates = _DATE_RANGE.search(text)
    if dates:
        d1, m1, y1, d2, m2, y2 = (int(g) for g in dates.groups())
        try:
            return from_dates(date(y1, m1, d1), date(y2, m2, d2))
        except PeriodeError:
            raise
        except ValueError:
            raise PeriodeError(t("pmm.periode.bad_date")) from None
    words = re.findall(r"[a-z]+|\d+", text.lower())
    years = [int(w) for w in words if w.isdigit() and len(w) == 4]
    if len(years) != 1:
        raise PeriodeError(t("pmm.periode.one_year_label"))
    if not 2000 <= years[0] <= 2100:  # before any date is built (date(0, 1, 1) is no period)
        raise PeriodeError(t("pmm.periode.tahun", tahun=years[0]))
    rest = [
        w
        for w in words
        if not (w.isdigit() and len(w) == 4) and w not in ("periode", "s", "d", "sd", "tahun")
    ]
    months = [m for m in (_month(w) for w in rest) if m]
    if len(months) == 2:
        last = calendar.monthrange(years[0], months[1])[1]
        return from_dates(date(years[0], months[0], 1), date(years[0], months[1], last))
    if len(months) == 1 and len(rest) == 1:
        return Periode(years[0], "BULANAN", months[0])
    return _from_kind_words(rest, years[0], text)


def _month(word: str) -> int | None:
    if word in BULAN:
        return BULAN.index(word) + 1
    return _BULAN_SHORT.get(word) if len(word) == 3 else None


def _from_kind_words(rest: list[str], tahun: int, text: str) -> Periode:
    if not rest or rest in (["tahunan"], ["januari", "desember"]):
        return Periode(tahun, "TAHUNAN", 1)
    kinds = {
        "semester": "SEMESTER",
        "triwulan": "TRIWULAN",
        "tw": "TRIWULAN",
        "bulan": "BULANAN",
        "bulanan": "BULANAN",
        "tahunan": "TAHUNAN",
    }
    jenis = kinds.get(rest[0])
    numbers = [_number(w) for w in rest[1:]]
    if jenis is None or len(numbers) != 1 or numbers[0] is None:
        raise PeriodeError(t("pmm.periode.kind"))
    return Periode(tahun, jenis, numbers[0])


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _ROMAN.get(word) or _ORDINAL.get(word)


@dataclass(frozen=True)
class PeriodikBreach:
    """A breach of e-Kinerja's period rules for one year: mixed kinds or a repeated number."""

    rule: str  # "tipe_periodik" or "angka_periodik"
    tahun: int
    detail: str


def check_periodik(periods: Iterable[Periode]) -> list[PeriodikBreach]:
    """Breaches among one instansi's periodic periods: one kind per year, no number twice."""
    by_year: dict[int, list[Periode]] = {}
    for periode in periods:
        if periode.jenis != "TAHUNAN":
            by_year.setdefault(periode.tahun, []).append(periode)
    breaches: list[PeriodikBreach] = []
    for tahun, items in sorted(by_year.items()):
        kinds = sorted({p.jenis for p in items})
        if len(kinds) > 1:
            breaches.append(PeriodikBreach("tipe_periodik", tahun, ", ".join(kinds)))
        seen: set[tuple[str, int]] = set()
        for p in sorted(items):
            if (p.jenis, p.angka) in seen:
                breaches.append(PeriodikBreach("angka_periodik", tahun, f"{p.jenis} {p.angka}"))
            seen.add((p.jenis, p.angka))
    return breaches
