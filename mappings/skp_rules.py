"""Why a teacher's results do not flow: data-quality rules, each with who must fix it.

A ``Finding`` names a rule and carries its parameters; its reason and fix are rendered in Bahasa
Indonesia from the message catalogue (``pmm.rule.<code>.reason`` / ``.fix``), so the feed, the
CLI report and the admin pages say the same words. ``RULES`` is the one table of rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mappings.messages import t
from mappings.predikat import PREDIKAT, RATING

GURU = "guru"
KEPALA_SEKOLAH = "kepala_sekolah"
OPERATOR_SEKOLAH = "operator_sekolah"
ADMIN_INSTANSI = "admin_instansi"  # the BKD / dinas admin of the instansi

RULES: MappingProxyType[str, str] = MappingProxyType(
    {  # rule code -> who must fix it
        "nip_beda_siasn": OPERATOR_SEKOLAH,
        "rencana_belum_disepakati": KEPALA_SEKOLAH,
        "kepsek_tanpa_skp": KEPALA_SEKOLAH,
        "unor_belum_padan": ADMIN_INSTANSI,
        "periode_tidak_standar": ADMIN_INSTANSI,
        "tipe_periodik_campur": ADMIN_INSTANSI,
        "angka_periodik_ganda": ADMIN_INSTANSI,
        "atasan_salah": ADMIN_INSTANSI,
        "predikat_tidak_sesuai": KEPALA_SEKOLAH,
        "penilaian_tidak_lengkap": KEPALA_SEKOLAH,
        "pegawai_tidak_dikenal": ADMIN_INSTANSI,
        "nip_rusak": OPERATOR_SEKOLAH,
        "baris_ganda": OPERATOR_SEKOLAH,
    }
)

# a duplicate row repeats a result the same file already delivered: a note about the file, it
# holds no SKP back
NON_BLOCKING = frozenset({"baris_ganda"})


@dataclass(frozen=True)
class Finding:
    """One broken rule for one teacher's result."""

    rule: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def who(self) -> str:
        """Who must make the fix (``guru``, ``kepala_sekolah``, ``operator_sekolah``, ...)."""
        return RULES[self.rule]

    def reason(self) -> str:
        """What is wrong, in Bahasa Indonesia."""
        return t(f"pmm.rule.{self.rule}.reason", **self.params)

    def fix(self) -> str:
        """What to do and where, in Bahasa Indonesia."""
        return t(f"pmm.rule.{self.rule}.fix", **self.params)

    def who_label(self) -> str:
        """Who must fix it, as the operator reads it."""
        return t(f"pmm.who.{self.who}")


def finding(rule: str, **params: Any) -> Finding:
    """A finding of ``rule``; ratings and predikat codes get their labels as ``*_label``."""
    if rule not in RULES:
        raise KeyError(f"unknown rule {rule!r}")
    labels: dict[str, Any] = {}
    for key in ("hasil", "perilaku"):
        if isinstance(params.get(key), int):
            labels[f"{key}_label"] = RATING[params[key]]
    for key in ("given", "expected"):
        if isinstance(params.get(key), int):
            labels[f"{key}_label"] = PREDIKAT[params[key]]
    return Finding(rule, {**params, **labels})
