"""The fault matrix of issue 17 in one place: jobs x fault classes -> the outcome each cell expects.

Outcomes:

- ``completed``: the run ends as the fault-free run does, in the same run (retries hid the fault).
- ``retry_later``: the run ends, the failed part is recorded with a reason (failed item, uncertain
  push, ref-unor failure in the report), and a rerun converges to the fault-free result.
- ``stopped``: the run stops cleanly (a typed error or a stopped/aborted run with a reason),
  nothing half-applied, and a rerun converges to the fault-free result.
- ``stopped_if_full`` (the full disk only): ``stopped`` when a write needed a new page, else
  ``completed`` (a write that fits in the file's existing pages succeeds on a full disk too,
  so which one happens depends on the page layout of the copy); the cell asserts the outcome
  that matches what the database reported.
- ``n/a: ...``: the job never meets this fault; the cell still arms it and checks that it was
  never served and the run ended as the fault-free run does.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPLETED = "completed"
RETRY_LATER = "retry_later"
STOPPED = "stopped"
STOPPED_IF_FULL = "stopped_if_full"
NA = "n/a"

JOBS = ("sinkron", "reconcile", "pmm_feed", "skp_push")

# fault: (Sinkron SIASN one NIP, nightly reconciliation, PMM feed (HTTP), SKP push)
MATRIX: dict[str, tuple[str, str, str, str]] = {
    "5xx_burst": (RETRY_LATER, COMPLETED, STOPPED, RETRY_LATER),
    "429_retry_after": (COMPLETED, COMPLETED, COMPLETED, RETRY_LATER),
    "429_no_retry_after": (COMPLETED, COMPLETED, COMPLETED, RETRY_LATER),
    "read_timeout": (COMPLETED, COMPLETED, COMPLETED, RETRY_LATER),
    "connection_reset": (COMPLETED, COMPLETED, COMPLETED, RETRY_LATER),
    "truncated_json": (RETRY_LATER, RETRY_LATER, STOPPED, RETRY_LATER),
    "html_gateway_page": (RETRY_LATER, RETRY_LATER, STOPPED, RETRY_LATER),
    "code0_at_200": (RETRY_LATER, RETRY_LATER, STOPPED, RETRY_LATER),
    "unknown_new_fields": (COMPLETED, COMPLETED, COMPLETED, COMPLETED),
    "field_type_changed": (RETRY_LATER, RETRY_LATER, COMPLETED, COMPLETED),
    "apim_token_expired": (COMPLETED, COMPLETED, COMPLETED, COMPLETED),
    "sso_token_revoked": (COMPLETED, COMPLETED, NA, COMPLETED),
    "both_tokens_refused": (COMPLETED, COMPLETED, NA, COMPLETED),
    "ref_unor_failing": (NA, RETRY_LATER, NA, NA),
    "db_restart_postgresql": (COMPLETED, COMPLETED, COMPLETED, COMPLETED),
    "db_locked_sqlite": (COMPLETED, COMPLETED, COMPLETED, COMPLETED),
    "disk_full_sqlite": (STOPPED_IF_FULL, STOPPED, STOPPED_IF_FULL, STOPPED_IF_FULL),
}

WHY_NA = {
    ("sso_token_revoked", "pmm_feed"): "PMM has one token (its expiry is the apim_token_expired row)",
    ("both_tokens_refused", "pmm_feed"): "PMM has one token, there is no second one to refuse",
    ("ref_unor_failing", "sinkron"): "Sinkron SIASN reads no ref-unor (the nightly run keeps the tree)",
    ("ref_unor_failing", "pmm_feed"): "the PMM feed calls PMM only",
    ("ref_unor_failing", "skp_push"): "the SKP push reads and posts SKP rows only",
}

# The simulator fault kinds (``simulators/faults.py``) each SIASN/PMM fault class scripts.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "5xx_burst": ("500", "503", "502", "500", "503"),  # one more than the 4 attempts
    "429_retry_after": ("429",),
    "429_no_retry_after": ("429_bare",),
    "read_timeout": ("timeout",),
    "connection_reset": ("reset",),
    "truncated_json": ("malformed",),
    "html_gateway_page": ("html",),
    "code0_at_200": ("code0",),
    "unknown_new_fields": ("extra_fields",),
    "field_type_changed": ("type_changed",),
    "apim_token_expired": ("apim_expire",),
    "sso_token_revoked": ("sso_revoke",),
    "both_tokens_refused": ("restart",),
    "ref_unor_failing": ("503",) * 8,  # every attempt of the call, twice over
}
DATABASE_FAULTS = ("db_restart_postgresql", "db_locked_sqlite", "disk_full_sqlite")


@dataclass(frozen=True)
class Target:
    """Where a job's fault is served: which simulator, which calls, after how many good ones."""

    server: str  # "siasn" or "pmm"
    path: str
    after: int = 0


# Mid-run: the reconciliation's fault comes after a few employees were fetched; the push's at
# its first save (the calls that must never be doubled); the feed's at its second page read.
TARGETS = {
    "sinkron": Target("siasn", "data-utama"),
    "reconcile": Target("siasn", "data-utama", after=3),
    "pmm_feed": Target("pmm", "/hasil", after=1),
    "skp_push": Target("siasn", "kinerjaperiodik/save"),
}
REF_UNOR = Target("siasn", "ref-unor")


def expected(fault: str, job: str) -> str:
    """The outcome the table gives this cell."""
    return MATRIX[fault][JOBS.index(job)]


def target(fault: str, job: str) -> Target:
    """Where the cell's fault is served."""
    return REF_UNOR if fault == "ref_unor_failing" else TARGETS[job]


def backend(fault: str) -> str:
    """The store a cell runs on: PostgreSQL for its restart, SQLite for everything else."""
    return "postgresql" if fault == "db_restart_postgresql" else "sqlite"


def cells() -> list[tuple[str, str]]:
    """Every (job, fault) pair of the table, n/a ones included."""
    return [(job, fault) for fault in MATRIX for job in JOBS]
