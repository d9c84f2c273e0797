"""Errors a person can act on: one line, naming the file and what is wrong."""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Control characters, line and paragraph separators, lone surrogates (undecodable bytes in a
# file name) and the bidirectional overrides that make a terminal show text out of order.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """Text safe to show on one line of a terminal or log: control characters escaped as in
    Python ('\\n', '\\x1b', '\\u2028'), everything else (backslashes included) as it is."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif ch in _BIDI or unicodedata.category(ch) in _ESCAPED_CATEGORIES:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


class IngestError(Exception):
    """A document could not be read. str() is the one-line message shown to the user; the file
    name and reason are escaped so that a name with a newline or escape codes stays one line."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{one_line(path)}: {one_line(reason)}")
