"""Fault injection for the simulators: latency, random faults by rate, and scripted faults.

Three sorts of kind: an **answer** replaces the real response (``500``, ``html``, ...); a
**mutation** serves the real response changed (``extra_fields``: unknown new keys,
``type_changed``: dates served as epoch milliseconds); a **state** kind changes the server's
own state first and then serves the call normally (``apim_expire``: every APIM token expires,
``sso_revoke``: every SSO token is revoked, ``restart``: both at once), so the client meets the
refusal the real gateway gives.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from random import Random
from typing import Any

from starlette.responses import JSONResponse, Response

KINDS = (
    "404",
    "500",
    "502",
    "503",
    "429",
    "429_bare",
    "timeout",
    "reset",
    "malformed",
    "html",
    "code0",
    "apim_401",
    "sso_expired",
    "extra_fields",
    "type_changed",
    "apim_expire",
    "sso_revoke",
    "restart",
)
MUTATIONS = ("extra_fields", "type_changed")
STATE_KINDS = ("apim_expire", "sso_revoke", "restart")
_DMY = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+([+-]\d{2}:\d{2}|Z)?)?$")


@dataclass
class FaultPlan:
    """What goes wrong: ``latency`` seconds per call, ``rates`` kind -> probability, a script."""

    latency: float = 0.0
    rates: dict[str, float] = field(default_factory=dict)
    retry_after: int = 1
    timeout_seconds: float = 30.0
    seed: int = 0
    _script: deque[list[Any]] = field(default_factory=deque)
    _rng: Random = field(default_factory=Random)

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
        self._rng.seed(self.seed)

    def script(self, *kinds: str, path: str = "", after: int = 0) -> None:
        """Make the next calls whose path (with ``?query``) contains ``path`` fail with ``kinds``,
        once ``after`` matching calls have been served normally."""
        for kind in kinds:
            if kind not in KINDS:
                raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        for index, kind in enumerate(kinds):
            self._script.append([kind, path, after if index == 0 else 0])

    def pending(self) -> int:
        """Scripted faults not served yet."""
        return len(self._script)

    def clear(self) -> None:
        """No more faults or latency."""
        self._script.clear()
        self.rates.clear()
        self.latency = 0.0

    def next_fault(self, path: str) -> str | None:
        """The fault for this call, if any: the first matching scripted one, else by rate."""
        for index, entry in enumerate(self._script):
            kind, needle, after = entry
            if needle in path:
                if after > 0:
                    entry[2] = after - 1
                    return None
                del self._script[index]
                return str(kind)
        roll = self._rng.random()
        for kind, rate in self.rates.items():
            if roll < rate:
                return kind
            roll -= rate
        return None


def mutate(kind: str, body: Any) -> Any:
    """The JSON ``body`` of a real answer changed as the mutation ``kind`` says."""
    if isinstance(body, dict):
        changed = {k: mutate(kind, v) for k, v in body.items()}
        if kind == "extra_fields":
            changed["atributBaru2027"] = {"kode": "X1", "aktif": True}
            changed["keteranganTambahan"] = "kolom baru dari versi API berikutnya"
        return changed
    if isinstance(body, list):
        return [mutate(kind, item) for item in body]
    if kind == "type_changed" and isinstance(body, str):
        return _epoch_millis(body)
    return body


def _epoch_millis(text: str) -> Any:
    """A date or timestamp as epoch milliseconds (a serializer change); other text unchanged."""
    dmy = _DMY.match(text)
    try:
        if dmy:
            day, month, year = (int(g) for g in dmy.groups())
            moment = datetime(year, month, day, tzinfo=UTC)
        elif _ISO.match(text):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        else:
            return text
    except ValueError:
        return text
    return int(moment.timestamp() * 1000)


def mutated(response: Response, fault: str | None) -> Response:
    """The real JSON answer changed by a mutation fault (unknown fields, a changed type)."""
    if fault not in MUTATIONS:
        return response
    body = mutate(str(fault), json.loads(bytes(response.body)))
    return JSONResponse(body, response.status_code)
