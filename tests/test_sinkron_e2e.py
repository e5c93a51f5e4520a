"""Sinkron SIASN end to end: real sockets to the simulator, SQLite file and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi, naik_pangkat
from simulators.siasn import SiasnSimulator
from store.models import AuditEntry, Pegawai
from sync.outcome import SinkronOutcome, Status
from sync.profil.sinkron import Sinkron
from tests.helpers import (
    audit_actions,
    base_value,
    conflicts,
    count_rows,
    edit,
    leaf_units,
    load_units,
    pegawai,
    sinkron,
    staff_nip,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def loaded(container: Container, world: World) -> Container:
    """Units stored and the unit heads synced, so supervisors can be derived."""
    load_units(container)
    heads = [
        p.nip for p in world.pegawai.values() if p.pns_id in {u.pemimpin_pns_id for u in world.units.values()}
    ]
    sinkron(container, *heads)
    return container


def test_first_sinkron_creates_profile_with_contract_fields(loaded: Container, world: World) -> None:
    """A NIP unknown locally is created from SIASN; the output has every contract field."""
    nip = staff_nip(world)
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.CREATED
    view = outcome.pegawai or {}
    person = world.pegawai[nip]
    for key in (
        "nip",
        "pns_id",
        "nama",
        "gelar_depan",
        "gelar_belakang",
        "tanggal_lahir",
        "jenis_kelamin",
        "golongan",
        "pangkat",
        "jabatan",
        "jenis_jabatan",
        "unor_id",
        "unor_nama",
        "instansi_kerja_id",
    ):
        assert key in view
    assert view["pns_id"] == person.pns_id
    assert view["tanggal_lahir"] == person.tgl_lahir.isoformat()
    assert view["unor_id"] == person.unor_id
    assert view["golongan"] and "/" in view["golongan"]
    assert outcome.atasan is not None, outcome.warnings
    assert pegawai(loaded, nip) is not None
    assert ("pegawai_dibuat", None) in audit_actions(loaded, nip)


def test_remote_change_only_is_applied(loaded: Container, world: World) -> None:
    """SIASN changed, local did not: applied, base moved, audited with the SK from riwayat."""
    nip = staff_nip(world)
    sinkron(loaded, nip)
    old = pegawai(loaded, nip)
    assert old is not None
    naik_pangkat(world, nip)
    [outcome] = sinkron(loaded, nip)
    new = pegawai(loaded, nip)
    assert new is not None
    assert outcome.status is Status.UPDATED
    assert {a.field for a in outcome.applied} >= {"golongan", "tmt_golongan"}
    applied = next(a for a in outcome.applied if a.field == "golongan")
    assert (applied.old, applied.new) == (old.golongan, new.golongan)
    assert new.golongan != old.golongan and new.pangkat != old.pangkat
    assert base_value(loaded, nip, "golongan") == new.golongan
    assert new.sk_golongan_nomor and "KP-" in new.sk_golongan_nomor
    assert ("sinkron_terapkan", "golongan") in audit_actions(loaded, nip)


def test_local_change_only_is_kept_and_flagged(loaded: Container, world: World) -> None:
    """Local changed, SIASN did not: local edit stands, warning asks for an upstream fix."""
    nip = staff_nip(world)
    sinkron(loaded, nip)
    siasn_phone = base_value(loaded, nip, "no_hp")
    edit(loaded, nip, no_hp="081399990000")
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.CONFIRMED
    assert outcome.applied == [] and outcome.conflicts == []
    assert [w.code for w in outcome.warnings].count("menunggu_perbaikan_siasn") == 1
    stored = pegawai(loaded, nip)
    assert stored is not None and stored.no_hp == "081399990000"
    assert base_value(loaded, nip, "no_hp") == siasn_phone
    assert ("edit_lokal", "no_hp") in audit_actions(loaded, nip)


def test_both_changed_to_same_value_converge(loaded: Container, world: World) -> None:
    """Local and SIASN made the same change: converged, base updated, no conflict."""
    nip = staff_nip(world)
    sinkron(loaded, nip)
    edit(loaded, nip, jabatan="Penata Kelola Sistem dan Teknologi Informasi")
    mutasi(world, nip, jabatan="Penata Kelola Sistem dan Teknologi Informasi")
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.UPDATED  # tmt_jabatan applied alongside
    assert outcome.converged == ["jabatan"]
    assert outcome.conflicts == []
    assert base_value(loaded, nip, "jabatan") == "Penata Kelola Sistem dan Teknologi Informasi"
    assert conflicts(loaded, nip) == []
    assert ("sinkron_konvergen", "jabatan") in audit_actions(loaded, nip)


def test_both_changed_differently_is_a_conflict_raised_once(loaded: Container, world: World) -> None:
    """Different changes on both sides: conflict stored with base/local/SIASN, nothing applied."""
    nip = staff_nip(world)
    sinkron(loaded, nip)
    home = world.pegawai[nip].unor_id
    local_unit, remote_unit = leaf_units(world, home)[:2]
    edit(loaded, nip, unor_id=local_unit)
    mutasi(world, nip, unor_id=remote_unit)
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.CONFLICT
    [view] = outcome.conflicts
    assert (view.field, view.base, view.local, view.remote) == ("unor_id", home, local_unit, remote_unit)
    assert "admin" in view.explanation
    stored = pegawai(loaded, nip)
    assert stored is not None and stored.unor_id == local_unit
    assert base_value(loaded, nip, "unor_id") == home
    [row] = conflicts(loaded, nip)
    assert (row.status, row.base_value, row.local_value, row.remote_value) == (
        "open",
        home,
        local_unit,
        remote_unit,
    )
    audit_before = count_rows(loaded, AuditEntry)
    [again] = sinkron(loaded, nip)
    assert again.status is Status.CONFLICT
    assert len(conflicts(loaded, nip)) == 1
    assert count_rows(loaded, AuditEntry) == audit_before


def test_siasn_404_flags_but_never_deletes(loaded: Container, world: World, sim: SiasnSimulator) -> None:
    """A stored employee SIASN no longer knows is flagged not_found and kept."""
    nip = staff_nip(world)
    sinkron(loaded, nip)
    person = world.pegawai.pop(nip)
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.NOT_FOUND
    assert outcome.reason and "tidak dihapus" in outcome.reason
    stored = pegawai(loaded, nip)
    assert stored is not None and stored.siasn_status == "tidak_ditemukan"
    world.pegawai[nip] = person
    [back] = sinkron(loaded, nip)
    assert back.status is Status.CONFIRMED
    assert ("ditemukan_kembali", None) in audit_actions(loaded, nip)


def test_unknown_nip_not_found_writes_nothing(container: Container) -> None:
    """A NIP neither SIASN nor the store knows: not_found, no row written."""
    [outcome] = sinkron(container, "199001012020011999")
    assert outcome.status is Status.NOT_FOUND
    assert count_rows(container, Pegawai) == 0 and count_rows(container, AuditEntry) == 0


def test_persistent_5xx_fails_cleanly_and_writes_nothing(
    loaded: Container, world: World, sim: SiasnSimulator
) -> None:
    """Upstream down beyond the retries: failed outcome, reason given, store untouched."""
    nip = staff_nip(world)
    before = count_rows(loaded, AuditEntry)
    sim.faults.script(*["503"] * 10, path="data-utama")
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.FAILED
    assert outcome.reason and "SIASN" in outcome.reason
    assert pegawai(loaded, nip) is None and count_rows(loaded, AuditEntry) == before


def test_transient_faults_are_retried(loaded: Container, world: World, sim: SiasnSimulator) -> None:
    """5xx, 429 with Retry-After, a reset and an HTML 502 are retried until success."""
    sim.faults.retry_after = 0
    sim.faults.script("503", "429", "reset", path="data-utama")
    [outcome] = sinkron(loaded, staff_nip(world))
    assert outcome.status is Status.CREATED
    assert sim.stats["fault_429"] == 1 and sim.stats["fault_reset"] == 1


def test_expired_sso_token_is_reported_and_nothing_written(
    loaded: Container, world: World, sim: SiasnSimulator
) -> None:
    """SIASN refusing the SSO token: one new token from the provider and one more try; refused
    again, it fails with what to do and writes nothing (no retry loop)."""
    nip = staff_nip(world)
    sim.faults.script("sso_expired", "sso_expired", path="data-utama")
    calls = sim.stats["data-utama"]
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.FAILED
    assert outcome.reason and "SSO" in outcome.reason
    assert sim.stats["data-utama"] == calls + 2
    assert pegawai(loaded, nip) is None


def test_sso_token_refused_once_is_renewed(loaded: Container, world: World, sim: SiasnSimulator) -> None:
    """A token SIASN no longer accepts (password mode) is replaced once and the call succeeds."""
    nip = staff_nip(world)
    sim.faults.script("sso_expired", path="data-utama")
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.CREATED


def test_apim_401_refreshes_token_once(loaded: Container, world: World, sim: SiasnSimulator) -> None:
    """An APIM token the gateway no longer accepts is refreshed once and the call succeeds."""

    async def go() -> list[SinkronOutcome]:
        async with loaded.siasn() as siasn:
            runner = Sinkron(siasn, loaded.sessions)
            first = await runner.run(staff_nip(world, 0))
            tokens = sim.stats["apim_token"]
            sim.expire_apim_tokens()
            second = await runner.run(staff_nip(world, 1))
            assert sim.stats["apim_token"] == tokens + 1
            return [first, second]

    outcomes = asyncio.run(go())
    assert [o.status for o in outcomes] == [Status.CREATED, Status.CREATED]


def test_malformed_body_fails_with_payload_reason(
    loaded: Container, world: World, sim: SiasnSimulator
) -> None:
    """A truncated JSON body is a clear failure, not a crash; nothing is written."""
    nip = staff_nip(world)
    sim.faults.script("malformed", path="data-utama")
    [outcome] = sinkron(loaded, nip)
    assert outcome.status is Status.FAILED
    assert outcome.error and "non-JSON" in outcome.error
    assert pegawai(loaded, nip) is None


def test_riwayat_only_when_rank_or_position_changed(
    loaded: Container, world: World, sim: SiasnSimulator
) -> None:
    """An unchanged profile costs one call; a promotion adds one rw-golongan call."""
    nip = staff_nip(world)
    sinkron(loaded, nip)
    calls = dict(sim.stats)
    [same] = sinkron(loaded, nip)
    assert same.status is Status.CONFIRMED
    assert sim.stats["data-utama"] == calls["data-utama"] + 1
    assert sim.stats["rw-golongan"] == calls["rw-golongan"]
    assert sim.stats["rw-jabatan"] == calls["rw-jabatan"]
    naik_pangkat(world, nip)
    sinkron(loaded, nip)
    assert sim.stats["rw-golongan"] == calls["rw-golongan"] + 1
    assert sim.stats["rw-jabatan"] == calls["rw-jabatan"]


def test_both_headers_sent_exactly(loaded: Container, world: World, sim: SiasnSimulator) -> None:
    """Every apisiasn call carries Authorization: Bearer <APIM> and Auth: bearer <SSO>."""
    sinkron(loaded, staff_nip(world))
    headers = sim.seen_headers[-1]
    assert headers["authorization"].startswith("Bearer ")
    assert headers["auth"].startswith("bearer ey")
    assert headers["authorization"].split()[1] != headers["auth"].split()[1]
