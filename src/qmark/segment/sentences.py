"""Sentence boundaries as offsets. syntok does the splitting; we mend the few places it breaks
report conventions (para. 4.12, s.47, et al.), using an abbreviation list kept in data, and we
never cut inside a quotation: reports quote records and families ('"Seen. No concerns. NFA."'),
and a quoted fragment read as a sentence of the report's own would be judged as the reviewer's."""

from __future__ import annotations

import re
from functools import lru_cache

import syntok.segmenter as syntok

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
    spans: list[tuple[int, int]] = []
    for para in syntok.analyze(text):
        for sent in para:
            toks = [t for t in sent]
            if not toks:
                continue
            start = toks[0].offset
            end = toks[-1].offset + len(toks[-1].value)
            spans.append((start, end))
    merged = _mend(text, _split_at_notes(text, spans))
    return [(base + s, base + e) for s, e in merged]


# Text has plain typography by now (ingest.builder.normalise_text): quotes are ' and ".
_OPENS_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014\u2013-]))'(?=\w)")
_CLOSES_SINGLE = re.compile(r"(?<=[\w.!?,;:)\u2026])'(?=$|[\s.,;:!?)\]\u2014\u2013-])")
MAX_QUOTE = 2000  # characters: an unpaired mark further on than this opened no quotation


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Where quotations sit in a paragraph, from the opening mark to just after the closing one.

    Double quotes pair in order. A single quote opens only after a space or bracket and before a
    letter, and closes only after a letter or stop: so apostrophes ("didn't", "Mother's") open
    nothing, and a plural possessive ("practitioners' views") closes only a quotation that is open.
    A mark with no partner makes no span.
    """
    spans: list[tuple[int, int]] = []
    doubles = [i for i, c in enumerate(text) if c == '"']
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
