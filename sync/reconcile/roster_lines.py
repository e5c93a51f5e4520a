"""Reading a roster CSV safely: bounded lines, strict decoding, quotes that must close.

``records`` turns a binary stream into one ``Record`` or ``RosterProblem`` per CSV record. A
physical line is read with a byte limit; a record may span a few lines only while a quoted cell is
open, and a quote still open after ``MAX_RECORD_LINES`` lines is reported on its line while the
lines after it are read again as records of their own (an unterminated quote never swallows the
rest of the file).
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mappings.messages import t
from mappings.nip import NipError, normalize_nip

NIP_HEADERS = {"nip", "nipbaru"}
NAMA_HEADERS = {"nama", "namalengkap"}
MAX_LINE_BYTES = 64 * 1024
MAX_RECORD_LINES = 8
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


class RosterFormatError(ValueError):
    """The file cannot be read as a roster at all (no NIP column, empty, not text)."""


@dataclass(frozen=True)
class RosterProblem:
    """A row that was not imported: its line number, value and why."""

    line: int
    value: str
    reason: str


@dataclass(frozen=True)
class Record:
    """A row whose NIP is valid."""

    line: int
    nip: str
    nama: str | None


@dataclass(frozen=True)
class _Line:
    number: int
    text: str | None  # None: longer than MAX_LINE_BYTES (skipped)


class _Decoder:
    """UTF-8 (BOM allowed) until a line is not UTF-8, then Windows-1252 if nothing said UTF-8."""

    def __init__(self) -> None:
        self.encoding: str | None = None

    def decode(self, raw: bytes, number: int) -> str:
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw, self.encoding = raw[3:], "utf-8"
        if b"\x00" in raw:
            raise _not_text(number, raw, raw.index(b"\x00"))
        try:
            text = raw.decode(self.encoding or "utf-8")
        except UnicodeDecodeError as exc:
            if self.encoding is not None:
                raise _not_text(number, raw, exc.start) from None
            self.encoding = "cp1252"
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError as again:
                raise _not_text(number, raw, again.start) from None
        if self.encoding is None and not raw.isascii():
            self.encoding = "utf-8"
        return text


def _not_text(number: int, raw: bytes, at: int) -> RosterFormatError:
    return RosterFormatError(t("guards.roster_not_text", line=number, column=at + 1, byte=f"0x{raw[at]:02X}"))


def _lines(stream: BinaryIO) -> Iterator[_Line]:
    decoder = _Decoder()
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield _Line(number, None)
            continue
        # a bare CR ends a line too (old Mac exports; the csv module refuses one inside a line)
        pieces = decoder.decode(raw, number).rstrip("\r\n").split("\r")
        for offset, piece in enumerate(pieces):
            yield _Line(number + offset, piece)
        number += len(pieces) - 1


def _key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def records(stream: BinaryIO) -> Iterator[Record | RosterProblem]:
    """Every CSV record after the header, as a valid ``Record`` or a ``RosterProblem``."""
    lines = _lines(stream)
    first = next(lines, None)
    if first is None or first.text is None or not first.text.strip():
        raise RosterFormatError(t("guards.roster_empty"))
    delimiter = ";" if first.text.count(";") > first.text.count(",") else ","
    header = [_key(h) for h in next(csv.reader([first.text], delimiter=delimiter))]
    nip_col = next((i for i, h in enumerate(header) if h in NIP_HEADERS), None)
    if nip_col is None:
        raise RosterFormatError(t("guards.roster_no_nip_column"))
    nama_col = next((i for i, h in enumerate(header) if h in NAMA_HEADERS), None)
    for number, cells in _cells(lines, delimiter):
        if isinstance(cells, RosterProblem):
            yield cells
        elif any(cell.strip() for cell in cells):
            yield _row(number, cells, nip_col, nama_col)


def _cells(lines: Iterator[_Line], delimiter: str) -> Iterator[tuple[int, list[str] | RosterProblem]]:
    """Records as cell lists; a long line or a quote left open is a problem of its line."""
    pending: deque[_Line] = deque()
    while True:
        start = pending.popleft() if pending else next(lines, None)
        if start is None:
            return
        if start.text is None:
            yield (
                start.number,
                RosterProblem(
                    start.number, "", t("guards.roster_line_too_long", limit=MAX_LINE_BYTES // 1024)
                ),
            )
            continue
        taken = [start]
        while _open_quote(taken):
            more = pending.popleft() if pending else next(lines, None)
            if more is None or more.text is None or len(taken) >= MAX_RECORD_LINES:
                if more is not None:
                    pending.append(more)
                break
            taken.append(more)
        if _open_quote(taken):
            pending.extendleft(reversed(taken[1:]))
            yield (
                start.number,
                RosterProblem(start.number, _excerpt(start.text), t("guards.roster_open_quote")),
            )
            continue
        text = "\n".join(line.text or "" for line in taken)
        try:
            yield start.number, next(csv.reader([text], delimiter=delimiter, strict=False))
        except csv.Error:  # a quote opened inside a cell (``0"``) and closed on a later line
            problem = RosterProblem(start.number, _excerpt(start.text), t("guards.roster_open_quote"))
            yield start.number, problem


def _open_quote(taken: list[_Line]) -> bool:
    return sum((line.text or "").count('"') for line in taken) % 2 == 1


def _excerpt(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _row(number: int, cells: list[str], nip_col: int, nama_col: int | None) -> Record | RosterProblem:
    raw = cells[nip_col].strip().lstrip("'") if nip_col < len(cells) else ""
    if _SCIENTIFIC.match(raw.replace(" ", "")):
        return RosterProblem(number, _excerpt(raw), t("guards.roster_excel_scientific"))
    try:
        nip = normalize_nip(raw)
    except NipError:
        return RosterProblem(number, _excerpt(raw), t("guards.roster_nip_digits"))
    if nip.endswith("000"):
        return RosterProblem(number, raw, t("guards.roster_excel_rounded"))
    nama = cells[nama_col].strip() if nama_col is not None and nama_col < len(cells) else None
    return Record(number, nip, (nama or None) and nama[:200])
