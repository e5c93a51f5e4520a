"""Errors of the konflik package; every message is Bahasa Indonesia from the catalogue.

KonflikError            bad input (an unknown filter, a missing reason): 422 / exit 2
├── KonflikNotFound     no such conflict or run in the caller's scope: 404 / exit 1
├── KonflikForbidden    the caller may see it but not do this: 403 / exit 1
└── KonflikRefused      the state forbids it (decided, superseded, stale): 409 / exit 1
"""

from __future__ import annotations


class KonflikError(ValueError):
    """A request that cannot be carried out; the message says what and where.

    A refused bulk decision lists each refused conflict in ``refused`` (id, why), so a caller
    can show them one by one; it is empty for every other error.
    """

    refused: tuple[tuple[int, str], ...] = ()


class KonflikNotFound(KonflikError):
    """No such conflict (or run) within the caller's scope."""


class KonflikForbidden(KonflikError):
    """The caller may not do this (an employee deciding, say)."""


class KonflikRefused(KonflikError):
    """The conflict's state forbids the request (already decided, superseded, changed since shown)."""
