"""The ``ekinerja-sync`` command line: one module per command group, assembled here."""

from __future__ import annotations

from mappings.messages import t
from service.cli import access, audit, db, konflik, pegawai, pmm, runs, skp, system, unor, worker
from service.cli.words import BahasaTyper

app = BahasaTyper(
    help=t("cli.app"), no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False
)
for group in (pegawai, unor, db, runs, system, access, konflik, pmm, skp, audit, worker):
    group.register(app)


def main() -> None:
    """Console entry point."""
    app(prog_name="ekinerja-sync")
