"""NIP (18 digits): normalise, decode (birth date, TMT CPNS, gender) and check against a record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mappings.messages import t
from mappings.notices import Notice

_NIP = re.compile(r"[0-9]{18}")
_SPACES = re.compile(r"[ \t\u00a0]+")


class NipError(ValueError):
    """A NIP that is not 18 digits."""


@dataclass(frozen=True)
class NipInfo:
    """What an 18-digit NIP encodes. PPPK numbers carry a code, not a month, in digits 13-14."""

    nip: str
    tanggal_lahir: date | None
    tahun_pengangkatan: int
    bulan_pengangkatan: int | None
    jenis_kelamin: str | None
    urutan: int


def normalize_nip(value: str) -> str:
    """Strip spaces (display grouping 8-6-1-3) and check it is 18 ASCII digits 0-9.

    ``str.isdigit`` would pass Arabic-Indic, fullwidth and superscript digits; only 0-9 count.
    """
    nip = _SPACES.sub("", value.strip())
    if not _NIP.fullmatch(nip):
        raise NipError(t("guards.nip_format"))
    return nip


def format_nip(nip: str) -> str:
    """Display grouping 8-6-1-3: ``19860926 201505 1 001``."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def decode_nip(nip: str, *, pppk: bool = False) -> NipInfo:
    """Decode the fields of a normalised NIP; impossible dates decode to None.

    Anything but 18 ASCII digits raises ``NipError`` (normalise first).
    """
    if not _NIP.fullmatch(nip):
        raise NipError("NIP must be 18 digits 0-9")
    try:
        born: date | None = date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        born = None
    month = int(nip[12:14])
    gender = {"1": "L", "2": "P"}.get(nip[14])
    return NipInfo(
        nip=nip,
        tanggal_lahir=born,
        tahun_pengangkatan=int(nip[8:12]),
        bulan_pengangkatan=None if pppk or not 1 <= month <= 12 else month,
        jenis_kelamin=gender,
        urutan=int(nip[15:]),
    )


def check_nip(
    nip: str,
    *,
    tanggal_lahir: date | None,
    jenis_kelamin: str | None,
    tmt_cpns: date | None,
    pppk: bool = False,
) -> list[Notice]:
    """Warnings where the NIP contradicts the record (birth date, gender, TMT CPNS)."""
    info = decode_nip(nip, pppk=pppk)
    notices: list[Notice] = []
    if info.tanggal_lahir is None:
        notices.append(
            Notice("nip_tanggal_tidak_valid", f"8 digit pertama NIP {nip} bukan tanggal lahir yang valid.")
        )
    elif tanggal_lahir is not None and info.tanggal_lahir != tanggal_lahir:
        notices.append(
            Notice(
                "nip_tidak_cocok_tanggal_lahir",
                f"NIP menyebut tanggal lahir {info.tanggal_lahir:%d-%m-%Y}, sedangkan data SIASN "
                f"{tanggal_lahir:%d-%m-%Y}. Ajukan perbaikan data ke BKN.",
            )
        )
    if info.jenis_kelamin is None:
        notices.append(
            Notice("nip_jenis_kelamin_tidak_valid", "Digit ke-15 NIP harus 1 (laki-laki) atau 2 (perempuan).")
        )
    elif jenis_kelamin is not None and info.jenis_kelamin != jenis_kelamin:
        notices.append(
            Notice(
                "nip_tidak_cocok_jenis_kelamin",
                f"Digit jenis kelamin NIP ({info.jenis_kelamin}) berbeda dengan data SIASN "
                f"({jenis_kelamin}).",
            )
        )
    if (
        not pppk
        and tmt_cpns is not None
        and (info.tahun_pengangkatan != tmt_cpns.year or info.bulan_pengangkatan != tmt_cpns.month)
    ):
        notices.append(
            Notice(
                "nip_tidak_cocok_tmt_cpns",
                f"NIP menyebut TMT CPNS {nip[8:12]}-{nip[12:14]}, sedangkan data SIASN {tmt_cpns:%Y-%m}.",
            )
        )
    return notices
