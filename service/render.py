"""Readable terminal output (rich) for outcomes and profiles; JSON is the machine form."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from sync.outcome import SinkronOutcome, Status

STATUS_TEXT = {
    Status.CREATED: "[green]dibuat[/]", Status.UPDATED: "[green]diperbarui[/]",
    Status.CONFIRMED: "[cyan]sesuai[/]", Status.CONFLICT: "[yellow]konflik[/]",
    Status.NOT_FOUND: "[red]tidak ditemukan[/]", Status.FAILED: "[red]gagal[/]",
}


def render_outcome(console: Console, outcome: SinkronOutcome) -> None:
    """Print one Sinkron SIASN outcome for a person."""
    pegawai = outcome.pegawai or {}
    nama = pegawai.get("nama") or "-"
    console.print(f"[bold]{outcome.nip}[/] {nama}: {STATUS_TEXT[outcome.status]}")
    if pegawai:
        console.print(f"  {pegawai.get('golongan') or '-'} {pegawai.get('pangkat') or ''} · "
                      f"{pegawai.get('jabatan') or '-'} · {pegawai.get('unor_nama') or '-'}")
    if outcome.atasan:
        console.print(f"  atasan: {outcome.atasan.nip} {outcome.atasan.nama}")
    for item in outcome.applied:
        console.print(f"  [green]diterapkan[/] {item.field}: {item.old!r} -> {item.new!r}")
    for name in outcome.converged:
        console.print(f"  [cyan]konvergen[/] {name}: nilai lokal kini sama dengan SIASN")
    for conflict in outcome.conflicts:
        console.print(f"  [yellow]konflik[/] {conflict.field}: {conflict.explanation}")
    for warning in outcome.warnings:
        console.print(f"  [magenta]peringatan[/] {warning.code}: {warning.text}")
    if outcome.reason:
        console.print(f"  {outcome.reason}")


def render_profile(console: Console, profile: dict[str, Any]) -> None:
    """Print a stored profile with its supervisor and open conflicts."""
    table = Table(show_header=False, box=None)
    for key, value in profile["pegawai"].items():
        table.add_row(f"[bold]{key}[/]", "-" if value is None else str(value))
    console.print(table)
    atasan = profile.get("atasan")
    console.print(f"atasan: {atasan['nip']} {atasan['nama']}" if atasan else "atasan: -")
    for conflict in profile.get("conflicts", []):
        console.print(f"[yellow]konflik[/] {conflict['field']}: {conflict['explanation']}")


DOCTOR_STYLE = {"ok": "[green]ok    [/]", "warn": "[yellow]warn  [/]",
                "error": "[red]BROKEN[/]", "skip": "[dim]skip  [/]"}


def render_checks(console: Console, checks: list[Any]) -> None:
    """Print ``doctor`` findings, one per line, with the fix under each (never truncated)."""
    for check in checks:
        console.print(f"{DOCTOR_STYLE[check.status]} [bold]{check.name}[/]: {check.detail}",
                      soft_wrap=True, highlight=False)
        if check.fix:
            console.print(f"       fix: {check.fix}", soft_wrap=True, highlight=False)
