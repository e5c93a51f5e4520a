"""Text that stays data: the characters no value may carry raw onto a page, terminal or file.

Values from SIASN, recap files and people are stored as they came; wherever they are shown or
exported, C0 and C1 control characters, DEL, bidi embeddings, overrides, isolates and marks,
line/paragraph separators and lone surrogates are written as visible escapes (``\\x1b``,
``\\u202e``) instead. A terminal line escapes tab and newline too; a spreadsheet cell keeps them.

    >>> inert("Budi\\x1b[31m")
    'Budi\\\\x1b[31m'
"""

from __future__ import annotations

import re

_BIDI_AND_SURROGATES = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# everything, tab and newline included: a terminal value is one line
UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SURROGATES}]")
# a cell of a CSV or XLSX file may hold tab, line feed and carriage return (both formats quote them)
UNSAFE_CELL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_AND_SURROGATES}]")


def escaped(match: re.Match[str]) -> str:
    """The visible escape of one matched character (``\\x1b``, ``\\u202e``)."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` for a spreadsheet cell: control, bidi and surrogate characters shown escaped."""
    return UNSAFE_CELL.sub(escaped, text)
