"""Pure SKP mappings: PMM results -> SKP records (golden), the whole predikat matrix, periods."""

from __future__ import annotations

import itertools
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from connectors.pmm.models import PmmResult, Predikat, Rating
from connectors.siasn.models import RwKinerjaPeriodik, RwSkp22
from mappings import periode as periods
from mappings.predikat import KUADRAN, check_predikat, parse_predikat
from mappings.skp import (
    PREDIKAT_CODE,
    RATING_CODE,
    EvaluasiRecord,
    IndikatorRecord,
    ObservasiRecord,
    PenilaiRecord,
    RhkRecord,
    SkpRecord,
    map_pmm_result,
    map_rw_kinerjaperiodik,
    map_rw_skp22,
    parse_target,
)
from mappings.skp_rules import RULES, finding
from store import models_skp

PAYLOADS = Path(__file__).parent / "payloads"
GOLDEN = Path(__file__).parent / "golden"
PERIODS = {"2025": periods.Periode(2025, "TAHUNAN", 1), "2024-2": periods.Periode(2024, "SEMESTER", 2)}

# domain.md §2.8, written out cell by cell from the table (not from KUADRAN)
MATRIX = {
    ("DI_ATAS_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"): "KURANG",
    ("DI_ATAS_EKSPEKTASI", "SESUAI_EKSPEKTASI"): "BAIK",
    ("DI_ATAS_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"): "SANGAT_BAIK",
    ("SESUAI_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"): "KURANG",
    ("SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI"): "BAIK",
    ("SESUAI_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"): "BAIK",
    ("DI_BAWAH_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"): "SANGAT_KURANG",
    ("DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI"): "BUTUH_PERBAIKAN",
    ("DI_BAWAH_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"): "BUTUH_PERBAIKAN",
}


def _result(**changes: Any) -> PmmResult:
    rows = json.loads((PAYLOADS / "pmm_hasil_recorded.json").read_text())["data"]
    return PmmResult.model_validate({**rows[0], **changes})


def _mapped(name: str = "pmm_hasil_recorded") -> list[dict[str, Any]]:
    out = []
    for row in json.loads((PAYLOADS / f"{name}.json").read_text())["data"]:
        result = PmmResult.model_validate(row)
        record, findings = map_pmm_result(result, PERIODS[result.periode_id], "pmm_http")
        out.append(
            {
                "record": record.model_dump(mode="json"),
                "findings": [
                    {"rule": f.rule, "who": f.who, "reason": f.reason(), "fix": f.fix()} for f in findings
                ],
            }
        )
    return out


def test_pmm_results_map_to_reviewed_records() -> None:
    """The contract example and two edge results map to the reviewed golden SKP records."""
    actual = _mapped()
    golden = GOLDEN / "pmm_hasil_recorded.json"
    if os.environ.get("EKINERJA_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(golden.read_text())


@pytest.mark.parametrize(("hasil", "perilaku", "given"), list(itertools.product(Rating, Rating, Predikat)))
def test_every_cell_of_the_matrix_with_every_predikat(
    hasil: Rating, perilaku: Rating, given: Predikat
) -> None:
    """All 9 cells x 5 predikat: the matching predikat passes, any other is reported unchanged."""
    result = _result(
        rating_hasil_kerja=hasil.value, rating_perilaku_kerja=perilaku.value, predikat=given.value
    )
    record, findings = map_pmm_result(result, PERIODS["2025"], "pmm_http")
    expected = MATRIX[(hasil.value, perilaku.value)]
    assert record.evaluasi[0].predikat == PREDIKAT_CODE[given.value]  # never "fixed"
    assert KUADRAN[(RATING_CODE[hasil.value], RATING_CODE[perilaku.value])] == PREDIKAT_CODE[expected]
    mismatches = [f for f in findings if f.rule == "predikat_tidak_sesuai"]
    if given.value == expected:
        assert mismatches == []
    else:
        assert len(mismatches) == 1
        assert mismatches[0].params["expected"] == PREDIKAT_CODE[expected]
        assert mismatches[0].who == "kepala_sekolah"


def test_labels_in_file_spellings_read_as_contract_codes() -> None:
    """Recap-file spellings of ratings, predikat and status read as the contract's codes."""
    result = _result(
        rating_hasil_kerja="Di Atas Ekspetasi",
        rating_perilaku_kerja="dibawah espektasi",
        predikat="Kurang / Misconduct",
        status="Sudah Dinilai",
    )
    assert result.rating_hasil_kerja is Rating.DI_ATAS_EKSPEKTASI
    assert result.rating_perilaku_kerja is Rating.DI_BAWAH_EKSPEKTASI
    assert result.predikat is Predikat.KURANG
    with pytest.raises(ValidationError, match="rating_hasil_kerja"):
        _result(rating_hasil_kerja="Luar biasa")
    with pytest.raises(ValidationError, match="nip"):
        _result(pegawai={"nip": "1.98703E+17"})
    assert parse_predikat("Butuh Perbaikan") == 3 and parse_predikat(5) == 5
    assert check_predikat(1, 3, 3).expected == 4


def test_plan_not_agreed_and_incomplete_rating_are_findings() -> None:
    """A plan still DIAJUKAN, and a DINILAI result without all ratings, each yield a finding."""
    _, findings = map_pmm_result(
        _result(status="DIAJUKAN", rating_hasil_kerja=None, rating_perilaku_kerja=None, predikat=None),
        PERIODS["2025"],
        "pmm_http",
    )
    assert [f.rule for f in findings] == ["rencana_belum_disepakati"]
    assert "DIAJUKAN" in findings[0].reason()
    _, findings = map_pmm_result(_result(predikat=None), PERIODS["2025"], "pmm_http")
    assert [f.rule for f in findings] == ["penilaian_tidak_lengkap"]


def test_every_rule_has_reason_fix_and_who_in_the_catalogue() -> None:
    """Each rule renders its reason and fix in Bahasa Indonesia with its parameters."""
    params = {
        "nip": "198703122010012004",
        "nip_siasn": "198703122010012005",
        "status": "DRAFT",
        "penilai_nip": "197501021999031003",
        "npsn": "20512345",
        "sekolah": "SMA 1",
        "periode": "2025-X",
        "detail": "x",
        "tahun": 2026,
        "atasan_nip": "1" * 18,
        "hasil": 1,
        "perilaku": 3,
        "given": 3,
        "expected": 4,
        "value": "1.98E+17",
        "first_row": 2,
    }
    for rule in RULES:
        item = finding(rule, **params)
        assert item.reason() and item.fix() and item.who_label()
    assert "Kurang" in finding("predikat_tidak_sesuai", **params).reason()


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2025", (2025, "TAHUNAN", 1)),
        ("Tahunan 2025", (2025, "TAHUNAN", 1)),
        ("Semester 1 2024", (2024, "SEMESTER", 1)),
        ("Semester Genap 2024", (2024, "SEMESTER", 2)),
        ("Januari - Juni 2024", (2024, "SEMESTER", 1)),
        ("Juli s.d. Desember 2024", (2024, "SEMESTER", 2)),
        ("Triwulan II 2026", (2026, "TRIWULAN", 2)),
        ("TW 4 2026", (2026, "TRIWULAN", 4)),
        ("Maret 2026", (2026, "BULANAN", 3)),
        ("Bulan 11 2026", (2026, "BULANAN", 11)),
        ("Januari - Desember 2025", (2025, "TAHUNAN", 1)),
        ("01/01/2025 s.d. 31/12/2025", (2025, "TAHUNAN", 1)),
        ("01-04-2026 - 30-06-2026", (2026, "TRIWULAN", 2)),
    ],
)
def test_period_labels_normalise(label: str, expected: tuple[int, str, int]) -> None:
    """Recap-file period labels become one standard period."""
    assert periods.parse_label(label) == periods.Periode(*expected)


@pytest.mark.parametrize(
    "label",
    [
        "Februari - Mei 2025",
        "Semester 3 2024",
        "2024 2025",
        "Triwulan",
        "Caturwulan 1 2025",
        "Triwulan 5 2026",
        "01/01/2025 s.d. 30/12/2025",
        "31/02/2025 - 31/03/2025",
    ],
)
def test_non_standard_periods_are_refused_with_reason(label: str) -> None:
    """A period that is not a year, semester, quarter or month is refused, not guessed."""
    with pytest.raises(periods.PeriodeError):
        periods.parse_label(label)


def test_period_sources_agree() -> None:
    """PMM dates, SIASN periodikId + months and labels give the same periods and keys."""
    semester = periods.from_pmm("SEMESTER", 2024, date(2024, 7, 1), date(2024, 12, 31))
    assert semester == periods.parse_label("Semester 2 2024") and semester.key == "2024-S2"
    quarter = periods.from_siasn(2, 2026, 4, 6)
    assert (quarter.jenis, quarter.angka, quarter.key) == ("TRIWULAN", 2, "2026-T2")
    assert periods.from_siasn(1, 2026, 3, 3).key == "2026-B03"
    with pytest.raises(periods.PeriodeError, match="disagrees"):
        periods.from_siasn(1, 2026, 4, 6)
    with pytest.raises(periods.PeriodeError, match="tanggal pertama"):
        periods.from_dates(date(2025, 1, 2), date(2025, 12, 31))
    with pytest.raises(periods.PeriodeError):
        periods.from_pmm("TAHUNAN", 2025, date(2025, 1, 1), date(2025, 6, 30))


def test_tipe_and_angka_periodik_breaches() -> None:
    """Mixed period kinds in one year and a repeated period number are both reported."""
    mixed = [
        periods.Periode(2026, "TRIWULAN", 1),
        periods.Periode(2026, "BULANAN", 4),
        periods.Periode(2026, "TRIWULAN", 1),
        periods.Periode(2025, "TAHUNAN", 1),
    ]
    breaches = periods.check_periodik(mixed)
    assert [(b.rule, b.tahun) for b in breaches] == [("tipe_periodik", 2026), ("angka_periodik", 2026)]
    assert periods.check_periodik([periods.Periode(2026, "TRIWULAN", n) for n in (1, 2, 3)]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 dokumen", (Decimal("4"), "dokumen")),
        ("85,5 %", (Decimal("85.5"), "%")),
        ("100%", (Decimal("100"), "%")),
        ("Desember", (None, None)),
        ("12 Bulan", (Decimal("12"), "Bulan")),
    ],
)
def test_targets_split_into_value_unit_and_text(text: str, expected: tuple[Any, Any]) -> None:
    """A target keeps its text and, when it starts with a number, its value and unit."""
    value, unit, raw = parse_target(text)
    assert (value, unit) == expected and raw == text


def test_siasn_rows_map_to_one_siasn_skp_per_year() -> None:
    """rw-skp22 and rw-kinerjaperiodik rows of one year land in the same ``siasn`` SKP."""
    annual = map_rw_skp22(
        RwSkp22.model_validate(
            {
                "id": "RW1",
                "tahun": "2025",
                "hasilKinerjaNilai": "2",
                "PerilakuKerjaNilai": "1",
                "KuadranKinerjaNilai": "2",
                "nipNrpPenilai": "197501021999031003",
                "statusPenilai": "ASN",
            }
        ),
        "198703122010012004",
    )
    quarter = map_rw_kinerjaperiodik(
        RwKinerjaPeriodik.model_validate(
            {
                "id": "RW2",
                "tahun": "2025",
                "periodikId": "2",
                "bulanMulaiPenilaian": "1",
                "bulanSelesaiPenilaian": "3",
                "hasilKinerjaNilai": "3",
                "perilakuKerjaNilai": "3",
                "kuadranKinerjaNilai": "5",
            }
        ),
        "198703122010012004",
    )
    assert annual.source == quarter.source == "siasn"
    assert annual.source_id == quarter.source_id == "siasn-2025"
    assert (annual.evaluasi[0].jenis_periode, annual.evaluasi[0].siasn_id) == ("TAHUNAN", "RW1")
    assert (quarter.evaluasi[0].jenis_periode, quarter.evaluasi[0].angka_periode) == ("TRIWULAN", 1)
    assert quarter.evaluasi[0].status_evaluasi == "TERKIRIM_SIASN"


def _column_length(table: type[Any], column: str) -> int | None:
    return getattr(table.__table__.c[column].type, "length", None)


def _max_length(model: type[Any], field: str) -> int | None:
    for meta in model.model_fields[field].metadata:
        if getattr(meta, "max_length", None) is not None:
            return int(meta.max_length)
    annotation = model.model_fields[field].annotation
    for arg in getattr(annotation, "__args__", ()):
        for meta in getattr(arg, "__metadata__", ()):
            if getattr(meta, "max_length", None) is not None:
                return int(meta.max_length)
    return None


@pytest.mark.parametrize(
    ("table", "column", "model", "field"),
    [
        (models_skp.Skp, "nama", SkpRecord, "nama"),
        (models_skp.Skp, "jabatan", SkpRecord, "jabatan"),
        (models_skp.Skp, "unor_nama", SkpRecord, "unor_nama"),
        (models_skp.Skp, "npsn", SkpRecord, "npsn"),
        (models_skp.Skp, "source_id", SkpRecord, "source_id"),
        (models_skp.Skp, "indikator_rapor_pendidikan", SkpRecord, "indikator_rapor_pendidikan"),
        (models_skp.Skp, "penilai_nama", PenilaiRecord, "nama"),
        (models_skp.Evaluasi, "penilai_jabatan", PenilaiRecord, "jabatan"),
        (models_skp.Evaluasi, "penilai_unor_nama", PenilaiRecord, "unor_nama"),
        (models_skp.Evaluasi, "penilai_golongan", PenilaiRecord, "golongan"),
        (models_skp.Evaluasi, "koefisien_id", EvaluasiRecord, "koefisien_id"),
        (models_skp.Evaluasi, "siasn_id", EvaluasiRecord, "siasn_id"),
        (models_skp.Rhk, "source_key", RhkRecord, "source_key"),
        (models_skp.Rhk, "uraian", RhkRecord, "uraian"),
        (models_skp.Rhk, "kategori", RhkRecord, "kategori"),
        (models_skp.Rhk, "intervensi_atasan", RhkRecord, "intervensi_atasan"),
        (models_skp.Indikator, "aspek", IndikatorRecord, "aspek"),
        (models_skp.Indikator, "uraian", IndikatorRecord, "uraian"),
        (models_skp.Indikator, "target_satuan", IndikatorRecord, "target_satuan"),
        (models_skp.Indikator, "target_teks", IndikatorRecord, "target_teks"),
        (models_skp.Observasi, "catatan", ObservasiRecord, "catatan"),
    ],
)
def test_record_limits_equal_column_lengths(
    table: type[Any], column: str, model: type[Any], field: str
) -> None:
    """The canonical record's max_length of a field is the column's length in the store."""
    assert _max_length(model, field) == _column_length(table, column)
