"""RFC 6238 TOTP (what ASN Digital's authenticator apps compute), for the simulator and tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def totp(secret_b32: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The code for ``secret_b32`` at time ``at`` (now by default)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def totp_valid(secret_b32: str, code: str, *, window: int = 1) -> bool:
    """True when ``code`` matches now, or one step before or after."""
    now = time.time()
    return any(
        hmac.compare_digest(totp(secret_b32, now + delta * 30), code.strip())
        for delta in range(-window, window + 1)
    )
