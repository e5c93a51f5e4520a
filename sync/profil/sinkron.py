"""Sinkron SIASN for one employee: fetch (async), then merge and write in one transaction."""

from __future__ import annotations

import asyncio
import time
from datetime import tzinfo

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connectors.errors import (
    ApimAuthError,
    NotFoundError,
    PayloadError,
    SsoAuthError,
    TlsError,
    TransientError,
    UpstreamError,
)
from connectors.siasn.client import SiasnClient
from mappings.messages import t
from mappings.nip import normalize_nip
from store.db import transaction
from store.models import FieldState, Pegawai
from sync import clock
from sync.apply import StaleSnapshot, apply_profile
from sync.audit import SYSTEM_ACTOR
from sync.outcome import SinkronOutcome, Status
from sync.profil.remote import Known, RemoteProfile, fetch_profile

log = structlog.get_logger(__name__)
STALE_REFETCHES = 3  # a snapshot overtaken by a concurrent Sinkron is fetched again, this often

FAILURE_REASONS: tuple[tuple[type[UpstreamError], str], ...] = (
    (SsoAuthError, "common.upstream_sso"),
    (ApimAuthError, "common.upstream_apim"),
    (TlsError, "common.upstream_tls"),
    (TransientError, "common.upstream_transient"),
    (PayloadError, "common.upstream_payload"),
    (NotFoundError, "common.upstream_not_found"),
)


def failure_reason(exc: UpstreamError) -> str:
    """The one-line Indonesian reason shown for an upstream failure (from the catalogue)."""
    for kind, key in FAILURE_REASONS:
        if isinstance(exc, kind):
            return t(key)
    return t("common.upstream_refused")


class Sinkron:
    """The Sinkron SIASN action, shared by the CLI, the HTTP API and the demo."""

    def __init__(self, siasn: SiasnClient, sessions: sessionmaker[Session], tz: tzinfo | None = None) -> None:
        """``tz``: the display timezone of the outcome's warnings and times."""
        self._siasn = siasn
        self._sessions = sessions
        self._tz = tz or clock.default_zone()

    async def run(self, nip: str, *, actor: str = SYSTEM_ACTOR) -> SinkronOutcome:
        """Refresh ``nip`` from SIASN; raises ``NipError`` for a NIP that is not 18 digits."""
        nip = normalize_nip(nip)
        bound = log.bind(nip=nip, connector="siasn")
        for attempt in range(1, STALE_REFETCHES + 1):
            known = await asyncio.to_thread(self._known, nip)
            fetched_at = time.time()  # the snapshot is at least as new as this instant
            try:
                remote = await fetch_profile(self._siasn, nip, known)
            except UpstreamError as exc:
                bound.warning("sinkron_failed", kind=type(exc).__name__)  # the text is in the outcome
                return SinkronOutcome(
                    nip=nip, status=Status.FAILED, reason=failure_reason(exc), error=str(exc)
                )
            try:
                outcome = await asyncio.to_thread(self._apply, nip, remote, actor, fetched_at)
                break
            except StaleSnapshot as stale:
                bound.info("sinkron_stale_refetch", attempt=attempt, error=str(stale))
        else:
            return SinkronOutcome(
                nip=nip, status=Status.FAILED, reason=t("runs.sinkron_stale"), error="stale snapshot"
            )
        bound.info(
            "sinkron_done",
            status=outcome.status.value,
            applied=len(outcome.applied),
            conflicts=len(outcome.conflicts),
        )
        return outcome

    def _known(self, nip: str) -> Known | None:
        with self._sessions() as session:
            pegawai_id = session.scalar(select(Pegawai.id).where(Pegawai.nip == nip))
            if pegawai_id is None:
                return None
            rows = session.execute(
                select(FieldState.field, FieldState.base_value).where(
                    FieldState.pegawai_id == pegawai_id,
                    FieldState.field.in_(("golongan", "jabatan", "unor_id")),
                )
            ).all()
        base = {name: value for name, value in rows}
        if not base:
            return None
        return Known(base.get("golongan"), base.get("jabatan"), base.get("unor_id"))

    def _apply(self, nip: str, remote: RemoteProfile | None, actor: str, fetched_at: float) -> SinkronOutcome:
        for attempt in (1, 2):
            try:
                with transaction(self._sessions) as session:
                    return apply_profile(
                        session, nip, remote, actor=actor, fetched_at=fetched_at, tz=self._tz
                    )
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info("sinkron_concurrent_create_retry", nip=nip)
        raise AssertionError("unreachable")  # pragma: no cover
