"""The ``ekinerja-sync`` command line (``service.cli.app`` assembles the command groups)."""

from __future__ import annotations


def main() -> None:
    """Console entry point."""
    from service.cli.app import main as run

    run()
