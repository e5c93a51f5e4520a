"""Field authority (DESIGN §6): which source owns each field, and so which fields can conflict.

- ``SIASN``: national master data; SIASN's value always wins, a local edit is refused.
- ``SHARED``: both may change it; three-way merge, conflicting changes go to an admin.
- ``LOCAL``: local-only; a sync never touches it.
Derived fields (``unor_nama``, ``golongan_id``, ``pangkat``) follow their driver field.
Related fields are decided together (``DECIDED_TOGETHER``): a rank and its TMT, a unit with the
position held in it and that position's TMT, so a decision never leaves half a record.
"""

from __future__ import annotations

from enum import StrEnum


class Authority(StrEnum):
    """Who owns a field."""

    SIASN = "siasn"
    SHARED = "shared"
    LOCAL = "local"


FIELD_AUTHORITY: dict[str, Authority] = {
    "pns_id": Authority.SIASN,
    "nama": Authority.SIASN,
    "gelar_depan": Authority.SIASN,
    "gelar_belakang": Authority.SIASN,
    "tempat_lahir": Authority.SIASN,
    "tanggal_lahir": Authority.SIASN,
    "jenis_kelamin": Authority.SIASN,
    "jenis_pegawai": Authority.SIASN,
    "kedudukan_hukum": Authority.SIASN,
    "instansi_kerja_id": Authority.SIASN,
    "instansi_kerja_nama": Authority.SIASN,
    "tmt_cpns": Authority.SIASN,
    "tgl_meninggal": Authority.SIASN,
    "tmt_pensiun": Authority.SIASN,
    "unor_id": Authority.SHARED,
    "jenis_jabatan_id": Authority.SHARED,
    "jabatan": Authority.SHARED,
    "eselon_id": Authority.SHARED,
    "tmt_jabatan": Authority.SHARED,
    "golongan": Authority.SHARED,
    "tmt_golongan": Authority.SHARED,
    "email": Authority.SHARED,
    "no_hp": Authority.SHARED,
    "catatan": Authority.LOCAL,
}

MERGED_FIELDS: tuple[str, ...] = tuple(
    name for name, owner in FIELD_AUTHORITY.items() if owner is not Authority.LOCAL
)
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    name for name, owner in FIELD_AUTHORITY.items() if owner is not Authority.SIASN
)

FIELD_LABEL: dict[str, str] = {
    "unor_id": "unit kerja",
    "jenis_jabatan_id": "jenis jabatan",
    "jabatan": "jabatan",
    "eselon_id": "eselon",
    "tmt_jabatan": "TMT jabatan",
    "golongan": "golongan",
    "tmt_golongan": "TMT golongan",
    "email": "email",
    "no_hp": "nomor HP",
    "nama": "nama",
    "catatan": "catatan",
}


DECIDED_TOGETHER: tuple[tuple[str, ...], ...] = (
    ("golongan", "tmt_golongan"),
    ("unor_id", "jenis_jabatan_id", "jabatan", "eselon_id", "tmt_jabatan"),
)
_GROUP_OF: dict[str, tuple[str, ...]] = {name: group for group in DECIDED_TOGETHER for name in group}


def decided_with(field: str) -> tuple[str, ...]:
    """The fields decided together with ``field`` (itself included, in declaration order)."""
    return _GROUP_OF.get(field, (field,))


def label(field: str, *, title: bool = False) -> str:
    """The Indonesian label of a field for explanations (``title`` capitalises the first letter)."""
    if field.startswith("nilai_skp:"):  # an SKP result SIASN holds with another rating
        text = f"penilaian SKP periode {field.removeprefix('nilai_skp:')}"
    else:
        text = FIELD_LABEL.get(field, field.replace("_", " "))
    return text[:1].upper() + text[1:] if title else text
