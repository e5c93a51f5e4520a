"""Upstream corrections to propose ("usulan perbaikan data SIASN"): local values kept by an admin.

Each is a conflict decided "pertahankan lokal", or "tetapkan nilai" with a value SIASN does not
hold: SIASN's value is wrong and the operator files a correction in SIASN. Listed and exported
grouped by unit so each unit's requests go together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Conflict, Pegawai, Unit
from sync import clock
from sync.authority import label
from sync.konflik.decide import Resolution
from sync.konflik.export import Column
from sync.konflik.lifecycle import siasn_value
from sync.konflik.scope import Scope
from sync.unor.index import unit_index

FILE_COLUMNS = (
    Column("unit_id", "ekspor.unit_id", "id"),
    Column("unit_nama", "ekspor.unit_nama"),
    Column("unit_jalur", "ekspor.unit"),
    Column("nip", "ekspor.nip", "id"),
    Column("nama", "ekspor.nama"),
    Column("field", "ekspor.field"),
    Column("field_label", "ekspor.elemen"),
    Column("nilai_siasn", "ekspor.nilai_siasn_kode"),
    Column("nilai_siasn_tampil", "ekspor.nilai_siasn"),
    Column("nilai_usulan", "ekspor.nilai_usulan_kode"),
    Column("nilai_usulan_tampil", "ekspor.nilai_usulan"),
    Column("alasan", "ekspor.alasan"),
    Column("diputuskan_oleh", "ekspor.diputuskan_oleh"),
    Column("diputuskan_pada", "ekspor.diputuskan_pada", "time"),
    Column("konflik_id", "ekspor.konflik_id", "number"),
)
"""Every column, for machine files (CSV): its key heads the column."""
COLUMNS = tuple(column.key for column in FILE_COLUMNS)
SHEET_COLUMNS = tuple(
    column
    for column in FILE_COLUMNS
    if column.key not in ("unit_id", "unit_nama", "field", "nilai_siasn", "nilai_usulan")
)
"""The columns a person reads in the XLSX: units by path, fields by label, values as shown."""


@dataclass(frozen=True)
class Usulan:
    """One correction to file in SIASN: the field, SIASN's value and the value to propose."""

    unit_id: str | None
    unit_nama: str | None
    nip: str
    nama: str | None
    field: str
    field_label: str
    nilai_siasn: Any
    nilai_usulan: Any
    alasan: str | None
    diputuskan_oleh: str | None
    diputuskan_pada: datetime | None
    konflik_id: int
    unit_jalur: str | None = None
    nilai_siasn_tampil: Any = None
    nilai_usulan_tampil: Any = None

    def as_dict(self, tz: tzinfo = UTC) -> dict[str, Any]:
        """JSON-ready mapping (times as ISO 8601 with the offset of ``tz``)."""
        data = asdict(self)
        data["diputuskan_pada"] = clock.iso(self.diputuskan_pada, tz)
        return data


def list_usulan(session: Session, scope: Scope, unit: str | None = None) -> list[Usulan]:
    """Every upstream correction in ``scope`` (optionally one unit), by unit then NIP."""
    query = (
        select(Conflict, Pegawai, Unit)
        .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
        .outerjoin(Unit, Unit.id == Pegawai.unor_id)
        .where(
            scope.pegawai_clause(),
            Conflict.status == "resolved",
            Conflict.resolution.in_((Resolution.KEEP_LOCAL.value, Resolution.SET_VALUE.value)),
            Conflict.kind != "skp_nilai",
        )
    )  # kept SKP ratings are pushed, not proposed
    if unit:
        query = query.where(Pegawai.unor_id == unit)
    found = session.execute(query.order_by(Pegawai.unor_id, Pegawai.nip, Conflict.id)).all()
    rows = [(c, p, u) for c, p, u in found if proposes(c)]
    index = unit_index(session)

    def shown(field: str, value: Any) -> Any:
        return index.label(value, value) if field == "unor_id" and isinstance(value, str) else value

    return [
        Usulan(
            unit_id=p.unor_id,
            unit_nama=u.nama if u else p.unor_nama,
            nip=p.nip,
            nama=p.nama,
            field=c.field,
            field_label=label(c.field),
            nilai_siasn=siasn_value(c),
            nilai_usulan=proposed(c),
            alasan=c.resolution_reason,
            diputuskan_oleh=c.resolved_by,
            diputuskan_pada=c.resolved_at,
            konflik_id=c.id,
            unit_jalur=index.label(p.unor_id, u.nama if u else p.unor_nama),
            nilai_siasn_tampil=shown(c.field, siasn_value(c)),
            nilai_usulan_tampil=shown(c.field, proposed(c)),
        )
        for c, p, u in rows
    ]


def proposed(conflict: Conflict) -> Any:
    """The value to propose: the local value kept, or the value an admin set."""
    if conflict.resolution == Resolution.KEEP_LOCAL.value and conflict.decided_value is None:
        return conflict.local_value  # decided before the decided value was recorded
    return conflict.decided_value


def proposes(conflict: Conflict) -> bool:
    """Whether a decided conflict leaves a value SIASN does not hold (a correction to file)."""
    if conflict.resolution == Resolution.KEEP_LOCAL.value:
        return True
    value = conflict.decided_value
    return value is not None and value != siasn_value(conflict)


def group_by_unit(items: list[Usulan], tz: tzinfo = UTC) -> list[dict[str, Any]]:
    """The corrections grouped by unit: ``[{unit_id, unit_nama, usulan: [...]}, ...]``."""
    groups: dict[str | None, dict[str, Any]] = {}
    for item in items:
        group = groups.setdefault(
            item.unit_id,
            {
                "unit_id": item.unit_id,
                "unit_nama": item.unit_nama,
                "unit_jalur": item.unit_jalur,
                "usulan": [],
            },
        )
        group["usulan"].append(item.as_dict(tz))
    return list(groups.values())
