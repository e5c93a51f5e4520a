"""The request budget of a credential kept in PostgreSQL, so every process draws from one.

One ``UPDATE ... RETURNING`` per request decides and records (GCRA on the row's arrival times,
locked ``FOR UPDATE`` and read with the database's ``clock_timestamp()`` once the lock is held,
so the processes' clocks do not matter); a grant may fall a fraction of an interval ahead (the
caller sleeps until then: requests are spaced when sent); a refusal changes nothing and says
how long to wait. It answers the ``Ledger`` protocol of
``connectors.factory`` by shape (the store does not import the connectors).
"""

from __future__ import annotations

import threading
from typing import Protocol

from sqlalchemy import Engine, text

CREATE = text("INSERT INTO rate_budget (credential) VALUES (:key) ON CONFLICT DO NOTHING")
DECIDE = text(
    """
WITH old AS (
    SELECT * FROM rate_budget WHERE credential = :key FOR UPDATE
), timed AS (
    SELECT old.*, extract(epoch FROM clock_timestamp())::float8 AS now FROM old
), calc AS (
    SELECT timed.*, greatest(
        now, paused_until, tat - :tolerance,
        CASE WHEN :background THEN background_tat - :slow_tolerance ELSE now END
    ) AS eligible
    FROM timed
), decided AS (
    SELECT calc.*, eligible <= now + :horizon AS go FROM calc
)
UPDATE rate_budget AS b SET
    tat = CASE WHEN d.go THEN greatest(d.tat, d.eligible) + :interval ELSE d.tat END,
    background_tat = CASE WHEN d.go AND :background
        THEN greatest(d.background_tat, d.eligible) + :slow ELSE d.background_tat END,
    granted_at = CASE WHEN d.go THEN d.eligible ELSE d.granted_at END
FROM decided AS d
WHERE b.credential = d.credential
RETURNING d.go, d.eligible - d.now
"""
)
PAUSE = text(
    "UPDATE rate_budget SET paused_until = "
    "greatest(paused_until, extract(epoch FROM clock_timestamp())::float8 + :seconds) "
    "WHERE credential = :key"
)


class BudgetAsk(Protocol):
    """What the ledger is asked (``connectors.factory.Ask``)."""

    @property
    def key(self) -> str:
        """The credential."""

    @property
    def background(self) -> bool:
        """True for a lane that may not use the reserved share."""

    @property
    def rate(self) -> float:
        """Requests per second now."""

    @property
    def share(self) -> float:
        """The reserved share (0 for the interactive lane)."""

    @property
    def burst(self) -> int:
        """Requests that may go at once."""

    @property
    def horizon(self) -> float:
        """A grant may come this many seconds ahead (the round trip is not lost)."""


class PostgresLedger:
    """Arrival times in the ``rate_budget`` row of each credential."""

    shared_across_processes = True

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError(f"the shared budget needs PostgreSQL, not {engine.dialect.name}")
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def decide(self, ask: BudgetAsk) -> tuple[bool, float]:
        """(True, seconds until the granted request may go: recorded in the row), or (False,
        seconds to wait before asking again: the row unchanged)."""
        self._ensure(ask.key)
        interval = 1.0 / ask.rate
        slow = 1.0 / (ask.rate * (1.0 - ask.share))
        params = {
            "key": ask.key,
            "background": ask.background,
            "interval": interval,
            "tolerance": (ask.burst - 1) * interval,
            "slow": slow,
            "slow_tolerance": (ask.burst - 1) * slow,
            "horizon": ask.horizon,
        }
        with self._engine.connect() as connection:
            go, wait = connection.execute(DECIDE, params).one()
        return bool(go), max(float(wait), 0.0 if go else 1e-3)

    def pause(self, key: str, seconds: float) -> None:
        """Nobody, in any process, sends on ``key`` for ``seconds``."""
        self._ensure(key)
        with self._engine.connect() as connection:
            connection.execute(PAUSE, {"key": key, "seconds": seconds})

    def _ensure(self, key: str) -> None:
        with self._lock:
            if key in self._known:
                return
        with self._engine.connect() as connection:
            connection.execute(CREATE, {"key": key})
        with self._lock:
            self._known.add(key)
