"""Helpers for tests that drive Sinkron SIASN against the simulator."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from store.db import transaction
from store.models import AuditEntry, Conflict, FieldState, Pegawai
from sync.outcome import SinkronOutcome
from sync.profil.edit import edit_pegawai
from sync.profil.sinkron import Sinkron
from sync.unor.tree import apply_units, fetch_units


def load_units(container: Container) -> None:
    """Store the simulator's unit tree (ref-unor)."""

    async def go() -> None:
        async with container.siasn() as siasn:
            units = await fetch_units(siasn)
        with transaction(container.sessions) as session:
            apply_units(session, units, actor="test")

    asyncio.run(go())


def sinkron(container: Container, *nips: str) -> list[SinkronOutcome]:
    """Run Sinkron SIASN for ``nips`` in order, through one client."""

    async def go() -> list[SinkronOutcome]:
        async with container.siasn() as siasn:
            runner = Sinkron(siasn, container.sessions)
            return [await runner.run(nip, actor="test") for nip in nips]

    return asyncio.run(go())


def edit(container: Container, nip: str, **changes: Any) -> None:
    """A local Edit Profil by an operator."""
    with transaction(container.sessions) as session:
        edit_pegawai(session, nip, changes, actor="operator", reason="berkas pegawai")


def pegawai(container: Container, nip: str) -> Pegawai | None:
    """The stored employee."""
    with container.sessions() as session:
        return session.scalar(select(Pegawai).where(Pegawai.nip == nip))


def base_value(container: Container, nip: str, field: str) -> Any:
    """The stored merge base of one field."""
    with container.sessions() as session:
        return session.scalar(
            select(FieldState.base_value)
            .join(Pegawai, Pegawai.id == FieldState.pegawai_id)
            .where(Pegawai.nip == nip, FieldState.field == field)
        )


def conflicts(container: Container, nip: str) -> list[Conflict]:
    """All conflict rows of an employee."""
    with container.sessions() as session:
        return list(
            session.scalars(
                select(Conflict).join(Pegawai, Pegawai.id == Conflict.pegawai_id).where(Pegawai.nip == nip)
            )
        )


def audit_actions(container: Container, nip: str) -> list[tuple[str, str | None]]:
    """(action, field) of an employee's audit entries, oldest first."""
    with container.sessions() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.field)
            .where(AuditEntry.pegawai_nip == nip)
            .order_by(AuditEntry.id)
        ).all()
    return [(a, f) for a, f in rows]


def count_rows(container: Container, model: type[Any]) -> int:
    """Number of rows in a table."""
    with container.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def staff_nip(world: World, index: int = 0) -> str:
    """A PNS pelaksana who heads no unit (stable for a seed)."""
    heads = {u.pemimpin_pns_id for u in world.units.values()}
    staff = [
        p.nip
        for p in world.pegawai.values()
        if p.pns_id not in heads and not p.pppk and p.jenis_jabatan_id == 4
    ]
    return staff[index]


def leaf_units(world: World, exclude: str) -> list[str]:
    """Ids of eselon IV units other than ``exclude``."""
    return [u.id for u in world.units.values() if u.eselon_id == 41 and u.id != exclude]


def migrated_container(url: str, siasn: SiasnSettings) -> Container:
    """A container on ``url``, migrated first as ``db upgrade`` does (the queue's tables too)."""
    from service.settings import Settings
    from store.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return Container.build(Settings(database_url=url, siasn=siasn))


def decide_all_siasn(container: Container, nip: str) -> int:
    """Take SIASN's value for every undecided conflict of ``nip``; how many were decided."""
    from sync.konflik import lifecycle
    from sync.konflik.decide import Resolution, decide
    from sync.konflik.scope import ADMIN_CLI

    with transaction(container.sessions) as session:
        ids = list(
            session.scalars(
                select(Conflict.id)
                .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
                .where(Pegawai.nip == nip, Conflict.status.in_(lifecycle.ACTIVE))
                .order_by(Conflict.id)
            )
        )
        if ids:
            decide(session, ADMIN_CLI, ids, Resolution.TAKE_SIASN, actor="admin", reason="SK terbit")
        return len(ids)


def import_export(container: Container, world: World) -> None:
    """Import the simulator's "Export Data ASN" CSV into the roster."""
    from simulators.export import export_data_asn
    from sync.reconcile.roster import import_roster

    with transaction(container.sessions) as session:
        import_roster(session, export_data_asn(world), source="export.csv")


def reconcile(container: Container, **options: Any) -> dict[str, Any]:
    """Run one reconciliation in this process; returns its report."""
    from sync.reconcile import ReconcileOptions, Reconciler

    async def go() -> dict[str, Any]:
        async with container.siasn() as siasn:
            return await Reconciler(siasn, container.sessions, ReconcileOptions(**options)).run()

    return asyncio.run(go())


def store_state(container: Container) -> dict[str, Any]:
    """Everything a run may change, without ids, timestamps or run ids, for comparisons."""
    from store.models import SupervisorLink, Unit

    skip = {
        "id",
        "created_at",
        "updated_at",
        "last_synced_at",
        "siasn_fetched_at",
        "received_at",
        "diverged_since",
        "opened_at",
        "resolved_at",
        "at",
        "run_id",
        "derived_at",
        "pegawai_id",
        "atasan_id",
        "seq",
        "prev_hash",
        "entry_hash",
    }  # the chain hashes ids and times

    def rows(model: type[Any], key: Any) -> list[dict[str, Any]]:
        with container.sessions() as session:
            items = list(session.scalars(select(model)))
            nips = {p.id: p.nip for p in session.scalars(select(Pegawai))}
            out = []
            for item in items:
                drop = skip - {"id"} if model is Unit else skip
                row = {
                    c: getattr(item, c)
                    for c in item.__table__.columns.keys()  # noqa: SIM118
                    if c not in drop
                }
                for ref in ("pegawai_id", "atasan_id"):
                    if hasattr(item, ref):
                        row[ref.replace("_id", "_nip")] = nips.get(getattr(item, ref))
                out.append(row)
        return sorted(out, key=key)

    return {
        "pegawai": rows(Pegawai, lambda r: r["nip"]),
        "units": rows(Unit, lambda r: r["id"]),
        "field_state": rows(FieldState, lambda r: (r["pegawai_nip"], r["field"])),
        "conflicts": rows(Conflict, lambda r: (r["pegawai_nip"], r["field"], r["status"])),
        "links": rows(SupervisorLink, lambda r: r["pegawai_nip"]),
        "audit": rows(AuditEntry, lambda r: tuple(str(v) for v in r.values())),
    }


def new_api_key(container: Container, name: str = "ekinerja-app") -> str:
    """Create an API key in the store, as `ekinerja-sync apikey create` does."""
    from sync.access.keys import create_api_key

    with transaction(container.sessions) as session:
        return create_api_key(session, name)


def realm_login(
    http: Any, auth_url: str, username: str, password: str, totp_secret: str | None = None
) -> str:
    """Fill the realm's login form (and TOTP step) as a person would; returns the redirect URL."""
    import re

    from simulators.totp import totp

    page = http.get(auth_url)
    assert page.status_code == 200, page.text
    login_id = re.search(r'name="login_id" value="([^"]+)"', page.text)
    assert login_id is not None, page.text
    answer = http.post(
        auth_url, data={"login_id": login_id.group(1), "username": username, "password": password}
    )
    if totp_secret is not None:
        assert 'name="otp"' in answer.text, answer.text
        answer = http.post(auth_url, data={"login_id": login_id.group(1), "otp": totp(totp_secret)})
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


def schema_diff(connection: Any) -> list[Any]:
    """Alembic's autogenerate difference between the migrated database and store/models.py;
    the job queue's own tables (Procrastinate's schema, migration 0012) are not ours to model."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from store.models import Base

    def ours(name: str | None, kind: str, _parents: Any) -> bool:
        return not (kind == "table" and (name or "").startswith("procrastinate_"))

    context = MigrationContext.configure(connection, opts={"include_name": ours})
    return list(compare_metadata(context, Base.metadata))
