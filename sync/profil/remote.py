"""Fetch one employee's SIASN profile: data-utama, and riwayat only when rank or position changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from connectors.siasn.client import SiasnClient
from connectors.siasn.models import RwGolongan, RwJabatan
from mappings.notices import Notice
from mappings.pegawai import PegawaiRecord, map_data_utama


@dataclass(frozen=True)
class Known:
    """What the store last received from SIASN for the fields that trigger riwayat calls."""

    golongan: str | None = None
    jabatan: str | None = None
    unor_id: str | None = None


@dataclass(frozen=True)
class RemoteProfile:
    """A mapped SIASN profile, its warnings and the SK evidence from riwayat."""

    record: PegawaiRecord
    notices: list[Notice] = field(default_factory=list)
    sk_golongan: str | None = None
    sk_jabatan: str | None = None


async def fetch_profile(siasn: SiasnClient, nip: str, known: Known | None) -> RemoteProfile | None:
    """The SIASN profile of ``nip``; None when SIASN does not know the NIP."""
    data = await siasn.data_utama(nip)
    if data is None:
        return None
    record, notices = map_data_utama(data)
    sk_golongan = sk_jabatan = None
    if known is None or known.golongan != record.golongan:
        sk_golongan = _latest_golongan_sk(await siasn.rw_golongan(nip))
    if known is None or (known.jabatan, known.unor_id) != (record.jabatan, record.unor_id):
        sk_jabatan = _latest_jabatan_sk(await siasn.rw_jabatan(nip))
    return RemoteProfile(record, notices, sk_golongan, sk_jabatan)


def _latest_golongan_sk(rows: list[RwGolongan]) -> str | None:
    return _latest_sk([(r.tmt_golongan, r.sk_nomor) for r in rows])


def _latest_jabatan_sk(rows: list[RwJabatan]) -> str | None:
    return _latest_sk([(r.tmt_jabatan, r.nomor_sk) for r in rows])


def _latest_sk(rows: list[tuple[date | None, str | None]]) -> str | None:
    """The SK of the most recent riwayat row (by TMT), as evidence for an applied change."""
    dated = [(tmt, nomor) for tmt, nomor in rows if tmt is not None]
    if not dated:
        return None
    tmt, nomor = max(dated, key=lambda row: row[0])
    return _sk_text(nomor, tmt)


def _sk_text(nomor: str | None, tmt: object) -> str | None:
    if not nomor:
        return None
    return f"SK {nomor}" + (f" TMT {tmt:%d-%m-%Y}" if tmt is not None else "")
