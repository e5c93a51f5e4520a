"""Recap files as schools and the dinas download them, made from the simulated PMM results.

``recap_csv``: PMM's recap CSV with a BOM, semicolons, label spelling variants, NIPs with spaces,
an Excel-mangled NIP in scientific notation and one rounded to "...000", and a duplicate row.
``recap_xlsx``: e-Kinerja's "Laporan Penilaian SKP" with title rows, a two-row header with merged
cells, a NIP stored as a number, a duplicate row and a blank trailing sheet. Each comes with the
outcome expected for every data row (the simulator's own labels, never the product's tables).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook

RATING_LABELS: dict[str, tuple[str, ...]] = {
    "DI_ATAS_EKSPEKTASI": ("Di Atas Ekspektasi", "Di Atas Ekspetasi", "DIATAS ESPEKTASI"),
    "SESUAI_EKSPEKTASI": ("Sesuai Ekspektasi", "Sesuai Ekspetasi", "SESUAI ESPEKTASI"),
    "DI_BAWAH_EKSPEKTASI": ("Di Bawah Ekspektasi", "Dibawah Ekspetasi", "DIBAWAH ESPEKTASI"),
}
PREDIKAT_LABELS = {
    "SANGAT_BAIK": "Sangat Baik",
    "BAIK": "Baik",
    "BUTUH_PERBAIKAN": "Butuh Perbaikan",
    "KURANG": "Kurang / Misconduct",
    "SANGAT_KURANG": "Sangat Kurang",
}
STATUS_LABELS = {
    "DRAFT": "Draft",
    "DIAJUKAN": "Diajukan",
    "DISEPAKATI": "Disepakati",
    "DIKEMBALIKAN": "Dikembalikan",
    "DINILAI": "Sudah Dinilai",
}
PERIOD_LABELS = {
    "2024-1": ("Semester 1 2024", "Januari - Juni 2024"),
    "2024-2": ("Semester 2 2024", "Juli - Desember 2024"),
    "2025": ("2025", "Tahunan 2025"),
}
CSV_HEADER = (
    "NIP",
    "NUPTK",
    "Nama",
    "Jenis PTK",
    "NPSN",
    "Satuan Pendidikan",
    "Periode",
    "Status",
    "Rating Hasil Kerja",
    "Rating Perilaku Kerja",
    "Predikat",
    "NIP Penilai",
    "Nama Penilai",
    "Tanggal Penilaian",
)


@dataclass
class RecapFile:
    """File content and the outcome code expected for each data row (by row number)."""

    content: bytes
    expected: dict[int, str] = field(default_factory=dict)
    sheet: str | None = None


def _label(table: dict[str, tuple[str, ...]], code: str | None, variant: int) -> str:
    return table[code][variant % len(table[code])] if code else ""


def _rated(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if r["status"] == "DINILAI"]


def _csv_row(result: dict[str, Any], i: int) -> list[str]:
    pegawai, school, penilai = result["pegawai"], result["satuan_pendidikan"], result["penilai"]
    nip = pegawai["nip"]
    if i % 5 == 1:
        nip = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"  # the display grouping
    return [
        nip,
        pegawai.get("nuptk") or "",
        pegawai["nama"],
        pegawai["jenis_ptk"],
        school["npsn"],
        school["nama"],
        PERIOD_LABELS[result["periode_id"]][i % 2],
        STATUS_LABELS[result["status"]],
        _label(RATING_LABELS, result["rating_hasil_kerja"], i),
        _label(RATING_LABELS, result["rating_perilaku_kerja"], i + 1),
        PREDIKAT_LABELS.get(result["predikat"] or "", ""),
        penilai.get("nip") or "",
        penilai.get("nama") or "",
        f"{date(2025, 12, 15):%d/%m/%Y}",
    ]


def recap_csv(results: list[dict[str, Any]], *, count: int = 8) -> RecapFile:
    """A recap CSV of ``count`` rated results plus a mangled pair and a duplicate (count >= 4)."""
    rows = _rated(results)[:count]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    recap = RecapFile(b"")
    for i, result in enumerate(rows):
        cells = _csv_row(result, i)
        line = i + 2
        if i == 2:
            cells[0], recap.expected[line] = f"{float(result['pegawai']['nip']):.5E}", "nip_rusak"
        elif i == 3:
            cells[0], recap.expected[line] = result["pegawai"]["nip"][:15] + "000", "nip_rusak"
        else:
            recap.expected[line] = "ok"
        writer.writerow(cells)
    writer.writerow(_csv_row(rows[0], 0))  # the same result exported twice
    recap.expected[len(rows) + 2] = "baris_ganda"
    recap.content = ("\ufeff" + out.getvalue()).encode("utf-8")
    return recap


def recap_xlsx(results: list[dict[str, Any]], *, count: int = 6, instansi: str = "") -> RecapFile:
    """e-Kinerja's "Laporan Penilaian SKP" workbook: merged header, a blank trailing sheet."""
    rows = _rated(results)[:count]
    book = Workbook()
    sheet = book.active
    if sheet is None:
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = "Laporan Penilaian SKP"
    sheet.append(["LAPORAN PENILAIAN SKP"])
    sheet.append([f"Instansi: {instansi}"])
    sheet.append([])
    sheet.append(
        ["No", "Pegawai", None, "Unit Kerja", "Periode", "Penilaian", None, None, "Pejabat Penilai", None]
    )
    sheet.append(
        [None, "NIP", "Nama", None, None, "Hasil Kerja", "Perilaku Kerja", "Predikat Kinerja", "NIP", "Nama"]
    )
    for first, last in (("B4", "C4"), ("F4", "H4"), ("I4", "J4"), ("A4", "A5"), ("D4", "D5"), ("E4", "E5")):
        sheet.merge_cells(f"{first}:{last}")
    recap = RecapFile(b"", sheet=sheet.title)
    for i, result in enumerate([*rows, rows[0]]):
        nip: Any = result["pegawai"]["nip"]
        code = "baris_ganda" if i == len(rows) else "ok"
        if i == 1:
            nip, code = float(nip), "nip_rusak"  # Excel turned the NIP into a number
        sheet.append(
            [
                i + 1,
                nip,
                result["pegawai"]["nama"],
                result["satuan_pendidikan"]["nama"],
                PERIOD_LABELS[result["periode_id"]][0],
                _label(RATING_LABELS, result["rating_hasil_kerja"], i),
                _label(RATING_LABELS, result["rating_perilaku_kerja"], i),
                PREDIKAT_LABELS[result["predikat"]],
                result["penilai"].get("nip") or "",
                result["penilai"].get("nama") or "",
            ]
        )
        recap.expected[6 + i] = code
    book.create_sheet("Sheet2")  # the blank trailing sheet Excel leaves behind
    out = io.BytesIO()
    book.save(out)
    recap.content = out.getvalue()
    return recap
