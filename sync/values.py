"""Conversions between store rows and the JSON values merged, audited and returned."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from mappings.positions import eselon_of, jenis_jabatan_nama
from mappings.ranks import RankError, parse_golongan
from store.models import Pegawai
from sync import clock
from sync.authority import FIELD_AUTHORITY
from sync.fields import Kind, kind_of


def to_json(value: Any) -> Any:
    """A column value in JSON form (dates as ISO strings, instants ISO 8601 with offset)."""
    if isinstance(value, datetime):
        return clock.iso(value)
    return value.isoformat() if isinstance(value, date) else value


def to_column(field: str, value: Any) -> Any:
    """A JSON value back in column form (by the field's kind in ``sync.fields``)."""
    if value is None:
        return None
    kind = kind_of(field)
    if kind is Kind.DATE:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if kind is Kind.INT:
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


# The keys of the view in the order ``pegawai show`` prints them: employee fields and their
# derived columns (as stored, dates in ISO form) and the values computed below.
VIEW_KEYS: tuple[str, ...] = (
    "nip",
    "pns_id",
    "nama",
    "gelar_depan",
    "gelar_belakang",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "jenis_pegawai",
    "kedudukan_hukum",
    "golongan",
    "golongan_id",
    "pangkat",
    "tmt_golongan",
    "jabatan",
    "jenis_jabatan_id",
    "jenis_jabatan",
    "eselon",
    "tmt_jabatan",
    "unor_id",
    "unor_nama",
    "instansi_kerja_id",
    "instansi_kerja_nama",
    "email",
    "no_hp",
    "catatan",
    "aktif",
    "siasn_status",
    "last_synced_at",
)


def pegawai_view(pegawai: Pegawai, tz: tzinfo = UTC) -> dict[str, Any]:
    """The employee as the CLI and HTTP API return it (its last sync with the offset of ``tz``)."""
    eselon = eselon_of(pegawai.eselon_id)
    computed = {
        "jenis_jabatan": jenis_jabatan_nama(pegawai.jenis_jabatan_id),
        "eselon": eselon.nama if eselon else None,
        "last_synced_at": clock.iso(pegawai.last_synced_at, tz),
    }
    return {key: computed[key] if key in computed else to_json(getattr(pegawai, key)) for key in VIEW_KEYS}
