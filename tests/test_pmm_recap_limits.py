"""Recap files that lie about themselves: `pmm import` and `roster import` refuse them with one
Bahasa Indonesia line (exit 2, nothing written) in bounded memory, measured as the peak RSS
(VmHWM) of the import process itself, which runs under a 1 GiB address-space limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.pmm.files import MAX_ROWS, read_recap
from connectors.pmm.recap import RecapFileError
from sync.pmm.file_source import file_refusal
from tests.recap_files import fixed, many_rows, replace_sheet, sheet_xml, wide_row, workbook

LIMIT_BYTES = 1024 * 1024 * 1024  # the import may not even reserve more than this
PEAK_MIB = 250  # what every refusal and the wide-dimension import below stay under
NIP = "198703122010012004"
PROGRAM = """
import atexit, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
hwm = lambda: next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM'))
atexit.register(lambda: print('VMHWM', hwm(), file=sys.stderr))
sys.argv = ['ekinerja-sync', *{args!r}]
from service.cli.app import main
main()
"""


def bounded(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``ekinerja-sync ARGS`` under the address-space limit; (result, peak RSS in MiB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    env["EKINERJA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'limits.db'}"
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(limit=LIMIT_BYTES, args=args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    marks = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("VMHWM")]
    return result, int(marks[-1]) // 1024 if marks else -1


def refusal_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line an operator reads (the VmHWM mark left out)."""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("VMHWM")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert lines[0].startswith("galat: ")
    return lines[0]


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.e2e
def test_declared_16384_columns_are_not_read(tmp_path: Path) -> None:
    """A sheet declaring A1:XFD1048576 is read as wide and as long as it really is."""
    rows = [(NIP, "2025", "Dinilai", "Sesuai", "Sesuai", "Baik")] * 8000
    content = replace_sheet(
        workbook(),
        sheet_xml(
            lambda emit: emit(
                "".join(
                    f'<row r="{n}">'
                    + "".join(
                        f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
                        for i, v in enumerate(row)
                    )
                    + "</row>"
                    for n, row in enumerate(rows, 2)
                )
            ),
            dimension="A1:XFD1048576",
        ),
    )
    path = _write(tmp_path, "lebar.xlsx", content)
    assert path.stat().st_size < 400_000
    result, peak = bounded(["pmm", "import", str(path), "--json"], tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]  # rows refused: the NIP is unknown here
    assert '"baris": 8001' in result.stdout and "Traceback" not in result.stderr
    assert 0 < peak < PEAK_MIB, f"peak RSS {peak} MiB"


@pytest.mark.e2e
def test_a_million_rows_are_refused_before_they_are_read(tmp_path: Path) -> None:
    """A 1,000,000-row sheet is refused naming the row limit, in bounded memory."""
    path = _write(
        tmp_path,
        "sejuta.xlsx",
        replace_sheet(workbook(), sheet_xml(many_rows(1_000_000), dimension="A1:F1000001")),
    )
    assert path.stat().st_size < 10 * 1024 * 1024
    result, peak = bounded(["pmm", "import", str(path)], tmp_path)
    assert result.returncode == 2
    assert f"lebih dari {MAX_ROWS} baris" in refusal_line(result)
    assert 0 < peak < PEAK_MIB, f"peak RSS {peak} MiB"


@pytest.mark.e2e
def test_a_row_of_three_million_cells_is_refused_as_a_zip_bomb(tmp_path: Path) -> None:
    """12 MB of cells compressed a thousandfold is refused before openpyxl builds the row."""
    path = _write(tmp_path, "bom.xlsx", replace_sheet(workbook(), sheet_xml(wide_row(3_000_000))))
    result, peak = bounded(["pmm", "import", str(path)], tmp_path)
    assert result.returncode == 2
    line = refusal_line(result)
    assert "xl/worksheets/sheet1.xml" in line and "rasio kompresi 200:1" in line
    assert 0 < peak < PEAK_MIB, f"peak RSS {peak} MiB"


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["pmm", "roster"])
def test_devices_and_fifos_are_refused_without_reading(command: str, tmp_path: Path) -> None:
    """`/dev/zero` and a FIFO nobody writes to are refused at once, for both imports."""
    fifo = tmp_path / "antrian"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        result, peak = bounded([command, "import", target], tmp_path)
        assert result.returncode == 2, result.stderr[-2000:]
        assert "bukan berkas biasa" in refusal_line(result)
        assert 0 < peak < PEAK_MIB, f"peak RSS {peak} MiB"


def test_rows_past_a_too_small_declared_dimension_are_read(tmp_path: Path) -> None:
    """A sheet that declares A1:F2 but holds five data rows gives an outcome for all five."""
    path = _write(
        tmp_path, "sempit.xlsx", replace_sheet(workbook(), sheet_xml(many_rows(5), dimension="A1:F2"))
    )
    assert [o.row for o in read_recap(path).rows] == [2, 3, 4, 5, 6]


def test_a_row_numbered_past_the_limit_is_refused(tmp_path: Path) -> None:
    """One row numbered 5,000,000 (openpyxl would fill the gap with empty rows) is refused."""
    path = _write(
        tmp_path,
        "celah.xlsx",
        replace_sheet(
            workbook(),
            sheet_xml(fixed('<row r="5000000"><c r="A5000000" t="inlineStr"><is><t>x</t></is></c></row>')),
        ),
    )
    with pytest.raises(RecapFileError) as caught:
        read_recap(path)
    assert caught.value.code == "too_many_rows"


def test_malformed_sheet_xml_names_part_and_row(tmp_path: Path) -> None:
    """A sheet whose XML breaks after row 3 is refused naming the part and the row."""
    rows = fixed(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c></rowx>'
    )
    path = _write(tmp_path, "rusak.xlsx", replace_sheet(workbook(), sheet_xml(rows)))
    with pytest.raises(RecapFileError) as caught:
        read_recap(path)
    message = file_refusal(caught.value)
    assert caught.value.code == "xml_rusak"
    assert "xl/worksheets/sheet1.xml" in message and "setelah baris 3" in message


def test_dtd_and_crowded_rows_are_refused(tmp_path: Path) -> None:
    """Entity declarations (expansion bombs) and a row of 250,000 cells under the zip ratio
    floor are refused by the element count, naming the part."""
    dtd = replace_sheet(
        workbook(), sheet_xml(many_rows(2), prologue='<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>')
    )
    crowded = replace_sheet(workbook(), sheet_xml(wide_row(250_000)))
    for name, content, code in (("dtd.xlsx", dtd, "xml_dtd"), ("padat.xlsx", crowded, "xml_too_complex")):
        with pytest.raises(RecapFileError) as caught:
            read_recap(_write(tmp_path, name, content))
        assert caught.value.code == code
        assert "xl/worksheets/sheet1.xml" in file_refusal(caught.value)


def test_every_foreign_error_while_reading_a_sheet_is_translated(tmp_path: Path) -> None:
    """What openpyxl raises on a bad cell (an unknown shared string, a date it cannot hold)
    becomes one refusal naming sheet and row, never a traceback."""
    broken = [
        '<row r="2"><c r="A2" t="s"><v>999</v></c></row>',
        '<row r="2"><c r="A2" t="d"><v>bukan-tanggal</v></c></row>',
    ]
    for xml in broken:
        content = replace_sheet(workbook(), sheet_xml(fixed(xml)))
        with pytest.raises(RecapFileError) as caught:
            read_recap(_write(tmp_path, "sel.xlsx", content))
        assert caught.value.code == "bad_sheet"
        assert "lembar kerja Rekap" in file_refusal(caught.value)
        assert "baris 2" in file_refusal(caught.value)


def test_limits_for_csv(tmp_path: Path) -> None:
    """A CSV over the row limit, and one with a line over 1 MiB, are refused naming the limit."""
    long_file = tmp_path / "panjang.csv"
    with long_file.open("w") as out:
        out.write("NIP;Periode;Rating Hasil Kerja;Rating Perilaku Kerja;Predikat\n")
        out.write(f"{NIP};2025;Sesuai;Sesuai;Baik\n" * (MAX_ROWS + 50))
    with pytest.raises(RecapFileError) as caught:
        read_recap(long_file)
    assert caught.value.code == "too_many_rows" and str(MAX_ROWS) in file_refusal(caught.value)
    wide = _write(
        tmp_path,
        "lebar.csv",
        (
            "NIP;Periode;Rating Hasil Kerja;Rating Perilaku Kerja;"
            "Predikat\n" + NIP + ";" + "x" * 2_000_000 + "\n"
        ).encode(),
    )
    with pytest.raises(RecapFileError) as too_long:
        read_recap(wide)
    assert too_long.value.code == "line_too_long" and "baris 2" in file_refusal(too_long.value)
