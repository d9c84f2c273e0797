"""The reviewer's own draft returned with Word comments: qmark's points as native comments in
the margin, anchored at each flagged passage (hindsight judgements, explanations that stop at the
individual, description without explanation, superseded guidance, old research) and at the
strongest evidence for each question, each naming the question and saying what would strengthen
it.

Nothing of the document's own is changed: its text, numbering, tracked changes and existing
comments stay as they were. To anchor a comment at a sentence, the run holding the sentence's
first or last character may be split in two with the same formatting (Word does the same when
a comment is added by hand); comment range marks and reference runs are the only new elements.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from qmark.assess.records import Assessment
from qmark.ingest.builder import normalise_text
from qmark.profile import Profile
from qmark.render import content as content_mod
from qmark.render.assessor import AssessorJudgements

AUTHOR, INITIALS = "qmark", "qmark"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# Content that is not visible text of the paragraph: deleted or moved-away text, field codes,
# properties, fallbacks and text boxes (their paragraphs are visited on their own).
_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:instrText"), qn("w:delText"), qn("w:rPr"), qn("w:pPr"), f"{{{_MC}}}Fallback"}
_FOOTNOTE_MARK = re.compile(r"\[(\d+|[ivxlc]+)\]")


class NotWordError(ValueError):
    """The draft is not a Word (.docx) document: comments can only be added to one."""


@dataclass
class Placement:
    kind: str  # 'flag' or 'evidence'
    question: str  # question id
    where: str  # location label
    placed: bool


@dataclass
class CommentSummary:
    placements: list[Placement] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return sum(p.placed for p in self.placements)

    @property
    def unplaced(self) -> list[Placement]:
        return [p for p in self.placements if not p.placed]


# --------------------------------------------------------------------- the paragraph's text


@dataclass
class _Char:
    node: object  # the w:t element, or an atomic element (w:tab, w:br) that shows as one space
    offset: int  # within the w:t's text (0 for atomic elements)
    run: object  # the w:r holding it


def _visible(p) -> list[_Char]:
    """Every visible character of a paragraph, in order, with where it lives."""
    out: list[_Char] = []

    def walk(el, run=None) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or tag == qn("w:p") or tag == qn("w:txbxContent"):
                continue
            if tag == qn("w:r"):
                rpr = child.find(qn("w:rPr"))
                if rpr is not None and rpr.find(qn("w:vanish")) is not None:
                    continue
                walk(child, child)
            elif tag == qn("w:t") and run is not None:
                out.extend(_Char(child, i, run) for i in range(len(child.text or "")))
            elif tag in (qn("w:tab"), qn("w:br"), qn("w:cr")) and run is not None:
                out.append(_Char(child, 0, run))
            elif tag == qn("w:noBreakHyphen") and run is not None:
                out.append(_Char(child, 0, run))
            else:
                walk(child, run)

    walk(p)
    return out


def _char_text(c: _Char) -> str:
    tag = c.node.tag  # type: ignore[attr-defined]
    if tag == qn("w:t"):
        return c.node.text[c.offset]  # type: ignore[attr-defined]
    return "-" if tag == qn("w:noBreakHyphen") else " "


def _normalised(chars: list[_Char]) -> tuple[str, list[int]]:
    """The paragraph's text as qmark reads it (plain typography, single spaces) and, for each of
    its characters, the index of the visible character it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(chars):
        for ch in normalise_text(_char_text(c)):
            if ch.isspace():
                if not out or out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            where.append(i)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def _plain(text: str) -> str:
    return " ".join(normalise_text(text).split())


# --------------------------------------------------------------------- splitting runs


def _content_children(run) -> list:
    return [c for c in run if c.tag != qn("w:rPr")]


def _split(run, node, offset: int):
    """Split a run before (node, offset): (run with what comes before, run from there on); either
    may be None when the point is already a run boundary."""
    kids = _content_children(run)
    idx = kids.index(node)
    text = node.text or "" if node.tag == qn("w:t") else ""
    if idx == 0 and offset == 0:
        return None, run
    second = copy.deepcopy(run)
    second_kids = _content_children(second)
    for k in kids[idx + 1 :]:
        run.remove(k)
    for k in second_kids[:idx]:
        second.remove(k)
    if offset == 0:
        run.remove(node)
    else:
        node.text = text[:offset]
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        tail = second_kids[idx]
        tail.text = text[offset:]
        tail.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if not tail.text:
            second.remove(tail)
    if not _content_children(second):
        return run, None
    run.addnext(second)
    return run, second


def _run_starting_at(c: _Char):
    _, second = _split(c.run, c.node, c.offset)
    return second if second is not None else c.run


def _run_ending_after(c: _Char):
    """The run whose last character is c (splitting after it when needed)."""
    node, run = c.node, c.run
    if node.tag == qn("w:t") and c.offset + 1 < len(node.text or ""):  # type: ignore[attr-defined]
        first, _ = _split(run, node, c.offset + 1)
        return first
    kids = _content_children(run)
    idx = kids.index(node)
    if idx + 1 < len(kids):
        first, _ = _split(run, kids[idx + 1], 0)
        return first if first is not None else run
    return run


def _top(el, p):
    """el's ancestor (or el) that is a direct child of the paragraph."""
    while el.getparent() is not p:
        el = el.getparent()
    return el


def _anchor(p, chars: list[_Char], first: int, last: int, comment_id: int) -> None:
    # The end mark goes in first: splitting the same run for the start then keeps it after the quote.
    end = OxmlElement("w:commentRangeEnd")
    end.set(qn("w:id"), str(comment_id))
    _run_ending_after(chars[last]).addnext(end)
    chars = _visible(p)  # splitting changed the runs; find the first character again
    start = OxmlElement("w:commentRangeStart")
    start.set(qn("w:id"), str(comment_id))
    _run_starting_at(chars[first]).addprevious(start)
    # The reference run sits at the paragraph's own level, never inside someone's tracked
    # insertion, so accepting or rejecting their changes leaves qmark's comments alone.
    ref_run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "CommentReference")
    rpr.append(style)
    ref_run.append(rpr)
    ref = OxmlElement("w:commentReference")
    ref.set(qn("w:id"), str(comment_id))
    ref_run.append(ref)
    _top(end, p).addnext(ref_run)


# --------------------------------------------------------------------- finding passages


class _Draft:
    def __init__(self, document) -> None:
        self.document = document
        self.paragraphs = [p for p in document.element.body.iter(qn("w:p"))]

    def find(self, quote: str, paragraph_text: str) -> tuple[object, int, int] | None:
        """(paragraph, first, last visible character) of the quote, or None."""
        want = _plain(quote)
        if not want:
            return None
        context = _plain(paragraph_text)
        tries = [want, _plain(_FOOTNOTE_MARK.sub("", quote))]
        best = None
        for p in self.paragraphs:
            chars = _visible(p)
            if not chars:
                continue
            text, where = _normalised(chars)
            for t in tries:
                i = text.find(t)
                if i >= 0:
                    score = 2 if text == context or context.endswith(text) else (1 if text in context else 0)
                    if best is None or score > best[0]:
                        best = (score, p, where[i], where[i + len(t) - 1])
                    break
            if best and best[0] == 2:
                break
        if best is None and len(want) > 60:
            # The quote may cross something the reader joins differently (a footnote, a line
            # break): anchor from its start to the end of the paragraph it starts in.
            head = want[:60]
            for p in self.paragraphs:
                chars = _visible(p)
                text, where = _normalised(chars)
                i = text.find(head)
                if i >= 0:
                    return p, where[i], len(chars) - 1
        return None if best is None else best[1:]

    def first_paragraph(self):
        for p in self.paragraphs:
            if _visible(p) and _normalised(_visible(p))[0].strip():
                return p
        return None


# --------------------------------------------------------------------- the comments


def _add(document, p, first: int, last: int, paragraphs: list[tuple[str, bool]]) -> None:
    comment = document.comments.add_comment(text="", author=AUTHOR, initials=INITIALS)
    para = comment.paragraphs[0]
    for i, (text, bold) in enumerate(paragraphs):
        if i:
            para = comment.add_paragraph()
        para.add_run(text).bold = bold
    _anchor(p, _visible(p), first, last, comment.comment_id)


def _rating_words(q: content_mod.QuestionView) -> str:
    s = f"qmark suggests {q.suggested_label} ({q.confidence}% confidence{'; check' if q.check else ''})"
    if q.assessor:
        s += f"; the assessor rated it {q.assessor_label}"
    return s + "."


def annotate(
    draft: str | Path,
    assessment: Assessment,
    profile: Profile,
    out: str | Path,
    judgements: AssessorJudgements | None = None,
) -> CommentSummary:
    """Write the draft with qmark's comments to `out`; what was placed and what could not be."""
    path = Path(draft)
    if path.suffix.lower() != ".docx":
        raise NotWordError(f"{path.name}: comments can only be added to a Word (.docx) draft; this is a {path.suffix or 'file'}")
    c = content_mod.build(assessment, profile, judgements)
    main = next((d.name for d in assessment.report.documents if d.role == "report"), None)
    document = docx.Document(str(path))
    draft_doc = _Draft(document)
    summary = CommentSummary()

    for _, title, flags in c.flag_groups:
        for fl in flags:
            if fl.question is None or fl.loc is None or fl.loc.document != main or not fl.quote:
                continue
            q = fl.question
            found = draft_doc.find(fl.quote, "")
            summary.placements.append(Placement("flag", q.id, fl.label, found is not None))
            if found:
                _add(
                    document,
                    *found,
                    [
                        (f"Question {q.number}: {q.short}. {title[:-1] if title.endswith('s') else title}.", True),
                        (f"{fl.advice} (qmark: {fl.reason}.)", False),
                    ],
                )

    for q in c.questions:
        ev = next((e for e in q.evidence if e.status != "rejected" and e.loc and e.loc.document == main), None)
        if ev is None:
            continue
        found = draft_doc.find(ev.quote, ev.before + ev.quote + ev.after)
        summary.placements.append(Placement("evidence", q.id, ev.label, found is not None))
        if found:
            advice = f"What would strengthen it: {q.develop}" if q.final != "met" else "This is what the question asks for: keep it."
            _add(
                document,
                *found,
                [
                    (f"Question {q.number}: {q.short}. The strongest evidence qmark found for this question.", True),
                    (f"{_rating_words(q)} {ev.reasons[0] if ev.reasons else ''}".strip(), False),
                    (advice, False),
                ],
            )

    first = draft_doc.first_paragraph()
    if first is not None:
        lines: list[tuple[str, bool]] = [
            ("qmark's comments on this draft", True),
            (
                f"{summary.placed} comments follow, at passages that weaken the analysis and at the strongest evidence for each "
                f"question. They are suggestions from patterns in the text, for the lead reviewer to weigh. {c.status}",
                False,
            ),
        ]
        for q in c.questions:
            who = f"; assessor: {q.assessor_label}" if q.assessor else ""
            lines.append((f"{q.number}. {q.short}: {q.suggested_label} ({q.confidence}%{who})", False))
        wide = [fl for _, _, flags in c.flag_groups for fl in flags if fl.loc is None]
        for fl in wide:
            lines.append((f"{fl.title}: {fl.reason}", False))
        if summary.unplaced:
            where = ", ".join(p.where for p in summary.unplaced)
            lines.append((f"Not placed (the text differs from this draft): {where}.", False))
        chars = _visible(first)
        _add(document, first, 0, len(chars) - 1, lines)
    document.save(str(out))
    return summary
