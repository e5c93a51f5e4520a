"""The reconciliation's typed values: fetch results staged and read back, run statuses, reports."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mappings.messages import t
from mappings.pegawai import PegawaiRecord
from store.models import SyncRun
from sync.profil.remote import RemoteProfile
from sync.reconcile.early_guard import counts_of
from sync.reconcile.fetch import Failed, Fetched, Found, NotFound, from_item, staged_values
from sync.runs import RunReport, RunStatus

NIP = "198609262015051001"


def _round_trip(result: Fetched) -> Fetched:
    values = staged_values(result, 1.0)
    return from_item(values["state"], values.get("snapshot"), values.get("error"))


def test_each_fetch_result_comes_back_from_its_staged_item() -> None:
    """Found, NotFound and Failed (with its reason) survive staging on a run item unchanged."""
    found = Found(
        RemoteProfile(PegawaiRecord(nip=NIP, pns_id="p1", nama="Siti", tanggal_lahir=date(1986, 9, 26)))
    )
    assert _round_trip(found) == found
    assert _round_trip(NotFound()) == NotFound()
    assert _round_trip(Failed("SIASN 503")) == Failed("SIASN 503")
    assert staged_values(Failed("x"), 1.0) == {"state": "failed", "error": "x"}


def test_results_never_applied_count_as_failed_and_missing() -> None:
    """A run stopped before applying counts failed fetches and NIPs SIASN does not know."""
    counts = counts_of(
        [Failed("a"), Failed("b"), NotFound(), Found(RemoteProfile(PegawaiRecord(nip=NIP, pns_id="p1")))]
    )
    assert (counts["failed"], counts["missing"], counts["updated"]) == (2, 1, 0)


def test_every_run_status_is_the_stored_string_and_has_a_label() -> None:
    """Statuses are the strings stored in ``sync_run.status``, each with an Indonesian label."""
    assert RunStatus("held") is RunStatus.HELD and str(RunStatus.HELD) == "held"
    for status in RunStatus:
        assert t(f"console.run_status_{status.value}")


def test_the_report_of_a_stored_run_is_its_json() -> None:
    """One report serves every surface: plain strings, ISO times with an offset, empty maps."""
    at = datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    run = SyncRun(
        id="r1",
        kind="reconcile",
        status="held",
        phase="guard",
        dry_run=False,
        counts=None,
        calls=4,
        failed=0,
        conflicts_opened=0,
        guard_reason="alasan",
        started_at=at,
    )
    report = RunReport.of(run)
    assert report.status is RunStatus.HELD
    data = report.to_json()
    assert type(data["status"]) is str and data["status"] == "held"
    assert data["counts"] == {} and data["unit_changes"] == {} and data["integrity"] == {}
    assert data["started_at"] == "2026-12-07T01:02:03+00:00" and data["finished_at"] is None
    assert list(data) == [
        "run_id",
        "kind",
        "status",
        "phase",
        "dry_run",
        "counts",
        "calls",
        "failed",
        "conflicts_opened",
        "duration_s",
        "guard_reason",
        "unit_changes",
        "integrity",
        "started_at",
        "finished_at",
    ]
