"""The benchmark's store: a SQLite file or a fresh PostgreSQL database, filled from the simulator.

The harness itself (never a measured process) imports the roster, makes local edits and reads
NIPs; the nights and ``serve`` open the same store from their own processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from benchmarks.simproc import SimProcess
from benchmarks.workers import drop_database, fresh_database
from service.container import Container
from service.settings import Settings
from store.db import make_engine, transaction, upgrade
from store.models import Pegawai, Unit
from sync.profil.edit import edit_pegawai
from sync.reconcile.roster import import_roster
from sync.reconcile.steps import roster_nips


@dataclass
class Store:
    """One store for one simulator; ``url`` is what every process opens."""

    url: str
    admin_url: str | None = None

    @classmethod
    def create(cls, folder: Path, name: str, postgres_admin: str | None) -> Store:
        """A new SQLite file in ``folder``, or a new database on ``postgres_admin``'s server."""
        if postgres_admin:
            url = fresh_database(postgres_admin)
            engine = make_engine(url)
            upgrade(engine)  # what `db upgrade` does: the product refuses a PostgreSQL behind
            engine.dispose()
            return cls(url, postgres_admin)
        return cls(f"sqlite:///{folder / name}.db")

    def drop(self) -> None:
        """Drop the PostgreSQL database (a SQLite file goes with its folder)."""
        if self.admin_url:
            drop_database(self.admin_url, self.url)

    def container(self, sim: SimProcess) -> Container:
        """The product's container on this store (migrated) for ``sim``."""
        return Container.build(Settings(database_url=self.url, siasn=sim.settings()))

    def import_roster(self, sim: SimProcess) -> list[str]:
        """Import the simulator's "Export Data ASN" CSV; the roster's NIPs."""
        container = self.container(sim)
        try:
            with transaction(container.sessions) as session:
                import_roster(session, sim.export_csv(), source="export-data-asn.csv")
            with container.sessions() as session:
                return roster_nips(session)
        finally:
            container.close()

    def local_edits(self, sim: SimProcess, moved: list[str]) -> int:
        """Move each of ``moved`` to another unit locally (SIASN moved them too): conflicts."""
        container = self.container(sim)
        edited = 0
        try:
            with transaction(container.sessions) as session:
                other = session.scalars(select(Unit.id).where(Unit.aktif.is_(True)).limit(2)).all()
                for nip in moved:
                    person = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
                    if person is None or not other:
                        continue
                    target = other[0] if other[0] != person.unor_id else other[-1]
                    edit_pegawai(
                        session,
                        nip,
                        {"unor_id": target},
                        actor="tolok.ukur",
                        reason="penempatan lokal (tolok ukur)",
                    )
                    edited += 1
        finally:
            container.close()
        return edited
