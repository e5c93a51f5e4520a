"""Hostile recap files for the limit tests, built from a real workbook with one part replaced."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("NIP", "Periode", "Status", "Rating Hasil Kerja", "Rating Perilaku Kerja", "Predikat")


def workbook(rows: Iterable[tuple[str, ...]] = ()) -> bytes:
    """A real XLSX with the recap header and ``rows``."""
    book = Workbook()
    sheet = book.active
    if sheet is None:
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = "Rekap"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_sheet(content: bytes, write: Callable[[Callable[[str], None]], None]) -> bytes:
    """``content`` with its first sheet's XML replaced by what ``write`` emits, chunk by chunk."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info))
                continue
            with target.open(SHEET, "w", force_zip64=False) as part:

                def emit(text: str) -> None:
                    part.write(text.encode())

                write(emit)
    return out.getvalue()


def sheet_xml(
    rows: Callable[[Callable[[str], None]], None], *, dimension: str = "A1:F2", prologue: str = ""
) -> Callable[[Callable[[str], None]], None]:
    """A worksheet part: header row 1 (inline strings), then what ``rows`` emits."""

    def write(emit: Callable[[str], None]) -> None:
        emit(
            f'<?xml version="1.0" encoding="UTF-8"?>{prologue}<worksheet xmlns="{MAIN}">'
            f'<dimension ref="{dimension}"/><sheetData>'
        )
        emit(
            '<row r="1">'
            + "".join(
                f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{label}</t></is></c>'
                for i, label in enumerate(HEADER)
            )
            + "</row>"
        )
        rows(emit)
        emit("</sheetData></worksheet>")

    return write


def many_rows(count: int) -> Callable[[Callable[[str], None]], None]:
    """``count`` data rows of one cell each."""

    def rows(emit: Callable[[str], None]) -> None:
        for start in range(2, count + 2, 10_000):
            emit(
                "".join(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                    for n in range(start, min(start + 10_000, count + 2))
                )
            )

    return rows


def wide_row(cells: int) -> Callable[[Callable[[str], None]], None]:
    """One data row of ``cells`` empty cells (no coordinates: openpyxl counts them)."""

    def rows(emit: Callable[[str], None]) -> None:
        emit('<row r="2">')
        for start in range(0, cells, 100_000):
            emit("<c/>" * min(100_000, cells - start))
        emit("</row>")

    return rows


def fixed(xml: str) -> Callable[[Callable[[str], None]], None]:
    """Data rows given as XML text."""

    def rows(emit: Callable[[str], None]) -> None:
        emit(xml)

    return rows
