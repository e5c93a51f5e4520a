"""Conversions between store rows and the JSON values merged, audited and returned."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from mappings.positions import eselon_of, jenis_jabatan_nama
from mappings.ranks import RankError, parse_golongan
from store.models import Pegawai
from sync import clock
from sync.authority import FIELD_AUTHORITY

DATE_FIELDS = frozenset(
    {"tanggal_lahir", "tmt_cpns", "tgl_meninggal", "tmt_pensiun", "tmt_jabatan", "tmt_golongan"}
)
INT_FIELDS = frozenset({"jenis_jabatan_id", "eselon_id"})


def to_json(value: Any) -> Any:
    """A column value in JSON form (dates as ISO strings, instants ISO 8601 with offset)."""
    if isinstance(value, datetime):
        return clock.iso(value)
    return value.isoformat() if isinstance(value, date) else value


def to_column(field: str, value: Any) -> Any:
    """A JSON value back in column form."""
    if value is None:
        return None
    if field in DATE_FIELDS:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if field in INT_FIELDS:
        return int(value)
    return value


def local_values(pegawai: Pegawai) -> dict[str, Any]:
    """The current local values of every field with an authority, in JSON form."""
    return {name: to_json(getattr(pegawai, name)) for name in FIELD_AUTHORITY}


def set_field(pegawai: Pegawai, field: str, value: Any) -> None:
    """Set one field (JSON form) and keep derived fields consistent with it."""
    setattr(pegawai, field, to_column(field, value))
    if field == "golongan":
        refresh_rank(pegawai)


def refresh_rank(pegawai: Pegawai) -> None:
    """Derive ``golongan_id`` and ``pangkat`` from ``golongan``."""
    if not pegawai.golongan:
        pegawai.golongan_id, pegawai.pangkat = None, None
        return
    try:
        rank = parse_golongan(pegawai.golongan)
    except RankError:
        pegawai.golongan_id, pegawai.pangkat = None, None
        return
    pegawai.golongan_id, pegawai.pangkat = rank.id, rank.pangkat


def pegawai_view(pegawai: Pegawai, tz: tzinfo = UTC) -> dict[str, Any]:
    """The employee as the CLI and HTTP API return it (its last sync with the offset of ``tz``)."""
    eselon = eselon_of(pegawai.eselon_id)
    return {
        "nip": pegawai.nip,
        "pns_id": pegawai.pns_id,
        "nama": pegawai.nama,
        "gelar_depan": pegawai.gelar_depan,
        "gelar_belakang": pegawai.gelar_belakang,
        "tempat_lahir": pegawai.tempat_lahir,
        "tanggal_lahir": to_json(pegawai.tanggal_lahir),
        "jenis_kelamin": pegawai.jenis_kelamin,
        "jenis_pegawai": pegawai.jenis_pegawai,
        "kedudukan_hukum": pegawai.kedudukan_hukum,
        "golongan": pegawai.golongan,
        "golongan_id": pegawai.golongan_id,
        "pangkat": pegawai.pangkat,
        "tmt_golongan": to_json(pegawai.tmt_golongan),
        "jabatan": pegawai.jabatan,
        "jenis_jabatan_id": pegawai.jenis_jabatan_id,
        "jenis_jabatan": jenis_jabatan_nama(pegawai.jenis_jabatan_id),
        "eselon": eselon.nama if eselon else None,
        "tmt_jabatan": to_json(pegawai.tmt_jabatan),
        "unor_id": pegawai.unor_id,
        "unor_nama": pegawai.unor_nama,
        "instansi_kerja_id": pegawai.instansi_kerja_id,
        "instansi_kerja_nama": pegawai.instansi_kerja_nama,
        "email": pegawai.email,
        "no_hp": pegawai.no_hp,
        "catatan": pegawai.catatan,
        "aktif": pegawai.aktif,
        "siasn_status": pegawai.siasn_status,
        "last_synced_at": clock.iso(pegawai.last_synced_at, tz),
    }
