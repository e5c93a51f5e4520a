"""Held runs on the command line: the hold's reason first, approving with who and why.

``reconcile`` prints a held run's reason before its counts (on stdout, where a report piped to a
file keeps it) and says where to approve it; ``runs setujui`` approves it through the same
service as the console's button; ``runs show`` says who approved a run and why, or which run
replaced it.
"""

from __future__ import annotations

import asyncio
import getpass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from mappings.messages import t
from service.cli.common import build_container, cli_errors, fail
from service.container import ConfigError, Container
from service.jobs import approve_held
from service.render import local_time, plain, visible
from sync.konflik.errors import KonflikError
from sync.konflik.scope import ADMIN_CLI
from sync.reconcile.items import plan_counts
from sync.runs import PLANNED, RunStatus

HELD = frozenset({RunStatus.HELD, RunStatus.DRY_RUN_HELD})


def cli_actor(oleh: str | None) -> str:
    """The audit name of the person at the terminal (``--oleh``, else their login name)."""
    name = (oleh or "").strip() or getpass.getuser()
    return f"cli:{name}"


def approval_reason(confirm: bool, alasan: str | None) -> str | None:
    """The reason of a ``--confirm``; refused (exit 2) when it is missing."""
    if not confirm:
        return None
    text = (alasan or "").strip()
    if not text:
        raise fail(t("held.cli_confirm_needs_reason"))
    return text


def with_plan_counts(container: Container, report: dict[str, Any]) -> dict[str, Any]:
    """A held or replaced run's report with the counts of its plan (it applied nothing)."""
    if report.get("counts") or report.get("status") not in PLANNED:
        return report
    with container.sessions() as session:
        return {**report, "counts": plan_counts(session, ADMIN_CLI, report["run_id"])}


def print_hold(console: Console, report: dict[str, Any]) -> None:
    """A held run's reason, first and plain, before the report's table."""
    if report.get("status") not in HELD or not report.get("guard_reason"):
        return
    console.print(Text(visible(t("held.cli_held", reason=report["guard_reason"])), style="bold yellow"))


def print_next_step(console: Console, report: dict[str, Any], public_url: str = "") -> None:
    """After a held run's report: where to approve it, and what a rerun does."""
    if report.get("status") != RunStatus.HELD:
        return
    console.print(plain(t("held.cli_next", run_id=report["run_id"])), highlight=False)
    if public_url:
        url = f"{public_url.rstrip('/')}/admin/runs/{report['run_id']}"
        console.print(plain(t("held.cli_next_url", url=url)), highlight=False)
    console.print(plain(t("held.cli_rerun")), highlight=False)


def print_approval(console: Console, report: dict[str, Any], timezone: str) -> None:
    """Who approved a run and why, or the run that replaced it (``runs show``)."""
    approval = report.get("approval")
    if approval:
        pada = approval.get("pada")
        when = local_time(_parse(pada), timezone) if pada else "-"
        line = t(
            "held.cli_approved", oleh=approval.get("oleh"), pada=when, alasan=approval.get("alasan") or "-"
        )
        console.print(plain(line), highlight=False)
    if report.get("replaced_by"):
        console.print(plain(t("held.cli_replaced", id=report["replaced_by"])), highlight=False)


def approve(run_id: str, alasan: str | None, oleh: str | None) -> dict[str, Any]:
    """Approve a held run (the console's button from the terminal), recording who and why."""
    reason = approval_reason(True, alasan)
    with cli_errors():
        container = build_container()
        try:
            return asyncio.run(
                approve_held(container, ADMIN_CLI, run_id, actor=cli_actor(oleh), reason=reason or "")
            )
        except KonflikError as exc:
            raise fail(str(exc), 2 if type(exc) is KonflikError else 1) from None
        except ConfigError as exc:
            raise fail(t("runs.approve_siasn_unavailable", reason=str(exc))) from None


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)
