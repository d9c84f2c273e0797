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
from qmark.segment.roles import content_roles, role_from_content, role_of, section_role

_BLOCK_SEP = "\n\n"
_DOC_SEP = "\n\n\n"


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
        if kind == "heading" and not _NUMBERED.match(t) and not _NOT_A_TITLE.match(t):
            return t
    return ""


_NOT_A_TITLE = re.compile(r"\s*(table of )?contents\s*$", re.I)  # a report that opens on its contents page


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


# The characters _PLAIN maps: looking for them costs less than translating text that has none.
_TO_PLAIN = re.compile("[" + re.escape("".join(chr(c) for c in _PLAIN)) + "]")
# Runs of spaces, tabs and no-break spaces become one space; only a run of two or more, or a
# lone tab or no-break space, needs replacing.
_SPACE_TO_MEND = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")


def normalise_text(text: str) -> str:
    """Plain typography (see _PLAIN); lengths may change, so this runs before any offsets."""
    return text.translate(_PLAIN) if _TO_PLAIN.search(text) else text


def _clean(text: str) -> str:
    # Paragraph text is one line: readers' soft line breaks become spaces.
    text = normalise_text(text)
    if "-\n" in text:
        text = _LINE_HYPHEN.sub(lambda m: m.group(0)[:-1] if m.group(1).lower() in _HYPHEN_PREFIXES else m.group(1), text)
    text = text.replace("\n", " ")
    return _SPACE_TO_MEND.sub(" ", text).strip()


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
                    "parent": stack[-1]["index"] if stack else None,
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
        ocr = tuple(result.ocr) if result.ocr is not None else None
        documents.append(Document(src.name, src.path, src.format, src.sha256, doc_start, pos, result.pages, src.is_main, ocr))

    text = "".join(parts)
    paragraphs = _roles_from_content(paragraphs, sections, documents, text)
    paragraphs, sections = _unnamed_body_is_analysis(paragraphs, sections, documents)
    report = Report(
        text=text,
        documents=documents,
        sections=[Section(**{k: v for k, v in s.items() if k != "parent"}) for s in sections],
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


_TOP_NUMBER = re.compile(r"^([A-Z]|\d{1,2})(?=[.\-\u2013]?\d)")
_BODY_WORDS = 25  # a paragraph this long, or any numbered one, means the title block is over
MIN_RUN = 2  # paragraphs in a row that must point to one role when nothing else groups them


def _top_number(number: str | None) -> str | None:
    """The leading part of a printed number that groups paragraphs: '5' of 5.3, 'B' of B12."""
    if not number:
        return None
    m = _TOP_NUMBER.match(numbering.normalise(number))
    return m.group(1) if m else None


def _roles_from_content(paragraphs: list[Paragraph], sections: list[dict], documents: list[Document], text: str) -> list[Paragraph]:
    """Section roles from what the sections say, where no heading names one.

    A heading names a role when its words do ('Recommendations', 'How the review was done').
    A title ('Serious Case Review: Baby T', 'Learning Review: "Finn"') names none, even if a
    word in it looks like a role: the report's body is not all 'overview' or 'learning'. Where no
    heading above a paragraph names a role, its role is read from its content, a group at a time:
    an unnamed section, or the paragraphs sharing a leading number (5.1, 5.2...), or, in a report
    with neither, runs of paragraphs that point to the same role. What names no role stays
    'other' (and is read as analysis when the report names no analysis at all)."""
    out = list(paragraphs)
    for doc_index, doc in enumerate(documents):
        if not doc.is_main:
            continue
        mine = [p for p in out if p.document == doc_index]
        body_start = next(
            (
                p.start
                for p in mine
                if (p.kind != "heading" and (p.number or len(text[p.start : p.end].split()) >= _BODY_WORDS))
                or (p.kind == "heading" and _NUMBERED_HEADING.match(text[p.start : p.end]))
            ),
            doc.end,
        )
        secs = [sc for sc in sections if sc["document"] == doc_index]
        named: dict[int, str | None] = {}  # section -> role a heading above it names (None: none)
        for sc in secs:
            parent = named.get(sc["parent"]) if sc["parent"] is not None else None
            own = role_of(sc["heading"])
            title = sc["start"] < body_start and (own is None or _TITLE_WORDS.search(sc["heading"]) is not None)
            if sc["role"] == "contents":
                named[sc["index"]] = "contents"
            elif own is not None and not title:
                named[sc["index"]] = section_role(sc["heading"], parent or "other")
            else:
                named[sc["index"]] = parent
                if title:
                    sc["role"] = "front_matter"
        for sc in secs:
            if named[sc["index"]] is not None:
                sc["role"] = named[sc["index"]]
            elif sc["role"] != "front_matter":
                sc["role"] = "other"  # until its content says otherwise
        # Groups of paragraphs no heading names a role for.
        groups: list[tuple[tuple, list[int]]] = []
        key = None
        for p in mine:
            if p.kind == "heading" or p.role == "contents":
                continue
            sec_role = named.get(p.section) if p.section is not None else None
            if sec_role is not None:
                out[p.index] = replace(p, role=sec_role) if p.role != sec_role else p
                key = None
                continue
            if p.start < body_start:
                out[p.index] = replace(p, role="front_matter")
                continue
            real_section = p.section is not None and sections[p.section]["role"] != "front_matter"
            top = _top_number(p.number)
            if real_section:
                new_key: tuple = ("section", p.section)
            elif top is not None or p.number:
                new_key = ("number", p.section, top)
            else:
                new_key = key or ("number", p.section, None)
            if not groups or new_key != key:
                groups.append((new_key, []))
            groups[-1][1].append(p.index)
            key = new_key
        for gkey, members in groups:
            texts = [text[(out[i].number_span or (out[i].start, out[i].start))[1] : out[i].end].lstrip() for i in members]
            if gkey[0] == "number" and gkey[2] is None:
                roles = _runs(texts)
            else:
                role = role_from_content([t for i, t in zip(members, texts, strict=True) if out[i].kind != "list_item"] or texts)
                roles = [role] * len(members)
            for i, role in zip(members, roles, strict=True):
                out[i] = replace(out[i], role=role or "other")
            if gkey[0] == "section":
                sections[gkey[1]]["role"] = roles[0] or "other"
    for sc in sections:
        if sc["role"] is None:
            sc["role"] = "other"
    return [replace(p, role=sections[p.section]["role"]) if p.kind == "heading" and p.section is not None else p for p in out]


def _runs(texts: list[str]) -> list[str | None]:
    """Roles for paragraphs that nothing groups: a role where MIN_RUN or more paragraphs in a
    row point to it, none elsewhere."""
    each = [content_roles(t) for t in texts]
    out: list[str | None] = [None] * len(texts)
    i = 0
    while i < len(texts):
        best = None
        for role in each[i]:
            j = i
            while j < len(texts) and role in each[j]:
                j += 1
            if j - i >= MIN_RUN and (best is None or j > best[1]):
                best = (role, j)
        if best is None:
            i += 1
            continue
        for k in range(i, best[1]):
            out[k] = best[0]
        i = best[1]
    return out


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
