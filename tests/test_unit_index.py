"""The unit index: paths from the root, subtrees, search over names and paths, and resolving the
text a person types (an id, a whole path with any separator, or words naming one unit)."""

from __future__ import annotations

import pytest

from sync.unor.index import UnitIndex, UnitLookupError

ROWS = [
    ("R", "Pemprov", None, True),
    ("D1", "Dinas Pendidikan", "R", True),
    ("D2", "Dinas Kesehatan", "R", True),
    ("B1", "Bidang Pembinaan", "D1", True),
    ("B2", "Bidang Pembinaan", "D2", True),
    ("S1", "SD Negeri 1", "B1", True),
    ("S9", "SD Negeri 1", "B2", False),
    ("X", "Siklus", "Y", True),
    ("Y", "Siklus 2", "X", True),
]


def test_paths_run_from_the_root_and_stop_on_a_cycle() -> None:
    """A unit's path names every ancestor from the root; a parent cycle ends the walk."""
    index = UnitIndex(ROWS)
    assert index.label("S1") == "Pemprov › Dinas Pendidikan › Bidang Pembinaan › SD Negeri 1"
    assert index.path("B2") == [("R", "Pemprov"), ("D2", "Dinas Kesehatan"), ("B2", "Bidang Pembinaan")]
    assert index.label("X") == "Siklus 2 › Siklus"
    assert index.label("NOPE", "nama tersimpan") == "nama tersimpan"
    assert index.labels(["S1", None, {"x": 1}, "NOPE"]) == {"S1": index.label("S1")}
    assert index.subtree(["D1"]) == {"D1", "B1", "S1"}


def test_search_matches_every_word_in_the_path_own_names_first() -> None:
    """Identical names are told apart by their paths; inactive units only when asked."""
    index = UnitIndex(ROWS)
    found = index.search("pembinaan")
    assert [u.id for u in found.items] == ["B2", "B1", "S1"] and found.total == 3
    assert len({u.label for u in found.items}) == 3
    assert [u.id for u in index.search("kesehatan pembinaan").items] == ["B2"]
    below = index.search("pendidikan pembinaan", include_inactive=True)
    assert [u.id for u in below.items] == ["B1", "S1"] and below.leading == 1
    assert [u.id for u in index.search("sd negeri").items] == ["S1"]
    assert index.search("sd negeri", include_inactive=True).total == 2
    assert index.search("pembinaan", within={"B1"}).total == 1
    assert index.search("", limit=2, offset=1).total == 8


@pytest.mark.parametrize(
    "text",
    [
        "S1",
        "Pemprov > Dinas Pendidikan > Bidang Pembinaan > SD Negeri 1",
        "pemprov›dinas pendidikan›bidang pembinaan›sd negeri 1",
        "pendidikan negeri",
    ],
)
def test_resolve_accepts_an_id_a_whole_path_or_unique_words(text: str) -> None:
    """Every form ``unor cari`` shows names the same unit."""
    assert UnitIndex(ROWS).resolve(text) == "S1"


def test_resolve_refuses_none_and_several() -> None:
    """No match and several matches are refused with how many matched."""
    index = UnitIndex(ROWS)
    with pytest.raises(UnitLookupError) as none:
        index.resolve("kantor pos")
    with pytest.raises(UnitLookupError) as several:
        index.resolve("bidang pembinaan")
    assert none.value.count == 0 and several.value.count == 2
    with pytest.raises(UnitLookupError):
        index.resolve("B1", within={"B2"})
