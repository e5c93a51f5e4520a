"""Recap files (PMM / Ruang GTK CSV, e-Kinerja "Laporan Penilaian SKP" XLSX) -> ``PmmResult``.

The CSV and XLSX readers find the header and hand over rows as ``{field: cell}``; this module
does the rest for both: column labels in their spelling variants, NIPs with spaces or a leading
apostrophe (accepted) and NIPs Excel turned into numbers (``1.98703E+17`` or a last "000",
refused: never guessed), duplicate rows, and each row's exact outcome. Outcome and refusal codes
are rendered from the catalogue (``pmm.row.<code>``, ``pmm.file.<code>``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from connectors.pmm.models import PmmResult

LABELS: dict[str, str] = {  # squashed column label -> wire field
    "nip": "nip", "nipbaru": "nip", "nippegawai": "nip", "pegawainip": "nip", "nipguru": "nip",
    "nipptk": "nip", "nuptk": "nuptk", "nama": "nama", "namapegawai": "nama",
    "pegawainama": "nama", "namaguru": "nama", "namaptk": "nama", "namalengkap": "nama",
    "jenisptk": "jenis_ptk", "npsn": "npsn", "satuanpendidikan": "satuan_pendidikan",
    "sekolah": "satuan_pendidikan", "namasekolah": "satuan_pendidikan",
    "unitkerja": "satuan_pendidikan", "periode": "periode", "periodepenilaian": "periode",
    "status": "status", "statuspenilaian": "status", "statusskp": "status",
    "ratinghasilkerja": "rating_hasil_kerja", "hasilkerja": "rating_hasil_kerja",
    "penilaianhasilkerja": "rating_hasil_kerja", "ratinghasil": "rating_hasil_kerja",
    "ratingperilakukerja": "rating_perilaku_kerja", "perilakukerja": "rating_perilaku_kerja",
    "penilaianperilakukerja": "rating_perilaku_kerja", "ratingperilaku": "rating_perilaku_kerja",
    "predikat": "predikat", "predikatkinerja": "predikat", "penilaianpredikat": "predikat",
    "penilaianpredikatkinerja": "predikat", "nippenilai": "nip_penilai",
    "pejabatpenilainip": "nip_penilai", "penilainip": "nip_penilai", "nipatasan": "nip_penilai",
    "namapenilai": "nama_penilai", "pejabatpenilainama": "nama_penilai",
    "penilainama": "nama_penilai", "namaatasan": "nama_penilai",
    "tanggalpenilaian": "tanggal_penilaian", "tglpenilaian": "tanggal_penilaian",
}
REQUIRED = ("nip", "periode", "rating_hasil_kerja", "rating_perilaku_kerja", "predikat")
COLUMN_NAMES = {"nip": "NIP", "nuptk": "NUPTK", "nama": "Nama", "jenis_ptk": "Jenis PTK",
                "npsn": "NPSN", "satuan_pendidikan": "Satuan Pendidikan", "periode": "Periode",
                "status": "Status", "rating_hasil_kerja": "Rating Hasil Kerja",
                "rating_perilaku_kerja": "Rating Perilaku Kerja", "predikat": "Predikat",
                "nip_penilai": "NIP Penilai", "nama_penilai": "Nama Penilai",
                "tanggal_penilaian": "Tanggal Penilaian"}
WIRE_COLUMN = {"pegawai.nip": "nip", "pegawai.nuptk": "nuptk", "pegawai.nama": "nama",
               "pegawai.jenis_ptk": "jenis_ptk", "satuan_pendidikan.npsn": "npsn",
               "satuan_pendidikan.nama": "satuan_pendidikan", "periode_id": "periode",
               "status": "status", "rating_hasil_kerja": "rating_hasil_kerja",
               "rating_perilaku_kerja": "rating_perilaku_kerja", "predikat": "predikat",
               "penilai.nip": "nip_penilai", "penilai.nama": "nama_penilai",
               "tanggal_penilaian": "tanggal_penilaian"}
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?e\+?\d+$", re.IGNORECASE)


class RecapFileError(Exception):
    """The whole file is refused (nothing from it may be written); ``code`` says why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: ``ok`` with its result, or a refusal code and its parameters."""

    row: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    result: PmmResult | None = None
    sheet: str | None = None
    nip: str | None = None


@dataclass(frozen=True)
class RecapImport:
    """Every row's outcome of one recap file."""

    path: str
    format: str
    rows: list[RowOutcome]

    @property
    def accepted(self) -> list[PmmResult]:
        """The results of the rows that were accepted."""
        return [o.result for o in self.rows if o.result is not None]

    @property
    def refused(self) -> list[RowOutcome]:
        """The rows that were not accepted."""
        return [o for o in self.rows if o.code != "ok"]


def squash(label: Any) -> str:
    """A label reduced to lower-case letters only ("Rating Hasil-Kerja " -> "ratinghasilkerja")."""
    return re.sub(r"[^a-z]", "", str(label or "").lower())


def field_of(label: Any) -> str | None:
    """The wire field a column label names, if any."""
    return LABELS.get(squash(label))


def check_columns(columns: Sequence[str | None], path: str) -> None:
    """Refuse a header that lacks a required column."""
    missing = [COLUMN_NAMES[f] for f in REQUIRED if f not in columns]
    if missing:
        raise RecapFileError("missing_columns", path=path, columns=", ".join(missing))


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e16 else str(int(value))
    return str(value).strip()


def read_nip(value: Any) -> tuple[str | None, str | None]:
    """(nip, None) for a usable NIP; (None, code) for ``nip_rusak`` / ``nip_tidak_valid``."""
    if isinstance(value, float):
        return None, "nip_rusak"  # a NIP stored as a floating number lost its last digits
    text = cell_text(value).lstrip("='").strip('"').replace(" ", "").replace("\u00a0", "")
    text = text[:-2] if text.endswith(".0") else text
    if _SCIENTIFIC.match(text):
        return None, "nip_rusak"
    if not re.fullmatch(r"\d{18}", text):
        return None, "nip_tidak_valid"
    if text.endswith("000"):  # sequence numbers start at 001: Excel rounded it to 15 digits
        return None, "nip_rusak"
    return text, None


def outcomes(rows: Iterable[tuple[int, dict[str, Any]]], *, sheet: str | None = None,
             default_status: str | None = None) -> list[RowOutcome]:
    """Each data row (number, ``{field: cell}``) -> its outcome; blank rows are skipped."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[RowOutcome] = []
    for number, cells in rows:
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        out.append(_outcome(number, cells, seen, sheet, default_status))
    return out


def _outcome(number: int, cells: dict[str, Any], seen: dict[tuple[str, str, str], int],
             sheet: str | None, default_status: str | None) -> RowOutcome:
    raw_nip = cell_text(cells.get("nip"))
    nip, problem = read_nip(cells.get("nip"))
    if nip is None:
        return RowOutcome(number, problem or "nip_tidak_valid", {"value": raw_nip}, sheet=sheet,
                          nip=raw_nip or None)
    for column in REQUIRED:
        if cell_text(cells.get(column)) == "":
            return RowOutcome(number, "kolom_kosong", {"column": COLUMN_NAMES[column]},
                              sheet=sheet, nip=nip)
    key = (nip, " ".join(cell_text(cells.get("periode")).lower().split()),
           cell_text(cells.get("npsn")))
    if key in seen:
        return RowOutcome(number, "baris_ganda", {"first_row": seen[key]}, sheet=sheet, nip=nip)
    try:
        result = PmmResult.model_validate(_wire(nip, key, cells, default_status))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        column = COLUMN_NAMES.get(WIRE_COLUMN.get(where, ""), where)
        return RowOutcome(number, "kolom_tidak_valid", {"column": column, "detail": first["msg"]},
                          sheet=sheet, nip=nip)
    seen[key] = number
    return RowOutcome(number, "ok", result=result, sheet=sheet, nip=nip)


def _wire(nip: str, key: tuple[str, str, str], cells: dict[str, Any],
          default_status: str | None) -> dict[str, Any]:
    def text(name: str) -> str | None:
        return cell_text(cells.get(name)) or None

    penilai_nip = text("nip_penilai")
    return {
        "id": "file-" + hashlib.sha256("|".join(key).encode()).hexdigest()[:32],
        "periode_id": text("periode"),
        "pegawai": {"nip": nip, "nuptk": text("nuptk"), "nama": text("nama"),
                    "jenis_ptk": text("jenis_ptk")},
        "satuan_pendidikan": {"npsn": text("npsn"), "nama": text("satuan_pendidikan")},
        "penilai": {"nip": penilai_nip.lstrip("'").replace(" ", "") if penilai_nip else None,
                    "nama": text("nama_penilai")},
        "status": text("status") or default_status,
        "rating_hasil_kerja": text("rating_hasil_kerja"),
        "rating_perilaku_kerja": text("rating_perilaku_kerja"),
        "predikat": text("predikat"),
        "tanggal_penilaian": _date(cells.get("tanggal_penilaian")),
    }


def _date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return text or None  # the wire model names the bad date
