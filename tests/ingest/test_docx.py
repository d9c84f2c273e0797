"""Word documents end to end, including Word's own list numbering and footnotes."""

from __future__ import annotations

from qmark.ingest import read_report


def numbered(report):
    return {p.number: p for p in report.paragraphs if p.number and p.role != "contents"}


def test_auto_numbered_headings_and_paragraphs(review_docx):
    report = read_report(review_docx)
    headings = [report.paragraph_text(p) for p in report.paragraphs if p.kind == "heading"]
    assert "1. Introduction" in headings
    assert "4. Analysis" in headings
    assert "5. Recommendations" in headings
    paras = numbered(report)
    assert report.paragraph_text(paras["1.1"]).startswith("The partnership commissioned")
    assert report.paragraph_text(paras["4.12"]).startswith("Episode 12:")
    assert paras["4.12"].role == "analysis"
    assert paras["2.1"].role == "terms_of_reference"
    assert report.sections[paras["4.12"].section].heading == "4. Analysis"


def test_lettered_items_keep_their_letters_in_the_text(review_docx):
    report = read_report(review_docx)
    items = [report.paragraph_text(p) for p in report.paragraphs if p.kind == "list_item"]
    assert "(a) How well did agencies share information about the family?" in items
    assert "(b) Why were the concerns of the school not acted on?" in items


def test_list_number_style_numbers_from_the_style(review_docx):
    report = read_report(review_docx)
    recs = [p for p in report.paragraphs if p.role == "recommendations" and p.kind == "paragraph"]
    assert [p.number for p in recs] == ["1", "2"]


def test_contents_entries(review_docx):
    report = read_report(review_docx)
    contents = [report.paragraph_text(p) for p in report.paragraphs if p.role == "contents"]
    assert contents == ["Contents", "1. Introduction 2", "2. Terms of reference 2", "4. Analysis 3"]
    assert not any(p.analysed for p in report.paragraphs if p.role == "contents")


def test_table_rows(review_docx):
    report = read_report(review_docx)
    rows = [report.paragraph_text(p) for p in report.paragraphs if p.kind == "table_row"]
    assert rows == ["Date | Agency | Event", "3 March 2021 | Health visiting | Home visit, baby weighed"]


def test_footnotes(review_docx):
    report = read_report(review_docx)
    notes = [report.paragraph_text(p) for p in report.paragraphs if p.kind == "footnote"]
    assert notes == ["[1] Working Together to Safeguard Children, HM Government (2018)."]
    assert report.paragraph_text(numbered(report)["4.2"]).endswith("saw.[1]")


def test_pages_from_page_breaks_and_rendered_breaks(review_docx):
    report = read_report(review_docx)
    paras = numbered(report)
    assert paras["1.1"].page == 2  # after a hard page break
    assert paras["4.1"].page == 3  # after the second one
    assert paras["4.5"].page == 4  # Word's rendered break at the start of 4.5
    assert report.documents[0].pages == 4


def test_bold_line_is_a_sub_heading(review_docx):
    report = read_report(review_docx)
    heading = next(p for p in report.paragraphs if report.paragraph_text(p) == "The front door")
    assert heading.kind == "heading"
    assert report.sections[heading.section].level == 2
    assert heading.role == "analysis"
    assert numbered(report)["4.13"].role == "analysis"


def test_title_style_and_metadata(review_docx):
    report = read_report(review_docx)
    assert report.title == "Child Safeguarding Practice Review: Child Q"


def test_start_values_restart_and_overrides(make_docx, docx_tools):
    add_list, set_numbering = docx_tools.add_list, docx_tools.set_numbering

    def build(document):
        num = add_list(document, [("decimal", "%1.", 5, None), ("decimal", "%1.%2", 1, None), ("upperRoman", "%3.", 1, None)])
        for ilvl, text in [
            (0, "Five"),
            (1, "Five one"),
            (1, "Five two"),
            (2, "Roman one"),
            (2, "Roman two"),
            (0, "Six"),
            (1, "Six one"),
            (2, "Roman again"),
        ]:
            set_numbering(document.add_paragraph(text), num, ilvl)
        # a second instance of the same list with a start override restarts level 0 at 1
        numbering = document.part.numbering_part.element
        again = numbering.add_num(numbering.num_having_numId(num).abstractNumId.val)
        again.add_lvlOverride(ilvl=0).add_startOverride(1)
        set_numbering(document.add_paragraph("Restarted"), again.numId, 0)
        set_numbering(document.add_paragraph("Restarted one"), again.numId, 1)
        set_numbering(document.add_paragraph("Switched off"), 0, 0)

    report = read_report(make_docx("numbers.docx", build))
    got = [(p.number, report.paragraph_text(p)) for p in report.paragraphs]
    assert got == [
        ("5", "Five"),
        ("5.1", "Five one"),
        ("5.2", "Five two"),
        (None, "I. Roman one"),
        (None, "II. Roman two"),
        ("6", "Six"),
        ("6.1", "Six one"),
        (None, "I. Roman again"),
        ("1", "Restarted"),
        ("1.1", "Restarted one"),
        (None, "Switched off"),
    ]
