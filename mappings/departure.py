"""Whether a SIASN profile says the employee has left the instansi (pensiun, meninggal, pindah)."""

from __future__ import annotations

from mappings.pegawai import PegawaiRecord

_LEFT_WORDS = ("pensiun", "meninggal", "berhenti", "pemberhentian", "diberhentikan", "wafat")


def departure_reason(record: PegawaiRecord, instansi_id: str | None) -> str | None:
    """A reason in Bahasa Indonesia when the employee left; None when still with us."""
    if record.tgl_meninggal is not None:
        return f"meninggal dunia ({record.tgl_meninggal:%d-%m-%Y})"
    status = (record.kedudukan_hukum or "").lower()
    for word in _LEFT_WORDS:
        if word in status:
            return f"kedudukan hukum di SIASN: {record.kedudukan_hukum}"
    if instansi_id and record.instansi_kerja_id and record.instansi_kerja_id != instansi_id:
        return f"pindah instansi ke {record.instansi_kerja_nama or record.instansi_kerja_id}"
    return None
