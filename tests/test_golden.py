"""Golden files: SIASN payload in, reviewed canonical record out (a diff is a behaviour change).

Regenerate after a reviewed change with ``EKINERJA_UPDATE_GOLDEN=1 pytest tests/test_golden.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from connectors.siasn.models import DataUtama
from mappings.pegawai import map_data_utama

PAYLOADS = Path(__file__).parent / "payloads"
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["data_utama_recorded", "data_utama_quirky"])
def test_data_utama_maps_to_reviewed_record(name: str) -> None:
    """The mapped record and warnings equal the reviewed golden JSON."""
    data = json.loads((PAYLOADS / f"{name}.json").read_text())["data"]
    record, notices = map_data_utama(DataUtama.model_validate(data))
    actual = {"record": record.values(), "warnings": [n.as_dict() for n in notices]}
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("EKINERJA_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(golden.read_text())
