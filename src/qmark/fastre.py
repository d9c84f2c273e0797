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
    """`pattern` compiled with `flags`, its alternatives that start with an ASCII letter while
    case is ignored rewritten as a tree of plain letters: `(safeguard|social|police)` becomes
    `(s(?i:afeguard|ocial)|S(?i:afeguard|ocial)|p(?i:olice)|P(?i:olice))`, and so on inside
    (`s(?:a...|o...|A...|O...)`). Alternatives whose first letters differ cannot match at the
    same position, so the leftmost match is the same, in a text without FOLDS_TO_ASCII's
    letters; alternatives that start otherwise keep their places."""
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
            av[1][:] = _by_letter(av[1], flags, sub.state)  # type: ignore[attr-defined]


def _by_letter(alternatives: list, flags: int, state: object) -> list:
    """Alternatives with those that start with a letter (case ignored) grouped by the letter,
    one group per case; a run of them is regrouped only up to an alternative that starts
    otherwise, which keeps its place."""
    k = sre_constants
    out: list = []
    groups: dict[str, list] = {}  # a letter and the rests of the alternatives it leads

    def close() -> None:
        for letter, rests in groups.items():
            # a group that only stops ignoring case compiles to the plain letter alone
            head = (k.SUBPATTERN, (None, 0, re.I, sre_parser.SubPattern(state, [(k.LITERAL, ord(letter))])))
            if len(rests) == 1:
                out.append(sre_parser.SubPattern(state, [head, *rests[0].data]))
                continue
            inner = sre_parser.SubPattern(state, [(k.BRANCH, (None, list(rests)))])
            _split(inner, flags)  # the next letters, likewise
            out.append(sre_parser.SubPattern(state, [head, (k.SUBPATTERN, (None, 0, 0, inner))]))
        groups.clear()

    for alt in alternatives:
        _split(alt, flags)
        first = chr(alt.data[0][1]) if alt.data and alt.data[0][0] is k.LITERAL else ""
        if flags & re.I and first.isascii() and first.lower() != first.upper():
            rest = sre_parser.SubPattern(state, alt.data[1:])
            for letter in (first.lower(), first.upper()):
                groups.setdefault(letter, []).append(rest)
        else:
            close()
            out.append(alt)
    close()
    return out
