"""Blocks from the readers become one Report: canonical text, sections with roles, paragraphs
with their printed numbers, and sentences, all as offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qmark.ingest.blocks import Block, ReadResult
from qmark.ingest.layout import is_contents_entry, is_contents_heading
from qmark.report import Document, Noise, Paragraph, Report, Section, Sentence
from qmark.segment import numbering, sentences
from qmark.segment.dating import report_date
from qmark.segment.roles import role_of, section_role

_BLOCK_SEP = "\n\n"
_DOC_SEP = "\n\n\n"
_SPACE = re.compile(r"[ \t\u00a0]+")


_TITLE_WORDS = re.compile(r"\b(review|report|SCR|LCSPR|CPR|inquiry|learning)\b", re.I)
_NUMBERED = re.compile(r"^\s*(\d+(\.\d+)*\.?|section \d+|part \d+)[\s:.]", re.I)


def _front(paragraphs: list[Paragraph], doc_index: int, text: str, limit: int = 12) -> list[tuple[Paragraph, str]]:
    """The first few paragraphs of one document, with their text."""
    mine = [p for p in paragraphs if p.document == doc_index][:limit]
    return [(p, text[p.start : p.end]) for p in mine]


def _pick_title(front: list[tuple[str, str]]) -> str:
    """A report's title: a short line near the top that names a review or report; failing that,
    the first heading that is not a numbered section ('1. Introduction' is not a title)."""
    short = [(kind, t) for kind, t in front if len(t.split()) <= 16 and not t.rstrip().endswith(".")]
    for _, t in short:
        if _TITLE_WORDS.search(t) and not _NUMBERED.match(t):
            return t
    for kind, t in short:
        if kind == "heading" and not _NUMBERED.match(t):
            return t
    return ""


@dataclass
class Source:
    """What we know about an input file before its blocks are read."""

    name: str
    path: str
    format: str
    sha256: str
    is_main: bool = True


# Words that keep their hyphen when a line break falls after it: 'multi-\nagency' is
# 'multi-agency', while 'assess-\nment' is 'assessment'.
_HYPHEN_PREFIXES = frozenset(
    """multi inter intra non pre post co re self cross well long short
    sub over under anti pro semi part full half out in follow step""".split()
)
# Anchored at the start of a word, so a long word without a hyphen is scanned once, not once
# per letter (the unanchored pattern was quadratic in the word's length).
_LINE_HYPHEN = re.compile(r"(?<!\w)(\w+)-\n(?=[a-z])")


# Typography that would stop a cue or a number matching, made plain before anything is matched:
# curly quotes and apostrophes (Word's "Smart Quotes"), ligatures (PDFs), non-breaking and
# other fixed-width spaces, soft hyphens and zero-width characters.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200a": " ",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\r": None,
    }
)


def normalise_text(text: str) -> str:
    """Plain typography (see _PLAIN); lengths may change, so this runs before any offsets."""
    return text.translate(_PLAIN)


def _clean(text: str) -> str:
    # Paragraph text is one line: readers' soft line breaks become spaces.
    text = normalise_text(text)
    text = _LINE_HYPHEN.sub(lambda m: m.group(0)[:-1] if m.group(1).lower() in _HYPHEN_PREFIXES else m.group(1), text)
    text = text.replace("\n", " ")
    return _SPACE.sub(" ", text).strip()


_ENTRY_WORDS = 15


def _entry_like(text: str) -> bool:
    """A contents line: 'Analysis ..... 12', or a short title such as '6. Analysis'."""
    text = " ".join(text.split())
    if is_contents_entry(text):
        return True
    return 0 < len(text.split()) <= _ENTRY_WORDS and not text.endswith((".", ":", ";", ",", "?"))


def _mark_contents(blocks: list[Block]) -> None:
    """A contents list under a 'Contents' heading, in any format: its entries are set aside
    ('1. Introduction' there is not paragraph 1). Readers that mark contents themselves (PDF,
    text, Word) are left as they are."""
    if any(b.in_contents for b in blocks):
        return
    for i, block in enumerate(blocks):
        if block.kind != "heading" or not is_contents_heading(block.text):
            continue
        entries = []
        for b in blocks[i + 1 :]:
            if b.kind in ("heading", "footnote") or not _entry_like(b.text):
                break
            entries.append(b)
        if len(entries) >= 2:
            block.in_contents = True
            for b in entries:
                b.in_contents = True
        return


def build(inputs: list[tuple[Source, ReadResult]]) -> Report:
    parts: list[str] = []
    pos = 0
    documents: list[Document] = []
    sections: list[dict] = []
    paragraphs: list[Paragraph] = []
    sents: list[Sentence] = []
    noise: list[Noise] = []
    title = ""

    for doc_index, (src, result) in enumerate(inputs):
        if doc_index:
            parts.append(_DOC_SEP)
            pos += len(_DOC_SEP)
        doc_start = pos
        stack: list[dict] = []  # open sections, outermost first
        first_block = True
        _mark_contents(result.blocks)
        for block in result.blocks:
            text = _clean(block.text)
            if not text:
                continue
            if not first_block:
                parts.append(_BLOCK_SEP)
                pos += len(_BLOCK_SEP)
            first_block = False
            start, end = pos, pos + len(text)
            parts.append(text)
            pos = end

            if block.kind == "heading":
                level = max(block.level, 1)
                while stack and stack[-1]["level"] >= level:
                    stack.pop()
                parent_role = stack[-1]["role"] if stack else ("front_matter" if not sections else "other")
                role = "contents" if block.in_contents else section_role(text, parent_role)
                if role == "front_matter" and role_of(text) is None and _in_body(text, sections, doc_index):
                    # An unrecognised heading in the body of the report ("4. Why things went as
                    # they did") is part of the report, not of its title block.
                    role = "other"
                sec = {
                    "index": len(sections),
                    "heading": text,
                    "level": level,
                    "role": role,
                    "path": tuple(s["heading"] for s in stack) + (text,),
                    "document": doc_index,
                    "start": start,
                    "end": end,
                }
                sections.append(sec)
                stack.append(sec)
                paragraphs.append(Paragraph(len(paragraphs), start, end, doc_index, sec["index"], block.page, None, "heading", role))  # type: ignore[arg-type]
                continue

            for sec in stack:
                sec["end"] = end
            section = stack[-1]["index"] if stack else None
            role = stack[-1]["role"] if stack else ("front_matter" if not any(x["document"] == doc_index for x in sections) else "other")
            if block.in_contents:
                role = "contents"
            elif role == "contents":
                # Text after a contents list with no heading of its own is not part of the list.
                role = "front_matter"
            number, number_span, body_start = None, None, start
            if block.in_contents:
                pass  # '1. Introduction ..... 3' is a contents entry, not paragraph 1
            elif block.number:
                number = block.number.strip().rstrip(".")
            else:
                found = numbering.find_number(text)
                if found:
                    number = found[0]
                    number_span = (start + found[1], start + found[2])
                    body_start = start + found[2]
            para = Paragraph(len(paragraphs), start, end, doc_index, section, block.page, number, block.kind, role, number_span)
            paragraphs.append(para)
            body = parts[-1][body_start - start :]
            lead = len(body) - len(body.lstrip())
            for s, e in sentences.split(body.lstrip(), base=body_start + lead):
                sents.append(Sentence(len(sents), s, e, para.index))
        for n in result.noise or []:
            noise.append(Noise(n.text, n.page, n.reason))
        if not title and src.is_main:
            title = _pick_title([(p.kind, parts_text) for p, parts_text in _front(paragraphs, doc_index, "".join(parts))]) or result.title
        documents.append(Document(src.name, src.path, src.format, src.sha256, doc_start, pos, result.pages, src.is_main))

    paragraphs, sections = _unnamed_body_is_analysis(paragraphs, sections, documents)
    text = "".join(parts)
    report = Report(
        text=text,
        documents=documents,
        sections=[Section(**s) for s in sections],
        paragraphs=paragraphs,
        sentences=sents,
        noise=noise,
        title=title,
    )
    main = next((d for d in documents if d.is_main), documents[0] if documents else None)
    if main is not None:
        dated = report_date(text[main.start : main.end])
        if dated is not None:
            report.date, report.date_source = dated.isoformat(), "text"
    return report


_NUMBERED_HEADING = re.compile(r"^\s*(?:section\s+|part\s+)?(?:\d{1,2}|[A-Z])[.):]?\s", re.I)


def _in_body(heading: str, sections: list[dict], doc_index: int) -> bool:
    """A numbered heading, or any heading after the body has begun, is past the title block."""
    if _NUMBERED_HEADING.match(heading):
        return True
    return any(s["document"] == doc_index and s["role"] not in ("front_matter", "contents") for s in sections)


def _unnamed_body_is_analysis(
    paragraphs: list[Paragraph], sections: list[dict], documents: list[Document]
) -> tuple[list[Paragraph], list[dict]]:
    """When a report names no section as analysis or findings (plain or unusual headings, or none
    at all), the part of its body that no heading names is where its analysis is: read it so,
    rather than as 'other' text that counts for less."""
    out = paragraphs
    for doc_index, doc in enumerate(documents):
        if not doc.is_main:
            continue
        mine = [p for p in paragraphs if p.document == doc_index]
        if any(p.role in ("analysis", "findings") for p in mine):
            continue
        if not any(p.role == "other" and p.kind != "heading" for p in mine):
            continue
        out = [replace(p, role="analysis") if p.document == doc_index and p.role == "other" else p for p in out]
        for s in sections:
            if s["document"] == doc_index and s["role"] == "other":
                s["role"] = "analysis"
    return out, sections
