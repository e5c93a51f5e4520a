"""Warnings shown to the employee or operator: a stable code and a text in Bahasa Indonesia."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    """One warning: ``code`` for machines, ``text`` (Bahasa Indonesia) for people."""

    code: str
    text: str

    def as_dict(self) -> dict[str, str]:
        """JSON form used by the CLI and the HTTP API."""
        return {"code": self.code, "text": self.text}
