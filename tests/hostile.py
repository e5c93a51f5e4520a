"""Hypothesis strategies for hostile input: wire payloads of every model, junk JSON, odd text.

A payload strategy is derived from the wire model itself (its aliases and field kinds), so a field
added to a model is fuzzed without touching this module. Each field is, at random, absent, a
plausible value of its kind, or hostile: the wrong type, a huge number, NUL and control
characters, lone surrogates, very long text, or nested junk; keys arrive in other casings and
unknown keys are added.
"""

from __future__ import annotations

import enum
import string
import typing
from datetime import date
from typing import Any

from hypothesis import strategies as st
from pydantic import AliasChoices, BaseModel

JSON_SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**40, 2**128]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\r\n", "\u2028", "\ufeff"])
SURROGATE = st.characters(categories=["Cs"])


@st.composite
def hostile_text(draw: st.DrawFn) -> str:
    """Text an upstream or a file should never send: controls, NUL, surrogates, huge sizes."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.text(max_size=40)) + draw(CONTROL) + draw(st.text(max_size=10))
    if kind == 1:
        return "A" + draw(SURROGATE) + "B"
    if kind == 2:
        return draw(st.sampled_from("xé9 ")) * draw(st.integers(250, 20_000))
    if kind == 3:
        return draw(st.sampled_from(["9", "1"])) * draw(st.integers(19, 400))
    if kind == 4:
        return draw(st.sampled_from(["-", "null", "0000-00-00", "31-02-2024", "99-99-9999", "2024-13-01"]))
    return draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))


HOSTILE_SCALARS = st.one_of(JSON_SCALARS, hostile_text())
JUNK: st.SearchStrategy[Any] = st.recursive(
    HOSTILE_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=string.digits, min_size=low, max_size=high)


def _siasn_date() -> st.SearchStrategy[str]:
    days = st.dates(min_value=date(1940, 1, 1), max_value=date(2060, 12, 31))
    return st.one_of(
        days.map(lambda d: d.strftime("%d-%m-%Y")),
        days.map(lambda d: d.strftime("%Y-%m-%d 08:00:00")),
        st.just(""),
    )


def _kind(annotation: Any) -> str:
    """``int``, ``date`` or ``str``: what a wire field holds once parsed."""
    args = typing.get_args(annotation) or (annotation,)
    if int in args:
        return "int"
    if date in args:
        return "date"
    return "str"


_PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "int": st.one_of(
        st.integers(-5, 100), st.integers(1, 99).map(str), st.sampled_from(["", "12.0", "2024"])
    ),
    "date": _siasn_date(),
    "str": st.one_of(_digits(18, 18), _digits(1, 17), st.text(max_size=30), st.just("")),
}


def _plausible(annotation: Any, hostile: bool) -> st.SearchStrategy[Any]:
    """A plausible value for a field: nested models and lists of them recurse; enums by value."""
    if typing.get_origin(annotation) is list:
        return st.lists(_plausible(typing.get_args(annotation)[0], hostile), max_size=3)
    args = typing.get_args(annotation) or (annotation,)
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return payload(arg, hostile=hostile)
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return st.sampled_from([m.value for m in arg])
    return _PLAUSIBLE[_kind(annotation)]


def _aliases(name: str, info: Any) -> list[str]:
    alias = info.validation_alias or info.alias or name
    if isinstance(alias, AliasChoices):
        return [c for c in alias.choices if isinstance(c, str)]
    return [str(alias)]


@st.composite
def payload(draw: st.DrawFn, model: type[BaseModel], *, hostile: bool = True) -> Any:
    """A payload for ``model`` as an upstream might send it; with ``hostile``, sometimes not."""
    if hostile and draw(st.integers(0, 9)) == 0:
        return draw(JUNK)  # not even an object
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required() and draw(st.integers(0, 3)) == 0:
            continue
        key = draw(st.sampled_from(_aliases(name, info)))
        if hasattr(model, "_folded"):  # SIASN matches keys in any casing
            key = draw(st.sampled_from([key, key, key.lower(), key.upper()]))
        plausible = _plausible(info.annotation, hostile)
        value = draw(st.one_of(plausible, HOSTILE_SCALARS, JUNK) if hostile else plausible)
        out[key] = value
    if hostile:
        out.update(draw(st.dictionaries(st.text(max_size=12), JUNK, max_size=2)))
    return out
