"""Citations of research, guidance and named reports in a report, with their years.

Heuristic by nature: reports cite in every style (Harvard, numbered, footnotes, bare titles) and
are full of numbers that are not citations (dates of events, ages, case numbers, section
numbers). The matchers below prefer missing an unusual citation to inventing one: a false
citation would make a report look better researched than it is.

Styles recognised:
- author-year in brackets "(Brandon et al., 2020)", "(Reason 2000; Dekker 2014)", and in prose
  "Brandon et al. (2020) found", "Munro (2011)"; bare "Brandon et al. 2020" only with "et al."
  or when the author and year match a knowledge-base entry;
- numbered references "[12]" (or a number glued to a word, a flattened superscript) pointing into
  a numbered reference list, and footnote markers pointing to footnotes;
- Working Together by name with a year ("Working Together 2010", "WTSC 2013", "the 2018 edition
  of Working Together", "HM Government (2018) Working Together..."), and titles or aliases of
  knowledge-base entries ("the Munro Review", "Pathways to harm, pathways to protection").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from qmark.fastre import letter_cases
from qmark.knowledge.base import Edition, KnowledgeBase, Research, name_key
from qmark.report import Paragraph, Report

KINDS = ("author_year", "numbered", "footnote", "guidance")


@dataclass(frozen=True)
class Citation:
    paragraph: int  # Paragraph.index of where the citation is made
    start: int  # offsets into report.text
    end: int
    text: str
    kind: str  # author_year, numbered, footnote, guidance
    year: int | None
    entry_id: str | None  # knowledge-base id, when the citation could be resolved
    as_current: bool  # the sentence presents it as current (guidance in force now)
    author: str | None = None  # first author or body, as written
    reference: str | None = None  # numbered/footnote: the reference or note it points to


# ---------------------------------------------------------------- patterns

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_YEARS = rf"{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*"
_MONTHS = (
    "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# A surname: capitalised, with at least one lower-case letter (so agency acronyms are not taken
# for authors), allowing McX, O'X, double-barrelled names and name particles.
# Possessive quantifiers and atomic groups keep the matchers linear on long runs of capitalised
# words, where plain backtracking would explode.
_NAME = (
    r"(?:(?:van|von|de|der|den|du|le|la|da|di)\s+)*+(?=[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*?[a-zà-öø-ÿ])"
    r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]++"
)
_PAGES = r"(?:\s*[,:]\s*(?:p|pp|para|paras|ch|chapter)\.?\s*[\divxl]+(?:\s*[-–]\s*\d+)?)?"
_LEAD_IN = re.compile(r"^(?:see(?:\s+also)?|e\.g\.|eg|cf\.?|for example|as cited in|cited in|quoted in)[,:]?\s+", re.I)
_WT = r"(?:Working\s+[Tt]ogether(?:\s+to\s+[Ss]afeguard\s+[Cc]hildren)?|WTSC|WT)"

# Capitalised words that stand before a year but are not authors: months, seasons, and the
# nouns of case records ("Case 2019/0456", "Child H (2010)", "Summer 2018").
_NOT_AUTHORS = frozenset(_MONTHS) | frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday spring summer autumn winter christmas easter
child children baby case section sections para paragraph page chapter figure table appendix annex
year years age aged born since from in on by until before after during early late mid end the this
that these those mr mrs ms miss dr sibling adult mother father hospital school report reports review
reviews plan total version edition act regulations guidance framework strategy policy procedures
protocol assessment census survey inspection term week month quarter between around approximately
circa about of at to for and or as whereas however also note notes source data published updated
revised amended final draft issued working together government department
""".split()
)

# After a flattened superscript these words end in a number that is not a reference ("level3").
_NOT_MARKER_WORDS = frozenset(
    "para paras sec sect section chapter page pp no nos vol fig tier level step stage phase "
    "year week day room ward unit band grade covid version part".split()
)


@dataclass
class _Hit:
    start: int  # relative to the scanned string
    end: int
    kind: str
    year: int | None
    entry_id: str | None
    author: str | None = None
    reference: str | None = None


class _Patterns:
    """Regular expressions that depend on the knowledge base (corporate authors, aliases)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        corporate = sorted(
            {*kb.policy_authors, *kb.corporate_authors, *(r.authors[0] for r in kb.research if " " in r.authors[0])}, key=len, reverse=True
        )
        corp = "|".join(_flex(c) for c in corporate) or r"(?!x)x"
        pub = "|".join(_flex(c) for c in sorted(kb.policy_authors, key=len, reverse=True)) or r"(?!x)x"
        self.corporate = re.compile(rf"(?<!\w)(?:{corp})(?!\w)")
        one = rf"(?:{corp}|{_NAME})"
        authors = rf"(?>{one}(?:(?:\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+){one}){{0,6}}(?:,?\s+et\s+al\b\.?)?)"
        end_year = r"(?![\d/\-:–]|\.\d)"
        self.bracket = re.compile(r"\(([^()]{4,400})\)")
        self.bracket_part = re.compile(rf"(?P<a>{authors}),?\s+(?P<y>{_YEARS}){end_year}{_PAGES}\s*[.,]?")
        self.prose = re.compile(rf"(?<![\w.])(?P<a>{authors})(?:['’]s)?\s*\(\s*(?P<y>{_YEARS}){end_year}{_PAGES}\s*\)")
        self.bare = re.compile(rf"(?<![\w.(])(?P<a>{authors}),?\s+(?P<y>{_YEARS}){end_year}(?!\w)")
        self.wt_after = re.compile(
            rf"(?<![\w-]){_WT}(?::\s[^()\[\];.]{{1,160}}?)?(?:\s*[,(\[]\s*(?:{pub})?[\s,]*|\s*)"
            rf"(?:{_MONTH}\s+)?(?P<y>{_YEAR})(?![\d/\-])\)?"
        )
        self.wt_before = re.compile(
            rf"(?<!\w)(?:the\s+)?(?P<y>{_YEAR})\s+(?:(?:edition|version|revision|update)\s+of\s+(?:the\s+)?)?{_WT}(?!\w)"
        )
        self.wt_reference = re.compile(rf"(?<!\w)(?:{pub})\.?\s*\(?(?P<y>{_YEAR})\)?[.,:]?\s*{_WT}(?!\w)")
        self.reference_head = re.compile(
            rf"^(?P<a>{corp}|{_NAME})(?:,?\s*(?:[A-Z]\.\s*){{1,3}})?[^()]{{0,160}}?\(\s*(?P<y>{_YEAR})[a-z]?\s*\)"
        )
        # Each alias with a cheap needle (its first word) checked before the regex runs; the
        # needles present in a text are found in one pass.
        self.aliases = [(_alias_pattern(a), a.split()[0].lower(), a, e) for a, e in kb.aliases()]
        self.needles = ahocorasick.Automaton()
        for k, (_, needle, _, _) in enumerate(self.aliases):
            self.needles.add_word(needle, self.needles.get(needle, ()) + (k,))
        if self.aliases:
            self.needles.make_automaton()


def _flex(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.split())


def _alias_pattern(alias: str) -> re.Pattern[str]:
    # Case-insensitive, except that a capital first letter must stay capital: "Out of routine"
    # the report title, not "out of routine" the phrase. The first letter comes first, with the
    # check on the character before it after it, so that the regex engine can skip to where the
    # letter is (a pattern that starts with a look-behind is tried at every character).
    body = _flex(alias)
    first, rest = re.escape(alias[:1]), _flex(alias)[len(re.escape(alias[:1])) :]
    if alias[:1].isupper():
        return re.compile(rf"{first}(?<![\w-]{first})(?i:{rest})(?![\w-])")
    cases = letter_cases(alias[:1])
    if cases and alias[:1].isalpha():
        return re.compile(rf"[{re.escape(cases)}](?<![\w-].)(?i:{rest})(?![\w-])")
    return re.compile(rf"(?<![\w-])(?i:{body})(?![\w-])")


_CACHE: dict[int, tuple[KnowledgeBase, _Patterns]] = {}


def _patterns(kb: KnowledgeBase) -> _Patterns:
    hit = _CACHE.get(id(kb))
    if hit is None or hit[0] is not kb:
        hit = (kb, _Patterns(kb))
        _CACHE[id(kb)] = hit
    return hit[1]


# ---------------------------------------------------------------- scanning a string


def _first_author(authors: str) -> str:
    first = re.split(r",|\s+and\s+|\s*&\s*|\s+et\s+al\b", authors, maxsplit=1)[0].strip()
    return re.sub(r"['’]s$", "", first)


def _plausible_authors(authors: str, kb: KnowledgeBase) -> bool:
    # Known organisations are authors whatever words they contain ("HM Government").
    authors = _patterns(kb).corporate.sub(" ", authors)
    for token in re.split(r",|\s+and\s+|&|\s+et\s+al\b\.?|\s+", authors):
        if token.strip(" .").lower() in _NOT_AUTHORS:
            return False
    return True


def _years(text: str) -> list[int]:
    return [int(y) for y in re.findall(_YEAR, text)]


def _author_year_hits(kb: KnowledgeBase, authors: str, years: str, start: int, end: int, context: str = "") -> list[_Hit]:
    author = _first_author(authors)
    hits = []
    for y in _years(years):
        entry = kb.by_author_year(author, y, context)
        entry_id = entry.id if entry else None
        if entry_id is None and name_key(author) in ("hmgovernment", "hmg"):
            # "(HM Government, 2018)" in a safeguarding review is nearly always Working Together.
            ed = kb.edition_for_year(y)
            entry_id = ed.id if ed else None
        hits.append(_Hit(start, end, "author_year", y, entry_id, author))
    return hits


def _scan(text: str, kb: KnowledgeBase) -> list[_Hit]:
    """Author-year citations, Working Together by year, and knowledge-base titles in a string."""
    pat = _patterns(kb)
    hits: list[_Hit] = []
    if _YEAR_SEEN.search(text):  # every matcher but the aliases needs a year
        _dated_hits(text, kb, pat, hits)
    if pat.aliases:
        aliases = sorted({k for _, ks in pat.needles.iter(text.lower()) for k in ks})
        for k in aliases:
            rx, _, alias, entry = pat.aliases[k]
            for m in rx.finditer(text):
                authors: list[str] = [] if isinstance(entry, Edition) else entry.authors
                is_author_form = bool(authors and _years(alias) and name_key(alias).startswith(name_key(authors[0])))
                author = authors[0] if authors else None
                hits.append(_Hit(m.start(), m.end(), "author_year" if is_author_form else "guidance", entry.year, entry.id, author))
    return hits


_YEAR_SEEN = re.compile(_YEAR)


def _dated_hits(text: str, kb: KnowledgeBase, pat: _Patterns, hits: list[_Hit]) -> None:
    """Author-year citations and Working Together by year, added to `hits`. A matcher runs only
    on a text with the characters it cannot match without (a bracket, Working Together's W)."""
    bracketed = "(" in text
    for m in pat.bracket.finditer(text) if bracketed else ():
        inner_start = m.start(1)
        pos = 0
        for part in m.group(1).split(";"):
            lead = len(part) - len(part.lstrip())
            body = part.strip()
            skip = _LEAD_IN.match(body)
            off = inner_start + pos + lead + (skip.end() if skip else 0)
            body = body[skip.end() :] if skip else body
            pm = pat.bracket_part.fullmatch(body)
            if pm and _plausible_authors(pm.group("a"), kb):
                end = off + len(body.rstrip(" .,"))
                hits += _author_year_hits(kb, pm.group("a"), pm.group("y"), off, end, text)
            pos += len(part) + 1

    for m in pat.prose.finditer(text) if bracketed else ():
        if _plausible_authors(m.group("a"), kb):
            hits += _author_year_hits(kb, m.group("a"), m.group("y"), m.start(), m.end(), text)

    for m in pat.bare.finditer(text):
        a = m.group("a")
        if not _plausible_authors(a, kb):
            continue
        found = _author_year_hits(kb, a, m.group("y"), m.start(), m.end(), text)
        # Without brackets only "et al." or a known author and year make it a citation:
        # "In March 2019" and "Kestrel 2019" must not become one.
        if re.search(r"\bet\s+al\b", a) or all(h.entry_id for h in found):
            hits += found

    for rx in (pat.wt_after, pat.wt_before, pat.wt_reference) if "W" in text else ():
        for m in rx.finditer(text):
            y = int(m.group("y"))
            ed = kb.edition_for_year(y)
            if ed is None and rx is pat.wt_before:
                continue  # "In 2019 Working Together arrangements began": a date, not an edition
            hits.append(_Hit(m.start(), m.end(), "guidance", y, ed.id if ed else None))


def _keep(hits: list[_Hit]) -> list[_Hit]:
    """Resolve overlaps: the longest match wins; hits sharing its exact span (several years in one
    citation, several notes behind one marker) are kept with it."""
    kept: list[_Hit] = []
    spans: set[tuple[int, int]] = set()
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        span = (h.start, h.end)
        if span not in spans and any(h.start < e and s < h.end for s, e in spans):
            continue
        spans.add(span)
        if not any(
            k.start == h.start and k.end == h.end and k.year == h.year and (k.entry_id == h.entry_id or h.entry_id is None) for k in kept
        ):
            kept.append(h)
    # Where two matchers agree on a span, a resolved hit replaces an unresolved one.
    kept = [
        k
        for k in kept
        if k.entry_id or not any(o is not k and o.entry_id and (o.start, o.end, o.year) == (k.start, k.end, k.year) for o in kept)
    ]
    return sorted(kept, key=lambda h: (h.start, h.year or 0))


# ---------------------------------------------------------------- reference lists and notes

_NOTE_ID = re.compile(r"^\s*(?:\[(?P<b>[\w\-]{1,12})\]|(?P<n>\d{1,3})[.)]?(?=\s))\s*")
_NOTES_HEADING = re.compile(r"^\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:foot|end)?notes\W*$", re.I)


@dataclass
class _Note:
    paragraph: Paragraph
    body: str
    body_start: int  # offset of body in report.text
    hits: list[_Hit]  # relative to body
    cited: bool = False


def _reference_hits(body: str, kb: KnowledgeBase, fallback_year: bool) -> list[_Hit]:
    hits = _keep(_scan(body, kb))
    named = [h for h in hits if h.entry_id]
    if named:
        return named
    m = _patterns(kb).reference_head.match(body)
    if m and _plausible_authors(m.group("a"), kb):
        return _author_year_hits(kb, m.group("a"), m.group("y"), 0, m.end(), body)
    if hits:
        return hits
    lead = re.match(rf"^({_NAME})", body)
    if fallback_year and lead and _plausible_authors(lead.group(1), kb):
        # Vancouver-style entries put the year after the title: "Smith J. Title. Journal 2015;24".
        # The first year not part of a date ("12 March 2015") is the publication year.
        for ym in re.finditer(rf"(?<![\d/.]){_YEAR}(?![\d/])", body):
            if not re.search(rf"\b{_MONTH}\s*$", body[: ym.start()], re.I):
                return [_Hit(0, len(body), "author_year", int(ym.group()), None, lead.group(1))]
    return []


def _notes_and_references(report: Report, kb: KnowledgeBase) -> tuple[dict[str, _Note], dict[str, _Note]]:
    notes: dict[str, _Note] = {}
    refs: dict[str, _Note] = {}
    for p in report.paragraphs:
        if p.kind == "heading":
            continue
        in_notes_section = p.section is not None and _NOTES_HEADING.match(report.sections[p.section].heading)
        if p.kind != "footnote" and not in_notes_section and p.role != "references":
            continue
        text = report.paragraph_text(p)
        m = _NOTE_ID.match(text)
        if not m:
            continue
        ident = m.group("b") or m.group("n")
        body = text[m.end() :]
        is_note = p.kind == "footnote" or bool(in_notes_section)
        note = _Note(p, body, p.start + m.end(), _reference_hits(body, kb, fallback_year=not is_note))
        (notes if is_note else refs).setdefault(ident, note)
    return notes, refs


def _is_note_paragraph(report: Report, p: Paragraph) -> bool:
    if p.kind == "footnote":
        return True
    return p.section is not None and bool(_NOTES_HEADING.match(report.sections[p.section].heading))


_BRACKET_MARKER = re.compile(r"\[([\w\-]{1,12}(?:\s*[,–\-]\s*[\w]{1,12})*)\]")
# A number glued to the end of a word or its punctuation: a superscript flattened by PDF export.
_GLUED_MARKER = re.compile(r"(?<=[A-Za-z.,;:)’'\"”])(\d{1,3})(?=[\s,;:)]|\.(?:\s|$)|$)")


def _marker_ids(raw: str) -> list[str]:
    ids: list[str] = []
    for piece in re.split(r"\s*,\s*", raw):
        rng = re.fullmatch(r"(\d{1,3})\s*[–\-]\s*(\d{1,3})", piece)
        if rng and int(rng.group(1)) <= int(rng.group(2)) <= int(rng.group(1)) + 20:
            ids += [str(i) for i in range(int(rng.group(1)), int(rng.group(2)) + 1)]
        else:
            ids.append(piece)
    return ids


def _marker_hits(text: str, notes: dict[str, _Note], refs: dict[str, _Note]) -> list[_Hit]:
    hits: list[_Hit] = []

    def point(ident: str, start: int, end: int) -> None:
        target = notes.get(ident) or refs.get(ident)
        if target is None:
            return
        target.cited = True
        kind = "footnote" if ident in notes else "numbered"
        for h in target.hits:
            hits.append(_Hit(start, end, kind, h.year, h.entry_id, h.author, target.body))

    for m in _BRACKET_MARKER.finditer(text):
        ids = _marker_ids(m.group(1))
        if all(i in notes or i in refs for i in ids):
            for i in ids:
                point(i, m.start(), m.end())
    numeric = {k for k in [*notes, *refs] if k.isdigit()}
    if numeric:
        for m in _GLUED_MARKER.finditer(text):
            before = text[: m.start()]
            word = re.search(r"([A-Za-z]+)[.,;:)’'\"”]?$", before)
            # Only after a lower-case word of three letters or more ("S47", "CP1", "s47" and "p.12"
            # are codes and page numbers), or straight after a bracketed year: "(2010)1".
            after_word = word is not None and len(word.group(1)) >= 3 and word.group(1).islower() and word.group(1) not in _NOT_MARKER_WORDS
            after_year = re.search(rf"\({_YEAR}[a-z]?\)$", before) is not None
            if m.group(1) in numeric and (after_word or after_year):
                point(m.group(1), m.start(), m.end())
    return hits


# ---------------------------------------------------------------- current or historical

_HISTORICAL = re.compile(
    r"\b(?:at the time|at that time|then[- ]in[- ]force|then[- ]current|the then|in force (?:at|during)|"
    r"was in force|were in force|was current|(?:applied|applicable|relevant) (?:at|during) the|which applied|"
    r"superseded|since (?:been )?(?:replaced|updated|revised|superseded)|has since|replaced by|"
    r"previous(?:ly)?|earlier (?:edition|version|guidance)|former|old(?:er)? (?:edition|version|guidance)|"
    r"prior to|predat\w*|during the (?:review|period|time)|throughout the (?:review|period)|"
    r"was the (?:statutory )?guidance|historic(?:al|ally)?)\b",
    re.I,
)
_NOW = re.compile(r"\b(?:current(?:ly)?|now|at present|presently|today|latest|up[- ]to[- ]date|still)\b", re.I)
_GUIDE_PRESENT = re.compile(
    r"\b(?:states|says|requires|sets out|stipulates|makes (?:it )?clear|is clear|expects|defines|provides|"
    r"describes|advises|specifies|explains|outlines|emphasi[sz]es|is explicit|does not \w+)\b",
    re.I,
)
_PRESENT = re.compile(r"\b(?:is|are|must|should(?!\s+have)|will|has)\b", re.I)
_PAST = re.compile(
    r"\b(?:was|were|had|did|held|made|took|met|saw|undertook|went|gave|knew|thought|felt|said|"
    r"wrote|sent|led|began|chose|found)\b",
    re.I,
)
# A regular past tense ("acted in line with", "followed"), unless it is a participle after an
# auxiliary ("is required", "should be followed", "has been updated") or one of the participles
# guidance sentences use as adjectives ("the required assessment").
_PAST_ED = re.compile(
    r"(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bbeen )(?<!\bbeing )(?<!\bhas )(?<!\bhave )"
    r"\b([a-z]{2,}ed)\b",
    re.I,
)
_PARTICIPLES = frozenset(
    """required expected needed based concerned involved related detailed updated revised
published named entitled defined described outlined specified proposed recommended advised designed intended
supposed used issued established introduced referred allowed permitted qualified skilled experienced
focused focussed informed shared agreed""".split()
)
_PREP = re.compile(
    r"\b(?:in line with|in accordance with|as required by|according to|as set out in|under|"
    r"compliant with|compl(?:y|ies) with)\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r";|\s(?=(?:whereas|but|while|although|however)\b)", re.I)


def presents_as_current(clause: str) -> bool:
    """Does this clause present what it cites as guidance in force now? Heuristic on tense and cue
    words: "states", "current", "in line with" (outside a past-tense clause) say yes; "at the time",
    "then in force", "superseded" say no."""
    if _HISTORICAL.search(clause):
        return False
    if _NOW.search(clause) or _GUIDE_PRESENT.search(clause):
        return True
    past = _PAST.search(clause) or any(m.group(1).lower() not in _PARTICIPLES for m in _PAST_ED.finditer(clause))
    return bool((_PRESENT.search(clause) or _PREP.search(clause)) and not past)


def _clause(report: Report, p: Paragraph, start: int) -> str:
    """The clause of the sentence around an offset (a marker after a full stop belongs to the
    sentence before it)."""
    sents = report.sentences_of(p)
    sent = next((s for s in sents if s.start <= start < s.end), None)
    if sent is None:
        before = [s for s in sents if s.end <= start]
        sent = before[-1] if before else None
    s0, s1 = (sent.start, sent.end) if sent else (p.start, p.end)
    text = report.text[s0:s1]
    pos = 0
    rel = min(max(start - s0, 0), len(text))
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() >= rel:
            return text[pos : m.start()]
        pos = m.end()
    return text[pos:]


def _drop_restated(hits: list[_Hit]) -> list[_Hit]:
    """'Brandon et al. (2009)2' is one citation, not two: drop a marker whose note names the same
    work as the citation it directly follows."""
    out = []
    for h in hits:
        if h.reference is not None and any(
            o.reference is None and 0 <= h.start - o.end <= 2 and (o.entry_id, o.year) == (h.entry_id, h.year) for o in hits
        ):
            continue
        out.append(h)
    return out


# ---------------------------------------------------------------- the report


def find_citations(report: Report, kb: KnowledgeBase) -> list[Citation]:
    """Every citation in the report's body text, footnotes included, in text order."""
    notes, refs = _notes_and_references(report, kb)
    out: list[Citation] = []

    for p in report.paragraphs:
        if p.kind == "heading" or p.role in ("references", "contents") or _is_note_paragraph(report, p):
            continue
        text = report.paragraph_text(p)
        for h in _drop_restated(_keep(_scan(text, kb) + _marker_hits(text, notes, refs))):
            start = p.start + h.start
            clause = _clause(report, p, start)
            current = presents_as_current(clause)
            if h.reference is not None:
                # A marker's note speaks too: "the guidance in force at the time" there wins.
                current = not _HISTORICAL.search(h.reference) and (current or presents_as_current(h.reference))
            out.append(
                Citation(
                    p.index,
                    start,
                    p.start + h.end,
                    report.text[start : p.start + h.end],
                    h.kind,
                    h.year,
                    h.entry_id,
                    current,
                    h.author,
                    h.reference,
                )
            )

    # Footnotes nobody points at (markers lost in conversion, or notes hung on the reference list)
    # still cite: report them where they stand.
    for note in notes.values():
        if note.cited:
            continue
        for h in note.hits:
            start = note.body_start + h.start
            end = note.body_start + h.end
            clause = _clause(report, note.paragraph, start)
            out.append(
                Citation(
                    note.paragraph.index,
                    start,
                    end,
                    report.text[start:end],
                    "footnote",
                    h.year,
                    h.entry_id,
                    presents_as_current(clause),
                    h.author,
                    note.body,
                )
            )
    return sorted(out, key=lambda c: (c.start, c.year or 0))


def is_research(citation: Citation, kb: KnowledgeBase) -> bool:
    """Research, as opposed to guidance, law or policy: a research entry, or an unresolved
    author-year, numbered or footnote citation whose author is not a government body."""
    if citation.entry_id is not None:
        return isinstance(kb.entry(citation.entry_id), Research)
    if citation.kind == "guidance" or citation.year is None:
        return False
    return not (citation.author and kb.is_policy_author(citation.author))


__all__ = ["Citation", "KINDS", "find_citations", "is_research", "presents_as_current"]
