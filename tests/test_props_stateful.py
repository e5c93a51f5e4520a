"""A stateful property (issue 17.3): local edits, Sinkron SIASN against a changing fake SIASN,
refused edits of SIASN-owned fields and conflict decisions, in random order, against a small
model of the three-way merge (DESIGN §6). After every step the store holds the model's local
values and open conflicts, the audit log replayed from the creation gives the same values, and
the audit chain verifies."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from pydantic import SecretStr
from sqlalchemy import select

from connectors.factory import HttpOptions, build_async_client
from connectors.myasn.sso import SuppliedSsoToken
from connectors.siasn.auth import ApimToken
from connectors.siasn.client import SiasnClient
from service.container import Container
from service.settings import Settings
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, Conflict, Pegawai
from sync.audit_verify import verify_chain
from sync.edit import EditError, edit_pegawai
from sync.konflik.decide import Resolution, decide
from sync.konflik.scope import Scope
from sync.outcome import Status
from sync.sinkron import Sinkron
from tests.hypothesis_profiles import examples
from tests.test_props_wire import API, NO_RETRY, SSO

PEOPLE = {"199009132025242014": "PNS-A", "198703122010012004": "PNS-B"}
NIPS = sorted(PEOPLE)
SHARED = ("email", "no_hp")
VALUES: dict[str, list[Any]] = {
    "email": ["a@x.go.id", "b@x.go.id", None],
    "no_hp": ["081234567890", "081298765432", None],
    "nama": ["Sari", "Sari Wulandari"],
}
WIRE = {"email": "email", "no_hp": "noHp", "nama": "nama"}
SETS_LOCAL = {"edit_lokal", "sinkron_terapkan", "konflik_ambil_siasn", "konflik_pertahankan_lokal"}
ADMIN = Scope(level="all", actor="admin")
_TEMPLATE: dict[str, Path] = {}


def migrated_template() -> Path:
    """A migrated empty SQLite store, made once per session and copied for each run."""
    if "path" not in _TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="ekinerja-stateful-")) / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


class SyncModel(RuleBasedStateMachine):
    """The store and audit log against a model: remote (SIASN), local, base, open conflicts."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="ekinerja-stateful-"))
        shutil.copy(migrated_template(), self.dir / "store.db")
        self.container = Container.build(Settings(database_url=f"sqlite:///{self.dir / 'store.db'}"))
        self.remote = {nip: {f: VALUES[f][0] for f in VALUES} for nip in NIPS}
        self.local: dict[str, dict[str, Any]] = {}
        self.created: dict[str, dict[str, Any]] = {}
        self.base: dict[str, dict[str, Any]] = {}
        self.conflicts: dict[str, dict[str, Any]] = {nip: {} for nip in NIPS}

    def teardown(self) -> None:
        """Close the store and remove its directory."""
        self.container.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @initialize()
    def first_sinkron(self) -> None:
        """Each employee is created by a first Sinkron SIASN."""
        for nip in NIPS:
            self.sinkron(nip)

    @rule(nip=st.sampled_from(NIPS), field=st.sampled_from(sorted(VALUES)), data=st.data())
    def siasn_changes(self, nip: str, field: str, data: st.DataObject) -> None:
        """SIASN's value of a field changes (nothing local happens yet)."""
        others = [v for v in VALUES[field] if v != self.remote[nip][field]]
        self.remote[nip][field] = data.draw(st.sampled_from(others))

    @rule(nip=st.sampled_from(NIPS))
    def sinkron_siasn(self, nip: str) -> None:
        """Sinkron SIASN of one employee."""
        self.sinkron(nip)

    def sinkron(self, nip: str) -> None:
        """Sinkron SIASN; the model merges each field as DESIGN §6 says."""
        outcome = asyncio.run(self._sinkron(nip))
        remote = self.remote[nip]
        if nip not in self.local:
            assert outcome.status is Status.CREATED, outcome
            self.local[nip], self.base[nip], self.created[nip] = dict(remote), dict(remote), dict(remote)
            return
        assert outcome.status is not Status.FAILED, outcome
        for field, value in remote.items():
            self._merge(nip, field, value)

    def _merge(self, nip: str, field: str, remote: Any) -> None:
        local, base = self.local[nip][field], self.base[nip][field]
        if remote == base or local == remote:
            self.conflicts[nip].pop(field, None)
        elif local == base or field not in SHARED:
            self.local[nip][field] = remote
            self.conflicts[nip].pop(field, None)
        else:
            self.conflicts[nip][field] = remote
            return
        self.base[nip][field] = remote

    @rule(data=st.data(), field=st.sampled_from(SHARED))
    def edit(self, data: st.DataObject, field: str) -> None:
        """A local Edit Profil of a shared field."""
        nip = data.draw(st.sampled_from(sorted(self.local)))
        others = [v for v in VALUES[field] if v is not None and v != self.local[nip][field]]
        value = data.draw(st.sampled_from(others))
        with transaction(self.container.sessions) as session:
            edit_pegawai(session, nip, {field: value}, actor="operator", reason="berkas")
        self.local[nip][field] = value

    @rule(data=st.data())
    def edit_of_a_siasn_field_is_refused(self, data: st.DataObject) -> None:
        """Editing ``nama`` (SIASN-owned) is refused with ``EditError`` and changes nothing."""
        nip = data.draw(st.sampled_from(sorted(self.local)))
        before = self._audit_count()
        with pytest.raises(EditError), transaction(self.container.sessions) as session:
            edit_pegawai(session, nip, {"nama": "Orang Lain"}, actor="operator", reason="berkas")
        assert self._audit_count() == before

    @precondition(lambda self: any(self.conflicts.values()))
    @rule(data=st.data(), resolution=st.sampled_from([Resolution.TAKE_SIASN, Resolution.KEEP_LOCAL]))
    def decide(self, data: st.DataObject, resolution: Resolution) -> None:
        """An admin decides one open conflict: take SIASN's value or keep the local one."""
        nip = data.draw(st.sampled_from([n for n in NIPS if self.conflicts[n]]))
        field = data.draw(st.sampled_from(sorted(self.conflicts[nip])))
        with transaction(self.container.sessions) as session:
            ids = [c.id for c in self._open(session, nip) if c.field == field]
            decide(session, ADMIN, ids, resolution, actor="admin", reason="diperiksa")
        remote = self.conflicts[nip].pop(field)
        if resolution is Resolution.TAKE_SIASN:
            self.local[nip][field] = remote
        self.base[nip][field] = remote

    @invariant()
    def store_agrees_with_the_model(self) -> None:
        """Local values and open conflicts are the model's; the audit replays to them; the chain
        verifies."""
        with self.container.sessions() as session:
            for nip, values in self.local.items():
                person = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
                assert person is not None
                assert {f: getattr(person, f) for f in values} == values
                assert {c.field: c.remote_value for c in self._open(session, nip)} == self.conflicts[nip]
                assert self._replayed(session, nip) == values
            assert verify_chain(session).ok

    def _replayed(self, session: Any, nip: str) -> dict[str, Any]:
        values = dict(self.created[nip])
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.pegawai_nip == nip).order_by(AuditEntry.seq)
        )
        for entry in entries:
            if entry.action in SETS_LOCAL and entry.field in values:
                values[entry.field] = entry.new_value
        return values

    def _open(self, session: Any, nip: str) -> list[Conflict]:
        return list(
            session.scalars(
                select(Conflict)
                .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
                .where(Pegawai.nip == nip, Conflict.status.in_(("open", "assigned")))
            )
        )

    def _audit_count(self) -> int:
        with self.container.sessions() as session:
            return len(list(session.scalars(select(AuditEntry.id))))

    async def _sinkron(self, nip: str) -> Any:
        http = build_async_client(HttpOptions(), base_url=API, transport=self._transport())
        apim = ApimToken(
            http, token_url=f"{API}/token", consumer_key="k", consumer_secret=SecretStr("s"), retry=NO_RETRY
        )
        client = SiasnClient(http, apim=apim, sso=SuppliedSsoToken(SecretStr(SSO)), retry=NO_RETRY)
        try:
            return await Sinkron(client, self.container.sessions).run(nip, actor="sinkron")
        finally:
            await http.aclose()

    def _transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            path = request.url.path
            if path.endswith("/token"):
                return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
            nip = path.rsplit("/", 1)[1]
            data: Any = []
            if "/data-utama/" in path:
                data = {"id": PEOPLE[nip], "nipBaru": nip}
                data |= {WIRE[f]: v for f, v in self.remote[nip].items() if v is not None}
            return httpx.Response(200, content=json.dumps({"code": 1, "data": data}).encode())

        return httpx.MockTransport(handle)


def test_keep_local_keeps_an_edit_made_after_the_conflict() -> None:
    """Found by the long run: "keep local" wrote back the local value the conflict was opened
    with, undoing a later local edit (the audit's proposal already named the newer value)."""
    model, nip = SyncModel(), NIPS[1]
    try:
        model.first_sinkron()
        for value in ("b@x.go.id", "a@x.go.id"):
            with transaction(model.container.sessions) as session:
                edit_pegawai(session, nip, {"email": value}, actor="operator", reason="berkas")
            model.local[nip]["email"] = value
            if value == "b@x.go.id":
                model.remote[nip]["email"] = None
                model.sinkron(nip)
        with transaction(model.container.sessions) as session:
            ids = [c.id for c in model._open(session, nip)]
            decide(session, ADMIN, ids, Resolution.KEEP_LOCAL, actor="admin", reason="diperiksa")
        model.base[nip]["email"] = model.conflicts[nip].pop("email")
        model.store_agrees_with_the_model()
    finally:
        model.teardown()


SyncModel.TestCase.settings = settings(max_examples=examples(10))
test_sync_model = SyncModel.TestCase
test_sync_model.__doc__ = "Edits, Sinkrons and decisions in any order keep store, audit and model in step."
