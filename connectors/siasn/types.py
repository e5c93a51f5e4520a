"""Loose wire types for SIASN's payloads: empty strings, numbers as strings, dd-mm-yyyy dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, model_validator

_DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y")
_DATETIME_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?")


def parse_siasn_date(value: Any) -> date | None:
    """Parse ``dd-mm-yyyy``, ``yyyy-mm-dd`` or ``yyyy-mm-dd HH:MM:SS``; empty means None."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    if not text or text in {"-", "0000-00-00", "00-00-0000", "null"}:
        return None
    match = _DATETIME_PREFIX.match(text)
    if match:
        text = match.group(1)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date (expected dd-mm-yyyy or yyyy-mm-dd)")


def empty_to_none(value: Any) -> str | None:
    """Strip strings; empty strings and null become None; numbers become strings."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value).strip()
    return text or None


def loose_int(value: Any) -> int | None:
    """Integers that may arrive as strings, floats or garbage (garbage becomes None)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(float(text))
    return None


Text = Annotated[str | None, BeforeValidator(empty_to_none)]
LooseInt = Annotated[int | None, BeforeValidator(loose_int)]
SiasnDate = Annotated[date | None, BeforeValidator(parse_siasn_date)]


class WireModel(BaseModel):
    """Base of SIASN wire models: aliases matched case-insensitively, unknown keys kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)
    _folded: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        folded: dict[str, str] = {}
        for name, info in cls.model_fields.items():
            choices: list[str] = [name]
            alias = info.validation_alias or info.alias
            if isinstance(alias, str):
                choices.append(alias)
            elif isinstance(alias, AliasChoices):
                choices.extend(c for c in alias.choices if isinstance(c, str))
            for choice in choices:
                folded.setdefault(choice.lower(), choice)
        cls._folded = folded

    @model_validator(mode="before")
    @classmethod
    def _fold_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = set(cls._folded.values())
        out: dict[str, Any] = {}
        for key, value in data.items():
            key = str(key)
            target = key if key in known else cls._folded.get(key.lower(), key)
            if target not in out or out[target] in (None, ""):
                out[target] = value
        return out
