"""Concurrent local edits of one field: writers are serialized, the audit chain stays exact."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import httpx
import pytest
from sqlalchemy import select

from service.api import create_app
from service.container import Container
from simulators.dataset import World
from simulators.server import ServerThread
from store.models import AuditEntry
from tests.helpers import load_units, new_api_key, pegawai, staff_nip

pytestmark = pytest.mark.e2e

EDITS = 50


@pytest.fixture
def api(container: Container) -> Iterator[httpx.Client]:
    """The API on a loopback socket, with a client allowed to edit."""
    load_units(container)
    headers = {"X-API-Key": new_api_key(container)}
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, timeout=60, headers=headers) as client,
    ):
        yield client


def _patch(api: httpx.Client, nip: str, value: str) -> httpx.Response:
    return api.patch(
        f"/api/v1/pegawai/{nip}",
        json={"changes": {"no_hp": value}, "actor": "operator", "reason": "uji serentak"},
    )


def test_fifty_concurrent_patches_keep_an_exact_audit_chain(
    api: httpx.Client, container: Container, world: World
) -> None:
    """50 concurrent PATCHes of one field: each old_value is the previous new_value, none lost."""
    nip = staff_nip(world)
    assert api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn").status_code == 200
    start = _patch(api, nip, "080000000000")
    assert start.status_code == 200
    values = [f"0812{i:08d}" for i in range(EDITS)]
    with ThreadPoolExecutor(max_workers=EDITS) as pool:
        responses = list(pool.map(lambda v: _patch(api, nip, v), values))
    assert [r.status_code for r in responses] == [200] * EDITS
    assert all(len(r.json()["changed"]) == 1 for r in responses)
    with container.sessions() as session:
        chain = session.execute(
            select(AuditEntry.old_value, AuditEntry.new_value)
            .where(
                AuditEntry.pegawai_nip == nip, AuditEntry.field == "no_hp", AuditEntry.action == "edit_lokal"
            )
            .order_by(AuditEntry.id)
        ).all()
    assert len(chain) == EDITS + 1
    assert chain[0].new_value == "080000000000"
    for before, after in pairwise(chain):
        assert after.old_value == before.new_value
    assert sorted(new for _old, new in chain[1:]) == values
    stored = pegawai(container, nip)
    assert stored is not None and stored.no_hp == chain[-1].new_value
