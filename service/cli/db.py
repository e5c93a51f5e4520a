"""Commands on the database: schema (Alembic migrations), backup and restore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from mappings.messages import t
from service.cli.common import cli_errors, command_group, fail, help_text, out
from service.container import check_store
from service.render import plain
from service.settings import load_settings
from store.backup import BackupError, Copied, backup_sqlite, restore_sqlite
from store.db import current_revision, head_revision, make_engine, upgrade

db_app = command_group(t("cli.db"))


@db_app.command("upgrade", help=help_text("cli.db_upgrade"))
def db_upgrade() -> None:
    """Apply pending migrations to the configured database."""
    with cli_errors():
        settings = load_settings()
        check_store(settings.database_url, create=True)
        engine = make_engine(settings.database_url)
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    out.print(t("cli.db.upgraded", before=plain(before or t("cli.db.empty")), after=plain(after)))


@db_app.command("status", help=help_text("cli.db_status"))
def db_status() -> None:
    """Show the schema revision of the database and the one the code needs."""
    with cli_errors():
        url = load_settings().database_url
        check_store(url, create=False)
        engine = make_engine(url)
        current, head = current_revision(engine), head_revision()
    state = t("cli.db.up_to_date") if current == head else t("cli.db.upgrade_needed")
    out.print(t("cli.db.status", current=plain(current or t("cli.db.empty")), head=plain(head), state=state))
    if current != head:
        raise typer.Exit(1)


@db_app.command("backup", help=help_text("cli.db_backup"))
def db_backup(target: str = typer.Argument(..., help=t("cli.opt.backup_path"))) -> None:
    """Copy the SQLite store to a new file with SQLite's online backup (PostgreSQL: pg_dump)."""
    path = Path(target)
    store = _sqlite_store("db.backup.postgres", path)
    copied = _copy(lambda: backup_sqlite(store, path))
    out.print(_said("db.backup.done", path, copied), soft_wrap=True, highlight=False)


@db_app.command("restore", help=help_text("cli.db_restore"))
def db_restore(source: str = typer.Argument(..., help=t("cli.opt.restore_path"))) -> None:
    """Replace the SQLite store with a checked backup file (PostgreSQL: pg_restore)."""
    path = Path(source)
    store = _sqlite_store("db.restore.postgres", path)
    copied = _copy(lambda: restore_sqlite(path, store))
    out.print(_said("db.restore.done", path, copied), soft_wrap=True, highlight=False)


def _sqlite_store(postgres_key: str, path: Path) -> Path:
    with cli_errors():
        url = make_url(load_settings().database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise fail(t(postgres_key, path=path))
    return Path(url.database)


def _copy(work: Callable[[], Copied]) -> Copied:
    try:
        return work()
    except BackupError as exc:
        raise fail(t(exc.key, **exc.details)) from None
    except OSError as exc:
        raise fail(
            t(
                "db.restore.not_sqlite",
                path=getattr(exc, "filename", "?"),
                reason=exc.strerror or type(exc).__name__,
            )
        ) from None


def _said(key: str, path: Path, copied: Copied) -> str:
    return t(
        key,
        path=plain(path),
        revision=copied.revision,
        tables=copied.tables,
        rows=copied.rows,
        size=copied.size,
    )


def register(app: typer.Typer) -> None:
    """Add ``db`` to the main app."""
    app.add_typer(db_app, name="db")
