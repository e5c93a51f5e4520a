"""XLSX exports as an admin expects from a spreadsheet.

A header row of labels (Bahasa Indonesia, from the catalogue), bold and frozen, with an
autofilter over the data; instants as real date cells in the display timezone (openpyxl's
datetimes are naive: the wall-clock time in that zone is written); NIPs and other id-like
numbers as text cells (never numbers, never rounded); column widths from the content. Every
other value is an inert, formula-neutralised text cell, and a value that cannot be converted
falls back to that text: one bad cell never fails the whole file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mappings.messages import t
from sync import clock
from sync.konflik.export import Column, safe_cell

Sheet = Any  # openpyxl's write-only worksheet (its class lives in a private module)
FORMATS = {"time": "dd-mm-yyyy hh:mm", "date": "dd-mm-yyyy", "id": "@"}
FIXED_WIDTH = {"time": 17.0, "date": 12.0}
MIN_WIDTH, MAX_WIDTH = 8.0, 60.0
MAX_TEXT = 32767  # the longest text a spreadsheet cell holds


def xlsx_bytes(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], tz: tzinfo) -> bytes:
    """One sheet named ``title``: labelled header, typed cells, widths, frozen header, filter."""
    values = [[typed(column, value, tz) for column, value in zip(columns, row, strict=True)] for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    labels = [t(column.label) for column in columns]
    _layout(sheet, columns, labels, values)
    sheet.append([_header(sheet, label) for label in labels])
    for row in values:
        sheet.append([_cell(sheet, column, value) for column, value in zip(columns, row, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def typed(column: Column, value: Any, tz: tzinfo) -> Any:
    """The cell value of ``value`` in ``column``: a date, a number or inert text."""
    try:
        if column.kind == "time" and value not in (None, ""):
            return clock.wall(value, tz)
        if column.kind == "date" and isinstance(value, str) and value:
            return date.fromisoformat(value)
        if column.kind == "date" and isinstance(value, date):
            return value
        if column.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            return value
    except (TypeError, ValueError, AttributeError):
        pass  # not what the column promises: shown as the text it is
    return safe_cell(value, tz)[:MAX_TEXT]


def _layout(sheet: Sheet, columns: Sequence[Column], labels: list[str], rows: list[list[Any]]) -> None:
    """Widths, the frozen header and the filter (write-only sheets take them before any row)."""
    for index, column in enumerate(columns):
        longest = max([len(labels[index]) + 2, *(_width(row[index]) for row in rows)])
        width = FIXED_WIDTH.get(column.kind, min(MAX_WIDTH, max(MIN_WIDTH, longest + 1.0)))
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(width, len(labels[index]) + 3.0)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _width(value: Any) -> float:
    if isinstance(value, datetime | date):
        return 0.0
    return float(max((len(line) for line in str(value).splitlines()), default=0))


def _header(sheet: Sheet, label: str) -> Cell:
    cell = WriteOnlyCell(sheet, safe_cell(label))
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: Sheet, column: Column, value: Any) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    if column.kind in FORMATS and (column.kind == "id" or isinstance(value, date)):
        cell.number_format = FORMATS[column.kind]
    return cell
