"""The XLSX recaps (e-Kinerja "Laporan Penilaian SKP", PMM exports), streamed with openpyxl.

Read-only and values only, after ``xlsx_guard`` has bounded what the archive says about itself.
The sheet's declared ``dimension`` is ignored (a 164 KB file may declare 16,384 columns): the
header is looked for in the first ``SCAN_ROWS`` rows and ``MAX_COLUMNS`` columns, and data rows are
read only as wide as the header really is, one row at a time. Title rows above the header are
skipped; a two-row header whose top cells are merged ("Pegawai" over "NIP" and "Nama") is read by
carrying each top label over the blank cells a merge leaves. Every sheet with a header is read;
blank sheets are ignored. Whatever openpyxl, zipfile or the XML parser raise while reading is
translated here, in ``_translated``, into one refusal naming the sheet and row.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from connectors.pmm.recap import RawRow, RecapFileError, cell_text, check_columns, field_of, squash

SCAN_ROWS = 20
MAX_COLUMNS = 64  # a recap has 10 to 20 columns; the header must start within these
# everything reading a workbook can raise on a damaged or hostile file (ParseError is a
# SyntaxError; openpyxl's descriptors raise TypeError and ValueError on values of the wrong type)
FOREIGN_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    SyntaxError,
    EOFError,
    OSError,
    RuntimeError,
)


@dataclass(frozen=True)
class SheetHeader:
    """A sheet's header: the field of each column and the first data row (1-based)."""

    title: str
    columns: list[str | None]
    first_row: int


@contextmanager
def _translated(path: str, where: list[Any]) -> Iterator[None]:
    """The one boundary: a foreign error becomes ``bad_sheet`` naming sheet and row, or
    ``not_workbook`` when it came before any sheet (a zip that is no Excel workbook)."""
    try:
        yield
    except FOREIGN_ERRORS as exc:
        if where[0] == "-":
            raise RecapFileError("not_workbook", path=path) from exc
        raise RecapFileError("bad_sheet", path=path, sheet=str(where[0])[:60], row=where[1]) from exc


def open_book(handle: IO[bytes], path: str) -> tuple[Workbook, list[SheetHeader]]:
    """The workbook and the header of each sheet that has one (refused when none has)."""
    where: list[Any] = ["-", "-"]
    with _translated(path, where):
        book = load_workbook(handle, read_only=True, data_only=True)
        headers: list[SheetHeader] = []
        for sheet in book.worksheets:
            if not isinstance(sheet, ReadOnlyWorksheet):
                continue
            where[:] = [sheet.title, "-"]
            sheet.reset_dimensions()  # the declared size is the file's word, not a fact
            rows = list(
                _counted(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), where, 1, SCAN_ROWS + 1)
            )
            header = _header(rows)
            if header is not None:
                columns, first = header
                check_columns(columns, path)
                headers.append(SheetHeader(sheet.title, _trimmed(columns), first + 1))
    if not headers:
        book.close()
        raise RecapFileError("no_header", path=path)
    return book, headers


def xlsx_rows(book: Workbook, headers: list[SheetHeader], path: str) -> Iterator[RawRow]:
    """Every data row of every sheet with a header, one at a time, as wide as its header.

    The caller closes ``book`` (``files.open_recap`` does).
    """
    where: list[Any] = ["-", "-"]
    with _translated(path, where):
        for header in headers:
            sheet = book[header.title]
            where[:] = [header.title, header.first_row]
            default = None if "status" in header.columns else "DINILAI"
            named = [(j, c) for j, c in enumerate(header.columns) if c]
            rows = sheet.iter_rows(min_row=header.first_row, max_col=len(header.columns), values_only=True)
            for number, row in enumerate(_counted(rows, where, header.first_row), header.first_row):
                yield RawRow(
                    number, {c: row[j] if j < len(row) else None for j, c in named}, header.title, default
                )


def _counted(
    rows: Iterator[tuple[Any, ...]], where: list[Any], first: int, limit: int | None = None
) -> Iterator[tuple[Any, ...]]:
    """``rows`` with ``where[1]`` naming the row being read (so a failure names it)."""
    number = first
    while limit is None or number < first + limit:
        where[1] = number
        row = next(rows, None)
        if row is None:
            return
        yield row
        number += 1


def _trimmed(columns: list[str | None]) -> list[str | None]:
    """The header without the unnamed columns after its last named one."""
    last = max((j for j, c in enumerate(columns) if c), default=-1)
    return columns[: last + 1]


def _header(rows: list[tuple[Any, ...]]) -> tuple[list[str | None], int] | None:
    """(field per column, index of the first data row) or None when the sheet has no header."""
    for index, row in enumerate(rows[:SCAN_ROWS]):
        labels = [cell_text(c) for c in row]
        if not any(field_of(label) == "nip" or squash(label) in ("pegawai", "nip") for label in labels):
            continue
        below = [cell_text(c) for c in rows[index + 1]] if index + 1 < len(rows) else []
        if below and _is_subheader(below):
            return _combine(labels, below), index + 2
        return [field_of(label) for label in labels], index + 1
    return None


def _is_subheader(cells: list[str]) -> bool:
    known = [c for c in cells if c and (field_of(c) or squash(c) in ("nip", "nama"))]
    digits = [c for c in cells if sum(ch.isdigit() for ch in c) >= 8]
    return len(known) >= 2 and not digits


def _combine(top: list[str], below: list[str]) -> list[str | None]:
    columns: list[str | None] = []
    carried = ""
    for j in range(max(len(top), len(below))):
        upper = top[j] if j < len(top) else ""
        lower = below[j] if j < len(below) else ""
        carried = upper or (carried if lower else "")
        choices = [f"{carried} {lower}", lower, carried] if lower else [carried]
        columns.append(next((f for f in (field_of(c) for c in choices) if f), None))
    return columns
