"""The Report: one canonical text, and everything else as spans of it.

A review may arrive as several files (the report plus working documents). They are joined
into one canonical text so that every quote, paragraph and sentence can be found again by
character offsets, whatever format it came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

# Section roles, in the order they usually appear in a report.
ROLES = (
    "front_matter",
    "contents",
    "introduction",
    "terms_of_reference",
    "method",
    "family_involvement",
    "background",
    "chronology",
    "analysis",
    "findings",
    "conclusions",
    "recommendations",
    "references",
    "glossary",
    "appendix",
    "other",
)
# Roles whose text is never treated as the report's analysis.
NOT_ANALYSED = frozenset({"contents", "references", "glossary"})


@dataclass(frozen=True)
class Document:
    """One input file within the review."""

    name: str  # file stem, used to tell working documents apart in evidence ids
    path: str
    format: str  # pdf, docx, html, md, txt
    sha256: str
    start: int
    end: int
    pages: int = 0  # 0 when the format has no pages
    is_main: bool = True
    ocr: tuple[float | None, ...] | None = None  # read by OCR: each page's mean word confidence (0-100)


@dataclass(frozen=True)
class Section:
    index: int
    heading: str
    level: int
    role: str
    path: tuple[str, ...]  # headings from the top of the document down to this one
    document: int
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int
    document: int
    section: int | None
    page: int | None
    number: str | None  # printed paragraph number as it appears, e.g. "4.12", "Para 23"
    kind: str = "body"  # body, list_item, table_row, footnote, heading
    role: str = "other"  # role of the section it sits in
    number_span: tuple[int, int] | None = None  # where the printed number sits in the text

    @property
    def analysed(self) -> bool:
        return self.kind not in ("heading",) and self.role not in NOT_ANALYSED


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Noise:
    """Text recognised as publication furniture and kept out of the canonical text."""

    text: str
    page: int | None
    reason: str  # running_header, running_footer, page_number, classification


@dataclass
class Report:
    text: str
    documents: list[Document] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    noise: list[Noise] = field(default_factory=list)
    title: str = ""
    date: str | None = None  # ISO date of the report, when it could be read
    date_source: str = ""  # where the date came from: "text", "--date", ""

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]

    def paragraph_text(self, p: Paragraph) -> str:
        return self.text[p.start : p.end]

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start : s.end]

    @cached_property
    def _sentences_by_paragraph(self) -> dict[int, list[Sentence]]:
        out: dict[int, list[Sentence]] = {}
        for s in self.sentences:
            out.setdefault(s.paragraph, []).append(s)
        return out

    def sentences_of(self, p: Paragraph) -> list[Sentence]:
        return self._sentences_by_paragraph.get(p.index, [])

    def analysed_paragraphs(self) -> Iterator[Paragraph]:
        return (p for p in self.paragraphs if p.analysed)

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing a character offset (binary search)."""
        lo, hi = 0, len(self.paragraphs) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            p = self.paragraphs[mid]
            if offset < p.start:
                hi = mid - 1
            elif offset >= p.end:
                lo = mid + 1
            else:
                return p
        return None

    def location(self, p: Paragraph) -> str:
        """Where a person finds a paragraph: 'para 4.12, p. 9 (Analysis)'."""
        bits = []
        doc = self.documents[p.document] if self.documents else None
        if doc is not None and not doc.is_main:
            bits.append(doc.name)
        bits.append(f"para {p.number}" if p.number else f"paragraph {p.index + 1}")
        if p.page:
            bits.append(f"p. {p.page}")
        where = ", ".join(bits)
        if p.section is not None:
            heading = self.sections[p.section].heading
            where += f" ({heading if len(heading) <= 48 else heading[:46].rstrip() + '…'})"
        return where

    def evidence_id(self, p: Paragraph) -> str:
        """The id used in gold files: printed number, prefixed by document for working documents."""
        ident = p.number or f"#{p.index + 1}"
        doc = self.documents[p.document] if self.documents else None
        if doc is not None and not doc.is_main:
            ident = f"{doc.name}:{ident}"
        return ident

    def word_count(self, paragraphs: list[Paragraph] | None = None) -> int:
        ps = self.paragraphs if paragraphs is None else paragraphs
        return sum(len(self.text[p.start : p.end].split()) for p in ps)
