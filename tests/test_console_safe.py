"""The console's text-safety helpers: formula cells neutralised in CSV and XLSX, NIK masked,
form tokens bound to a session, and every catalogue key a template uses defined."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC
from pathlib import Path

from openpyxl import load_workbook

from mappings.messages import CATALOGS
from service.console.csrf import CsrfSigner
from service.console.safe import cell, csv_bytes, mask_nik, mask_record, xlsx_bytes
from sync.konflik.export import Column

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "biasa"]
TEMPLATES = Path(__file__).resolve().parents[1] / "service" / "console" / "templates"


def test_formula_cells_are_neutralised() -> None:
    """A cell starting with = + - @ tab or CR gets an apostrophe; numbers and plain text stay."""
    assert [cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE[:-1]] + ["biasa"]
    assert cell(12) == 12 and cell(None) == "" and cell(True) == "True"


def test_csv_export_reads_back_as_text() -> None:
    """The CSV reads back with each hostile value prefixed, never as a formula."""
    data = csv_bytes([Column("nilai", "ekspor.alasan")], [[v] for v in HOSTILE], UTC).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == ["nilai"]
    assert all(r[0] == "'" + v for r, v in zip(rows[1:-1], HOSTILE[:-1], strict=True))


def test_xlsx_export_holds_no_formula() -> None:
    """Every XLSX cell is a string or number; no cell is stored as a formula."""
    columns = [Column("nilai", "ekspor.alasan"), Column("angka", "ekspor.konflik_id", "number")]
    book = load_workbook(io.BytesIO(xlsx_bytes("uji", columns, [[v, 3] for v in HOSTILE], UTC)))
    sheet = book.active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XML turns a bare CR into LF on the way back; the apostrophe is what matters
    assert [v[0] for v in values] == [cell(v).replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert values[0][1] == 3


def test_nik_is_masked_everywhere_in_a_record() -> None:
    """A 16-digit NIK keeps its first four and last two digits only, nested records too."""
    assert mask_nik("3201234567890123") == "3201**********23"
    assert mask_nik("1234") == "****" and mask_nik(None) == ""
    record = mask_record({"nik": "3201234567890123", "x": {"NIK": 3201234567890123}, "n": 1})
    assert record == {"nik": "3201**********23", "x": {"NIK": "3201**********23"}, "n": 1}


def test_form_token_is_bound_to_the_session_and_secret() -> None:
    """A token validates only for its own session under the same secret."""
    signer = CsrfSigner(b"a" * 32)
    token = signer.token("sesi-1")
    assert signer.valid("sesi-1", token)
    assert not signer.valid("sesi-2", token)
    assert not signer.valid("sesi-1", None) and not signer.valid(None, token)
    assert not CsrfSigner(b"b" * 32).valid("sesi-1", token)
    assert CsrfSigner.from_setting("").secret != CsrfSigner.from_setting("").secret


def test_every_key_a_template_uses_is_defined() -> None:
    """``t("console.x")`` in a template names a key the catalogue defines."""
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text()))
    assert used
    keys = CATALOGS["id"].keys()
    fixed = {k for k in used if not k.endswith("_")}
    assert not sorted(fixed - keys)
    for prefix in used - fixed:  # t("console.status_" ~ value): every value has its key
        assert any(k.startswith(prefix) for k in keys), prefix


def test_every_value_a_template_names_by_prefix_has_a_text() -> None:
    """Each status, situation, decision, history step and sort the pages show has a label."""
    from sync.konflik.decide import Resolution
    from sync.konflik.lifecycle import EVENT_KINDS, STATUSES
    from sync.konflik.query import KINDS, SORTS

    wanted = (
        [f"console.status_{s}" for s in STATUSES]
        + [f"console.kind_{k}" for k in KINDS]
        + [f"console.resolution_{r.value}" for r in Resolution]
        + [f"console.event_{e}" for e in EVENT_KINDS]
        + [f"console.sort_{s}" for s in ("dibuka", "nip", "field", "unit", "status")]
    )
    assert set(SORTS) >= {"dibuka", "nip", "field", "unit", "status"}
    assert not sorted(set(wanted) - CATALOGS["id"].keys())


def test_page_values_mask_nik_by_field_and_inside_records() -> None:
    """The pages' value filter masks a NIK field, a NIK inside a record, and shows none as '-'."""
    from service.console.safe import shown

    assert shown("3201234567890123", "nik") == "3201**********23"
    assert shown({"nik": "3201234567890123"}, "snapshot") == {"nik": "3201**********23"}
    assert shown(None) == "-" and shown("III/a", "golongan") == "III/a"
