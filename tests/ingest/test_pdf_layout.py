"""PDF layout read from the type itself: headings by size and weight, a title over two lines,
footnotes set small, two columns, a page turned on its side. Real PDFs drawn with reportlab."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from qmark.ingest import read_report

SENTENCES = (
    "The health visitor saw the family at home and weighed the baby, who was gaining weight. "
    "She recorded that the mother seemed tired but coping and offered another visit soon. "
    "Nobody asked who else lived in the flat, because the records said nobody else did."
)


class Page:
    """A cursor down a reportlab canvas: text in a given font, wrapped to a width."""

    def __init__(self, c: canvas.Canvas, x: float = 72, width: float = A4[0] - 144, top: float = A4[1] - 72) -> None:
        self.c, self.x, self.width, self.y = c, x, width, top

    def text(self, text: str, size: float = 10.5, bold: bool = False, gap: float = 8, leading: float | None = None) -> None:
        font = "Helvetica-Bold" if bold else "Helvetica"
        self.c.setFont(font, size)
        for line in simpleSplit(text, font, size, self.width):
            self.y -= leading or size * 1.3
            self.c.drawString(self.x, self.y, line)
        self.y -= gap


def test_headings_from_size_and_weight_and_a_title_over_two_lines(tmp_path: Path):
    path = tmp_path / "styled.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    p = Page(c)
    p.text("Local Child Safeguarding Practice Review into the", 20, bold=True, gap=0)
    p.text("Circumstances of Child K", 20, bold=True, gap=16)
    p.text("Published by the partnership on 3 March 2023.", gap=14)
    p.text("1. Introduction", 15, bold=True)
    p.text("1.1 " + SENTENCES)
    # sentence case, and it runs over most of a line: only its type says it is a heading
    p.text("What the practitioners knew about the adults who lived with the baby", 12.5, bold=True)
    p.text("1.2 " + SENTENCES)
    p.text("Family involvement", 10.5, bold=True)
    p.text("1.3 " + SENTENCES)
    p.text("2. Analysis", 15, bold=True)
    p.text("2.1 " + SENTENCES)
    c.save()
    report = read_report(path)
    headings = [(report.paragraph_text(x), report.sections[x.section].level) for x in report.paragraphs if x.kind == "heading"]
    assert headings[0] == ("Local Child Safeguarding Practice Review into the Circumstances of Child K", 1)
    assert report.title == "Local Child Safeguarding Practice Review into the Circumstances of Child K"
    assert ("1. Introduction", 1) in headings and ("2. Analysis", 1) in headings
    assert ("What the practitioners knew about the adults who lived with the baby", 2) in headings
    assert ("Family involvement", 2) in headings
    numbers = {x.number: x for x in report.paragraphs if x.number}
    assert set(numbers) == {"1.1", "1.2", "1.3", "2.1"}
    assert numbers["2.1"].role == "analysis"
    assert all(report.paragraph_text(x).endswith("nobody else did.") for x in numbers.values())


def _headings_pdf(path: Path, chapter: float, section: float) -> Path:
    """Numbered chapters, unnumbered sections under them and an unnumbered chapter-sized
    'Conclusions', with chapters set at `chapter` points and sections at `section`."""
    c = canvas.Canvas(str(path), pagesize=A4)
    p = Page(c)
    p.text("1. Introduction", chapter, bold=True)
    p.text("1.1 " + SENTENCES)
    p.text("Family involvement", section, bold=True)
    p.text("1.2 " + SENTENCES)
    p.text("2. Analysis", chapter, bold=True)
    p.text("2.1 " + SENTENCES)
    p.text("Father and the risk of domestic abuse (KLOE b)", section, bold=True)
    p.text("2.2 " + SENTENCES)
    p.text("Conclusions", chapter, bold=True)
    p.text("2.3 " + SENTENCES)
    c.save()
    return path


def test_headings_all_in_one_type_take_their_levels_from_the_numbering(tmp_path: Path):
    # Bold 12 pt for chapters and sections alike, as many reports typed in Word have it: the
    # type says these lines are headings but not which level; the numbering does, as in text.
    report = read_report(_headings_pdf(tmp_path / "one_type.pdf", 12, 12))
    headings = [(report.paragraph_text(x), report.sections[x.section].level) for x in report.paragraphs if x.kind == "heading"]
    assert headings == [
        ("1. Introduction", 1),
        ("Family involvement", 2),
        ("2. Analysis", 1),
        ("Father and the risk of domestic abuse (KLOE b)", 2),
        ("Conclusions", 2),
    ]
    numbers = {x.number: x for x in report.paragraphs if x.number}
    # a section of the analysis is analysis, whatever words its heading shares with the terms of reference
    assert numbers["2.2"].role == "analysis"
    # where chapters and sections differ in size, a heading in the chapters' size is a chapter
    report = read_report(_headings_pdf(tmp_path / "two_types.pdf", 15, 12))
    levels = {report.paragraph_text(x): report.sections[x.section].level for x in report.paragraphs if x.kind == "heading"}
    assert levels["Family involvement"] == 2 and levels["Father and the risk of domestic abuse (KLOE b)"] == 2
    assert levels["Conclusions"] == 1


def test_a_numbered_heading_at_the_foot_of_a_page_is_not_a_footnote(tmp_path: Path):
    path = tmp_path / "notes.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    p = Page(c)
    p.text("1 Introduction", 14, bold=True)
    p.text("1-1 " + SENTENCES + " The guidance in force at the time was clear.1")
    p.y = 150
    p.text("2 Scope and terms of reference", 10.5, gap=0)  # set as body text, as some reports do
    c.setFont("Helvetica", 8)
    c.drawString(72, 80, "1 HM Government (2018) Working Together to Safeguard Children.")
    c.showPage()
    p = Page(c)
    p.text(
        "2-1 The partners asked the review to look at the eighteen months before the injury and at how "
        "the services shared what they knew. They did not ask it to decide whether the harm could have been prevented."
    )
    c.save()
    report = read_report(path)
    headings = [report.paragraph_text(x) for x in report.paragraphs if x.kind == "heading"]
    assert headings == ["1 Introduction", "2 Scope and terms of reference"]
    notes = [report.paragraph_text(x) for x in report.paragraphs if x.kind == "footnote"]
    assert notes == ["[1] HM Government (2018) Working Together to Safeguard Children."]
    assert "clear.[1]" in report.text
    assert [x.number for x in report.paragraphs if x.number] == ["1-1", "2-1"]


def test_two_columns_are_read_one_after_the_other(tmp_path: Path):
    path = tmp_path / "columns.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    title = Page(c)
    title.text("Learning review: Child J", 18, bold=True, gap=12)
    column = (A4[0] - 144 - 24) / 2
    left = Page(c, x=72, width=column, top=title.y)
    right = Page(c, x=72 + column + 24, width=column, top=title.y)
    for n in range(1, 5):
        left.text(f"{n}. " + SENTENCES)
    for n in range(5, 9):
        right.text(f"{n}. " + SENTENCES)
    c.save()
    report = read_report(path)
    body = [x for x in report.paragraphs if x.kind != "heading"]
    assert [x.number for x in body] == [str(n) for n in range(1, 9)]
    assert all(report.paragraph_text(x).endswith("nobody else did.") for x in body)


def test_a_page_turned_on_its_side_reads_upright(tmp_path: Path):
    """A landscape page stored as a portrait page turned a quarter: its text runs up the sheet."""
    path = tmp_path / "turned.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    p = Page(c)
    p.text("1. Introduction", 15, bold=True)
    p.text("1.1 " + SENTENCES)
    c.showPage()
    c.setPageRotation(90)
    c.saveState()
    c.translate(A4[0], 0)
    c.rotate(90)  # from here on the page is drawn as a landscape sheet
    wide = Page(c, width=landscape(A4)[0] - 144, top=landscape(A4)[1] - 72)
    wide.text("2. Chronology", 15, bold=True)
    for n in range(1, 4):
        wide.text(f"2.{n} " + SENTENCES)
    c.restoreState()
    c.save()
    report = read_report(path)
    numbered = [x for x in report.paragraphs if x.number]
    assert [x.number for x in numbered] == ["1.1", "2.1", "2.2", "2.3"]
    assert all(report.paragraph_text(x).endswith("nobody else did.") for x in numbered)
    assert [x.page for x in numbered] == [1, 2, 2, 2]
    assert "2. Chronology" in [report.paragraph_text(x) for x in report.paragraphs if x.kind == "heading"]


def test_a_line_ending_in_a_hyphen_does_not_end_its_paragraph(tmp_path: Path):
    """pdfium runs a line that ends in a hyphen on into the next with no line break (U+FFFE
    between them); read as one line, it once cut the paragraph after its first line."""
    path = tmp_path / "hyphen.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 11)
    lines = [
        "6.26 Something similar happened in health. The two community health trusts",
        "use different electronic record systems. The transfer-out summary is a stand-",
        "ard form with a one-line safeguarding field, and the full record follows later",
        "as an attachment that no one in the receiving team opened before the visit.",
        "",
        "6.27 None of this is peculiar to Child M. Every transfer into the area reaches",
        "the receiving team by the same route, and the same delay follows each one.",
    ]
    y = A4[1] - 90
    for line in lines:
        c.drawString(72, y, line)
        y -= 20 if not line else 14
    c.save()
    report = read_report(path)
    numbered = {x.number: report.paragraph_text(x) for x in report.paragraphs if x.number}
    assert list(numbered) == ["6.26", "6.27"]
    assert numbered["6.26"].endswith("opened before the visit.") and "a standard form with" in numbered["6.26"]
    assert [x.number for x in report.paragraphs if x.kind != "heading"] == ["6.26", "6.27"]
