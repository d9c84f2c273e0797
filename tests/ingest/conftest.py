"""Fixtures that generate real documents (PDF, DOCX) in a temporary folder.

Nothing binary is kept in the repository: each test builds the file it reads. The PDFs are
laid out by hand on a reportlab canvas so that a test can say exactly where a page breaks,
which running header and footer each page has and where a footnote sits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

# --- PDF ------------------------------------------------------------------------------------

BODY_FONT, BOLD_FONT = "Helvetica", "Helvetica-Bold"
LEFT, RIGHT, TOP, BOTTOM = 72.0, A4[0] - 72.0, A4[1] - 72.0, 90.0


@dataclass
class _Page:
    ops: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


class PdfLayout:
    """A small hand layout: headings, wrapped paragraphs, contents lines, footnotes."""

    def __init__(self, size: float = 10.5, leading: float = 13.5, space: float = 8.0) -> None:
        self.size, self.leading, self.space = size, leading, space
        self.pages: list[_Page] = [_Page()]
        self.y = TOP

    def _need(self, height: float) -> None:
        floor = BOTTOM + 14.0 * len(self.pages[-1].notes)
        if self.y - height < floor:
            self.page_break()

    def page_break(self) -> None:
        self.pages.append(_Page())
        self.y = TOP

    def heading(self, text: str, size: float = 13.0) -> None:
        self._need(size * 3)
        self.y -= size * 0.6
        self.pages[-1].ops.append(("text", LEFT, self.y - size, text, BOLD_FONT, size))
        self.y -= size + self.space + 4

    def paragraph(self, text: str, break_after_lines: int | None = None, note: tuple[int, str] | None = None) -> None:
        lines = simpleSplit(text, BODY_FONT, self.size, RIGHT - LEFT)
        for i, line in enumerate(lines):
            if break_after_lines is not None and i == break_after_lines:
                self.page_break()
            self._need(self.leading)
            self.y -= self.leading
            self.pages[-1].ops.append(("text", LEFT, self.y, line, BODY_FONT, self.size))
        if note is not None:
            # superscript marker after the paragraph's last word, note text at the page foot
            x = LEFT + _width(lines[-1], BODY_FONT, self.size) + 0.5
            self.pages[-1].ops.append(("text", x, self.y + 4, str(note[0]), BODY_FONT, 6.5))
            self.pages[-1].notes.append(note)
        self.y -= self.space

    def contents_line(self, title: str, page: int) -> None:
        self._need(self.leading)
        self.y -= self.leading
        room = RIGHT - LEFT - 30 - _width(title, BODY_FONT, self.size)
        dots = "." * max(3, int(room / _width(".", BODY_FONT, self.size)))
        self.pages[-1].ops.append(("text", LEFT, self.y, f"{title} {dots}", BODY_FONT, self.size))
        self.pages[-1].ops.append(("right", RIGHT, self.y, str(page), BODY_FONT, self.size))

    def save(
        self,
        path: Path,
        *,
        header: str | None = None,
        footer: str | None = "Page {n} of {total}",
        marking: str | None = None,
        marking_pages: set[int] | None = None,
        title: str | None = None,
        encrypt: Any = None,
    ) -> Path:
        c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
        if title:
            c.setTitle(title)
        total = len(self.pages)
        for n, page in enumerate(self.pages, start=1):
            if marking and (marking_pages is None or n in marking_pages):
                _draw(c, "centre", A4[0] / 2, A4[1] - 30, marking, BOLD_FONT, 9)
            if header:
                _draw(c, "text", LEFT, A4[1] - 46, header.format(n=n, total=total), BODY_FONT, 8.5)
            if footer:
                _draw(c, "centre", A4[0] / 2, 36, footer.format(n=n, total=total), BODY_FONT, 8.5)
            for op in page.ops:
                _draw(c, *op)
            if page.notes:
                y = BOTTOM - 4 + 12.0 * len(page.notes)
                c.line(LEFT, y + 10, LEFT + 120, y + 10)
                for number, text in page.notes:
                    _draw(c, "text", LEFT, y, f"{number} {text}", BODY_FONT, 8)
                    y -= 12.0
            c.showPage()
        c.save()
        return path


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def _draw(c: canvas.Canvas, how: str, x: float, y: float, text: str, font: str, size: float) -> None:
    c.setFont(font, size)
    if how == "centre":
        c.drawCentredString(x, y, text)
    elif how == "right":
        c.drawRightString(x, y, text)
    else:
        c.drawString(x, y, text)


# Paragraph texts: sentence-like, as in reviews, and varied so that no body line recurs the
# way a running header does.
SENTENCES = [
    "The health visitor visited the family at home on {k} occasions and weighed the baby, who was gaining weight.",
    "She recorded that the mother seemed tired but coping, and she offered a further visit in {k} weeks.",
    "The school nurse had {k} contacts with the family and shared her concern with the designated safeguarding lead.",
    "At the time, the bruise had a plausible explanation that {k} professionals accepted without further enquiry.",
    "The duty system gave each worker about {k} referrals a day, leaving little time to read the history.",
    "Practitioners told the reviewer that the threshold document was read differently in the {k} teams.",
    "The GP saw the child {k} times in the period and recorded each consultation in the practice system.",
    "Records show that the referral was screened within {k} hours and passed to the early help team.",
]


def para(number: str, topic: str, n: int = 3) -> str:
    seed = sum(ord(c) for c in number + topic)
    body = " ".join(SENTENCES[(seed + i) % len(SENTENCES)].format(k=seed % 7 + i + 2) for i in range(n * 2))
    return f"{number} {topic} {body}"


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, build: Callable[[PdfLayout], None], **save: Any) -> Path:
        layout = PdfLayout()
        build(layout)
        return layout.save(tmp_path / name, **save)

    return make


RUNNING_HEADER = "Kestrel Vale Safeguarding Children Partnership: Child Safeguarding Practice Review, Child P"
SPLIT_END = "continued on the next page until this closing phrase."


def build_review(layout: PdfLayout, style: str = "decimal") -> None:
    """A review with a title page, a contents page and numbered sections.

    style: how paragraphs are numbered: decimal (4.12), hyphen (4-12), para (Para 23), plain (23.).
    """
    counter = iter(range(1, 200))

    def num(section: int, i: int) -> str:
        if style == "decimal":
            return f"{section}.{i}"
        if style == "hyphen":
            return f"{section}-{i}"
        n = next(counter)
        return f"Para {n}" if style == "para" else f"{n}."

    layout.heading("Child Safeguarding Practice Review: Child P", size=18)
    layout.paragraph("Independent reviewer: A. Reviewer. Published by the partnership in March 2023.")
    layout.page_break()
    layout.heading("Contents")
    for title, page in [
        ("1. Introduction", 3),
        ("2. Method", 3),
        ("3. Background", 3),
        ("4. Analysis", 4),
        ("5. Findings", 5),
        ("Appendix 1: Glossary", 6),
    ]:
        layout.contents_line(title, page)
    layout.page_break()
    layout.heading("1. Introduction")
    layout.paragraph(para(num(1, 1), "This review was commissioned by the partnership after Child P was injured."))
    layout.paragraph(para(num(1, 2), "The review looks at what happened and why.", 1))
    layout.heading("2. Method")
    layout.paragraph(
        para(num(2, 1), "The reviewer met practitioners at a learning event.", 2),
        note=(1, "Working Together to Safeguard Children, HM Government (2018)"),
    )
    layout.heading("3. Background")
    layout.paragraph(para(num(3, 1), "Child P lived with mother and two siblings.", 1))
    layout.page_break()
    layout.heading("4. Analysis")
    for i in range(1, 4):
        layout.paragraph(para(num(4, i), f"Practice episode {i} is considered here."))
    split = para(num(4, 4), "This paragraph wraps across a page break and is") + " " + SPLIT_END
    layout.paragraph(split, break_after_lines=2)
    for i in range(5, 13):
        layout.paragraph(para(num(4, i), f"Practice episode {i} is considered here.", 1))
    layout.heading("5. Findings")
    layout.paragraph(para(num(5, 1), "The first finding concerns the front door.", 2))
    layout.page_break()
    layout.heading("Appendix 1: Glossary")
    layout.paragraph("CSC: Children's Social Care.")


@pytest.fixture
def review_pdf_in(make_pdf: Callable[..., Path]) -> Callable[[str], Path]:
    """The review PDF with paragraphs numbered in a given style."""

    def make(style: str = "decimal") -> Path:
        return make_pdf(
            f"review-{style}.pdf",
            lambda layout: build_review(layout, style),
            header=RUNNING_HEADER,
            marking="OFFICIAL - SENSITIVE",
            marking_pages={1},
            title="Child P review",
        )

    return make


@pytest.fixture
def review_pdf(review_pdf_in: Callable[[str], Path]) -> Path:
    return review_pdf_in("decimal")


# --- DOCX -----------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def numbering_xml(abstract_id: int, levels: list[tuple[str, str, int, str | None]]) -> str:
    """An abstractNum: levels as (numFmt, lvlText, start, pStyle)."""
    lvls = []
    for ilvl, (fmt, text, start, pstyle) in enumerate(levels):
        style = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'{style}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        )
    return (
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(lvls)}</w:abstractNum>'
    )


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, build: Callable[[Any], None]) -> Path:
        import docx

        document = docx.Document()
        build(document)
        path = tmp_path / name
        document.save(str(path))
        return path

    return make


def add_list(document: Any, levels: list[tuple[str, str, int, str | None]]) -> int:
    """Add a list definition (abstractNum plus num) to the document's numbering part; its numId."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    abstract_id = 100 + len(numbering.findall(f"{{{W_NS}}}abstractNum"))
    abstract = parse_xml(numbering_xml(abstract_id, levels))
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum definitions come before num entries
    else:
        numbering.append(abstract)
    return numbering.add_num(abstract_id).numId


def set_numbering(paragraph: Any, num_id: int, ilvl: int | None = None) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = ppr.get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def set_style_numbering(style: Any, num_id: int) -> None:
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = num_id


def add_footnotes(document: Any, notes: dict[int, str]) -> None:
    """python-docx does not write footnotes: add a footnotes part by hand."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    def note(attrs: str, content: str) -> str:
        return f"<w:footnote {attrs}><w:p><w:r>{content}</w:r></w:p></w:footnote>"

    body = "".join(
        note(f'w:id="{nid}"', f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t>') for nid, text in notes.items()
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
        + note('w:type="separator" w:id="-1"', "<w:separator/>")
        + note('w:type="continuationSeparator" w:id="0"', "<w:continuationSeparator/>")
        + f"{body}</w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def add_footnote_reference(paragraph: Any, note_id: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:footnoteReference w:id="{note_id}"/></w:r>'))


def build_docx_review(document: Any) -> None:
    """A review as Word users write one: numbered headings and paragraphs (Word's own list
    numbering, levels '%1.' and '%1.%2'), lettered items, a table, footnotes, page breaks."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement

    num = add_list(document, [("decimal", "%1.", 1, "Heading1"), ("decimal", "%1.%2", 1, None), ("lowerLetter", "(%3)", 1, None)])
    set_style_numbering(document.styles["Heading 1"], num)
    # 'TOC Heading' is based on 'Heading 1'; as in Word's templates it switches numbering off
    set_style_numbering(document.styles["TOC Heading"], 0)
    toc1 = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)

    def body(text: str, level: int = 1) -> Any:
        p = document.add_paragraph(text)
        set_numbering(p, num, level)
        return p

    document.add_paragraph("Child Safeguarding Practice Review: Child Q", style="Title")
    document.add_paragraph("Contents", style="TOC Heading")
    for entry in ("1. Introduction\t2", "2. Terms of reference\t2", "4. Analysis\t3"):
        document.add_paragraph(entry, style=toc1)
    document.add_page_break()
    document.add_heading("Introduction", level=1)
    body("The partnership commissioned this review after Child Q was admitted to hospital.")
    body("The review was led by an independent reviewer with a review team of senior managers.")
    document.add_heading("Terms of reference", level=1)
    body("The review was asked to consider the following questions:")
    body("How well did agencies share information about the family?", level=2)
    body("Why were the concerns of the school not acted on?", level=2)
    document.add_heading("Background", level=1)
    body("Child Q lived with mother, her partner and two older siblings.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Date", "Agency", "Event")):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("3 March 2021", "Health visiting", "Home visit, baby weighed")):
        cell.text = text
    document.add_page_break()
    document.add_heading("Analysis", level=1)
    for i in range(1, 13):
        p = body(f"Episode {i}: the health visitor visited the family and recorded what she saw.")
        if i == 2:
            add_footnote_reference(p, 1)
        if i == 5:
            # Word's record of where page 3 began: at the start of this paragraph
            p.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    bold = document.add_paragraph()
    bold.add_run("The front door").bold = True
    body("Referrals from schools were screened out without a call back, the review team found.")
    document.add_heading("Recommendations", level=1)
    document.add_paragraph("The partnership should review its threshold guidance.", style="List Number")
    document.add_paragraph("The partnership should audit school referrals.", style="List Number")
    add_footnotes(document, {1: "Working Together to Safeguard Children, HM Government (2018)."})
    document.core_properties.title = "Child Q review"


@pytest.fixture
def review_docx(make_docx: Callable[..., Path]) -> Path:
    return make_docx("review.docx", build_docx_review)


@pytest.fixture
def docx_tools() -> Any:
    """The DOCX building helpers, for tests that make their own documents."""
    from types import SimpleNamespace

    return SimpleNamespace(
        add_list=add_list, set_numbering=set_numbering, add_footnotes=add_footnotes, add_footnote_reference=add_footnote_reference
    )
