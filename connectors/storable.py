"""Text an upstream sends must be storable: no NUL character, no lone surrogate.

JSON can carry both (``"\\u0000"``, ``"\\ud800"``) and Python decodes them, but neither can be
stored as UTF-8 text (PostgreSQL refuses a NUL in a text column; a lone surrogate cannot be
encoded), so a wire model refuses them as it parses, and the connector reports a ``PayloadError``
instead of a database error half-way through a write.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def check_storable(value: str) -> str:
    """``value`` when it can be stored as UTF-8 text; ``ValueError`` naming what is wrong."""
    if "\x00" in value:
        raise ValueError("text holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text holds a lone surrogate (not UTF-8)") from None
    return value


def check_model_text(model: BaseModel) -> None:
    """Every declared text field of ``model`` (and of the models and lists it holds) is storable;
    unknown keys a model keeps are never stored and not checked."""
    for name in type(model).model_fields:
        _check(getattr(model, name))


def _check(value: Any) -> None:
    if isinstance(value, str):
        check_storable(value)
    elif isinstance(value, BaseModel):
        check_model_text(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _check(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(str(key))
            _check(item)
