"""Hostile input by property (issue 17.3), the file importers: generated recap files (CSV in odd
encodings and delimiters, XLSX with hostile cells, huge declared dimensions, damaged archives,
random bytes) and roster CSVs are read or refused with our typed error only, in bounded memory
(tracemalloc peak), and a refused file writes nothing to the store."""

from __future__ import annotations

import functools
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

from connectors.pmm.files import read_recap
from connectors.pmm.recap import RecapFileError
from service.container import Container
from service.settings import Settings
from store.db import make_engine, transaction, upgrade
from sync.pmm.file_source import import_file
from sync.reconcile.roster import RosterFormatError, RosterRejected, import_roster
from tests.hostile import hostile_text
from tests.hypothesis_profiles import examples
from tests.recap_files import HEADER, fixed, replace_sheet, sheet_xml, workbook

T = TypeVar("T")
PEAK_BYTES = 48 * 1024 * 1024  # far above what a small file needs, far below what a bomb takes
NIP = "198703122010012004"
BOMB = '<!DOCTYPE w [<!ENTITY a "xxxxxxxxxx"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
CELLS = st.one_of(
    st.sampled_from([NIP, "1.98703E+17", "'" + NIP, "2025", "Semester 1 2025", "Disepakati", "Baik"]),
    st.sampled_from(["Di Atas Ekspektasi", "Sesuai Ekspektasi", '=HYPERLINK("x")', ""]),
    hostile_text(),
    st.text(max_size=20),
)
COLUMNS = st.lists(
    st.sampled_from([*HEADER, "Nama", "NIP Penilai", "Tanggal Penilaian", "", "NIP"]), min_size=1, max_size=8
)


def encoded(text_: str, encoding: str) -> bytes:
    """``text_`` in ``encoding``: lone surrogates kept in UTF, unknown characters as ``?``."""
    return text_.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


def bounded(action: Callable[[], T]) -> tuple[T | Exception, int]:
    """What ``action`` returned or raised, and the peak of memory it allocated (tracemalloc)."""
    tracemalloc.start()
    try:
        result: T | Exception = action()
    except Exception as exc:  # the caller decides which exceptions are allowed
        result = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak


@st.composite
def recap_csv(draw: st.DrawFn) -> bytes:
    """A recap CSV: some header, rows of plausible and hostile cells, an encoding, a delimiter."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    columns = draw(COLUMNS)
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(columns) + 2), max_size=6))
    lines = [delimiter.join(columns)] + [delimiter.join(r) for r in rows]
    text_ = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    data = encoded(text_, draw(st.sampled_from(ENCODINGS)))
    if draw(st.booleans()):  # damage: a stray byte, a NUL, a cut
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\x81", b"", b'"'])) + data[at:]
    return data


@functools.cache
def base_book() -> bytes:
    """One real workbook, made once: openpyxl stamps the time in it, and a strategy drawing
    offsets into bytes that change length between runs is flaky (found by the long run)."""
    return workbook([(NIP, "2025", "Disepakati", "Baik", "Baik", "Baik")])


@st.composite
def recap_xlsx(draw: st.DrawFn) -> bytes:
    """An XLSX recap: hostile cells, a huge declared dimension, bytes flipped in the archive."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        cells = st.lists(
            CELLS.map(lambda c: escape("".join(ch for ch in c if " " <= ch < "\ud800" or ch > "\udfff"))),
            max_size=6,
        )
        rows = draw(st.lists(cells, max_size=4))
        xml = "".join(
            f'<row r="{n}">'
            + "".join(
                f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(r)
            )
            + "</row>"
            for n, r in enumerate(rows, 2)
        )
        dimension = draw(st.sampled_from(["A1:F2", "A1:XFD1048576", "A1:ZZZZ99999999", "bogus"]))
        prologue = draw(st.sampled_from(["", BOMB]))
        return replace_sheet(base_book(), sheet_xml(fixed(xml), dimension=dimension, prologue=prologue))
    data = bytearray(base_book())
    if kind == 1:
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    return bytes(data[: draw(st.integers(0, len(data)))])


@settings(max_examples=examples(40))
@given(
    data=st.one_of(recap_csv(), recap_xlsx(), st.binary(max_size=300)),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
@example(data=b"\xef\xbb\xbf" + ",".join(HEADER).encode() + b"\n" + b"x" * 300_000, suffix=".csv")
def test_recap_files_are_read_or_refused_in_bounded_memory(tmp_path: Path, data: bytes, suffix: str) -> None:
    """Any file is read (every row with an outcome) or refused with ``RecapFileError`` only,
    and reading it never allocates more than ``PEAK_BYTES``."""
    path = tmp_path / f"rekap{suffix}"
    path.write_bytes(data)
    result, peak = bounded(lambda: read_recap(path))
    if isinstance(result, Exception) and not isinstance(result, RecapFileError):
        raise result
    assert peak < PEAK_BYTES, peak
    if not isinstance(result, Exception):
        assert all(row.code for row in result.rows)


@st.composite
def roster_csv(draw: st.DrawFn) -> bytes:
    """A roster export: a NIP column somewhere, rows of plausible and hostile cells."""
    columns = draw(
        st.lists(st.sampled_from(["NIP", "NIP BARU", "Nama", "Jabatan", ""]), min_size=1, max_size=4)
    )
    cells = st.one_of(st.sampled_from([NIP, "19870312 201001 2 004", "1.98703E+17"]), CELLS)
    rows = draw(st.lists(st.lists(cells, max_size=len(columns) + 1), max_size=6))
    delimiter = draw(st.sampled_from([",", ";"]))
    text_ = "\n".join([delimiter.join(columns)] + [delimiter.join(r) for r in rows])
    return encoded(text_, draw(st.sampled_from(ENCODINGS)))


def counts(container: Container) -> dict[str, int]:
    """Rows in every table of the store."""
    with container.sessions() as session:
        names = inspect(session.get_bind()).get_table_names()
        return {n: int(session.scalar(select(func.count()).select_from(text(f'"{n}"'))) or 0) for n in names}


@pytest.fixture
def store(database_url: str) -> Iterator[Container]:
    """A migrated, empty store."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    built = Container.build(Settings(database_url=database_url))
    yield built
    built.close()


@settings(max_examples=examples(15))
@given(data=st.one_of(roster_csv(), st.binary(max_size=200)), strict=st.booleans())
@example(data=b"NIP\n" + NIP.encode() + b"\x00\n", strict=False)
@example(data=b"NIP\n1\r2\n", strict=False).via("a bare CR raised _csv.Error (found by this test)")
@example(data=b"NIP\r" + NIP.encode() + b"\r", strict=True).via("an old Mac export: CR line ends")
@example(data=b'NIP\n0"\n"\n', strict=False).via("a quote opened inside a cell raised _csv.Error (long run)")
def test_roster_import_refuses_with_typed_errors_and_writes_nothing(
    store: Container, data: bytes, strict: bool
) -> None:
    """A roster file imports, or is refused (``RosterFormatError``, ``RosterRejected`` with
    ``strict``) with no row written; memory stays bounded."""
    before = counts(store)

    def go() -> Any:
        with transaction(store.sessions) as session:
            return import_roster(session, data, source="roster.csv", strict=strict)

    result, peak = bounded(go)
    assert peak < PEAK_BYTES, peak
    if isinstance(result, RosterFormatError | RosterRejected):
        assert counts(store) == before
    elif isinstance(result, Exception):
        raise result


@settings(max_examples=examples(8))
@given(data=st.one_of(recap_csv(), recap_xlsx()))
def test_a_refused_recap_writes_nothing(store: Container, tmp_path_factory: Any, data: bytes) -> None:
    """``pmm import`` of a generated file completes, or refuses it with ``RecapFileError`` and
    the store is exactly as before (no run, no problem, no audit entry)."""
    path = tmp_path_factory.mktemp("rekap") / ("rekap.xlsx" if data[:2] == b"PK" else "rekap.csv")
    path.write_bytes(data)
    before = counts(store)
    try:
        report = import_file(store.sessions, path)
    except RecapFileError:
        assert counts(store) == before
    else:
        assert report["status"] == "completed"
