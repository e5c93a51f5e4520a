"""Safe upgrades: a store built at every earlier schema revision, holding representative data,
reaches the head with nothing lost or changed; every migration steps down and up again."""

from __future__ import annotations

from itertools import pairwise

import pytest
from alembic.script import ScriptDirectory

from store.db import MIGRATIONS, downgrade, head_revision, make_engine, session_factory, upgrade
from store.db import transaction as write
from sync import audit
from sync.audit.verify import run_verification
from tests.migration_data import DATA, check_kept, fill


def revisions() -> list[str]:
    """Every revision from the first to the head, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


EARLIER = revisions()[:-1]


@pytest.mark.parametrize("start", EARLIER)
def test_store_at_every_earlier_revision_upgrades_to_head_intact(database_url: str, start: str) -> None:
    """A store at ``start`` with employees, conflicts in each state, runs, SKP and PMM problems
    reaches the head with every row and value unchanged; its audit log verifies and grows."""
    engine = make_engine(database_url)
    upgrade(engine, start)
    inserted = fill(engine)
    assert {"pegawai", "conflict", "audit_log"} <= inserted.keys()
    upgrade(engine)
    check_kept(engine, inserted)
    sessions = session_factory(engine)
    with write(sessions) as session:
        audit.record(session, actor="uji", action="sesudah_upgrade", nip=None)
    report, _ = run_verification(sessions)
    assert report.ok and report.checked == len(DATA["audit_log"]) + 1, report
    engine.dispose()


def test_every_migration_steps_down_and_up_again(database_url: str) -> None:
    """From the head with data, each migration's downgrade and upgrade run in turn down to the
    first; the data of the first revision is intact at the head again and the log verifies."""
    engine = make_engine(database_url)
    upgrade(engine, revisions()[0])
    inserted = fill(engine)
    upgrade(engine)
    chain = revisions()
    for lower, upper in reversed(list(pairwise(chain))):
        downgrade(engine, lower)
        upgrade(engine, upper)
        downgrade(engine, lower)
    upgrade(engine)
    check_kept(engine, inserted)
    report, _ = run_verification(session_factory(engine))
    assert report.ok and report.checked == len(DATA["audit_log"]), report
    assert head_revision() == chain[-1]
    engine.dispose()
