"""What the review routers share: the caller's scope, the policy, errors as HTTP, security docs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import HTTPException, Request

from service.auth import Gate
from service.requests import invalid
from store.db import transaction
from sync.access import Principal
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused
from sync.konflik.lifecycle import KonflikPolicy
from sync.konflik.scope import Scope, scope_for

T = TypeVar("T")

STATUS = ((KonflikNotFound, 404), (KonflikForbidden, 403), (KonflikRefused, 409), (KonflikError, 422))


def policy(gate: Gate) -> KonflikPolicy:
    """Due days and timezone from settings."""
    config = gate.container.settings.konflik
    return KonflikPolicy(due_working_days=config.due_working_days, timezone=config.timezone)


def zone(gate: Gate) -> ZoneInfo:
    """The timezone times are shown in, from settings."""
    return zone_of(gate.container.settings.konflik.timezone)


def zone_of(name: str) -> ZoneInfo:
    """The named timezone (UTC when the name is no known zone)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def http_error(exc: KonflikError) -> HTTPException:
    """The HTTP error for a konflik error (its message is already Bahasa Indonesia)."""
    status = next(code for kind, code in STATUS if isinstance(exc, kind))
    return invalid("body", str(exc)) if status == 422 else HTTPException(status, str(exc))


@dataclass(frozen=True)
class Caller:
    """An authenticated caller and what they may see."""

    who: Principal
    scope: Scope


async def caller(gate: Gate, request: Request) -> Caller:
    """Authenticate (401/403 as ``Gate`` does) and build the caller's scope."""
    who = await gate.require(request)
    scope = await gate.tx(scope_for, who, gate.roles)
    return Caller(who, scope)


async def run_tx(gate: Gate, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``work(session, ...)`` in one transaction off the loop; konflik errors become HTTP."""

    def run() -> T:
        with transaction(gate.container.sessions) as session:
            return work(session, *args, **kwargs)

    try:
        return await asyncio.to_thread(run)
    except KonflikError as exc:
        raise http_error(exc) from None


def actor_name(who: Principal, on_behalf: str | None) -> str:
    """The audit actor: the caller, plus the person an API-key caller says it acts for."""
    if who.kind == "apikey" and on_behalf:
        return f"{who.actor}/{on_behalf.strip()}"
    return who.actor


def local_time(moment: datetime | None, tz: ZoneInfo) -> str | None:
    """An instant as ISO 8601 in the configured timezone (stored naive values are UTC)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).isoformat(timespec="seconds")
