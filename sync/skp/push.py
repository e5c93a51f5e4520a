"""Push the instansi's own SKP results to SIASN, each exactly once.

Candidates are rated evaluations that did not come from SIASN, have no SIASN id yet and no open
feed problem. For each person the push first reads ``rw-skp22`` / ``rw-kinerjaperiodik``: a row
SIASN already holds for the period is adopted (same rating) or reported (different rating), never
posted again. A different rating becomes a conflict for an admin (``sync.skp.konflik``), reported
once: the push leaves the evaluation alone while it is undecided, and after "keep local" sends it
as an update of that SIASN row. Only then is the evaluation marked ``menunggu`` (committed), posted, and the
returned id stored. A crash or timeout between the post and the store leaves ``menunggu`` or
``tidak_pasti`` without an id; the next push reads first and adopts the row the server saved.
Single-flight through the ``skp_push`` lease.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.errors import AuthError, PayloadError, TransientError, UpstreamError
from connectors.siasn.models import KinerjaPeriodikSave, RwKinerjaPeriodik, RwSkp22, Skp22Save
from mappings.messages import t
from mappings.skp_siasn import find_remote
from store.db import transaction
from store.models import SyncRun
from store.models_skp import Evaluasi
from sync import audit, runs
from sync.clock import aware as aware_start
from sync.runs import RunStatus
from sync.skp import konflik
from sync.skp.candidates import Candidate, load_candidates
from sync.skp.remote import held_for_period

KIND = "skp_push"
COUNTS = ("candidates", "sent", "adopted", "planned", "konflik", "uncertain", "skipped", "failed")
POSTED = ("menunggu", "tidak_pasti")  # an attempt of ours posted the row; its answer was not stored
log = structlog.get_logger(__name__)


class SkpWriter(Protocol):
    """The SIASN calls the push needs (reads before writes)."""

    async def rw_skp22(self, nip: str) -> list[RwSkp22]:
        """Annual results SIASN holds for ``nip``."""
        ...

    async def rw_kinerjaperiodik(self, nip: str) -> list[RwKinerjaPeriodik]:
        """Periodic ratings SIASN holds for ``nip``."""
        ...

    async def save(self, body: Skp22Save | KinerjaPeriodikSave) -> str:
        """Post a result (annual or periodic); the id SIASN returned (never retried)."""
        ...


@dataclass
class PushReport:
    """Counts and one line per evaluation that was not simply sent."""

    counts: Counter[str] = field(default_factory=lambda: Counter({c: 0 for c in COUNTS}))
    items: list[dict[str, Any]] = field(default_factory=list)

    def note(
        self, outcome: str, candidate: Candidate, detail: str | None = None, siasn_id: str | None = None
    ) -> None:
        """Count an outcome and keep its line."""
        self.counts[outcome] += 1
        self.items.append(
            {
                "nip": candidate.nip,
                "nama": candidate.nama,
                "periode": candidate.periode.key,
                "hasil": outcome,
                "siasn_id": siasn_id,
                "keterangan": detail,
            }
        )


class SkpPush:
    """One push run (or a dry run: the plan, reading SIASN but writing nothing)."""

    def __init__(
        self,
        siasn: SkpWriter,
        sessions: sessionmaker[Session],
        *,
        dry_run: bool = False,
        actor: str = "kirim-skp",
    ) -> None:
        self.siasn = siasn
        self.sessions = sessions
        self.dry_run = dry_run
        self.actor = actor
        self.run_id = uuid.uuid4().hex[:16]
        self._lease: runs.Lease | None = None
        self.report = PushReport()

    async def run(self) -> dict[str, Any]:
        """Push every candidate; returns the report."""
        if not self.dry_run:
            await asyncio.to_thread(self._begin)
        status, reason = RunStatus.COMPLETED, None
        try:
            candidates = await asyncio.to_thread(self._candidates)
            self.report.counts["candidates"] = len(candidates)
            by_nip: dict[str, list[Candidate]] = {}
            for candidate in candidates:
                by_nip.setdefault(candidate.nip, []).append(candidate)
            for nip, items in by_nip.items():
                await self._push_person(nip, items)
        except AuthError as exc:
            status, reason = RunStatus.STOPPED, t("skp.error.credentials", source="SIASN", detail=str(exc))
        except BaseException as exc:  # a push that died is never recorded as completed
            status, reason = (
                RunStatus.FAILED,
                t("skp.error.interrupted", detail=f"{type(exc).__name__}: {exc}"[:300]),
            )
            raise
        finally:
            if not self.dry_run:
                await asyncio.to_thread(self._finish, status, reason)
        return self._summary(status if not self.dry_run else RunStatus.DRY_RUN, reason)

    def _candidates(self) -> list[Candidate]:
        with self.sessions() as session:
            waiting = konflik.active_fields(session)  # reported once, decided by an admin
            return [
                c for c in load_candidates(session) if (c.nip, konflik.field_of(c.periode.key)) not in waiting
            ]

    async def _push_person(self, nip: str, items: list[Candidate]) -> None:
        for candidate in items:
            if candidate.problem is not None:
                self.report.note("skipped", candidate, candidate.problem)
        items = [c for c in items if c.problem is None]
        if not items:
            return
        rows = await self._remote_rows(nip, items)
        for index, candidate in enumerate(items):
            if rows is None:  # SIASN could not be read: nothing more is posted for this person
                return
            same = find_remote(candidate.record, rows)
            if same is not None:
                await asyncio.to_thread(self._adopt, candidate, same)
                continue
            other = held_for_period(candidate.record, rows)
            replace = (
                None if other is None else await asyncio.to_thread(self._replace_target, candidate, other)
            )
            if other is not None and replace is None:
                await asyncio.to_thread(self._refuse, candidate, other)
            elif self.dry_run:
                self.report.note("planned", candidate)
            elif await self._post(candidate, replace) and index + 1 < len(items):
                # another source may carry the same rating: read again so it is adopted
                rows = await self._remote_rows(nip, items[index + 1 :])

    async def _remote_rows(
        self, nip: str, items: list[Candidate]
    ) -> list[RwSkp22 | RwKinerjaPeriodik] | None:
        """What SIASN holds for ``nip`` (None, with the items failed, when it cannot be read)."""
        try:
            skp22 = await self.siasn.rw_skp22(nip)
            periodik = await self.siasn.rw_kinerjaperiodik(nip)
        except AuthError:
            raise
        except UpstreamError as exc:
            for candidate in items:
                self.report.note("failed", candidate, str(exc))
            return None
        return [*skp22, *periodik]

    def _adopt(self, candidate: Candidate, siasn_id: str) -> None:
        """SIASN already holds this rating for the period: take its id, post nothing."""
        if not self.dry_run:
            self._store_id(candidate, siasn_id, adopted=True)
        self.report.note("adopted", candidate, None, siasn_id)

    def _replace_target(self, candidate: Candidate, other: RwSkp22 | RwKinerjaPeriodik) -> str | None:
        with self.sessions() as session:
            return konflik.replace_target(session, candidate.nip, candidate.periode.key, other)

    def _refuse(self, candidate: Candidate, other: RwSkp22 | RwKinerjaPeriodik) -> None:
        """SIASN holds another rating for the period: never post a second one; a conflict for
        an admin (opened once; the push leaves the evaluation alone until it is decided)."""
        detail = t(
            "skp.rule.siasn_berbeda.reason",
            periode=candidate.periode.key,
            hasil=other.hasil_kinerja_nilai,
            perilaku=other.perilaku_kerja_nilai,
        )
        if self.dry_run:
            self.report.note("konflik", candidate, detail, other.id)
            return
        record = candidate.record
        local = konflik.local_side(
            candidate.evaluasi_id, record.rating_hasil_kerja, record.rating_perilaku_kerja, record.predikat
        )
        with transaction(self.sessions) as session:
            runs.hold(session, self._held())
            opened = konflik.raise_for(
                session,
                nip=candidate.nip,
                periode_key=candidate.periode.key,
                local=local,
                row=other,
                actor=self.actor,
                run_id=self.run_id,
            )
            row = session.get_one(Evaluasi, candidate.evaluasi_id)
            row.push_state, row.push_error = "gagal", detail
        if opened is None:  # no local employee to hang it on: a plain failure, as before
            self.report.note("failed", candidate, detail, other.id)
        else:
            self.report.note("konflik", candidate, t("skp.push.konflik", id=opened.id), other.id)

    async def _post(self, candidate: Candidate, replace: str | None = None) -> bool:
        """Mark sending, post (as an update of SIASN's row ``replace`` after an admin kept the
        local rating), store the id; True when SIASN may now hold the rating."""
        if not await asyncio.to_thread(self._claim, candidate):
            self.report.note("skipped", candidate, t("skp.push.claimed"))
            return False
        if candidate.body is None:  # a candidate without one has a problem, never reaches here
            raise RuntimeError(f"no SIASN body for {candidate.nip}")
        body = candidate.body if replace is None else candidate.body.model_copy(update={"id": replace})
        try:
            siasn_id = await self.siasn.save(body)
        except AuthError:
            raise
        except (TransientError, PayloadError, TimeoutError) as exc:  # it may have saved
            await asyncio.to_thread(
                self._mark, candidate.evaluasi_id, push_state="tidak_pasti", push_error=str(exc)
            )
            self.report.note("uncertain", candidate, str(exc))
            return True
        except UpstreamError as exc:
            await asyncio.to_thread(
                self._mark, candidate.evaluasi_id, push_state="gagal", push_error=str(exc)
            )
            self.report.note("failed", candidate, str(exc))
            return False
        await asyncio.to_thread(self._store_id, candidate, siasn_id, adopted=False)
        self.report.note("sent", candidate, None, siasn_id)
        return True

    # store -----------------------------------------------------------------------------
    def _claim(self, candidate: Candidate) -> bool:
        """Mark the row ``menunggu`` (committed before the post) unless another run moved it."""
        with transaction(self.sessions) as session:
            runs.hold(session, self._held())  # a push whose lease was taken over posts nothing
            claimed = session.execute(
                update(Evaluasi)
                .where(
                    Evaluasi.id == candidate.evaluasi_id,
                    Evaluasi.siasn_id.is_(None),
                    Evaluasi.push_attempts == candidate.attempts,
                    Evaluasi.push_state != "dikirim",
                )
                .values(
                    push_state="menunggu", push_attempts=candidate.attempts + 1, push_attempted_at=audit.now()
                )
            )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    def _held(self) -> runs.Lease:
        if self._lease is None:
            raise RuntimeError("the push lease is not held")
        return self._lease

    def _mark(self, evaluasi_id: int, **values: Any) -> None:
        with transaction(self.sessions) as session:
            row = session.get_one(Evaluasi, evaluasi_id)
            for name, value in values.items():
                setattr(row, name, value)

    def _store_id(self, candidate: Candidate, siasn_id: str, *, adopted: bool) -> None:
        with transaction(self.sessions) as session:
            row = session.get_one(Evaluasi, candidate.evaluasi_id)
            ours = row.push_attempts > 0 and row.push_state in POSTED  # killed or lost after posting
            held = session.scalar(
                select(Evaluasi.id).where(Evaluasi.siasn_id == siasn_id, Evaluasi.id != row.id)
            )
            row.siasn_id = None if held else siasn_id
            row.push_state, row.status_evaluasi = "dikirim", "TERKIRIM_SIASN"
            row.pushed_at, row.push_error = (
                audit.now(),
                (t("skp.push.held", siasn_id=siasn_id) if held else None),
            )
            audit.record(
                session,
                actor=self.actor,
                action="skp_diadopsi" if adopted and not ours else "skp_dikirim",
                nip=candidate.nip,
                field=f"evaluasi:{candidate.periode.key}",
                new=siasn_id,
                run_id=self.run_id,
            )

    # run -------------------------------------------------------------------------------
    def _begin(self) -> None:
        self._lease = runs.acquire(self.sessions, KIND, self.run_id)
        with transaction(self.sessions) as session:
            session.add(
                SyncRun(
                    id=self.run_id,
                    kind=KIND,
                    status=RunStatus.RUNNING,
                    phase="push",
                    dry_run=False,
                    counts={},
                    calls=0,
                    failed=0,
                    conflicts_opened=0,
                    started_at=audit.now(),
                )
            )

    def _finish(self, status: RunStatus, reason: str | None) -> None:
        try:
            with transaction(self.sessions) as session:
                run = session.get_one(SyncRun, self.run_id)
                run.status, run.phase, run.guard_reason = status, "done", reason
                run.counts, run.failed = dict(self.report.counts), self.report.counts["failed"]
                run.finished_at = audit.now()
                started = aware_start(run.started_at) or run.finished_at
                run.duration_s = round((run.finished_at - started).total_seconds(), 3)
        finally:
            if self._lease is not None:
                runs.release(self.sessions, self._lease)
        log.info("skp_push_finished", run_id=self.run_id, status=status, counts=dict(self.report.counts))

    def _summary(self, status: RunStatus, reason: str | None) -> dict[str, Any]:
        return {
            "run_id": None if self.dry_run else self.run_id,
            "kind": KIND,
            "status": status.value,
            "dry_run": self.dry_run,
            "reason": reason,
            "counts": dict(self.report.counts),
            "items": self.report.items,
        }
