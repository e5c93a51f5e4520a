"""Canonical employee record from SIASN ``data-utama``, and the values compared on merge."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from connectors.siasn.models import DataUtama
from mappings.nip import NipError, check_nip, normalize_nip
from mappings.notices import Notice
from mappings.ranks import RankError, parse_golongan

_MALE = {"L", "M", "1", "PRIA", "LAKI-LAKI", "LAKI"}
_FEMALE = {"P", "F", "W", "2", "WANITA", "PEREMPUAN"}


@dataclass(frozen=True)
class PegawaiRecord:
    """An employee as the local store knows them, in canonical form."""

    nip: str
    pns_id: str
    nama: str | None = None
    gelar_depan: str | None = None
    gelar_belakang: str | None = None
    tempat_lahir: str | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None
    jenis_pegawai: str | None = None
    kedudukan_hukum: str | None = None
    kedudukan_hukum_id: str | None = None
    instansi_kerja_id: str | None = None
    instansi_kerja_nama: str | None = None
    tmt_cpns: date | None = None
    tgl_meninggal: date | None = None
    tmt_pensiun: date | None = None
    unor_id: str | None = None
    unor_nama: str | None = None
    jenis_jabatan_id: int | None = None
    jabatan: str | None = None
    eselon_id: int | None = None
    tmt_jabatan: date | None = None
    golongan: str | None = None
    tmt_golongan: date | None = None
    email: str | None = None
    no_hp: str | None = None

    @property
    def is_pppk(self) -> bool:
        """True for a PPPK employee (NI PPPK, grades I..XVII)."""
        return "PPPK" in (self.jenis_pegawai or "").upper()

    def values(self) -> dict[str, Any]:
        """Field values in JSON form (dates as ISO strings), as stored for three-way merge (every
        field is a scalar: ``asdict``'s deep copy would copy nothing, only cost)."""
        return {name: _plain(getattr(self, name)) for name in _RECORD_FIELDS}


_RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PegawaiRecord))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def normalize_gender(value: str | None) -> str | None:
    """ "L" (laki-laki) or "P" (perempuan) from M/F, L/P, 1/2, Pria/Wanita; None if unknown."""
    key = (value or "").strip().upper()
    if key in _MALE:
        return "L"
    if key in _FEMALE:
        return "P"
    return None


def map_data_utama(data: DataUtama) -> tuple[PegawaiRecord, list[Notice]]:
    """Map a data-utama payload to a record plus warnings about what looked wrong."""
    notices: list[Notice] = []
    golongan = _golongan(data, notices)
    record = PegawaiRecord(
        nip=_nip(data.nip_baru, notices),
        pns_id=data.id,
        nama=_squeeze(data.nama),
        gelar_depan=data.gelar_depan,
        gelar_belakang=data.gelar_belakang,
        tempat_lahir=data.tempat_lahir,
        tanggal_lahir=data.tgl_lahir,
        jenis_kelamin=normalize_gender(data.jenis_kelamin),
        jenis_pegawai=data.jenis_pegawai_nama,
        kedudukan_hukum=data.kedudukan_pns_nama,
        kedudukan_hukum_id=data.kedudukan_pns_id,
        instansi_kerja_id=data.instansi_kerja_id,
        instansi_kerja_nama=data.instansi_kerja_nama,
        tmt_cpns=data.tmt_cpns,
        tgl_meninggal=data.tgl_meninggal,
        tmt_pensiun=data.tmt_pensiun,
        unor_id=data.unor_id,
        unor_nama=data.unor_nama,
        jenis_jabatan_id=data.jenis_jabatan_id,
        jabatan=_jabatan(data),
        eselon_id=data.eselon_id if data.eselon_id not in (None, 0, 99) else None,
        tmt_jabatan=data.tmt_jabatan,
        golongan=golongan,
        tmt_golongan=data.tmt_gol_akhir,
        email=data.email_gov or data.email,
        no_hp=data.no_hp,
    )
    with suppress(NipError):  # a NIP that is not 18 digits has its notice already
        notices.extend(
            check_nip(
                record.nip,
                tanggal_lahir=record.tanggal_lahir,
                jenis_kelamin=record.jenis_kelamin,
                tmt_cpns=record.tmt_cpns,
                pppk=record.is_pppk,
            )
        )
    return record, notices


def _squeeze(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _nip(value: str, notices: list[Notice]) -> str:
    try:
        return normalize_nip(value)
    except NipError:
        notices.append(Notice("nip_format_tidak_valid", f"NIP di SIASN tidak 18 digit: {value!r}."))
        return value


def _jabatan(data: DataUtama) -> str | None:
    return data.jabatan_nama or data.jabatan_fungsional_nama or data.jabatan_fungsional_umum_nama


def _golongan(data: DataUtama, notices: list[Notice]) -> str | None:
    for candidate in (data.gol_ruang_akhir_id, data.gol_ruang_akhir):
        if candidate in (None, ""):
            continue
        try:
            return parse_golongan(candidate).kode
        except RankError:
            continue
    if data.gol_ruang_akhir_id or data.gol_ruang_akhir:
        notices.append(
            Notice(
                "golongan_tidak_dikenal",
                f"Golongan di SIASN tidak dikenali: {data.gol_ruang_akhir or data.gol_ruang_akhir_id!r}.",
            )
        )
    return None
