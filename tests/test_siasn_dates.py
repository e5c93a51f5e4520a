"""SIASN dates read without ``strptime`` on the common shapes: exactly what ``strptime`` reads,
for every text (the quick path may only agree or step aside)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from connectors.siasn.types import parse_siasn_date


def by_strptime(text: str) -> date | str | None:
    """The reading before the quick path: each format through ``strptime``; "refused" if none."""
    try:
        return parse_siasn_date_reference(text)
    except ValueError:
        return "refused"


def parse_siasn_date_reference(value: str) -> date | None:
    """``parse_siasn_date`` as it was, strptime only (the oracle)."""
    text = value.strip()
    if not text or text in {"-", "0000-00-00", "00-00-0000", "null"}:
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?", text)
    if match:
        text = match.group(1)
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def ours(text: str) -> date | str | None:
    """The product's reading; "refused" when it refuses."""
    try:
        return parse_siasn_date(text)
    except ValueError:
        return "refused"


DATEISH = st.text(alphabet="0123456789-/ T:٣", max_size=22)


@given(st.one_of(DATEISH, st.text(max_size=22)))
@example("31-02-2020")
@example("29-02-2024")
@example("00-01-2020")
@example("2020-13-01")
@example("0000-01-01")
@example("1-2-2020")
@example(" 05-07-1990 ")
@example("2020-01-05 07:30:00")
@example("٠٥-٠٧-١٩٩٠")
def test_the_quick_path_reads_what_strptime_reads(text: str) -> None:
    """Any text: the same date, the same None, or refused by both."""
    assert ours(text) == by_strptime(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("05-07-1990", date(1990, 7, 5)), ("1990-07-05", date(1990, 7, 5)), ("05/07/1990", date(1990, 7, 5))],
)
def test_each_shape_siasn_sends(text: str, expected: date) -> None:
    """dd-mm-yyyy, yyyy-mm-dd and dd/mm/yyyy all read as the same day."""
    assert parse_siasn_date(text) == expected
