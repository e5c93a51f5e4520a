"""Codes as people read them: fields, audit actions, booleans, unit ids, run kinds, PMM rules.

Every code that reaches a page goes through here and the message catalogue: a field name becomes
its label (``pns_id`` -> "ID PNS (SIASN)"), ``True`` becomes "ya", a unit id its path, an audit
action ("dinonaktifkan") its words. A code the catalogue does not know is shown with its
underscores as spaces, never as a bare identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mappings.messages import UnknownMessage, t
from service.console.safe import shown
from sync.authority import label

UNIT_FIELDS = frozenset({"unor_id"})
# pegawai_view keys shown on the profile (in this order); ids with a name beside them are left out
PROFILE_FIELDS = (
    "nip",
    "nama",
    "gelar_depan",
    "gelar_belakang",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "jenis_pegawai",
    "kedudukan_hukum",
    "golongan",
    "pangkat",
    "tmt_golongan",
    "jabatan",
    "jenis_jabatan",
    "eselon",
    "tmt_jabatan",
    "unor_id",
    "instansi_kerja_nama",
    "email",
    "no_hp",
    "catatan",
    "aktif",
    "siasn_status",
    "pns_id",
    "last_synced_at",
)


def _catalogued(key: str, code: str) -> str:
    try:
        return t(key)
    except UnknownMessage:
        return code.replace("_", " ")


def field_label(field: str | None) -> str:
    """A field's label (employee fields from the field table, the rest from the catalogue)."""
    if not field:
        return ""
    named = label(field)
    if named != field.replace("_", " "):
        return named
    return _catalogued(f"console.field_{field}", field)


def action_label(action: str) -> str:
    """An audit or plan action as words ("dinonaktifkan" -> "dinonaktifkan (keluar)")."""
    return _catalogued(f"console.action_{action}", action)


def kind_label(kind: str) -> str:
    """A run kind as words ("pmm:pmm_file" -> "umpan PMM (berkas rekap)")."""
    return _catalogued(f"console.run_kind_{kind}", kind)


def rule_label(rule: str) -> str:
    """A PMM data-quality rule as a short label."""
    return _catalogued(f"pmm.rule.{rule}.label", rule)


def coded(value: str | None, prefix: str) -> str:
    """A stored code (status, situation, ...) through the catalogue key ``prefix + value``."""
    if not value:
        return "-"
    return _catalogued(prefix + value, value)


def value_text(value: Any, field: str | None = None, units: Mapping[str, str] | None = None) -> Any:
    """A stored value as a page shows it: booleans as ya/tidak, unit ids as paths, NIK masked."""
    if isinstance(value, bool):
        return t("console.bool_true") if value else t("console.bool_false")
    if value == "" and field:
        return t("console.empty_value")
    if units and isinstance(value, str) and (field in UNIT_FIELDS or field is None) and value in units:
        return units[value]
    return shown(value, field)
