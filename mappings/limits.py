"""Limits on what people type, declared once: type, length and format of every input field.

The HTTP API and the CLI validate through these models and helpers, and ``COLUMN_LIMITS`` names
the store column each length must match (a test holds it against ``store.models`` and against
the migrated SQLite and PostgreSQL schemas). Text is refused when it holds NUL or other control
characters, or a lone surrogate (it could not be stored as UTF-8); numbers are never coerced from
floats or booleans; dates must fall in a plausible range. Messages are in Bahasa Indonesia and
never echo the value back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from mappings.messages import t

UNOR_ID_MAX = 64
TEXT_MAX = 300
GOLONGAN_MAX = 20
EMAIL_MAX = 200
NO_HP_MAX = 40
ACTOR_MAX = 120
ON_BEHALF_MAX = 100
REASON_MAX = 1000
NAME_MAX = 80
PASSWORD_MIN = 12
PASSWORD_MAX = 256
NEXT_MAX = 500
STATE_MAX = 64
# The largest value of an INTEGER column on PostgreSQL (SQLite's holds more): every id, version
# and page number people send is bounded by it, so none reaches a query as a 20-digit overflow.
INT_MAX = 2_147_483_647
# JSON bodies nest at most this deep (an SKP is 4 levels): checked on the raw bytes before any
# parser recurses, so a 400 KB ``[[[[...`` is a 422, never a RecursionError.
JSON_DEPTH_MAX = 32
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)

COLUMN_LIMITS: Mapping[str, int] = {
    "pegawai.unor_id": UNOR_ID_MAX,
    "pegawai.jabatan": TEXT_MAX,
    "pegawai.email": EMAIL_MAX,
    "pegawai.no_hp": NO_HP_MAX,
    "audit_log.actor": ACTOR_MAX,
    "unit_claim.claimed_by": ACTOR_MAX,
    "operator_grant.granted_by": ACTOR_MAX,
    "operator_grant.unit_id": UNOR_ID_MAX,
    "api_key.name": NAME_MAX,
    "local_account.username": NAME_MAX,
    "web_session.username": NAME_MAX,
    "login_throttle.username": NAME_MAX,
    "login_state.next_path": NEXT_MAX,
    "login_state.state": STATE_MAX,
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_GOLONGAN = re.compile(r"[A-Za-z0-9/ .-]+")
_NO_HP = re.compile(r"\+?[0-9]([0-9 -]{0,37}[0-9])?")
# no white space, markup, quotes or brackets in any part: an address, not a fragment of a page
EMAIL_PATTERN = re.compile(r"[^@\s<>\"'()\[\],;:\\]+@[^@\s<>\"'()\[\],;:\\]+\.[^@\s<>\"'()\[\],;:\\]+")
_INT = re.compile(r"[0-9]{1,6}")
_DIGITS = re.compile(r"[0-9]{1,12}")
_DATE_DMY = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
_DATE_YMD = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclass(frozen=True)
class Problem:
    """One refused input: where (``body.changes.no_hp``) and what is wrong, in Bahasa Indonesia."""

    path: str
    message: str


class LimitError(ValueError):
    """Input outside its declared limits; ``problems`` says where and what (no value echoed)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


def storable(value: str) -> str:
    """``value`` when it can be stored as UTF-8 text: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise ValueError(t("access.limit_nul"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(t("access.limit_surrogate")) from None
    return value


def single_line(value: str) -> str:
    """``value`` when storable and free of control characters (a name, an id, a path)."""
    if _CONTROL.search(storable(value)):
        raise ValueError(t("access.limit_control"))
    return value


def multi_line(value: str) -> str:
    """``value`` when storable; tabs and line breaks allowed, other control characters not."""
    if _CONTROL_MULTILINE.search(storable(value)):
        raise ValueError(t("access.limit_control"))
    return value


def _pattern(regex: re.Pattern[str], key: str) -> Any:
    def check(value: str) -> str:
        if not regex.fullmatch(value.strip()):
            raise ValueError(t(key))
        return value.strip()

    return AfterValidator(check)


def _int_like(value: Any) -> Any:
    """An int, or ASCII digits as text (the CLI); floats, booleans and lists are refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(t("access.limit_int"))
    if isinstance(value, str) and not _INT.fullmatch(value.strip()):
        raise ValueError(t("access.limit_int"))
    return int(value)


def _date_text(value: str) -> str:
    """A date ``dd-mm-yyyy`` or ``yyyy-mm-dd`` in ASCII digits whose year is in range.

    The calendar check (31-02) is the edit's own, which names the field.
    """
    text = value.strip()
    dmy, ymd = _DATE_DMY.fullmatch(text), _DATE_YMD.fullmatch(text)
    if not (dmy or ymd):
        raise ValueError(t("access.limit_date"))
    year = int(dmy[3]) if dmy else int(ymd[1]) if ymd else 0
    if not DATE_MIN.year <= year <= DATE_MAX.year:
        raise ValueError(t("access.limit_date_range", low=DATE_MIN.year, high=DATE_MAX.year))
    return text


def whole_number(value: str | int, *, low: int = 1, high: int = INT_MAX) -> int:
    """``value`` (ASCII digits, or an int) as an int within ``low..high``; ``ValueError`` whose
    message (Bahasa Indonesia) states the range and never the value."""
    text = str(value).strip()
    number = int(text) if _DIGITS.fullmatch(text) else None
    if number is None or not low <= number <= high:
        raise ValueError(t("access.limit_whole_number", low=low, high=high))
    return number


_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_JSON_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(c for c in range(256) if c not in _JSON_DELTA)


def json_depth(raw: bytes) -> int:
    """How deep the arrays and objects of the JSON text ``raw`` nest (brackets inside strings
    do not count); linear in the size of ``raw`` and without recursion."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_JSON_DELTA.__getitem__, brackets), initial=0))


_STRICT = ConfigDict(strict=True, extra="forbid")
_LINE, _MULTI = AfterValidator(single_line), AfterValidator(multi_line)
Line = Annotated[str, _LINE]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64), _LINE]
UnorId = Annotated[
    str, StringConstraints(max_length=UNOR_ID_MAX), _LINE, _pattern(_UNOR_ID, "access.limit_unor_id")
]
Choice = Annotated[int, BeforeValidator(_int_like)]
DateText = Annotated[str, StringConstraints(max_length=10), _LINE, AfterValidator(_date_text)]
Jabatan = Annotated[str, StringConstraints(max_length=TEXT_MAX), _LINE]
Golongan = Annotated[
    str, StringConstraints(max_length=GOLONGAN_MAX), _LINE, _pattern(_GOLONGAN, "access.limit_golongan")
]
Email = Annotated[
    str, StringConstraints(max_length=EMAIL_MAX), _LINE, _pattern(EMAIL_PATTERN, "access.limit_email")
]
NoHp = Annotated[str, StringConstraints(max_length=NO_HP_MAX), _LINE, _pattern(_NO_HP, "access.limit_no_hp")]
Catatan = Annotated[str, StringConstraints(max_length=TEXT_MAX), _MULTI]
Actor = Annotated[str, StringConstraints(min_length=1, max_length=ON_BEHALF_MAX), _LINE]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=REASON_MAX), _MULTI]
NipText = Annotated[str, StringConstraints(max_length=40), _LINE]
# An id, a version or a page number (path, query, body): 1..INT_MAX, never a 64-bit overflow.
StoredInt = Annotated[int, Interval(ge=1, le=INT_MAX)]


class PegawaiChanges(BaseModel):
    """The locally editable profile fields, their types, lengths and formats (Edit Profil)."""

    model_config = _STRICT

    unor_id: UnorId | None = None
    jenis_jabatan_id: Choice | None = None
    jabatan: Jabatan | None = None
    eselon_id: Choice | None = None
    tmt_jabatan: DateText | None = None
    golongan: Golongan | None = None
    tmt_golongan: DateText | None = None
    email: Email | None = None
    no_hp: NoHp | None = None
    catatan: Catatan | None = None


class EditRequest(BaseModel):
    """Body of ``PATCH /api/v1/pegawai/{nip}``: the changes, on whose behalf and why."""

    model_config = _STRICT

    changes: dict[FieldName, Any] = Field(min_length=1, max_length=len(PegawaiChanges.model_fields))
    actor: Actor | None = None
    reason: Reason


class ClaimRequest(BaseModel):
    """Body of ``POST /api/v1/unor/{id}/klaim-pimpinan``.

    ``actor`` names the person on whose behalf an API-key caller acts; for a logged-in person the
    audit log records their own account whatever ``actor`` says.
    """

    model_config = _STRICT

    nip: NipText
    actor: Actor | None = None
    reason: Reason


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_changes(changes: Mapping[str, Any], *, prefix: str = "changes") -> dict[str, Any]:
    """Editable fields checked against ``PegawaiChanges`` (others are left for the caller)."""
    known = {
        name: value
        for name, value in changes.items()
        if name in PegawaiChanges.model_fields and not _blank(value)
    }
    try:
        checked = PegawaiChanges.model_validate(known)
    except ValidationError as exc:
        raise LimitError(problems(exc.errors(include_input=False), prefix=prefix)) from None
    values = checked.model_dump(include=set(known))
    return {name: values.get(name, value) for name, value in changes.items()}


def check_text(value: str, *, path: str, max_length: int, min_length: int = 0) -> str:
    """One single-line text input (a CLI argument, a form field) within its limits."""
    try:
        single_line(value)
    except ValueError as exc:
        raise LimitError([Problem(path, str(exc))]) from None
    if not min_length <= len(value) <= max_length:
        raise LimitError([Problem(path, t("access.limit_length", low=min_length, high=max_length))])
    return value


def problems(errors: Sequence[Mapping[str, Any]], *, prefix: str = "") -> list[Problem]:
    """Pydantic's errors as field paths and Indonesian messages, never the input itself."""
    found = []
    for error in errors:
        parts = [prefix] if prefix else []
        loc = list(error["loc"])
        if "[key]" in loc:  # the dict key before it is the bad input itself: never echoed
            loc[loc.index("[key]") - 1] = "?"
        path = ".".join(parts + [_path_part(part) for part in loc])
        found.append(Problem(path or "body", _message(error)))
    return found


def _path_part(part: Any) -> str:
    """A path element as shown; a dict key that is itself the bad input is not echoed."""
    text = str(part)
    try:
        single_line(text)
    except ValueError:
        return "?"
    return text if len(text) <= 64 else "?"


def _message(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", t("access.limit_invalid")))
    key = f"access.pydantic_{kind}"
    try:
        return t(key, **ctx)
    except KeyError:
        return t("access.limit_invalid")
