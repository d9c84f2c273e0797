"""Sentence boundaries as offsets. syntok does the splitting; we mend the few places it breaks
report conventions (para. 4.12, s.47, et al.), using an abbreviation list kept in data, and we
never cut inside a quotation: reports quote records and families ('"Seen. No concerns. NFA."'),
and a quoted fragment read as a sentence of the report's own would be judged as the reviewer's.

syntok is careful but slow (pure Python, token by token), so a paragraph is first cut where
syntok's own rules always end a sentence ('... the visit. She ...': a plain word, a full stop, a
space, a capitalised word, no bracket open) and syntok reads only the pieces that hold anything
less certain. tests/test_segment_fast.py checks the result is syntok's own on every paragraph of
both corpora and on generated awkward text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import syntok.segmenter as syntok
from syntok._segmentation_states import State as _SyntokRules

from qmark.data import load_yaml

_NO_SPLIT_AFTER_DIGIT = re.compile(r"^\s*[\d(]")
# Anywhere syntok might end a sentence before the end of the text.
_INNER_END = re.compile(r"[.!?;:][\"'\u201d\u2019)\]]*(?:\[(?:\d{1,3}|[ivx]{1,5})\])?\s")
# A note marker after a sentence's full stop ('record systems.[3] Westmarch's ...', as footnote
# markers are written once read): syntok sees no end there. The marker stays with its sentence.
_NOTE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\[(?:\d{1,3}|[ivx]{1,5})\](?=\s+[A-Z\"'\u2018\u201c(])")


@lru_cache(maxsize=1)
def load_abbreviations() -> frozenset[str]:
    data = load_yaml("abbreviations.yaml")
    return frozenset(a.lower() for a in data["abbreviations"])


def split(text: str, base: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within text, shifted by base."""
    stripped = text.rstrip()
    if stripped and not _INNER_END.search(stripped):
        # One sentence (a heading, a table row, a short item): no need to ask syntok.
        start = len(text) - len(text.lstrip())
        return [(base + start, base + len(stripped))]
    merged = _mend(text, _split_at_notes(text, raw_spans(text)))
    return [(base + s, base + e) for s, e in merged]


def syntok_spans(text: str) -> list[tuple[int, int]]:
    """The sentences syntok finds in text, as offsets."""
    spans: list[tuple[int, int]] = []
    for para in syntok.analyze(text):
        for sent in para:
            toks = [t for t in sent]
            if not toks:
                continue
            spans.append((toks[0].offset, toks[-1].offset + len(toks[-1].value)))
    return spans


# Where syntok always ends a sentence: a word of two or more letters (or a number of two or more
# digits) standing alone, one stop (or semicolon), a space, then a capitalised word (or 'A', which its rules
# take as opening a sentence). Words its rules treat otherwise (abbreviations, 'No', roman
# numerals, '2019. May') are left to it, as is any stop inside an open bracket.
_CERTAIN = re.compile(r"(?<!\S)([A-Za-z]{2,}|[0-9]{2,})[.!?;](?=\s+(?:([A-Z][A-Za-z]\w*)|A\s))")
_SYNTOK_KEEPS = _SyntokRules.abbreviations | _SyntokRules.roman_numerals | _SyntokRules.months | {"no", "No", "NO"}
_BRACKET = re.compile("[" + re.escape("".join(sorted(_SyntokRules.opening_brackets | _SyntokRules.closing_brackets))) + "]")
_PARAGRAPH_BREAK = re.compile(r"\r?\n(?:\s*\r?\n)+")  # where syntok starts a new paragraph
_STOP = re.compile("[" + re.escape("".join(sorted(c for c in _SyntokRules.terminals if len(c) == 1))) + "]")
_ENDING = re.compile(_STOP.pattern + r"[\"'\u201d\u2019)\]]*$")
_STOP_BEFORE_LOWER = re.compile(_STOP.pattern + r"(?=\s+[a-z])")  # syntok never splits before a lower-case word
# syntok steps over a closed bracket inside a sentence without looking in it, when the bracket is
# shorter than its limits (70 characters, 50 tokens): a bracket of under 50 characters always is.
_SHORT_BRACKET = 50


def _without_brackets(body: str) -> str | None:
    """body with the insides of its brackets taken out, when syntok would step over every one of
    them unread: each closed, short, not nested, not the sentence's first or second word, and not
    followed by another bracket. None when any bracket is otherwise."""
    marks = [(m.start(), m.group(0)) for m in _BRACKET.finditer(body)]
    if len(body[: marks[0][0]].split()) < 2:
        return None  # at the opening of a sentence syntok has rules of its own for brackets
    kept, at = [], 0
    for (i, a), (j, b) in zip(marks[::2], marks[1::2], strict=False):
        if a not in _SyntokRules.opening_brackets or b not in _SyntokRules.closing_brackets or j - i + 1 >= _SHORT_BRACKET:
            return None
        after = body[j + 1 :].lstrip()[:1]
        if after and after in _SyntokRules.opening_brackets:
            return None
        kept.append(body[at : i + 1])
        at = j
    if len(marks) % 2:
        return None
    kept.append(body[at:])
    return "".join(kept)


def _plainly_one(body: str) -> bool:
    """No stop but at the very end or before a lower-case word (brackets syntok steps over aside),
    no paragraph break: syntok keeps it whole."""
    if _PARAGRAPH_BREAK.search(body):
        return False
    if _BRACKET.search(body):
        rest = _without_brackets(body)
        if rest is None:
            return False
        body = rest
    return not _STOP.search(_STOP_BEFORE_LOWER.sub("", _ENDING.sub("", body)))


def raw_spans(text: str) -> list[tuple[int, int]]:
    """syntok's sentences (syntok_spans), found faster: cut at the certain ends, and ask syntok
    only about pieces with a stop, a semicolon, a colon or a bracket left in them."""
    spans: list[tuple[int, int]] = []
    cuts = []
    marks = [(b.start(), b.group(0) in _SyntokRules.opening_brackets) for b in _BRACKET.finditer(text)]
    depth, k = 0, 0
    for m in _CERTAIN.finditer(text):
        if m.group(1) in _SYNTOK_KEEPS or (m.group(1).isdigit() and m.group(2) in _SyntokRules.months):
            continue
        while k < len(marks) and marks[k][0] < m.start():
            depth = depth + 1 if marks[k][1] else depth - 1
            if depth < 0:
                break  # a bracket closed that was never opened: leave the rest to syntok
            k += 1
        if depth < 0:
            break
        if depth == 0:  # a stop inside brackets is syntok's call (it may step over them)
            cuts.append(m.end())
    cuts.append(len(text))
    start = 0
    for end in cuts:
        piece = text[start:end]
        body = piece.strip()
        if not body:
            pass
        elif _plainly_one(body):
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + lead + len(body)))
        else:
            spans += [(start + a, start + b) for a, b in syntok_spans(piece)]
        start = end
    return spans


# Text has plain typography by now (ingest.builder.normalise_text): quotes are ' and ".
# The mark comes first and what stands before it is looked at after, so the regex engine can
# jump from mark to mark.
_OPENS_SINGLE = re.compile(r"'(?:(?<=^')|(?<=[\s(\[\u2014\u2013-]'))(?=\w)")
_CLOSES_SINGLE = re.compile(r"'(?<=[\w.!?,;:)\u2026]')(?=$|[\s.,;:!?)\]\u2014\u2013-])")
_DOUBLE = re.compile('"')
MAX_QUOTE = 2000  # characters: an unpaired mark further on than this opened no quotation


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Where quotations sit in a paragraph, from the opening mark to just after the closing one.

    Double quotes pair in order. A single quote opens only after a space or bracket and before a
    letter, and closes only after a letter or stop: so apostrophes ("didn't", "Mother's") open
    nothing, and a plural possessive ("practitioners' views") closes only a quotation that is open.
    A mark with no partner makes no span.
    """
    spans: list[tuple[int, int]] = []
    doubles = [m.start() for m in _DOUBLE.finditer(text)]
    for a, b in zip(doubles[::2], doubles[1::2], strict=False):
        if b - a <= MAX_QUOTE:
            spans.append((a, b + 1))
    opens = [m.start() for m in _OPENS_SINGLE.finditer(text)]
    closes = [m.start() for m in _CLOSES_SINGLE.finditer(text)]
    k = 0
    for o in opens:
        if spans and spans[-1][0] <= o < spans[-1][1]:
            continue  # inside a quotation already found
        while k < len(closes) and closes[k] <= o:
            k += 1
        if k < len(closes) and closes[k] - o <= MAX_QUOTE and not any(a < o < b for a, b in spans):
            spans.append((o, closes[k] + 1))
            k += 1
    return sorted(spans)


def _split_at_notes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    abbrevs = load_abbreviations()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        for m in _NOTE_END.finditer(text, s, e):
            before = text[s : m.start() + 1].rsplit(None, 1)
            if before and before[-1].lower() in abbrevs:
                continue  # 'Brandon et al.[4] Practitioners ...' may run on
            nxt = m.end() + len(text[m.end() : e]) - len(text[m.end() : e].lstrip())
            if nxt < e:
                out.append((s, m.end()))
                s = nxt
        out.append((s, e))
    return out


def _mend(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    abbrevs = load_abbreviations()
    quotes = quote_spans(text) if ('"' in text or "'" in text) else []
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out:
            ps, pe = out[-1]
            if any(qs < pe < qe for qs, qe in quotes):
                out[-1] = (ps, e)  # the previous piece ends inside a quotation: keep it whole
                continue
            prev = text[ps:pe]
            last_word = prev.rsplit(None, 1)[-1].lower() if prev.split() else ""
            nxt = text[s:e]
            if last_word in abbrevs or (last_word.endswith(".") and last_word[:-1] in abbrevs and _NO_SPLIT_AFTER_DIGIT.match(nxt)):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out
