"""Commands on the database schema (Alembic migrations)."""

from __future__ import annotations

import typer

from service.cli.common import cli_errors, out
from service.settings import Settings
from store.db import current_revision, head_revision, make_engine, upgrade

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations to the configured database.

    Example: EKINERJA_DATABASE_URL=postgresql+psycopg://user@host/db ekinerja-sync db upgrade
    """
    with cli_errors():
        settings = Settings()
        engine = make_engine(settings.database_url)
        before = current_revision(engine)
        upgrade(engine)
        out.print(f"schema {before or '(empty)'} -> {current_revision(engine)}")


@db_app.command("status")
def db_status() -> None:
    """Show the schema revision of the database and the one the code needs.

    Example: ekinerja-sync db status
    """
    with cli_errors():
        engine = make_engine(Settings().database_url)
        current, head = current_revision(engine), head_revision()
    out.print(f"database {current or '(empty)'}, code {head}: "
              + ("up to date" if current == head else "upgrade needed"))
    if current != head:
        raise typer.Exit(1)




def register(app: typer.Typer) -> None:
    """Add ``db`` to the main app."""
    app.add_typer(db_app, name="db")
