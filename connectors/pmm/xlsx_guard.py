"""What an XLSX says about itself is checked before openpyxl reads a byte of it.

An XLSX is a zip of XML parts, and openpyxl (even read-only) builds an element tree per row and
keeps what lies outside rows, so memory follows what the file claims. Before the workbook is
opened: the zip's central directory, member count, each member's declared size and compression
ratio and their total are bounded (zipfile never inflates past a declared size); then every
member is parsed once by expat, without building anything, counting elements and attributes
inside each record (a sheet ``row``, a shared-string ``si``) and outside them, and the rows of
each sheet part. A DTD (entity expansion) is refused. The counts also make the progress total.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

from connectors.pmm.recap import RecapFileError

MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024  # ~20,000 entries; an XLSX has a few dozen
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # one part, inflated (a 200,000-row sheet is ~150 MB)
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_ITEMS_PER_RECORD = 200_000  # elements + attributes of one row (16,384 cells ~ 82,000)
MAX_ITEMS_OUTSIDE = 200_000  # elements + attributes of one part outside its records
RECORDS = ("row", "si")
ROW_NUMBER_SLACK = 100  # title rows above the header
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_CHUNK = 1024 * 1024
# what zipfile raises on a damaged archive or member (encrypted or unknown method: RuntimeError)
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError)


@dataclass
class PartScan:
    """One XML part as counted: records (rows or shared strings) and where it broke."""

    name: str
    records: int = 0
    last_row: str = ""
    rows: int = 0


@dataclass
class ArchiveScan:
    """Every part of the archive as counted."""

    parts: dict[str, PartScan] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Sheet rows over every part (the progress total)."""
        return sum(part.rows for part in self.parts.values())


def check_archive(handle: IO[bytes], path: str, max_rows: int) -> ArchiveScan:
    """Refuse (``RecapFileError``) an archive whose declared sizes or XML exceed the bounds."""
    _check_central_directory(handle, path)
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except ZIP_ERRORS as exc:
        raise RecapFileError("bad_zip", path=path) from exc
    with archive:
        infos = archive.infolist()
        _check_sizes(infos, path)
        scan = ArchiveScan()
        for info in infos:
            scan.parts[info.filename] = _scan_member(archive, info, path, max_rows)
            if scan.rows > max_rows:
                raise RecapFileError("too_many_rows", path=path, limit=max_rows)
    return scan


def _check_central_directory(handle: IO[bytes], path: str) -> None:
    """The central directory is small enough to list (zipfile builds an object per entry)."""
    size = handle.seek(0, 2)
    start = max(0, size - 65_557)
    handle.seek(start)
    tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise RecapFileError("bad_zip", path=path)
    entries, cd_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    locator = tail.rfind(_ZIP64_LOCATOR, 0, at)
    if locator >= 0 and at - locator == 20:
        offset = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
        handle.seek(offset)
        record = handle.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            entries, cd_size = struct.unpack("<QQ", record[32:48])
    if entries > MAX_MEMBERS or cd_size > MAX_CENTRAL_DIRECTORY:
        raise RecapFileError("zip_too_large", path=path, limit=MAX_MEMBERS)


def _check_sizes(infos: list[zipfile.ZipInfo], path: str) -> None:
    if len(infos) > MAX_MEMBERS:
        raise RecapFileError("zip_too_large", path=path, limit=MAX_MEMBERS)
    total = 0
    for info in infos:
        total += info.file_size
        ratio_breached = info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        )
        if info.file_size > MAX_MEMBER_BYTES or ratio_breached or total > MAX_TOTAL_BYTES:
            raise RecapFileError(
                "zip_bomb",
                path=path,
                member=info.filename[:80],
                limit=MAX_MEMBER_BYTES // (1024 * 1024),
                ratio=MAX_RATIO,
            )


class _Counter:
    """expat handlers that count and refuse; nothing is kept."""

    def __init__(self, part: PartScan, path: str, max_rows: int) -> None:
        self.part = part
        self.path = path
        self.max_rows = max_rows
        self.depth = 0
        self.record_depth = 0  # depth of the open record element, 0 outside records
        self.inside = 0
        self.outside = 0

    def start(self, tag: str, attrs: list[str]) -> None:
        self.depth += 1
        items = 1 + len(attrs) // 2
        if self.record_depth:
            self.inside += items
            if self.inside > MAX_ITEMS_PER_RECORD:
                raise RecapFileError(
                    "xml_too_complex", path=self.path, part=self.part.name, row=self.part.last_row or "-"
                )
            return
        if tag.rpartition(":")[2] in RECORDS:
            self.record_depth, self.inside = self.depth, items
            self.part.records += 1
            if tag.endswith("row"):
                self._row(attrs)
            return
        self.outside += items
        if self.outside > MAX_ITEMS_OUTSIDE:
            raise RecapFileError(
                "xml_too_complex", path=self.path, part=self.part.name, row=self.part.last_row or "-"
            )

    def _row(self, attrs: list[str]) -> None:
        self.part.rows += 1
        if self.part.rows > self.max_rows:
            raise RecapFileError("too_many_rows", path=self.path, limit=self.max_rows)
        for name, value in zip(attrs[::2], attrs[1::2], strict=True):
            if name == "r":
                self.part.last_row = value[:12]
                if value.isdigit() and int(value[:12]) > self.max_rows + ROW_NUMBER_SLACK:
                    # openpyxl fills the gap up to a row's number with empty rows
                    raise RecapFileError("too_many_rows", path=self.path, limit=self.max_rows)

    def end(self, tag: str) -> None:
        if self.depth == self.record_depth:
            self.record_depth = 0
        self.depth -= 1

    def doctype(self, *_: object) -> None:
        raise RecapFileError("xml_dtd", path=self.path, part=self.part.name)


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, max_rows: int) -> PartScan:
    """Count one member; an XML part (.xml, .rels) that is not well-formed refuses the file."""
    part = PartScan(info.filename[:120])
    counter = _Counter(part, path, max_rows)
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    parser.StartDoctypeDeclHandler = counter.doctype
    parser.EntityDeclHandler = counter.doctype
    is_xml = info.filename.lower().endswith((".xml", ".rels"))
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        if is_xml:
            raise RecapFileError(
                "xml_rusak",
                path=path,
                part=part.name,
                row=part.last_row or "-",
                line=exc.lineno,
                column=exc.offset + 1,
            ) from None
    except ZIP_ERRORS as exc:
        raise RecapFileError("bad_zip", path=path) from exc
    return part
