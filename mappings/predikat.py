"""Ratings and predikat (PermenPANRB 6/2022, reference domain §2.8) as a reviewed table."""

from __future__ import annotations

from dataclasses import dataclass

RATING = {1: "Di atas ekspektasi", 2: "Sesuai ekspektasi", 3: "Di bawah ekspektasi"}
PREDIKAT = {1: "Sangat Baik", 2: "Baik", 3: "Butuh Perbaikan", 4: "Kurang", 5: "Sangat Kurang"}

KUADRAN: dict[tuple[int, int], int] = {  # (hasil, perilaku) -> kuadran, SIASN codes
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 4,
    (2, 1): 2,
    (2, 2): 2,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 3,
    (3, 3): 5,
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


def parse_predikat(text: str | int) -> int:
    """Read a predikat code or text ("Sangat Baik", "BUTUH_PERBAIKAN", "Kurang / Misconduct", 3)."""
    if isinstance(text, int):
        if text in PREDIKAT:
            return text
        raise ValueError(f"predikat must be 1..5, got {text}")
    key = "".join(ch for ch in text.lower() if ch.isalnum())
    if key.isdigit():
        return parse_predikat(int(key))
    code = _PREDIKAT_KEYS.get(key.removesuffix("misconduct"))
    if code is None:
        raise ValueError(f"{text!r} is not a predikat (Sangat Baik .. Sangat Kurang)")
    return code


_PREDIKAT_KEYS = {"sangatbaik": 1, "baik": 2, "butuhperbaikan": 3, "kurang": 4, "": 4, "sangatkurang": 5}


@dataclass(frozen=True)
class PredikatCheck:
    """The predikat a source gave beside the one the matrix says for its two ratings."""

    hasil: int
    perilaku: int
    given: int
    expected: int

    @property
    def ok(self) -> bool:
        """True when the source's predikat is the matrix's."""
        return self.given == self.expected


def check_predikat(hasil: int, perilaku: int, given: int) -> PredikatCheck:
    """Compare a given predikat with the matrix; a mismatch is reported, never corrected."""
    return PredikatCheck(hasil, perilaku, parse_predikat(given), kuadran(hasil, perilaku))
