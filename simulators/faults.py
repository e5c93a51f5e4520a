"""Fault injection for the simulators: latency, random faults by rate, and scripted faults."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from random import Random

KINDS = (
    "404",
    "500",
    "502",
    "503",
    "429",
    "timeout",
    "reset",
    "malformed",
    "html",
    "apim_401",
    "sso_expired",
)


@dataclass
class FaultPlan:
    """What goes wrong: ``latency`` seconds per call, ``rates`` kind -> probability, a script."""

    latency: float = 0.0
    rates: dict[str, float] = field(default_factory=dict)
    retry_after: int = 1
    timeout_seconds: float = 30.0
    seed: int = 0
    _script: deque[tuple[str, str]] = field(default_factory=deque)
    _rng: Random = field(default_factory=Random)

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
        self._rng.seed(self.seed)

    def script(self, *kinds: str, path: str = "") -> None:
        """Make the next calls whose path (with ``?query``) contains ``path`` fail with ``kinds``."""
        for kind in kinds:
            if kind not in KINDS:
                raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
            self._script.append((kind, path))

    def clear(self) -> None:
        """No more faults or latency."""
        self._script.clear()
        self.rates.clear()
        self.latency = 0.0

    def next_fault(self, path: str) -> str | None:
        """The fault for this call, if any: the first matching scripted one, else by rate."""
        for index, (kind, needle) in enumerate(self._script):
            if needle in path:
                del self._script[index]
                return kind
        roll = self._rng.random()
        for kind, rate in self.rates.items():
            if roll < rate:
                return kind
            roll -= rate
        return None
