"""The Sinkron SIASN warning and the profile read its times on the display clock (issue 13.9)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from service.api import read_profile
from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import FieldState, Pegawai
from sync.outcome import SinkronOutcome
from sync.profil.sinkron import Sinkron
from tests.helpers import edit, load_units, sinkron, staff_nip

pytestmark = pytest.mark.e2e
# 18:30 UTC on the 6th is already the 7th in WIB and WITA
DIVERGED = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)


def _run(container: Container, nip: str, tz: ZoneInfo | None) -> SinkronOutcome:
    async def go() -> SinkronOutcome:
        async with container.siasn() as siasn:
            return await Sinkron(siasn, container.sessions, tz).run(nip, actor="test")

    return asyncio.run(go())


def _assert_local_day(outcome: SinkronOutcome) -> None:
    [warning] = [w.text for w in outcome.warnings if w.code == "menunggu_perbaikan_siasn"]
    assert "sejak 07-12-2026" in warning and "06-12-2026" not in warning


def test_waiting_for_upstream_fix_warning_dates_in_the_display_timezone(
    container: Container, world: World
) -> None:
    """A local edit kept since 18:30 UTC on 06-12 is "sejak 07-12-2026" (WIB, the default and the
    zone passed), never the UTC day; the profile's last sync carries the display offset."""
    load_units(container)
    nip = staff_nip(world)
    sinkron(container, nip)
    edit(container, nip, no_hp="081399990000")
    sinkron(container, nip)
    with transaction(container.sessions) as session:
        state = session.scalar(
            select(FieldState)
            .join(Pegawai, Pegawai.id == FieldState.pegawai_id)
            .where(Pegawai.nip == nip, FieldState.field == "no_hp")
        )
        assert state is not None and state.diverged_since is not None
        state.diverged_since = DIVERGED
    [default] = sinkron(container, nip)
    _assert_local_day(default)
    makassar = _run(container, nip, ZoneInfo("Asia/Makassar"))
    _assert_local_day(makassar)
    assert str((makassar.pegawai or {}).get("last_synced_at")).endswith("+08:00")
    profile = read_profile(container, nip)
    assert profile is not None and str(profile["pegawai"]["last_synced_at"]).endswith("+07:00")
