"""Readable terminal output (rich) for outcomes and profiles; JSON is the machine form.

Data is text, never markup: every value that came from SIASN, a file or a user passes through
:func:`plain` before it reaches Rich, so ``[bold]`` stays visible as typed, and control
characters, escape sequences (ANSI CSI, OSC) and bidi overrides are shown escaped (``\\x1b``,
``\\u202e``) instead of acting on the operator's terminal. :func:`visible` does the second half for
surfaces that are not Rich (``typer.echo`` on stderr).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from mappings.messages import t
from mappings.text import UNSAFE_LINE, escaped
from sync import clock
from sync.outcome import SinkronOutcome, Status

# Controls for JSON documents, whose only raw newlines are their own line breaks.
_UNSAFE_JSON = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

STATUS_STYLE = {
    Status.CREATED: "green",
    Status.UPDATED: "green",
    Status.CONFIRMED: "cyan",
    Status.CONFLICT: "yellow",
    Status.NOT_FOUND: "red",
    Status.FAILED: "red",
    Status.LEFT: "magenta",
    Status.AMBIGUOUS: "yellow",
}
MIN_COLUMN = 8
DOCTOR_STYLE = {"ok": "green", "warn": "yellow", "error": "red", "skip": "dim"}


def visible(value: object) -> str:
    """``value`` as one line of inert text: controls, escapes and bidi overrides shown escaped."""
    return UNSAFE_LINE.sub(escaped, "-" if value is None else str(value))


def json_text(document: str) -> str:
    """A JSON document safe for a terminal: controls inside strings become ``\\uXXXX`` escapes.

    The parsed value is unchanged (JSON already escapes C0; C1, bidi overrides and lone
    surrogates are escaped here too), so scripts read the same data an operator sees as text.
    """
    return _UNSAFE_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def plain(value: object) -> str:
    """``value`` as Rich markup that prints exactly its visible text (no tags, no escapes).

    Never put a markup tag right after it (a value ending in a backslash would escape the tag):
    style data with :class:`rich.text.Text` instead, as the renderers below do.
    """
    return escape(visible(value) + ".")[:-1]


def local_time(value: datetime | str | None, timezone: str) -> str:
    """A stored time as a terminal shows it, in the display timezone (:func:`sync.clock.stamp`)."""
    return clock.stamp(value, clock.zone(timezone))


def fit_widths(natural: list[int], budget: int, ids: tuple[int, ...] = ()) -> list[int]:
    """Column widths summing to at most ``budget``: the widest other column gives way first;
    id columns keep their full width unless nothing else can shrink (then they wrap, never cut)."""
    widths = list(natural)
    while sum(widths) > budget:
        others = [i for i in range(len(widths)) if i not in ids and widths[i] > MIN_COLUMN]
        pool = others or [i for i in range(len(widths)) if widths[i] > 1]
        if not pool:
            break
        widest = max(pool, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def print_table(
    console: Console, headers: Sequence[str], rows: Sequence[Sequence[object]], ids: tuple[int, ...] = ()
) -> None:
    """Print data rows as a table that fits the terminal: cells wrap, ids stay whole."""
    cells = [[visible(value) for value in row] for row in rows]
    natural = [
        max([cell_len(header)] + [cell_len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
    budget = console.width - 3 * (len(headers) - 1)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header, width in zip(headers, fit_widths(natural, budget, ids), strict=True):
        table.add_column(Text(visible(header)), width=width, overflow="fold")
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def render_outcome(console: Console, outcome: SinkronOutcome) -> None:
    """Print one Sinkron SIASN outcome for a person."""
    pegawai = outcome.pegawai or {}
    style = STATUS_STYLE.get(outcome.status, "white")
    status = t(f"cli.status.{outcome.status.value}")
    console.print(
        Text.assemble(
            (visible(outcome.nip), "bold"), " ", visible(pegawai.get("nama")), ": ", (status, style)
        )
    )
    if pegawai:
        console.print(
            f"  {plain(pegawai.get('golongan'))} {plain(pegawai.get('pangkat') or '')}"
            f" · {plain(pegawai.get('jabatan'))} · {plain(pegawai.get('unor_nama'))}"
        )
    if outcome.atasan:
        console.print(f"  {t('cli.atasan')}: {plain(outcome.atasan.nip)} {plain(outcome.atasan.nama)}")
    for item in outcome.applied:
        console.print(
            f"  [green]{t('cli.applied')}[/] {plain(item.field)}: "
            f"{plain(repr(item.old))} -> {plain(repr(item.new))}"
        )
    for name in outcome.converged:
        console.print(f"  [cyan]{t('cli.converged')}[/] {t('cli.converged_detail', field=plain(name))}")
    for conflict in outcome.conflicts:
        console.print(
            f"  [yellow]{t('cli.conflict')}[/] {plain(conflict.field)}: {plain(conflict.explanation)}"
        )
    for warning in outcome.warnings:
        console.print(f"  [magenta]{t('cli.warning')}[/] {plain(warning.code)}: {plain(warning.text)}")
    if outcome.reason:
        console.print(f"  {plain(outcome.reason)}")


def render_profile(console: Console, profile: dict[str, Any], timezone: str) -> None:
    """Print a stored profile with its supervisor and open conflicts."""
    table = Table(show_header=False, box=None)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in profile["pegawai"].items():
        table.add_row(Text(visible(key), style="bold"), Text(visible(_profile_value(key, value, timezone))))
    console.print(table)
    atasan = profile.get("atasan")
    who = f"{plain(atasan['nip'])} {plain(atasan['nama'])}" if atasan else "-"
    console.print(f"{t('cli.atasan')}: {who}")
    for conflict in profile.get("conflicts", []):
        console.print(
            f"[yellow]{t('cli.conflict')}[/] {plain(conflict['field'])}: {plain(conflict['explanation'])}"
        )


def _profile_value(key: str, value: Any, timezone: str) -> Any:
    if key.endswith("_at") and isinstance(value, str):
        try:
            return local_time(value, timezone)
        except ValueError:
            return value
    return local_time(value, timezone) if isinstance(value, datetime) else value


def render_checks(console: Console, checks: list[Any]) -> None:
    """Print ``doctor`` findings, one per line, with the fix under each (never truncated)."""
    for check in checks:
        label = f"{t(f'cli.doctor.{check.status}'):<6}"
        console.print(
            Text.assemble(
                (label, DOCTOR_STYLE[check.status]),
                " ",
                (visible(check.name), "bold"),
                ": ",
                visible(check.detail),
            ),
            soft_wrap=True,
            highlight=False,
        )
        if check.fix:
            console.print(
                f"       {t('cli.doctor.fix')}: {plain(check.fix)}", soft_wrap=True, highlight=False
            )
