"""Guards checked on the full plan before anything is applied (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass

from mappings.messages import t


@dataclass(frozen=True)
class GuardPolicy:
    """Thresholds, as shares of the employees in the run."""

    max_failed_share: float = 0.5
    max_missing_share: float = 0.5
    max_unit_change_share: float = 0.33
    max_deactivate_share: float = 0.10
    min_employees_for_share: int = 20
    sample_size: int = 200  # the failing/unknown guards are checked from this many fetched on


@dataclass(frozen=True)
class PlanStats:
    """What the fetched data would do if applied."""

    total: int
    failed: int
    missing: int
    unit_changes: int
    deactivations: int

    def __add__(self, other: PlanStats) -> PlanStats:
        """The stats of two parts of one plan, together."""
        return PlanStats(
            self.total + other.total,
            self.failed + other.failed,
            self.missing + other.missing,
            self.unit_changes + other.unit_changes,
            self.deactivations + other.deactivations,
        )


@dataclass(frozen=True)
class Verdict:
    """``abort``: stop, change nothing. ``hold``: stop before applying until confirmed."""

    abort: bool = False
    hold: bool = False
    reason: str | None = None


def check(stats: PlanStats, policy: GuardPolicy) -> Verdict:
    """The verdict for a plan; aborts win over holds."""
    if stats.total and stats.failed == stats.total:
        return Verdict(abort=True, reason=t("guards.all_failed", total=stats.total))
    big = stats.total >= policy.min_employees_for_share
    if big and stats.failed > policy.max_failed_share * stats.total:
        return Verdict(
            abort=True,
            reason=t(
                "guards.too_many_failed",
                failed=stats.failed,
                total=stats.total,
                limit=f"{policy.max_failed_share:.0%}",
            ),
        )
    if big and stats.missing > policy.max_missing_share * stats.total:
        return Verdict(
            abort=True,
            reason=t(
                "guards.too_many_unknown",
                missing=stats.missing,
                total=stats.total,
                limit=f"{policy.max_missing_share:.0%}",
            ),
        )
    if big and stats.unit_changes > policy.max_unit_change_share * stats.total:
        return Verdict(
            hold=True,
            reason=t(
                "guards.hold_unit_changes",
                changes=stats.unit_changes,
                total=stats.total,
                limit=f"{policy.max_unit_change_share:.0%}",
            ),
        )
    if big and stats.deactivations > policy.max_deactivate_share * stats.total:
        return Verdict(
            hold=True,
            reason=t(
                "guards.hold_deactivations",
                deactivations=stats.deactivations,
                total=stats.total,
                limit=f"{policy.max_deactivate_share:.0%}",
            ),
        )
    return Verdict()


class SampleWatch:
    """Counts fetch outcomes as they arrive and trips the abort guards early, on a sample.

    From ``sample_size`` fetched employees on (and at least ``min_employees_for_share``), a share
    of failed fetches or of NIPs SIASN does not know above the policy's limit stops the fetch at
    once instead of after the whole roster (hours at a polite rate).
    """

    def __init__(self, policy: GuardPolicy) -> None:
        self.policy = policy
        self.fetched = self.failed = self.unknown = 0
        self.tripped: str | None = None  # the reason, once tripped

    def record(self, *, failed: bool, unknown: bool) -> Verdict | None:
        """Count one fetched employee; an abort verdict once the sample says the source is bad."""
        self.fetched += 1
        self.failed += int(failed)
        self.unknown += int(unknown)
        if self.fetched < max(1, self.policy.sample_size, self.policy.min_employees_for_share):
            return None
        if self.failed > self.policy.max_failed_share * self.fetched:
            return Verdict(
                abort=True,
                reason=t(
                    "guards.sample_failed",
                    failed=self.failed,
                    fetched=self.fetched,
                    limit=f"{self.policy.max_failed_share:.0%}",
                ),
            )
        if self.unknown > self.policy.max_missing_share * self.fetched:
            return Verdict(
                abort=True,
                reason=t(
                    "guards.sample_unknown",
                    unknown=self.unknown,
                    fetched=self.fetched,
                    limit=f"{self.policy.max_missing_share:.0%}",
                ),
            )
        return None
