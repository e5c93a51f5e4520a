"""Ratings and predikat (PermenPANRB 6/2022, reference domain §2.8) as a reviewed table."""

from __future__ import annotations

RATING = {1: "Di atas ekspektasi", 2: "Sesuai ekspektasi", 3: "Di bawah ekspektasi"}
PREDIKAT = {1: "Sangat Baik", 2: "Baik", 3: "Butuh Perbaikan", 4: "Kurang", 5: "Sangat Kurang"}

KUADRAN: dict[tuple[int, int], int] = {  # (hasil, perilaku) -> kuadran, SIASN codes
    (1, 1): 1, (1, 2): 2, (1, 3): 4,
    (2, 1): 2, (2, 2): 2, (2, 3): 4,
    (3, 1): 3, (3, 2): 3, (3, 3): 5,
}


def kuadran(hasil: int, perilaku: int) -> int:
    """The predikat (SIASN kuadran 1..5) for a hasil kerja and perilaku rating (1..3 each)."""
    try:
        return KUADRAN[(hasil, perilaku)]
    except KeyError:
        raise ValueError(f"ratings must be 1..3, got hasil={hasil} perilaku={perilaku}") from None


def parse_rating(text: str | int) -> int:
    """Read a rating code or text ("Di atas", "DIATAS ESPEKTASI", "sesuai ekspetasi", 2)."""
    if isinstance(text, int):
        if text in RATING:
            return text
        raise ValueError(f"rating must be 1..3, got {text}")
    key = "".join(text.lower().split())
    for prefix, code in (("diatas", 1), ("sesuai", 2), ("dibawah", 3)):
        if key.startswith(prefix):
            return code
    if key.isdigit():
        return parse_rating(int(key))
    raise ValueError(f"{text!r} is not a rating (di atas / sesuai / di bawah ekspektasi)")
