"""The beranda chart: stacked bars per run scaled to the busiest run, inside the drawing."""

from __future__ import annotations

from service.console.chart import HEIGHT, WIDTH, situation_chart


def test_bars_stack_per_run_and_scale_to_the_peak() -> None:
    """Each situation is one segment; the busiest run fills the plot; nothing leaves the SVG."""
    runs = [
        {"day": "01-11", "counts": {"confirmed": 10, "updated": 5}},
        {"day": "02-11", "counts": {"confirmed": 30, "conflict": 0}},
        {"day": "03-11", "counts": {}},
    ]
    chart = situation_chart(runs, {"confirmed": "sesuai"})
    assert chart.peak == 30
    assert [b.label for b in chart.bars] == ["01-11: sesuai 10", "01-11: updated 5", "02-11: sesuai 30"]
    first, second, tallest = chart.bars
    assert first.y + first.height == HEIGHT - 28 and second.y + second.height == first.y
    assert tallest.y == 10.0
    assert all(b.x >= 0 and b.x + b.width <= WIDTH and b.y >= 0 for b in chart.bars)
    assert [label for _, label in chart.ticks] == ["01-11", "02-11", "03-11"]


def test_no_runs_draws_nothing() -> None:
    """Without runs there are no bars and the peak is zero."""
    chart = situation_chart([], {})
    assert chart.bars == [] and chart.peak == 0
