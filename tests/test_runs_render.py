"""The run report as an operator reads it: Bahasa Indonesia labels, data printed as inert text."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from service.cli.runs_report import render_report, situation_label


def _rendered(report: dict[str, Any]) -> str:
    console = Console(record=True, width=120, force_terminal=True, color_system=None)
    render_report(console, report)
    return console.export_text()


def test_report_labels_come_from_the_catalogue() -> None:
    """Situations, the summary line and the guard's reason read in Bahasa Indonesia."""
    text = _rendered(
        {
            "run_id": "abc",
            "status": "held",
            "counts": {"absent": 3, "left": 1},
            "calls": 4,
            "failed": 0,
            "conflicts_opened": 2,
            "duration_s": 1.5,
            "unit_changes": {"new": 2, "removed": 1},
            "guard_reason": "2 dari 4 pegawai akan pindah unit",
        }
    )
    assert "unit: baru 2, dihapus 1" in text
    assert "Rekonsiliasi abc: ditahan pengaman" in text
    assert "baru (dibuat dari SIASN)" in text and "keluar (dinonaktifkan)" in text
    assert "panggilan SIASN 4, gagal 0, konflik baru 2, durasi 1.5 s" in text
    assert "pengaman: 2 dari 4 pegawai akan pindah unit" in text


def test_hostile_values_print_as_text() -> None:
    """Markup, an escape sequence and a trailing backslash in report values are shown, not run."""
    text = _rendered(
        {
            "run_id": "[bold]x[/]",
            "status": "held",
            "counts": {"[red]y": 1},
            "calls": 1,
            "failed": 0,
            "conflicts_opened": 0,
            "duration_s": 0,
            "unit_changes": {"status": "failed", "reason": "\x1b[2Jhapus\\"},
            "integrity": {"[blink]z": {"jumlah": 1, "contoh": ["\x1b]8;;evil\x07"]}},
            "guard_reason": "alasan\\",
        }
    )
    assert "[bold]x[/]" in text and "[red]y" in text and "[blink]z" in text
    assert "\x1b" not in text and "\\x1b[2Jhapus\\" in text and "\\x1b]8;;evil\\x07" in text
    assert "pengaman: alasan\\" in text


def test_unknown_situation_is_shown_as_its_code() -> None:
    """A situation the catalogue does not name is shown by its code, never an error."""
    assert situation_label("entah") == "entah" and situation_label(None) == "-"
