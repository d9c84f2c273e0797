"""Case-ignoring regular expressions rewritten so that Python's regex engine can skip ahead.

Under re.IGNORECASE a letter is compiled as a case-folding test. The engine cannot use such a
test to skip an alternative without entering it, nor to jump to the next place a pattern can
start, so a pattern like `\\b(safeguard\\w*|police|...)` enters dozens of alternatives at every
word of a long document. Written as plain letters, one per case, the same pattern is matched
two to three times as fast. The rewrites here match exactly what the original matches in any
text without FOLDS_TO_ASCII's letters (callers check, and fall back to the original).
"""

from __future__ import annotations

import re
from re import _compiler as sre_compiler  # type: ignore[attr-defined]
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]

# The letters outside ASCII that match an ASCII letter when case is ignored (tests/test_fastre.py
# checks the list against every code point).
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def letter_cases(letter: str) -> str | None:
    """Every character that `letter` matches when case is ignored, or None when that is not
    known here (a letter outside ASCII)."""
    if not letter.isascii():
        return None
    folding = re.compile(re.escape(letter), re.I)
    cases = dict.fromkeys([letter, letter.lower(), letter.upper(), *FOLDS_TO_ASCII.pattern.strip("[]")])
    return "".join(c for c in cases if folding.fullmatch(c))


def split_cases(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    """`pattern` compiled with `flags`, each alternative that starts with an ASCII letter while
    case is ignored split in two, one per case: `(safeguard|police)` becomes
    `(s(?i:afeguard)|S(?i:afeguard)|p(?i:olice)|P(?i:olice))`. At any position at most one
    half can match (their first letters differ), so the leftmost match is the same, in a text
    without FOLDS_TO_ASCII's letters."""
    tree = sre_parser.parse(pattern, flags)
    _split(tree, tree.state.flags)
    return sre_compiler.compile(tree, flags)  # type: ignore[no-any-return]


def _split(sub: object, flags: int) -> None:
    k = sre_constants
    for op, av in sub.data:  # type: ignore[attr-defined]
        if op is k.SUBPATTERN:
            _, add, remove, inner = av
            _split(inner, (flags | add) & ~remove)
        elif op is k.BRANCH:
            alternatives = []
            for alt in av[1]:
                _split(alt, flags)
                first = chr(alt.data[0][1]) if alt.data and alt.data[0][0] is k.LITERAL else ""
                if flags & re.I and first.isascii() and first.lower() != first.upper():
                    for letter in (first.lower(), first.upper()):
                        plain = sre_parser.SubPattern(alt.state, [(k.LITERAL, ord(letter))])
                        # a group that only stops ignoring case compiles to the plain letter alone
                        head = (k.SUBPATTERN, (None, 0, re.I, plain))
                        alternatives.append(sre_parser.SubPattern(alt.state, [head] + alt.data[1:]))
                else:
                    alternatives.append(alt)
            av[1][:] = alternatives
