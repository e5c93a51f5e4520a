"""``ekinerja-sync audit verify``: is the audit log whole? (exit 0 whole, 1 broken, 2 config)."""

from __future__ import annotations

import json

import typer

from mappings.messages import t
from service.cli.common import build_container, cli_errors, command_group, help_text, out
from service.render import plain
from sync.audit.verify import run_verification

audit_app = command_group(t("audit.cli"))


@audit_app.command("verify", help=help_text("audit.cli_verify"))
def audit_verify(json_output: bool = typer.Option(False, "--json", help=t("cli.opt.json"))) -> None:
    """Walk the audit chain, record the outcome, print it; exit 1 when the log was tampered with."""
    with cli_errors():
        container = build_container()
        try:
            report, stored = run_verification(container.sessions)
        finally:
            container.close()
    if json_output:
        typer.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "checked": report.checked,
                    "seq": report.seq,
                    "head_hash": report.head_hash,
                    "problem": report.problem,
                    "entry_id": report.entry_id,
                    "detail": stored.detail,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        out.print(plain(stored.detail or ""), soft_wrap=True, highlight=False)
        if not report.ok:
            out.print(t("audit.verify.fix"), soft_wrap=True, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``audit`` to the main app."""
    app.add_typer(audit_app, name="audit")
