"""Hypothesis profiles for the property tests, chosen by ``EKINERJA_HYPOTHESIS_PROFILE``.

``ci`` (the default) runs few examples so the whole property set stays well under a minute on
the 2-core machine; ``long`` runs many more, for a local soak (RELIABILITY.md, "Hostile input by
property"). Neither has a deadline: a 2-core machine shared by other jobs makes timings noisy,
and a slow example is not a wrong one. A failure prints the seed and the blob to reproduce it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "EKINERJA_HYPOTHESIS_PROFILE"
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

settings.register_profile(
    "ci",
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    print_blob=True,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "long",
    max_examples=2000,
    stateful_step_count=40,
    deadline=None,
    print_blob=True,
    suppress_health_check=_QUIET,
)


def load() -> str:
    """Load the profile the environment names (``ci`` when none); return its name."""
    name = os.environ.get(PROFILE_VARIABLE, "ci")
    settings.load_profile(name)
    return name


def examples(ci: int, cap: int | None = None) -> int:
    """``ci`` examples under the ``ci`` profile; the active profile's count under any other,
    at most ``cap`` (for a property whose example takes seconds, such as a crash)."""
    if os.environ.get(PROFILE_VARIABLE, "ci") == "ci":
        return ci
    active = settings.default
    count = max(ci, active.max_examples if active is not None else ci)
    return count if cap is None else min(cap, count)
