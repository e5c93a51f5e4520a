"""The XLSX recaps (e-Kinerja "Laporan Penilaian SKP", PMM exports), read with openpyxl.

Read-only and values only. Title rows above the header are skipped; a two-row header whose top
cells are merged ("Pegawai" over "NIP" and "Nama", "Penilaian" over "Hasil Kerja" ...) is read
by carrying each top label over the blank cells a merge leaves in read-only mode. Every sheet
with a header is read; blank sheets (a trailing "Sheet2") are ignored.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from connectors.pmm.recap import (
    RecapFileError,
    RecapImport,
    RowOutcome,
    cell_text,
    check_columns,
    field_of,
    outcomes,
    squash,
)

SCAN_ROWS = 20


def read_xlsx(path: Path) -> RecapImport:
    """Every row's outcome over every sheet; the file is refused when it cannot be read."""
    sheets = _load(path)
    results: list[RowOutcome] = []
    found = False
    for name, rows in sheets:
        header = _header(rows)
        if header is None:
            continue
        found = True
        columns, first_data = header
        check_columns(columns, str(path))
        data = ((first_data + 1 + i, {c: row[j] if j < len(row) else None
                                      for j, c in enumerate(columns) if c})
                for i, row in enumerate(rows[first_data:]))
        default = None if "status" in columns else "DINILAI"
        results += outcomes(data, sheet=name, default_status=default)
    if not found:
        raise RecapFileError("no_header", path=str(path))
    return RecapImport(str(path), "xlsx", results)


def _load(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise RecapFileError("unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise RecapFileError("bad_format", path=str(path),
                             detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    try:
        return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)])
                for sheet in book.worksheets]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise RecapFileError("bad_format", path=str(path),
                             detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    finally:
        book.close()


def _header(rows: list[tuple[Any, ...]]) -> tuple[list[str | None], int] | None:
    """(field per column, index of the first data row) or None when the sheet has no header."""
    for index, row in enumerate(rows[:SCAN_ROWS]):
        labels = [cell_text(c) for c in row]
        if not any(field_of(label) == "nip" or squash(label) in ("pegawai", "nip") for label in
                   labels):
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
