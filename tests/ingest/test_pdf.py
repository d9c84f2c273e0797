"""PDF reading end to end: generated PDFs through qmark.ingest.read_report into a Report."""

from __future__ import annotations

import time

import pytest

from qmark.ingest import read_report

RUNNING_HEADER = "Kestrel Vale Safeguarding Children Partnership: Child Safeguarding Practice Review, Child P"


def by_number(report):
    return {p.number: p for p in report.paragraphs if p.number and p.role != "contents"}


def test_numbers_pages_and_roles(review_pdf):
    report = read_report(review_pdf)
    paras = by_number(report)
    assert {"1.1", "1.2", "2.1", "3.1", "4.1", "4.12", "5.1"} <= set(paras)
    assert paras["1.1"].page == 3 and paras["4.1"].page == 4
    assert paras["1.1"].role == "introduction"
    assert paras["2.1"].role == "method"
    assert paras["4.12"].role == "analysis"
    assert paras["5.1"].role == "findings"
    assert report.sections[paras["4.12"].section].heading == "4. Analysis"
    assert report.documents[0].pages == 6


def test_furniture_is_noise_not_text(review_pdf):
    report = read_report(review_pdf)
    assert RUNNING_HEADER not in report.text
    assert "Page 3 of 6" not in report.text
    assert "OFFICIAL" not in report.text
    reasons = {(n.page, n.reason) for n in report.noise}
    assert (1, "classification") in reasons
    assert {(p, "running_header") for p in range(1, 7)} <= reasons
    assert {(p, "page_number") for p in range(1, 7)} <= reasons
    assert any(n.text == "Page 3 of 6" for n in report.noise)


def test_contents_page_is_not_analysed(review_pdf):
    report = read_report(review_pdf)
    contents = [p for p in report.paragraphs if p.role == "contents"]
    texts = [report.paragraph_text(p) for p in contents]
    assert texts[0] == "Contents"
    assert any(t.startswith("4. Analysis") and t.endswith("4") for t in texts)
    assert len(contents) == 7
    assert all(p.page == 2 and not p.analysed for p in contents)


def test_paragraph_across_page_break_is_one(review_pdf):
    report = read_report(review_pdf)
    p = by_number(report)["4.4"]
    text = report.paragraph_text(p)
    assert text.startswith("4.4 This paragraph wraps across a page break")
    assert text.endswith("continued on the next page until this closing phrase.")
    assert p.page == 4
    assert "4.5" in by_number(report)


def test_footnote(review_pdf):
    report = read_report(review_pdf)
    notes = [p for p in report.paragraphs if p.kind == "footnote"]
    assert [report.paragraph_text(p) for p in notes] == ["[1] Working Together to Safeguard Children, HM Government (2018)"]
    assert notes[0].page == 3
    # the superscript marker is written as in the other formats
    assert report.paragraph_text(by_number(report)["2.1"]).endswith(".[1]")


@pytest.mark.parametrize(
    "style, expected",
    [
        ("decimal", ["4.1", "4.2", "4.12"]),
        ("hyphen", ["4-1", "4-2", "4-12"]),
        ("para", ["Para 5", "Para 6", "Para 16"]),
        ("plain", ["5", "6", "16"]),
    ],
)
def test_paragraph_number_styles(review_pdf_in, style, expected):
    report = read_report(review_pdf_in(style))
    analysis = [p.number for p in report.paragraphs if p.role == "analysis" and p.kind != "heading"]
    assert analysis[:2] == expected[:2]
    assert analysis[-1] == expected[-1]
    assert not [p for p in report.paragraphs if p.kind == "heading" and p.role == "analysis" and report.paragraph_text(p) != "4. Analysis"]


def test_title_from_metadata_when_no_heading(make_pdf):
    def build(layout):
        layout.paragraph("The review found that agencies worked well together in most respects.")

    report = read_report(make_pdf("plain.pdf", build, footer=None, title="Review of Child R"))
    assert report.title == "Review of Child R"


def test_speed(make_pdf):
    """The whole pipeline reads at least 50 pages a second (checked loosely: machines vary)."""

    def build(layout):
        for s in range(1, 31):
            layout.heading(f"{s}. Section {s}")
            for i in range(1, 13):
                layout.paragraph(
                    f"{s}.{i} Paragraph {i} of section {s}. "
                    + " ".join(f"Sentence {k} says what the practitioners did on day {k + i} and why it mattered." for k in range(6))
                )

    path = make_pdf("long.pdf", build, header=RUNNING_HEADER)
    start = time.perf_counter()
    report = read_report(path)
    elapsed = time.perf_counter() - start
    pages = report.documents[0].pages
    assert pages >= 40
    assert pages / elapsed >= 25, f"{pages / elapsed:.0f} pages/s"


def test_hanging_and_first_line_indents(make_pdf):
    """'4.12<tab>text' paragraphs keep their indented lines; a first-line indent starts one."""
    lines = []
    for n in range(1, 4):
        lines += [
            (72, f"4.{n}", 0),
            (108, "The health visitor visited the family and weighed the baby, who was well.", 15),
            (108, "She recorded that the mother seemed tired. The next visit was then arranged.", 15),
            (108, "The visit took place as planned.", 22),
        ]
    lines += [
        (72, "An unnumbered paragraph at the margin, which goes on to a second line and", 15),
        (72, "ends here.", 15),
        (90, "A first-line indented paragraph that starts here and runs on to the next line", 15),
        (72, "where it ends.", 15),
    ]

    def build(layout):
        y = 760
        for x, text, step in lines:
            layout.pages[-1].ops.append(("text", x, y, text, "Helvetica", 11))
            y -= step

    report = read_report(make_pdf("indents.pdf", build, footer=None))
    texts = [report.paragraph_text(p) for p in report.paragraphs]
    assert [p.number for p in report.paragraphs] == ["4.1", "4.2", "4.3", None, None]
    assert texts[0].endswith("arranged. The visit took place as planned.")
    assert texts[3].endswith("ends here.") and texts[4].startswith("A first-line indented")
