"""The lease owner is read when a lease is taken, so a forked process is an owner of its own."""

from __future__ import annotations

import os
from pathlib import Path

from store.db import make_engine, session_factory, upgrade
from store.models import RunLock
from sync import runs


def _take_in_child(url: str, kind: str) -> int:
    """Fork; the child takes the lease ``kind`` on a fresh engine and exits; the child's pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            engine = make_engine(url)
            runs.acquire(session_factory(engine), kind, "anak")
            engine.dispose()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return pid


def test_a_forked_child_takes_a_lease_as_another_owner_than_its_parent(tmp_path: Path) -> None:
    """A child forked after import owns its lease under its own pid, not the parent's."""
    url = f"sqlite:///{tmp_path / 'lease.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    try:
        parent = runs.acquire(sessions, "uji-induk", "induk")
        engine.dispose()  # the child opens its own connections
        child_pid = _take_in_child(url, "uji-anak")
        with sessions() as session:
            child = session.get_one(RunLock, "uji-anak")
        assert parent.owner.endswith(f":{os.getpid()}")
        assert child.owner.endswith(f":{child_pid}")
        assert child.owner != parent.owner
    finally:
        engine.dispose()
