"""Access tokens and the protocol every token provider follows."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import SecretStr


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when it stops working (epoch seconds; None when unknown)."""

    value: SecretStr
    expires_at: float | None = None
    token_type: str = "bearer"
    obtained_at: float = field(default_factory=time.time)

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds until expiry (negative once expired); None when the expiry is unknown."""
        if self.expires_at is None:
            return None
        return self.expires_at - (time.time() if now is None else now)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        """True when the token expires in less than ``seconds``."""
        left = self.seconds_left(now)
        return left is not None and left < seconds


class TokenSource(Protocol):
    """Anything that hands out a current bearer token for one credential.

    ``renew_hint`` says what an operator does when the upstream refuses the token and no newer
    one can be obtained ("" when the refusal itself says enough).
    """

    renew_hint: str

    async def token(self) -> AccessToken:
        """Return a token valid now, obtaining or refreshing it when needed."""
        ...

    def invalidate(self) -> None:
        """Forget the cached token so the next ``token()`` obtains a new one."""
        ...


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without verifying it (for expiry reporting only)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, json.JSONDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) else None
