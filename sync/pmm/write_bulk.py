"""Many canonical SKP records -> store rows in a few statements, with ``write_skp``'s outcomes.

The same rules as ``sync.pmm.write.write_skp`` (found by source key; ``unchanged`` when the stored
rows already say what the record says; otherwise the plan replaced and each evaluation updated in
place, keeping its SIASN id and push state; one audit entry per created or updated SKP), applied
to a batch: one query for the stored SKPs of the batch and one per child table, then bulk inserts
and updates. Records that share a source key are written one by one (``write_skp``), in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from mappings.skp import SkpRecord
from store.models_skp import Evaluasi, Indikator, Observasi, Rhk, Skp
from sync import audit
from sync.pmm.write import (
    EVALUASI_FIELDS,
    PENILAI_COLUMNS,
    SKP_FIELDS,
    Written,
    comparable,
    comparable_of,
    write_skp,
)

Key = tuple[str, Any, Any, str, str]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


SKP, RHK, INDIKATOR = _table(Skp), _table(Rhk), _table(Indikator)
OBSERVASI, EVALUASI = _table(Observasi), _table(Evaluasi)


def key_of(record: SkpRecord) -> Key:
    """The source key an SKP is found by."""
    return (record.nip, record.periode_mulai, record.periode_selesai, record.source, record.source_id)


def write_many(
    session: Session,
    records: Sequence[SkpRecord],
    *,
    actor: str,
    run_id: str | None,
    pegawai: dict[str, tuple[int, str | None]],
) -> list[Written]:
    """Store ``records`` (``pegawai``: nip -> (id, unor id)); the outcome of each, in order."""
    keys = [key_of(r) for r in records]
    if len(set(keys)) != len(keys):
        return [write_skp(session, r, actor=actor, run_id=run_id) for r in records]
    session.flush()
    session.expire_all()  # rows below change behind the ORM's back
    stored = _stored(session, records)
    now = audit.now()
    outcomes: list[Written] = []
    fresh: list[SkpRecord] = []
    changed: list[tuple[int, SkpRecord]] = []
    for record, key in zip(records, keys, strict=True):
        found = stored.get(key)
        if found is not None and found[1] == comparable(record):
            outcomes.append("unchanged")
        elif found is not None:
            changed.append((found[0], record))
            outcomes.append("updated")
        else:
            fresh.append(record)
            outcomes.append("created")
    ids = _insert_skps(session, fresh, pegawai, now)
    _update_skps(session, changed, pegawai, now)
    targets = list(zip(ids, fresh, strict=True)) + changed
    _replace_plans(session, targets, [skp_id for skp_id, _ in changed])
    _merge_evaluasi(session, targets, now)
    _audit(session, fresh, changed, actor=actor, run_id=run_id, now=now)
    return outcomes


def _stored(session: Session, records: Sequence[SkpRecord]) -> dict[Key, tuple[int, Any]]:
    """Stored SKPs of the records' keys with their comparable form."""
    if not records:
        return {}
    wanted = {key_of(r) for r in records}
    rows = [
        row
        for row in session.execute(
            select(SKP).where(
                SKP.c.source.in_(sorted({r.source for r in records})),
                SKP.c.source_id.in_(sorted({r.source_id for r in records})),
            )
        )
        if (row.nip, row.periode_mulai, row.periode_selesai, row.source, row.source_id) in wanted
    ]
    if not rows:
        return {}
    ids = [row.id for row in rows]
    rhk = _grouped(session.execute(select(RHK).where(RHK.c.skp_id.in_(ids))), "skp_id")
    rhk_ids = [r.id for group in rhk.values() for r in group]
    indikator = (
        _grouped(session.execute(select(INDIKATOR).where(INDIKATOR.c.rhk_id.in_(rhk_ids))), "rhk_id")
        if rhk_ids
        else {}
    )
    observasi = _grouped(session.execute(select(OBSERVASI).where(OBSERVASI.c.skp_id.in_(ids))), "skp_id")
    evaluasi = _grouped(session.execute(select(EVALUASI).where(EVALUASI.c.skp_id.in_(ids))), "skp_id")
    found: dict[Key, tuple[int, Any]] = {}
    for row in rows:
        children = rhk.get(row.id, [])
        own = [i for r in children for i in indikator.get(r.id, [])]
        found[(row.nip, row.periode_mulai, row.periode_selesai, row.source, row.source_id)] = (
            row.id,
            comparable_of(row, children, own, observasi.get(row.id, []), evaluasi.get(row.id, [])),
        )
    return found


def _grouped(rows: Any, by: str) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(getattr(row, by), []).append(row)
    return out


def _skp_values(
    record: SkpRecord, pegawai: dict[str, tuple[int, str | None]], now: datetime
) -> dict[str, Any]:
    person = pegawai.get(record.nip)
    values: dict[str, Any] = {name: getattr(record, name) for name in SKP_FIELDS}
    values.update({column: getattr(record.penilai, name) for name, column in PENILAI_COLUMNS.items()})
    values.update(
        pegawai_id=person[0] if person else None, unor_id=person[1] if person else None, updated_at=now
    )
    return values


def _insert_skps(
    session: Session, records: list[SkpRecord], pegawai: dict[str, tuple[int, str | None]], now: datetime
) -> list[int]:
    if not records:
        return []
    params = [
        {
            **_skp_values(r, pegawai, now),
            "nip": r.nip,
            "periode_mulai": r.periode_mulai,
            "periode_selesai": r.periode_selesai,
            "source": r.source,
            "source_id": r.source_id,
            "created_at": now,
        }
        for r in records
    ]
    session.execute(insert(SKP), params)  # executemany; the ids are read back by source key
    ids = {
        (row.nip, row.periode_mulai, row.periode_selesai, row.source, row.source_id): row.id
        for row in session.execute(
            select(
                SKP.c.id, SKP.c.nip, SKP.c.periode_mulai, SKP.c.periode_selesai, SKP.c.source, SKP.c.source_id
            ).where(
                SKP.c.source.in_(sorted({r.source for r in records})),
                SKP.c.source_id.in_(sorted({r.source_id for r in records})),
            )
        )
    }
    return [ids[key_of(r)] for r in records]


def _update_skps(
    session: Session,
    changed: list[tuple[int, SkpRecord]],
    pegawai: dict[str, tuple[int, str | None]],
    now: datetime,
) -> None:
    for skp_id, record in changed:  # few on a re-run: most rows are unchanged
        session.execute(update(SKP).where(SKP.c.id == skp_id).values(**_skp_values(record, pegawai, now)))


def _replace_plans(session: Session, targets: list[tuple[int, SkpRecord]], replaced: list[int]) -> None:
    if replaced:
        session.execute(delete(RHK).where(RHK.c.skp_id.in_(replaced)))
        session.execute(delete(OBSERVASI).where(OBSERVASI.c.skp_id.in_(replaced)))
    plans = [(skp_id, rhk) for skp_id, record in targets for rhk in record.rhk]
    if plans:
        done = session.execute(
            insert(RHK).returning(RHK.c.id, sort_by_parameter_order=True),
            [
                {
                    "skp_id": skp_id,
                    "source_key": r.source_key,
                    "urutan": r.urutan,
                    "jenis": r.jenis,
                    "klasifikasi": r.klasifikasi,
                    "kategori": r.kategori,
                    "uraian": r.uraian,
                    "intervensi_atasan": r.intervensi_atasan,
                }
                for skp_id, r in plans
            ],
        )
        indikator = [
            {"rhk_id": row.id, **ind.model_dump()}
            for row, (_, rhk) in zip(done, plans, strict=True)
            for ind in rhk.indikator
        ]
        if indikator:
            session.execute(insert(INDIKATOR), indikator)
    observasi = [
        {"skp_id": skp_id, **obs.model_dump()} for skp_id, record in targets for obs in record.observasi
    ]
    if observasi:
        session.execute(insert(OBSERVASI), observasi)


def _merge_evaluasi(session: Session, targets: list[tuple[int, SkpRecord]], now: datetime) -> None:
    ids = [skp_id for skp_id, _ in targets]
    existing = (
        {
            (row.skp_id, row.jenis_periode, row.angka_periode): row
            for row in session.execute(
                select(
                    EVALUASI.c.id,
                    EVALUASI.c.skp_id,
                    EVALUASI.c.jenis_periode,
                    EVALUASI.c.angka_periode,
                    EVALUASI.c.status_evaluasi,
                    EVALUASI.c.siasn_id,
                ).where(EVALUASI.c.skp_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    inserts: list[dict[str, Any]] = []
    for skp_id, record in targets:
        for item in record.evaluasi:
            row = existing.get((skp_id, item.jenis_periode, item.angka_periode))
            values: dict[str, Any] = {name: getattr(item, name) for name in EVALUASI_FIELDS}
            values.update({column: getattr(item.penilai, name) for name, column in PENILAI_COLUMNS.items()})
            values.update(source_updated_at=record.source_updated_at, updated_at=now)
            sent = row is not None and row.status_evaluasi == "TERKIRIM_SIASN"
            if sent and item.status_evaluasi == "DINILAI":  # a push already took it to SIASN
                values["status_evaluasi"] = "TERKIRIM_SIASN"
            if item.siasn_id is not None:
                values["siasn_id"] = item.siasn_id
            if row is not None:
                session.execute(update(EVALUASI).where(EVALUASI.c.id == row.id).values(**values))
                continue
            inserts.append(
                {
                    **values,
                    "skp_id": skp_id,
                    "jenis_periode": item.jenis_periode,
                    "angka_periode": item.angka_periode,
                    "siasn_id": item.siasn_id,
                    "push_state": "tidak_dikirim",
                    "push_attempts": 0,
                }
            )
    if inserts:
        session.execute(insert(EVALUASI), inserts)


def _audit(
    session: Session,
    fresh: list[SkpRecord],
    changed: list[tuple[int, SkpRecord]],
    *,
    actor: str,
    run_id: str | None,
    now: datetime,
) -> None:
    entries = [("skp_dibuat", r) for r in fresh] + [("skp_diperbarui", r) for _, r in changed]
    if entries:
        audit.record_many(
            session,
            [
                {
                    "at": now,
                    "actor": actor,
                    "action": action,
                    "pegawai_nip": r.nip,
                    "field": f"skp:{r.source}:{r.source_id}",
                    "old_value": None,
                    "new_value": {"tahun": r.tahun, "status_rencana": r.status_rencana},
                    "reason": None,
                    "run_id": run_id,
                }
                for action, r in entries
            ],
        )
