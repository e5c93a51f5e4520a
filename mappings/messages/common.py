"""Catalogue table of the ``common`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "common.error_prefix": "galat",
    "common.not_found_pegawai": "tidak ada pegawai lokal dengan NIP {nip}",
}
