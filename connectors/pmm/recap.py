"""Recap files (PMM / Ruang GTK CSV, e-Kinerja "Laporan Penilaian SKP" XLSX) -> ``PmmResult``.

The CSV and XLSX readers find the header and hand over rows one at a time as ``RawRow``
(``{field: cell}``); this module does the rest for both, streaming: column labels in their
spelling variants, NIPs with spaces or a leading apostrophe (accepted) and NIPs Excel turned into
numbers (``1.98703E+17`` or a last "000", refused: never guessed), duplicate rows, a plan not yet
agreed or not yet rated (refused with that reason, not as an empty rating column), and each row's
exact outcome. Outcome and refusal codes are rendered from the catalogue (``pmm.row.<code>``,
``pmm.file.<code>``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from connectors.pmm.models import PmmResult, Status, parse_status_label

LABELS: dict[str, str] = {  # squashed column label -> wire field
    "nip": "nip",
    "nipbaru": "nip",
    "nippegawai": "nip",
    "pegawainip": "nip",
    "nipguru": "nip",
    "nipptk": "nip",
    "nuptk": "nuptk",
    "nama": "nama",
    "namapegawai": "nama",
    "pegawainama": "nama",
    "namaguru": "nama",
    "namaptk": "nama",
    "namalengkap": "nama",
    "jenisptk": "jenis_ptk",
    "npsn": "npsn",
    "satuanpendidikan": "satuan_pendidikan",
    "sekolah": "satuan_pendidikan",
    "namasekolah": "satuan_pendidikan",
    "unitkerja": "satuan_pendidikan",
    "periode": "periode",
    "periodepenilaian": "periode",
    "status": "status",
    "statuspenilaian": "status",
    "statusskp": "status",
    "ratinghasilkerja": "rating_hasil_kerja",
    "hasilkerja": "rating_hasil_kerja",
    "penilaianhasilkerja": "rating_hasil_kerja",
    "ratinghasil": "rating_hasil_kerja",
    "ratingperilakukerja": "rating_perilaku_kerja",
    "perilakukerja": "rating_perilaku_kerja",
    "penilaianperilakukerja": "rating_perilaku_kerja",
    "ratingperilaku": "rating_perilaku_kerja",
    "predikat": "predikat",
    "predikatkinerja": "predikat",
    "penilaianpredikat": "predikat",
    "penilaianpredikatkinerja": "predikat",
    "nippenilai": "nip_penilai",
    "pejabatpenilainip": "nip_penilai",
    "penilainip": "nip_penilai",
    "nipatasan": "nip_penilai",
    "namapenilai": "nama_penilai",
    "pejabatpenilainama": "nama_penilai",
    "penilainama": "nama_penilai",
    "namaatasan": "nama_penilai",
    "tanggalpenilaian": "tanggal_penilaian",
    "tglpenilaian": "tanggal_penilaian",
}
REQUIRED = ("nip", "periode", "rating_hasil_kerja", "rating_perilaku_kerja", "predikat")
RATINGS = ("rating_hasil_kerja", "rating_perilaku_kerja", "predikat")
NOT_AGREED = (Status.DRAFT, Status.DIAJUKAN, Status.DIKEMBALIKAN)
COLUMN_NAMES = {
    "nip": "NIP",
    "nuptk": "NUPTK",
    "nama": "Nama",
    "jenis_ptk": "Jenis PTK",
    "npsn": "NPSN",
    "satuan_pendidikan": "Satuan Pendidikan",
    "periode": "Periode",
    "status": "Status",
    "rating_hasil_kerja": "Rating Hasil Kerja",
    "rating_perilaku_kerja": "Rating Perilaku Kerja",
    "predikat": "Predikat",
    "nip_penilai": "NIP Penilai",
    "nama_penilai": "Nama Penilai",
    "tanggal_penilaian": "Tanggal Penilaian",
}
WIRE_COLUMN = {
    "pegawai.nip": "nip",
    "pegawai.nuptk": "nuptk",
    "pegawai.nama": "nama",
    "pegawai.jenis_ptk": "jenis_ptk",
    "satuan_pendidikan.npsn": "npsn",
    "satuan_pendidikan.nama": "satuan_pendidikan",
    "periode_id": "periode",
    "status": "status",
    "rating_hasil_kerja": "rating_hasil_kerja",
    "rating_perilaku_kerja": "rating_perilaku_kerja",
    "predikat": "predikat",
    "penilai.nip": "nip_penilai",
    "penilai.nama": "nama_penilai",
    "tanggal_penilaian": "tanggal_penilaian",
}
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?e\+?\d+$", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


class RecapFileError(Exception):
    """The whole file is refused (nothing from it may be written); ``code`` says why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row as a reader found it: its number, ``{field: cell}``, sheet, default status."""

    row: int
    cells: dict[str, Any]
    sheet: str | None = None
    default_status: str | None = None


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: ``ok`` with its result, or a refusal code and its parameters."""

    row: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    result: PmmResult | None = None
    sheet: str | None = None
    nip: str | None = None
    identity: dict[str, str] = field(default_factory=dict)  # name, school, period as given


IDENTITY = ("nama", "npsn", "satuan_pendidikan", "periode", "nuptk")
REFUSALS = (
    "nip_rusak",
    "nip_tidak_valid",
    "rencana_belum_disepakati",
    "belum_dinilai",
    "kolom_kosong",
    "baris_ganda",
    "kolom_tidak_valid",
)  # every code of a refused row


def with_identity(outcome: RowOutcome, cells: dict[str, Any]) -> RowOutcome:
    """``outcome`` carrying who and what the row is about (so a refused row names its teacher)."""
    found = {k: cell_text(cells.get(k))[:200] for k in IDENTITY if cell_text(cells.get(k))}
    return replace(outcome, identity=found)


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
    if type(value) is str:
        return value.strip()
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


def outcomes(rows: Iterable[RawRow]) -> Iterator[RowOutcome]:
    """Each data row -> its outcome, one at a time; blank rows are skipped."""
    seen: dict[tuple[str, str, str], int] = {}
    for raw in rows:
        texts = {name: cell_text(value) for name, value in raw.cells.items()}
        if any(texts.values()):
            yield with_identity(_outcome(raw, texts, seen), raw.cells)


def _outcome(raw: RawRow, texts: dict[str, str], seen: dict[tuple[str, str, str], int]) -> RowOutcome:
    cells, number, sheet = raw.cells, raw.row, raw.sheet
    raw_nip = texts.get("nip", "")
    nip, problem = read_nip(cells.get("nip"))
    if nip is None:
        return RowOutcome(
            number, problem or "nip_tidak_valid", {"value": raw_nip}, sheet=sheet, nip=raw_nip or None
        )
    unrated = _unrated(texts)
    if unrated is not None:
        return RowOutcome(number, unrated[0], unrated[1], sheet=sheet, nip=nip)
    for column in REQUIRED:
        if not texts.get(column):
            return RowOutcome(number, "kolom_kosong", {"column": COLUMN_NAMES[column]}, sheet=sheet, nip=nip)
    key = (nip, " ".join(texts["periode"].lower().split()), texts.get("npsn", ""))
    if key in seen:
        return RowOutcome(number, "baris_ganda", {"first_row": seen[key]}, sheet=sheet, nip=nip)
    try:
        result = PmmResult.model_validate(
            _wire(nip, key, texts, cells.get("tanggal_penilaian"), raw.default_status)
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        field_name = WIRE_COLUMN.get(where, "")
        return RowOutcome(
            number,
            "kolom_tidak_valid",
            {"column": COLUMN_NAMES.get(field_name, where), "field": field_name},
            sheet=sheet,
            nip=nip,
        )
    seen[key] = number
    return RowOutcome(number, "ok", result=result, sheet=sheet, nip=nip)


def _unrated(texts: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """A row with a period but no rating at all whose status says why: the plan is not agreed
    yet (``rencana_belum_disepakati``) or agreed and not rated yet (``belum_dinilai``)."""
    if not texts.get("periode") or any(texts.get(c) for c in RATINGS):
        return None
    try:
        status = parse_status_label(texts.get("status", ""))
    except ValueError:
        return None
    if status in NOT_AGREED:
        return "rencana_belum_disepakati", {"status": status.value, "periode": texts["periode"][:64]}
    if status is Status.DISEPAKATI:
        return "belum_dinilai", {}
    return None


def _wire(
    nip: str, key: tuple[str, str, str], texts: dict[str, str], tanggal: Any, default_status: str | None
) -> dict[str, Any]:
    def text(name: str) -> str | None:
        return texts.get(name) or None

    penilai_nip = text("nip_penilai")
    return {
        "id": "file-" + hashlib.sha256("|".join(key).encode()).hexdigest()[:32],
        "periode_id": text("periode"),
        "pegawai": {"nip": nip, "nuptk": text("nuptk"), "nama": text("nama"), "jenis_ptk": text("jenis_ptk")},
        "satuan_pendidikan": {"npsn": text("npsn"), "nama": text("satuan_pendidikan")},
        "penilai": {
            "nip": penilai_nip.lstrip("'").replace(" ", "") if penilai_nip else None,
            "nama": text("nama_penilai"),
        },
        "status": text("status") or default_status,
        "rating_hasil_kerja": text("rating_hasil_kerja"),
        "rating_perilaku_kerja": text("rating_perilaku_kerja"),
        "predikat": text("predikat"),
        "tanggal_penilaian": _date(tanggal),
    }


def _date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    found = _DATE.fullmatch(text)
    if found:
        d, m, y, y2, m2, d2 = found.groups()
        try:
            return date(int(y or y2), int(m or m2), int(d or d2))
        except ValueError:
            pass
    return text or None  # the wire model names the bad date
