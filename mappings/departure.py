"""Whether a SIASN profile says the employee has left the instansi, from SIASN's kedudukan hukum.

Table-driven on SIASN's reference ``kedudukan-hukum`` (id and name, as ``data-utama`` sends them
in ``kedudukanPnsId`` / ``kedudukanPnsNama``): a kedudukan either keeps the employee active (the
status is shown with the profile: MPP, CLTN, Tugas Belajar, Pemberhentian Sementara, ...) or ends
their service here (pensiun, mencapai BUP, diberhentikan, ...). Death (``tglMeninggal``) and a
different ``instansiKerjaId`` (pindah instansi) end it too. An id or a name the table does not know
never deactivates anyone: the employee stays active with the status shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from mappings.pegawai import PegawaiRecord


@dataclass(frozen=True)
class Kedudukan:
    """One row of SIASN's kedudukan hukum table; ``leaves`` is the departure reason, if any."""

    id: str
    nama: str
    leaves: str | None = None


_ROWS = (
    Kedudukan("01", "Aktif"),
    Kedudukan("02", "CLTN"),
    Kedudukan("03", "Tugas Belajar"),
    Kedudukan("04", "Pemberhentian Sementara"),
    Kedudukan("05", "Penerima Uang Tunggu"),
    Kedudukan("06", "Prajurit Wajib"),
    Kedudukan("07", "Pejabat Negara"),
    Kedudukan("08", "Kepala Desa"),
    Kedudukan("09", "Sedang dlm Proses Banding BAPEK"),
    Kedudukan("11", "Pegawai Titipan"),
    Kedudukan("12", "Pengungsi"),
    Kedudukan("13", "Perpanjangan CLTN"),
    Kedudukan("14", "PNS yang dinyatakan hilang"),
    Kedudukan("15", "PNS kena hukuman disiplin"),
    Kedudukan("16", "Pemindahan dalam rangka penurunan Jabatan"),
    Kedudukan("20", "Masa Persiapan Pensiun"),
    Kedudukan("51", "CPNS yang belum menerima SK CPNS"),
    Kedudukan("52", "Tidak Aktif"),
    Kedudukan("66", "Diberhentikan", "diberhentikan"),
    Kedudukan("67", "Punah", "data PNS dinyatakan punah"),
    Kedudukan("68", "Eks PNS Timor Timur", "eks PNS Timor Timur"),
    Kedudukan("69", "TMS Dari Pengadaan", "tidak memenuhi syarat dari pengadaan"),
    Kedudukan("70", "Pembatalan NIP", "NIP dibatalkan"),
    Kedudukan("77", "Pemberhentian tanpa hak pensiun", "diberhentikan tanpa hak pensiun"),
    Kedudukan("88", "Pemberhentian dengan hak pensiun", "diberhentikan dengan hak pensiun"),
    Kedudukan("89", "Tidak aktif tetapi diusulkan Pensiun"),
    Kedudukan("90", "Tidak Ikut PUPNS 2015"),
    Kedudukan("91", "Tindak Pidana/ Tindak Pidana Jabatan"),
    Kedudukan("92", "Pemblokiran Data PNS"),
    Kedudukan("98", "Mencapai BUP", "pensiun (mencapai batas usia pensiun)"),
    Kedudukan("99", "Pensiun", "pensiun"),
)
KEDUDUKAN_BY_ID: dict[str, Kedudukan] = {row.id: row for row in _ROWS}
_BY_NAME: dict[str, Kedudukan] = {" ".join(row.nama.lower().split()): row for row in _ROWS}


def kedudukan(kedudukan_id: str | None, nama: str | None) -> Kedudukan | None:
    """The table row for an id (``"1"`` and ``"01"`` alike), else for the name; None if unknown."""
    key = (kedudukan_id or "").strip()
    if key.isdigit() and len(key) <= 2:
        found = KEDUDUKAN_BY_ID.get(key.zfill(2))
        if found is not None:
            return found
    return _BY_NAME.get(" ".join((nama or "").lower().split()))


def departure_reason(record: PegawaiRecord, instansi_id: str | None) -> str | None:
    """A reason in Bahasa Indonesia when the employee left; None when still with us."""
    if record.tgl_meninggal is not None:
        return f"meninggal dunia ({record.tgl_meninggal:%d-%m-%Y})"
    row = kedudukan(record.kedudukan_hukum_id, record.kedudukan_hukum)
    if row is not None and row.leaves is not None:
        return f"{row.leaves} (kedudukan hukum di SIASN: {row.id} {row.nama})"
    if instansi_id and record.instansi_kerja_id and record.instansi_kerja_id != instansi_id:
        return f"pindah instansi ke {record.instansi_kerja_nama or record.instansi_kerja_id}"
    return None
