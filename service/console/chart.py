"""The beranda chart: situations per run as stacked bars, drawn as inline SVG geometry (no JS).

On a linear scale 3,000 unchanged employees flatten a night's five conflicts to nothing; on the
``log`` scale each segment's height grows with log(1 + count), so a handful of conflicts stays a
visible band beside thousands unchanged (the bar's title always carries the exact count), and
``skip`` leaves situations out altogether (the "changes only" view leaves out ``confirmed``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SITUATIONS = ("confirmed", "updated", "conflict", "absent", "missing", "left", "ambiguous", "failed")
COLOURS = {
    "confirmed": "#9ab6d3",
    "updated": "#2e7d32",
    "conflict": "#e0a800",
    "absent": "#5e35b1",
    "missing": "#8d6e63",
    "left": "#546e7a",
    "ambiguous": "#ad1457",
    "failed": "#c62828",
}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 900, 260, 48, 28, 10


@dataclass(frozen=True)
class Bar:
    """One coloured segment of a run's stacked bar."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class Chart:
    """Everything the template draws: segments, axis labels and the largest total."""

    bars: list[Bar]
    ticks: list[tuple[float, str]]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    scale: str = "linear"


def _size(count: int, scale: str) -> float:
    return math.log10(1 + count) if scale == "log" else float(count)


def situation_chart(
    runs: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    *,
    scale: str = "linear",
    skip: frozenset[str] = frozenset(),
) -> Chart:
    """Stack each run's counts per situation; ``runs`` oldest first, each with ``counts`` and ``day``."""
    shown = [s for s in SITUATIONS if s not in skip]
    totals = [sum(int((r.get("counts") or {}).get(s, 0)) for s in shown) for r in runs]
    sizes = [sum(_size(int((r.get("counts") or {}).get(s, 0)), scale) for s in shown) for r in runs]
    peak = max(sizes, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(runs), 1)
    bars: list[Bar] = []
    ticks: list[tuple[float, str]] = []
    for index, run in enumerate(runs):
        x, base = LEFT + index * slot + slot * 0.15, float(HEIGHT - BOTTOM)
        for name in shown:
            count = int((run.get("counts") or {}).get(name, 0))
            if count <= 0:
                continue
            height = plot_h * _size(count, scale) / peak
            base -= height
            bars.append(
                Bar(
                    round(x, 1),
                    round(base, 1),
                    round(slot * 0.7, 1),
                    round(height, 1),
                    COLOURS[name],
                    f"{run['day']}: {labels.get(name, name)} {count}",
                )
            )
        if index % max(1, len(runs) // 10) == 0:
            ticks.append((round(x + slot * 0.35, 1), str(run["day"])))
    return Chart(bars, ticks, max(totals, default=0), scale=scale)
