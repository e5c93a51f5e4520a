"""The PMM recap CSV, streamed: UTF-8 with or without BOM or Windows-1252, ``;`` ``,`` or tab.

Before any row is handed over, one pass over the bytes (a chunk at a time) settles the encoding
(a byte that is text in neither refuses the file, naming where), counts the lines (more than the
row limit refuses the file) and finds the header in the first rows under the sniffed delimiter
or the first of ; , tab that shows one. Rows then come one at a time; a physical line longer than
``MAX_LINE_CHARS`` or a cell over csv's field limit refuses the file naming the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO

from connectors.pmm.recap import RawRow, RecapFileError, check_columns, field_of

SCAN_ROWS = 20
MAX_LINE_CHARS = 1024 * 1024
_CHUNK = 1024 * 1024


class _Semicolon(csv.excel):
    delimiter = ";"


class _Comma(csv.excel):
    delimiter = ","


@dataclass(frozen=True)
class CsvLayout:
    """How to read the file: encoding, dialect, the header's fields and line, the line count."""

    encoding: str
    dialect: type[csv.Dialect] | csv.Dialect
    columns: list[str | None]
    header_line: int
    lines: int


def csv_layout(handle: IO[bytes], path: str, max_rows: int) -> CsvLayout:
    """Encoding, line count and header of the CSV in ``handle`` (refused when unusable)."""
    head = handle.read(4096)
    if b"\x00" in head:
        raise RecapFileError("binary", path=path)
    encoding, lines = _encoding(handle, path)
    if lines > max_rows + SCAN_ROWS:
        raise RecapFileError("too_many_rows", path=path, limit=max_rows)
    with _text(handle, encoding) as text:
        sample = text.read(8192)
    try:
        sniffed: list[type[csv.Dialect] | csv.Dialect] = [csv.Sniffer().sniff(sample, delimiters=";,\t")]
    except csv.Error:
        sniffed = []
    for dialect in [*sniffed, _Semicolon, _Comma, csv.excel_tab]:
        with _text(handle, encoding) as text:
            rows = list(islice(_reader(text, dialect, path), SCAN_ROWS))
        header_at = next(
            (i for i, (_, row) in enumerate(rows) if any(field_of(cell) == "nip" for cell in row)), None
        )
        if header_at is not None:
            columns = [field_of(cell) for cell in rows[header_at][1]]
            check_columns(columns, path)
            return CsvLayout(encoding, dialect, columns, rows[header_at][0], lines)
    raise RecapFileError("no_header", path=path)


def csv_rows(handle: IO[bytes], layout: CsvLayout, path: str) -> Iterator[RawRow]:
    """The data rows after the header, one at a time (numbered by their first line)."""
    default = None if "status" in layout.columns else "DINILAI"
    named = [(j, c) for j, c in enumerate(layout.columns) if c]
    with _text(handle, layout.encoding) as text:
        for line, row in _reader(text, layout.dialect, path):
            if line <= layout.header_line:
                continue
            yield RawRow(line, {c: row[j] if j < len(row) else None for j, c in named}, None, default)


def _text(handle: IO[bytes], encoding: str) -> io.TextIOWrapper:
    """The file from its start as text, over a duplicate descriptor (closing it keeps
    ``handle`` open)."""
    handle.seek(0)
    return io.TextIOWrapper(os.fdopen(os.dup(handle.fileno()), "rb"), encoding=encoding, newline="")


def _reader(
    text: io.TextIOWrapper, dialect: type[csv.Dialect] | csv.Dialect, path: str
) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) per record; a line or cell too long refuses the file."""
    lines = _bounded_lines(text, path)
    reader = csv.reader(lines, dialect)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise RecapFileError("csv_rusak", path=path, line=start) from None
        yield start, row
        start = reader.line_num + 1


def _bounded_lines(text: io.TextIOWrapper, path: str) -> Iterator[str]:
    for number, line in enumerate(text, 1):
        if len(line) > MAX_LINE_CHARS:
            raise RecapFileError("line_too_long", path=path, line=number, limit=MAX_LINE_CHARS // 1024)
        yield line


def _encoding(handle: IO[bytes], path: str) -> tuple[str, int]:
    """UTF-8 (BOM allowed) when every byte is, else Windows-1252; and the number of lines."""
    for encoding in ("utf-8-sig", "cp1252"):
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        lines, offset, last = 0, 0, b""
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
                lines += chunk.count(b"\n")
                offset += len(chunk)
                last = chunk[-1:]
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            bad_at = offset + exc.start
            continue
        return encoding, lines + (1 if last and last != b"\n" else 0)
    raise RecapFileError("not_text", path=path, byte=bad_at + 1)
