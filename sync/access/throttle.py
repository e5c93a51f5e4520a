"""The login throttle: attempts counted atomically per account and per client.

A client may try ``MAX_FAILURES`` times per account within ``LOCKOUT_S``; past
``ACCOUNT_MAX_FAILURES`` on the account from all clients, only a client that has not failed yet
may still try, so a stranger cannot lock the owner out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import case, delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.models import LoginThrottle

MAX_FAILURES = 5
ACCOUNT_MAX_FAILURES = 10
LOCKOUT_S = 900.0
CLIENT_MAX = 64
ACCOUNT = ""  # the client of the row that counts an account's attempts from all clients


@dataclass(frozen=True)
class Attempt:
    """A reserved login attempt: may the password be checked, and is it the last one allowed."""

    allowed: bool
    last: bool


def reserve_login(session: Session, username: str, client: str) -> Attempt:
    """Count one attempt for ``username`` from ``client`` atomically, before any check.

    Each count is one upsert ``... RETURNING`` (the database serialises them, row by row), so
    concurrent attempts cannot all read the same old count. A client may try ``MAX_FAILURES``
    times per account; past ``ACCOUNT_MAX_FAILURES`` on the account from all clients, only a
    client that has not failed yet may still try, so a stranger cannot lock the owner out.
    """
    now = time.time()
    client = client[:CLIENT_MAX]
    pair, account = _bump(session, username, client, now), _bump(session, username, ACCOUNT, now)
    allowed = pair <= MAX_FAILURES and (account <= ACCOUNT_MAX_FAILURES or pair == 1)
    return Attempt(allowed=allowed, last=pair == MAX_FAILURES)


def sweep_login_throttle(session: Session) -> None:
    """Forget expired counts; run in its own transaction, it skips rows others hold (no wait,
    so no deadlock with a login being counted)."""
    expired = (
        select(LoginThrottle.username, LoginThrottle.client)
        .where(LoginThrottle.reset_at < time.time())
        .with_for_update(skip_locked=True)
    )
    session.execute(
        delete(LoginThrottle).where(tuple_(LoginThrottle.username, LoginThrottle.client).in_(expired))
    )


def clear_success(session: Session, username: str, client: str) -> None:
    """A login succeeded: forget this client's and the account's counts."""
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.username == username, LoginThrottle.client.in_((client[:CLIENT_MAX], ACCOUNT))
        )
    )


def clear_account(session: Session, username: str) -> None:
    """A new password: forget every count for ``username``."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))


def _bump(session: Session, username: str, client: str, now: float) -> int:
    """One upsert: a new row counts 1, an expired one restarts at 1, a live one adds 1."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    expired = LoginThrottle.reset_at < now
    stmt = (
        insert(LoginThrottle)
        .values(username=username, client=client, attempts=1, reset_at=now + LOCKOUT_S)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.username, LoginThrottle.client],
            set_={
                "attempts": case((expired, 1), else_=LoginThrottle.attempts + 1),
                "reset_at": now + LOCKOUT_S,
            },
        )
        .returning(LoginThrottle.attempts)
    )
    return int(session.execute(stmt).scalar_one())
