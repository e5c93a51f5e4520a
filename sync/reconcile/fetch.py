"""Fetching one employee from SIASN, and what came back: ``Found``, ``NotFound`` or ``Failed``.

A fetch result is staged on the run's item (``state`` and ``snapshot``) so a resumed run does not
fetch it again, and read back from there by the later phases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.errors import AuthError, UpstreamError
from connectors.siasn.client import SiasnClient
from sync.fence import RunStopped
from sync.profil.remote import Known, RemoteProfile, fetch_profile
from sync.reconcile.snapshot import from_snapshot, to_snapshot


@dataclass(frozen=True)
class Found:
    """SIASN returned the employee's profile."""

    profile: RemoteProfile


@dataclass(frozen=True)
class NotFound:
    """SIASN does not know the NIP."""


@dataclass(frozen=True)
class Failed:
    """The fetch failed (retried by a later run); ``reason`` says why."""

    reason: str


Fetched = Found | NotFound | Failed


async def fetch_one(siasn: SiasnClient, nip: str, known: Known | None) -> Fetched:
    """Fetch ``nip``; credentials refused stop the run (``RunStopped``), any other upstream
    error is this employee's failure."""
    try:
        profile = await fetch_profile(siasn, nip, known)
    except AuthError as exc:
        raise RunStopped(f"kredensial SIASN ditolak: {exc}") from exc
    except UpstreamError as exc:
        return Failed(str(exc))
    return NotFound() if profile is None else Found(profile)


def remote_of(result: Found | NotFound) -> RemoteProfile | None:
    """The profile to apply: None when SIASN does not know the NIP."""
    return result.profile if isinstance(result, Found) else None


def staged_values(result: Fetched, fetched_at: float) -> dict[str, Any]:
    """The run item's columns that stage ``result``."""
    if isinstance(result, Failed):
        return {"state": "failed", "error": result.reason}
    snapshot = to_snapshot(remote_of(result))
    return {"state": "fetched", "snapshot": snapshot, "error": None, "fetched_at": fetched_at}


def from_item(state: str, snapshot: dict[str, Any] | None, error: str | None) -> Fetched:
    """A staged result back from its run item."""
    if state == "failed":
        return Failed(error or "")
    profile = from_snapshot(snapshot)
    return NotFound() if profile is None else Found(profile)
