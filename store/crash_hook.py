"""A test-only crash point: SIGKILL this process at the N-th commit or SQL statement.

Inactive unless ``EKINERJA_TEST_KILL_AT`` is set (the crash-safety property in
``tests/test_crash_property.py`` sets it in the one process it kills). Its value is
``commit:N`` (killed just before the N-th commit reaches the database), ``statement:N`` (just
before the N-th SQL statement, so also inside a transaction or right after a commit) or
``count`` (never killed). When ``EKINERJA_TEST_KILL_TALLY`` names a file, the counts reached
are written there at a normal exit, so a test can draw kill points within a real run.
Counts are per process, over every engine it creates.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

VARIABLE = "EKINERJA_TEST_KILL_AT"
TALLY = "EKINERJA_TEST_KILL_TALLY"
_counts = {"commit": 0, "statement": 0}
_lock = threading.Lock()
_armed: list[tuple[str, int]] = []


def install(engine: Engine) -> None:
    """Count commits and statements of ``engine`` when the variable is set; else do nothing."""
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    if not _armed:
        kind, _, at = spec.partition(":")
        _armed.append((kind, int(at or 0)))
        tally = os.environ.get(TALLY)
        if tally:
            atexit.register(lambda: Path(tally).write_text(json.dumps(_counts)))
    event.listen(engine, "commit", lambda _connection: _hit("commit"))
    event.listen(engine, "before_cursor_execute", lambda *_args: _hit("statement"))


def _hit(kind: str, *_: Any) -> None:
    with _lock:
        _counts[kind] += 1
        reached = _armed[0] == (kind, _counts[kind])
    if reached:
        os.kill(os.getpid(), signal.SIGKILL)
