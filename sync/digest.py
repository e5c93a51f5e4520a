"""The digest of a SIASN record as applied: what lets a night skip re-applying an unchanged one.

``snapshot_digest`` is the sha256 of a canonical JSON of the mapped record (every field, in its
JSON form, keys sorted): exactly what an apply merges, checks for a departure and derives the
unit name from. An apply stores it on the employee (``Pegawai.siasn_digest``) only when applying
the same record again would change nothing: every merged field then has its merge base equal to
the record's value and equal to the local value, nothing diverged and no conflict is open
(``settled_digest``). Whatever could make a re-apply do something clears it: a local edit, a
decided conflict, a NIP SIASN no longer knows, an apply that kept a local value or raised a
conflict. The night's fast path (``sync.reconcile.unchanged``) still checks the conditions it
can read in the same query, the digest standing in for the merge bases.
"""

from __future__ import annotations

import hashlib
import json

from mappings.pegawai import PegawaiRecord


def snapshot_digest(record: PegawaiRecord) -> str:
    """The sha256 (hex) of ``record`` in canonical JSON form."""
    text = json.dumps(record.values(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def settled_digest(record: PegawaiRecord, *, settled: bool) -> str | None:
    """What an apply stores: the record's digest when a re-apply would be a no-op, else None."""
    return snapshot_digest(record) if settled else None
