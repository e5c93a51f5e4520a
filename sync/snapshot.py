"""Fetched profiles as JSON, so a run can stage them and resume without refetching."""

from __future__ import annotations

from datetime import date
from typing import Any

from mappings.notices import Notice
from mappings.pegawai import PegawaiRecord
from sync.fields import FIELDS, Kind
from sync.profile import RemoteProfile

_DATES = frozenset(f.name for f in FIELDS if f.wire and f.kind is Kind.DATE)


def to_snapshot(profile: RemoteProfile | None) -> dict[str, Any] | None:
    """JSON form of a fetched profile (None: SIASN does not know the NIP)."""
    if profile is None:
        return None
    return {
        "record": profile.record.values(),
        "notices": [n.as_dict() for n in profile.notices],
        "sk_golongan": profile.sk_golongan,
        "sk_jabatan": profile.sk_jabatan,
    }


def from_snapshot(data: dict[str, Any] | None) -> RemoteProfile | None:
    """The profile back from its JSON form."""
    if data is None:
        return None
    values: dict[str, Any] = {
        k: date.fromisoformat(v) if k in _DATES and v else v for k, v in data["record"].items()
    }
    return RemoteProfile(
        record=PegawaiRecord(**values),
        notices=[Notice(n["code"], n["text"]) for n in data["notices"]],
        sk_golongan=data.get("sk_golongan"),
        sk_jabatan=data.get("sk_jabatan"),
    )
