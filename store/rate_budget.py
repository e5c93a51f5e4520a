"""The request budget of a credential kept in PostgreSQL, so every process draws from one.

One ``UPDATE ... RETURNING`` per request decides and records (GCRA on the row's arrival times,
with the database's ``clock_timestamp()``, so the processes' clocks do not matter); a refused
request changes nothing and learns how long to wait. It answers the ``Ledger`` protocol of
``connectors._http.budget`` by shape (the store does not import the connectors).
"""

from __future__ import annotations

import threading
from typing import Protocol

from sqlalchemy import Engine, text

CREATE = text("INSERT INTO rate_budget (credential) VALUES (:key) ON CONFLICT DO NOTHING")
GO = (
    "(b.paused_until <= n.now AND b.tat - :tolerance <= n.now"
    " AND (NOT :background OR b.background_tat - :slow_tolerance <= n.now))"
)
DECIDE = text(
    f"""
UPDATE rate_budget AS b SET
    tat = CASE WHEN {GO} THEN greatest(b.tat, n.now) + :interval ELSE b.tat END,
    background_tat = CASE WHEN {GO} AND :background
        THEN greatest(b.background_tat, n.now) + :slow ELSE b.background_tat END,
    granted_at = CASE WHEN {GO} THEN n.now ELSE b.granted_at END
FROM (SELECT extract(epoch FROM clock_timestamp())::float8 AS now) AS n
WHERE b.credential = :key
RETURNING n.now, b.granted_at, b.tat, b.background_tat, b.paused_until
"""
)
PAUSE = text(
    "UPDATE rate_budget SET paused_until = "
    "greatest(paused_until, extract(epoch FROM clock_timestamp())::float8 + :seconds) "
    "WHERE credential = :key"
)


class BudgetAsk(Protocol):
    """What the ledger is asked (``connectors._http.budget.Ask``)."""

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


class PostgresLedger:
    """Arrival times in the ``rate_budget`` row of each credential."""

    shared_across_processes = True

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError(f"the shared budget needs PostgreSQL, not {engine.dialect.name}")
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def decide(self, ask: BudgetAsk) -> float:
        """Seconds to wait (> 0, nothing recorded), or 0.0: granted and recorded in the row."""
        self._ensure(ask.key)
        interval = 1.0 / ask.rate
        slow = 1.0 / (ask.rate * (1.0 - ask.share))
        tolerance, slow_tolerance = (ask.burst - 1) * interval, (ask.burst - 1) * slow
        params = {
            "key": ask.key,
            "background": ask.background,
            "interval": interval,
            "tolerance": tolerance,
            "slow": slow,
            "slow_tolerance": slow_tolerance,
        }
        with self._engine.connect() as connection:
            row = connection.execute(DECIDE, params).one()
        now, granted_at, tat, background_tat, paused_until = (float(v) for v in row)
        if granted_at == now:
            return 0.0
        wait = max(paused_until - now, tat - tolerance - now)
        if ask.background:
            wait = max(wait, background_tat - slow_tolerance - now)
        return max(wait, 1e-3)

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
