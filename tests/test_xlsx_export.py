"""XLSX exports as an admin expects (issue 16.10): labelled, bold and frozen header row, an
autofilter, column widths, instants as date cells in the display timezone, NIPs as text; a
control character in one cell never fails the file (13.4)."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from mappings.messages import t
from service.console.konflik_data import EXPORT_COLUMNS
from service.console.spreadsheet import xlsx_bytes
from sync.konflik.usulan import FILE_COLUMNS, SHEET_COLUMNS

JAKARTA = ZoneInfo("Asia/Jakarta")
OPENED = datetime(2026, 12, 6, 18, 59, 57, 329572)  # naive UTC, as SQLite returns it
NIP = "198609262015051001"
HOSTILE_NAME = "\x1b[31mBudi\x07 Santoso\x7f\ud800"


def _row(nama: str, opened: object = OPENED) -> list[object]:
    return [
        12,
        NIP,
        nama,
        "a1b2c3",
        "Dinas Pendidikan › SD Negeri 1",
        "unit kerja",
        "konflik",
        "terbuka",
        None,
        opened,
        date(2026, 12, 14),
        "tidak",
        "x",
        "y",
        "z",
        "=SUM(A1:A9) nilai SIASN berbeda dengan nilai lokal sejak mutasi",
    ]


def _sheet(rows: list[list[object]]) -> Worksheet:
    book = load_workbook(io.BytesIO(xlsx_bytes("konflik", EXPORT_COLUMNS, rows, JAKARTA)))
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_header_is_labelled_bold_frozen_and_filtered() -> None:
    """Row 1 holds the catalogue's labels (not field names), bold; it is frozen and filtered."""
    sheet = _sheet([_row("Budi"), _row("Sari")])
    header = [c.value for c in sheet[1]]
    assert header == [t(c.label) for c in EXPORT_COLUMNS]
    assert header[:3] == ["ID konflik", "NIP", "Nama"] and "nip" not in header
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P3"


def test_times_are_date_cells_in_the_display_timezone() -> None:
    """``dibuka`` is a date cell holding 07-12-2026 01:59:57 (WIB), not a UTC text; the due date
    is a date cell too; both are formatted dd-mm-yyyy."""
    sheet = _sheet([_row("Budi"), _row("Sari", OPENED.isoformat() + "+00:00")])
    for row in (2, 3):
        opened, due = sheet.cell(row, 10), sheet.cell(row, 11)
        assert (
            isinstance(opened, Cell) and opened.is_date and opened.value == datetime(2026, 12, 7, 1, 59, 57)
        )
        assert opened.number_format == "dd-mm-yyyy hh:mm"
        assert isinstance(due, Cell) and due.is_date and due.value == datetime(2026, 12, 14)
        assert due.number_format == "dd-mm-yyyy"


def test_nips_stay_text_and_columns_have_widths() -> None:
    """A NIP is a text cell formatted as text (never a rounded number); the id is a number; each
    column has a width from its content, wider for the long explanation, capped."""
    sheet = _sheet([_row("Budi")])
    nip = sheet.cell(2, 2)
    assert nip.data_type == "s" and nip.value == NIP and nip.number_format == "@"
    assert sheet.cell(2, 1).value == 12 and sheet.cell(2, 1).data_type == "n"
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOP"}
    assert all(8 <= w <= 60 for w in widths.values())
    assert widths["B"] >= len(NIP) and widths["P"] > widths["A"]
    assert widths["E"] >= len("Dinas Pendidikan › SD Negeri 1")


def test_a_control_character_never_fails_the_file_and_formulas_stay_text() -> None:
    """A SIASN name with ESC, BEL, DEL and a lone surrogate is written escaped; the other rows
    are intact; a formula-looking text keeps its apostrophe and no cell is a formula."""
    sheet = _sheet([_row(HOSTILE_NAME), _row("Sari")])
    assert sheet.cell(2, 3).value == "\\x1b[31mBudi\\x07 Santoso\\x7f\\ud800"
    assert sheet.cell(3, 3).value == "Sari"
    assert str(sheet.cell(2, 16).value).startswith("'=SUM")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_value_that_is_not_a_time_is_shown_as_text() -> None:
    """A time column holding something that is no time (text, a bare date) shows it as inert
    text, not a 500; a text longer than a cell holds is cut to the cell's limit."""
    long_row = _row("Budi", date(2026, 12, 7))
    long_row[-1] = "x" * 40_000
    sheet = _sheet([_row("Budi", "kemarin\x1b"), long_row])
    assert sheet.cell(2, 10).value == "kemarin\\x1b"
    assert sheet.cell(3, 10).value == "2026-12-07"
    assert len(str(sheet.cell(3, 16).value)) == 32767


def test_usulan_sheet_speaks_to_people_and_csv_keeps_every_key() -> None:
    """The usulan XLSX leaves out raw ids and field codes (their shown forms stay) and labels
    every column; the CSV keeps every machine key."""
    keys = [c.key for c in SHEET_COLUMNS]
    assert "field" not in keys and "unit_id" not in keys and "nilai_siasn" not in keys
    assert {"unit_jalur", "nip", "nama", "field_label", "nilai_siasn_tampil", "diputuskan_pada"} <= set(keys)
    assert [c.key for c in FILE_COLUMNS][:4] == ["unit_id", "unit_nama", "unit_jalur", "nip"]
    labels = [t(c.label) for c in SHEET_COLUMNS]
    assert len(set(labels)) == len(labels) and all(label[0].isupper() for label in labels)
