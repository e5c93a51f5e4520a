"""Commands on the database schema (Alembic migrations)."""

from __future__ import annotations

import typer

from mappings.messages import t
from service.cli.common import cli_errors, help_text, out
from service.render import plain
from service.settings import Settings
from store.db import current_revision, head_revision, make_engine, upgrade

db_app = typer.Typer(help=t("cli.db"), no_args_is_help=True)


@db_app.command("upgrade", help=help_text("cli.db_upgrade"))
def db_upgrade() -> None:
    """Apply pending migrations to the configured database."""
    with cli_errors():
        settings = Settings()
        engine = make_engine(settings.database_url)
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    out.print(t("cli.db.upgraded", before=plain(before or t("cli.db.empty")), after=plain(after)))


@db_app.command("status", help=help_text("cli.db_status"))
def db_status() -> None:
    """Show the schema revision of the database and the one the code needs."""
    with cli_errors():
        engine = make_engine(Settings().database_url)
        current, head = current_revision(engine), head_revision()
    state = t("cli.db.up_to_date") if current == head else t("cli.db.upgrade_needed")
    out.print(t("cli.db.status", current=plain(current or t("cli.db.empty")), head=plain(head),
                state=state))
    if current != head:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``db`` to the main app."""
    app.add_typer(db_app, name="db")
