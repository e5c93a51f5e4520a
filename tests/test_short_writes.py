"""A night's write transactions stay short, so an interactive write never waits behind a phase.

Counted, not timed: the SQL statements each write transaction of a run executes. A transaction
that grew with the number of employees (the supervisor recompute over everyone, the staged plan
read inside the guard's write) would hold SQLite's write lock for as long as it takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from service.container import Container
from simulators.dataset import World, generate_world
from simulators.nights import advance_day
from store.db import WRITE
from tests.helpers import import_export, reconcile

pytestmark = pytest.mark.e2e
BATCH = 5


@pytest.fixture
def world() -> World:
    """A province big enough that a roster-wide transaction stands out from a batch's."""
    return generate_world(11, 400)


class _WriteCounter:
    """Statements per write transaction of one engine (by connection)."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self._open: dict[int, int] = {}

    def begin(self, connection: Any) -> None:
        if connection.get_execution_options().get(WRITE, False):
            self._open[id(connection)] = 0

    def statement(self, connection: Any, *_args: Any) -> None:
        if id(connection) in self._open:
            self._open[id(connection)] += 1

    def end(self, connection: Any) -> None:
        if id(connection) in self._open:
            self.sizes.append(self._open.pop(id(connection)))


@pytest.fixture
def writes(container: Container) -> Iterator[_WriteCounter]:
    """Counts every write transaction's statements on the container's engine."""
    counter = _WriteCounter()
    hooks = (
        ("begin", counter.begin),
        ("before_cursor_execute", counter.statement),
        ("commit", counter.end),
        ("rollback", counter.end),
    )
    for name, hook in hooks:
        event.listen(container.engine, name, hook)
    yield counter
    for name, hook in hooks:
        event.remove(container.engine, name, hook)


def test_run_write_transactions_do_not_grow_with_the_roster(
    container: Container, world: World, writes: _WriteCounter
) -> None:
    """With batches of five, no write transaction of night 2 runs more statements than half the
    number of employees: each is a slice, none covers the whole roster."""
    import_export(container, world)
    assert reconcile(container, batch_size=BATCH)["status"] == "completed"
    advance_day(world, 1)
    import_export(container, world)
    writes.sizes.clear()
    report = reconcile(container, batch_size=BATCH)
    assert report["status"] == "completed"
    employees = sum(report["counts"].values())
    assert employees > 300
    assert max(writes.sizes) < employees // 2, sorted(writes.sizes)[-5:]
