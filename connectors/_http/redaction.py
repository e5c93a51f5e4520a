"""Redaction of tokens and secrets before they reach a log line, message or report."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization / Auth header values: "Bearer xyz", "bearer xyz", "Basic xyz"
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {MASK}"),
    # JSON Web Tokens anywhere in text
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
    # form / query / JSON key-value secrets
    (
        re.compile(
            r"(?i)([\"']?(?:password|client_secret|consumer_secret|access_token|refresh_token|"
            r"id_token|api_key|secret)[\"']?\s*[:=]\s*[\"']?)([^\"'&\s,}]+)"
        ),
        rf"\1{MASK}",
    ),
)

SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "auth",
        "password",
        "client_secret",
        "consumer_secret",
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "cookie",
        "secret",
        "token",
        "nik",
    }
)


def redact(text: str) -> str:
    """Return ``text`` with bearer tokens, JWTs and secret key/values masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """Copy of ``data`` with sensitive keys masked and string values redacted."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key.lower() in SENSITIVE_KEYS and value not in (None, ""):
            out[key] = MASK
        elif isinstance(value, str):
            out[key] = redact(value)
        elif isinstance(value, Mapping):
            out[key] = redact_mapping(value)
        else:
            out[key] = value
    return out


def redact_event(
    _logger: object, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact every event before it is rendered."""
    return redact_mapping(event_dict)
