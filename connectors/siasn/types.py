"""Loose wire types for SIASN's payloads: empty strings, numbers as strings, dd-mm-yyyy dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, StringConstraints, model_validator

from connectors.storable import check_model_text

_DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y")
INT_LIMIT = 2_147_483_647  # the largest value of an INTEGER column on PostgreSQL
_INT_TEXT = re.compile(r"(-?\d+)(\.0+)?")
_DATETIME_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?")
_DAY_FIRST = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")  # the common shapes, without strptime's
_YEAR_FIRST = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # locale lock (7 dates per employee)


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
    quick = _quick_date(text)
    if quick is not None:
        return quick
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date (expected dd-mm-yyyy or yyyy-mm-dd)")


def _quick_date(text: str) -> date | None:
    """``dd-mm-yyyy`` or ``yyyy-mm-dd`` with two-digit day and month, as ``strptime`` would
    read it; None for anything else (``strptime`` then decides, and refuses)."""
    day_first = _DAY_FIRST.fullmatch(text)
    year_first = None if day_first else _YEAR_FIRST.fullmatch(text)
    try:
        if day_first:
            return date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
        if year_first:
            return date(int(year_first[1]), int(year_first[2]), int(year_first[3]))
    except ValueError:
        return None
    return None


def empty_to_none(value: Any) -> str | None:
    """Strip strings; empty strings and null become None; numbers become strings."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value).strip()
    return text or None


def loose_int(value: Any) -> int | None:
    """Integers that may arrive as strings, floats or garbage (garbage becomes None).

    A number outside what a store INTEGER column holds (``INT_LIMIT``, PostgreSQL's) is garbage
    too: no SIASN code, year or amount comes near it, and it could never be stored.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else None
    elif not isinstance(value, int):
        text = str(value).strip()
        match = _INT_TEXT.fullmatch(text) if len(text) <= 40 else None
        value = int(match.group(1)) if match else None
    return value if value is not None and -INT_LIMIT <= value <= INT_LIMIT else None


Text = Annotated[str | None, BeforeValidator(empty_to_none)]


_EMPTY = BeforeValidator(empty_to_none)
# Text a field may hold where it reaches a store column: the length is the column's (a test holds
# each against ``store.models``), so a longer value is a PayloadError, never a database error.
Text8 = Annotated[Annotated[str, StringConstraints(max_length=8)] | None, _EMPTY]
Text32 = Annotated[Annotated[str, StringConstraints(max_length=32)] | None, _EMPTY]
Text40 = Annotated[Annotated[str, StringConstraints(max_length=40)] | None, _EMPTY]
Text60 = Annotated[Annotated[str, StringConstraints(max_length=60)] | None, _EMPTY]
Text64 = Annotated[Annotated[str, StringConstraints(max_length=64)] | None, _EMPTY]
Text100 = Annotated[Annotated[str, StringConstraints(max_length=100)] | None, _EMPTY]
Text120 = Annotated[Annotated[str, StringConstraints(max_length=120)] | None, _EMPTY]
Text200 = Annotated[Annotated[str, StringConstraints(max_length=200)] | None, _EMPTY]
Text300 = Annotated[Annotated[str, StringConstraints(max_length=300)] | None, _EMPTY]
Id64 = Annotated[str, StringConstraints(max_length=64)]
LooseInt = Annotated[int | None, BeforeValidator(loose_int)]
SiasnDate = Annotated[date | None, BeforeValidator(parse_siasn_date)]


class WireModel(BaseModel):
    """Base of SIASN wire models: aliases matched case-insensitively, unknown keys kept; text
    that could not be stored (NUL, lone surrogates) refused."""

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

    @model_validator(mode="after")
    def _storable(self) -> Self:
        check_model_text(self)
        return self
