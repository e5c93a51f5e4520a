"""What the review routers share: the caller's scope, the policy, errors as HTTP, security docs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from fastapi import HTTPException, Request

from service.auth import Gate
from service.requests import invalid
from store.db import transaction
from sync import clock
from sync.access.rules import Principal
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused
from sync.konflik.lifecycle import KonflikPolicy
from sync.konflik.scope import Scope, scope_for

T = TypeVar("T")

STATUS = ((KonflikNotFound, 404), (KonflikForbidden, 403), (KonflikRefused, 409), (KonflikError, 422))


def policy(gate: Gate) -> KonflikPolicy:
    """Due days and timezone from settings."""
    config = gate.container.settings.konflik
    return KonflikPolicy(due_working_days=config.due_working_days, timezone=config.timezone)


def zone(gate: Gate) -> tzinfo:
    """The display timezone, from settings (``EKINERJA_KONFLIK__TIMEZONE``)."""
    return clock.zone(gate.container.settings.display_timezone)


def zone_of(name: str) -> tzinfo:
    """The named timezone (UTC when the name is no known zone)."""
    return clock.zone(name)


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


def local_time(moment: datetime | str | None, tz: tzinfo) -> str | None:
    """An instant as ISO 8601 with the offset of the display timezone (:func:`sync.clock.iso`)."""
    return clock.iso(moment, tz)
