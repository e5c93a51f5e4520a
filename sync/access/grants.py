"""Units granted to operators (``ekinerja-sync operator grant``): a BKD operator covering the
whole instansi, say. ``sync.access.rules`` adds them to the operator's own unit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.limits import ACTOR_MAX, UNOR_ID_MAX, check_text
from mappings.messages import t
from store.models import OperatorGrant, Unit
from sync.access.common import now


class AccessError(ValueError):
    """A grant that cannot be made or taken back; the message says why."""


def grant_unit(session: Session, nip: str, unit_id: str, *, by: str) -> None:
    """Let operator ``nip`` administer ``unit_id`` and every unit under it."""
    check_text(by, path="oleh", min_length=1, max_length=ACTOR_MAX)
    check_text(unit_id, path="unor_id", min_length=1, max_length=UNOR_ID_MAX)
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.aktif:
        raise AccessError(t("guards.grant_unit_unknown"))
    if session.get(OperatorGrant, (nip, unit_id)) is None:
        session.add(OperatorGrant(nip=nip, unit_id=unit_id, granted_by=by, granted_at=now()))


def revoke_unit(session: Session, nip: str, unit_id: str) -> None:
    """Take a granted unit back from operator ``nip``."""
    check_text(unit_id, path="unor_id", min_length=1, max_length=UNOR_ID_MAX)
    row = session.get(OperatorGrant, (nip, unit_id))
    if row is None:
        raise AccessError(t("guards.grant_missing", nip=nip))
    session.delete(row)


def list_grants(session: Session) -> list[OperatorGrant]:
    """Every grant, by operator then unit."""
    return list(session.scalars(select(OperatorGrant).order_by(OperatorGrant.nip, OperatorGrant.unit_id)))
