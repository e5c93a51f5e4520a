"""Recap files: the generated CSV and XLSX import with exact per-row outcomes; corrupt or
foreign files are refused whole with the reason; imported predikat are checked on the matrix."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from connectors.pmm.files import read_recap
from connectors.pmm.recap import RecapFileError, RecapImport
from mappings import periode as periods
from mappings.messages import t
from mappings.skp import map_pmm_result
from simulators.dataset import World
from simulators.pmm_data import MATRIX, initial_results
from simulators.recap import recap_csv, recap_xlsx
from sync.pmm.file_source import file_refusal, refusal_text

HEADER = (
    "NIP;NUPTK;Nama;Jenis PTK;NPSN;Satuan Pendidikan;Periode;Status;Rating Hasil Kerja;"
    "Rating Perilaku Kerja;Predikat;NIP Penilai;Nama Penilai;Tanggal Penilaian"
)


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _codes(recap: RecapImport) -> dict[int, str]:
    return {o.row: o.code for o in recap.rows}


def test_generated_csv_rows_have_exact_outcomes(world: World, tmp_path: Path) -> None:
    """BOM, semicolons, spelling variants, NIPs with spaces, two mangled NIPs and a duplicate:
    each row gets exactly the outcome the generator says, with a readable reason."""
    results = list(initial_results(world).values())
    generated = recap_csv(results, count=8)
    assert generated.content.startswith("\ufeff".encode())
    recap = read_recap(_write(tmp_path, "rekap.csv", generated.content))
    assert recap.format == "csv" and _codes(recap) == generated.expected
    assert sorted(set(generated.expected.values())) == ["baris_ganda", "nip_rusak", "ok"]
    by_nip = {r["pegawai"]["nip"]: r for r in results}
    for result in recap.accepted:
        source = next(
            r
            for r in results
            if r["pegawai"]["nip"] == result.pegawai.nip
            and r["periode_id"] in ("2024-1", "2024-2", "2025")
            and r["status"] == "DINILAI"
        )
        assert result.pegawai.nip in by_nip
        assert result.rating_hasil_kerja == source["rating_hasil_kerja"]
    mangled = [o for o in recap.refused if o.code == "nip_rusak"]
    assert "rusak oleh Excel" in t("pmm.row.nip_rusak", **mangled[0].params)
    duplicate = next(o for o in recap.refused if o.code == "baris_ganda")
    assert duplicate.params == {"first_row": 2}


def test_csv_with_commas_variants_and_bad_cells(tmp_path: Path) -> None:
    """Commas, no BOM, other header spellings; a bad rating, an empty predikat and a short NIP
    are refused per row naming the column, the rest accepted."""
    lines = [
        "No,NIP Baru,Nama Pegawai,NPSN,Periode Penilaian,Status SKP,Hasil Kerja,Perilaku Kerja,"
        "Predikat Kinerja",
        "1,'198703122010012004,Siti,20512345,Semester 2 2024,Disepakati,Sesuai Ekspektasi,"
        "Di atas ekspektasi,Baik",
        "2,198703122010012005,Rina,20512345,2025,Dinilai,Luar Biasa,Sesuai,Baik",
        "3,198703122010012006,Budi,20512345,2025,Dinilai,Sesuai,Sesuai,",
        "4,19870312201001200,Ani,20512345,2025,Dinilai,Sesuai,Sesuai,Baik",
        ",,,,,,,,",
    ]
    recap = read_recap(_write(tmp_path, "r.csv", "\n".join(lines).encode()))
    assert _codes(recap) == {2: "ok", 3: "kolom_tidak_valid", 4: "kolom_kosong", 5: "nip_tidak_valid"}
    assert recap.rows[1].params["column"] == "Rating Hasil Kerja"
    assert recap.rows[2].params == {"column": "Predikat"}
    assert recap.accepted[0].pegawai.nip == "198703122010012004"
    assert recap.accepted[0].periode_id == "Semester 2 2024"


def test_generated_xlsx_with_merged_header_and_blank_sheet(world: World, tmp_path: Path) -> None:
    """The "Laporan Penilaian SKP" workbook: title rows, merged two-row header, a NIP stored as
    a number, a duplicate and a blank trailing sheet give exact per-row outcomes."""
    results = list(initial_results(world).values())
    generated = recap_xlsx(results, count=6, instansi=world.instansi_nama)
    recap = read_recap(_write(tmp_path, "laporan.xlsx", generated.content))
    assert recap.format == "xlsx" and _codes(recap) == generated.expected
    assert {o.sheet for o in recap.rows} == {"Laporan Penilaian SKP"}
    first = recap.accepted[0]
    assert first.penilai.nip and first.status.value == "DINILAI" and first.predikat is not None


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "no_header"),
        ("binary.csv", b"\x00\x01\x02garbage" * 50, "binary"),
        ("latin.csv", b"\x81\x8d\x8f\x90" * 10, "not_text"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_xls"),
        ("cut.xlsx", b"PK\x03\x04" + b"\x14\x00" * 40, "bad_zip"),
        ("noheader.csv", b"a;b;c\n1;2;3\n", "no_header"),
        ("missing.csv", b"NIP;Nama;Periode\n198703122010012004;Siti;2025\n", "missing_columns"),
    ],
)
def test_corrupt_or_foreign_files_are_refused_whole(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    """A file that cannot be read as a recap raises one error with a reason; no row comes out."""
    path = _write(tmp_path, name, content)
    with pytest.raises(RecapFileError) as caught:
        read_recap(path)
    assert caught.value.code == code
    message = file_refusal(caught.value)
    assert str(path) in message


def test_truncated_real_workbook_and_missing_file(world: World, tmp_path: Path) -> None:
    """A real workbook cut in half and a path that does not exist are refused with the reason."""
    content = recap_xlsx(list(initial_results(world).values())).content
    with pytest.raises(RecapFileError) as caught:
        read_recap(_write(tmp_path, "half.xlsx", content[: len(content) // 2]))
    assert caught.value.code == "bad_zip"
    with pytest.raises(RecapFileError) as missing:
        read_recap(tmp_path / "nope.csv")
    assert missing.value.code == "unreadable"


def test_sheet_without_header_is_refused(tmp_path: Path) -> None:
    """A workbook whose sheets hold no recap header is refused, not read as empty."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Catatan", "tidak ada data"])
    path = tmp_path / "catatan.xlsx"
    book.save(path)
    with pytest.raises(RecapFileError) as caught:
        read_recap(path)
    assert caught.value.code == "no_header"


def test_imported_predikat_agree_with_the_matrix_or_are_reported(world: World, tmp_path: Path) -> None:
    """Every accepted row maps to an SKP; its predikat is the matrix's or a finding says so."""
    results = list(initial_results(world).values())
    generated = recap_csv(results, count=len(results))
    recap = read_recap(_write(tmp_path, "semua.csv", generated.content))
    assert len(recap.accepted) > 20
    for result in recap.accepted:
        record, findings = map_pmm_result(result, periods.parse_label(result.periode_id), "pmm_file")
        assert result.rating_hasil_kerja and result.rating_perilaku_kerja and result.predikat
        matrix = MATRIX[(result.rating_hasil_kerja.value, result.rating_perilaku_kerja.value)]
        flagged = any(f.rule == "predikat_tidak_sesuai" for f in findings)
        assert flagged == (matrix != result.predikat.value)
        assert record.evaluasi[0].predikat is not None


def test_delimiter_fallback_and_excel_text_nip(tmp_path: Path) -> None:
    """A tab-separated file and a NIP written as Excel's ="..." text are read correctly."""
    lines = [
        HEADER.replace(";", "\t"),
        '="198703122010012004"\t\tSiti, S.Pd.\tGURU\t20512345\tSMA 1\t2025\tDinilai\t'
        "Sesuai Ekspektasi\tSesuai Ekspektasi\tBaik\t\t\t15/12/2025",
    ]
    recap = read_recap(_write(tmp_path, "tab.csv", "\r\n".join(lines).encode()))
    assert _codes(recap) == {2: "ok"}
    result = recap.accepted[0]
    assert result.pegawai.nip == "198703122010012004" and result.pegawai.nama == "Siti, S.Pd."
    assert str(result.tanggal_penilaian) == "2025-12-15"


def test_every_row_outcome_renders() -> None:
    """Each row outcome code the importers emit has its Bahasa Indonesia text with who must act,
    and none repeats the value the file sent."""
    params = {
        "value": "1.98703E+17",
        "first_row": 2,
        "column": "Predikat",
        "field": "predikat",
        "status": "DIAJUKAN",
        "periode": "2025",
    }
    for code in (
        "nip_rusak",
        "nip_tidak_valid",
        "baris_ganda",
        "kolom_tidak_valid",
        "kolom_kosong",
        "rencana_belum_disepakati",
        "belum_dinilai",
    ):
        text = refusal_text(code, params)
        assert "Perbaikan oleh" in text and "1.98703E+17" not in text, (code, text)
    assert t("pmm.row.ok") == "diterima"
