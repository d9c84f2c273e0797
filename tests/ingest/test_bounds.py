"""Every input is bounded: pathological files end in seconds, read or refused with one line.

Each input is sized so that the quadratic (or worse) code it once met would take many
seconds or minutes; the bounds below are generous so that a slow test machine still passes.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from qmark.engine import assess
from qmark.ingest import IngestError, layout, markdown, read_report
from qmark.ingest import docx as docx_reader

FAST = 30.0  # seconds: the quadratic versions of these took minutes to hours; a loaded CI machine takes up to ~10 s


def quick(fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    elapsed = time.perf_counter() - started
    assert elapsed < FAST, f"took {elapsed:.1f} s"
    return out


def refused(path: Path) -> str:
    started = time.perf_counter()
    with pytest.raises(IngestError) as err:
        read_report(path)
    assert time.perf_counter() - started < FAST
    message = str(err.value)
    assert message.startswith(str(path)) and "\n" not in message
    return err.value.reason


# --- regular expressions ---------------------------------------------------------------------


def test_one_huge_word_in_a_docx(make_docx):
    # 300,000 letters without a hyphen: the line-end hyphen clean-up once took over a minute
    path = make_docx("word.docx", lambda d: d.add_paragraph("The review began. " + "a" * 300_000 + " end."))
    report = quick(read_report, path)
    assert "a" * 300_000 in report.text
    quick(assess, report)


def test_hyphen_clean_up_still_joins_words():
    from qmark.ingest.builder import _clean

    assert _clean("the assess-\nment and multi-\nagency work") == "the assessment and multi-agency work"
    quick(_clean, "x" * 400_000 + "-\nend")


@pytest.mark.parametrize("unit", ["*a ", "_a ", "`a ", "**a ", "[^a", "[a", "[a](b", "x <"])
def test_markdown_inline_clean_up_is_linear(tmp_path, unit):
    # 48 KB of '*a ' took 29 s; 150 KB would have taken minutes
    path = tmp_path / "inline.md"
    path.write_text("1. " + unit * 50_000)
    report = quick(read_report, path)
    assert report.paragraphs


def test_markdown_inline_clean_up_keeps_its_meaning():
    assert markdown._inline("**Bold** and *em* and `code` and [a link](http://x.org/a_(b)) [^1]") == "Bold and em and code and a link [1]"
    assert markdown._inline("a * b * c") == "a * b * c"
    assert markdown._inline("snake_case_name and __init__") == "snakecasename and init"


def test_contents_line_of_dots_is_linear(tmp_path):
    # a 'contents entry' test once backtracked cubically on a long line of dots
    path = tmp_path / "dots.txt"
    path.write_text(
        "Contents\n"
        + "a. " * 100_000
        + "\n\n"
        + ("Contents\n" + "a. " * 60 + "\n") * 5_000
        + "\nThe review found that agencies did not share information.\n"
    )
    quick(read_report, path)
    assert layout.is_contents_entry("4. Analysis ........ 12")
    assert layout.is_contents_entry("Appendix iv")
    assert not layout.is_contents_entry("Analysis.12")


# --- HTML nesting -------------------------------------------------------------------------------


def test_deeply_nested_html_is_refused(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<span>" * 100_000 + "text" + "</span>" * 100_000 + "</body></html>")
    assert "nested more than" in refused(path)


def test_nested_html_under_the_limit_is_read_quickly(tmp_path):
    # 782 KB of nested spans took 22 s: each span searched its whole subtree for blocks
    group = "<span>" * 400 + "<p>The review found gaps.</p>" + "</span>" * 400
    path = tmp_path / "spans.html"
    path.write_text("<html><body><div>" + group * 160 + "</div></body></html>")
    report = quick(read_report, path)
    assert sum(1 for p in report.paragraphs if p.kind != "heading") == 160


# --- DOCX numbering and decompression -------------------------------------------------------


def _numbered_docx(make_docx, docx_tools, fmt: str, start: str, text: str = "%1.") -> Path:
    def build(document):
        num = docx_tools.add_list(document, [(fmt, text, 1, None)])
        numbering = document.part.numbering_part.element
        for el in numbering.iter(f"{{{docx_reader._W}}}start"):
            el.set(f"{{{docx_reader._W}}}val", start)
        for _ in range(3):
            docx_tools.set_numbering(document.add_paragraph("The review found that agencies worked apart."), num)

    return make_docx(f"list-{fmt}.docx", build)


@pytest.mark.parametrize("fmt", ["upperRoman", "lowerLetter", "decimal"])
def test_huge_list_start_is_refused(make_docx, docx_tools, fmt):
    # 10^12 in roman numerals hung; in letters a 53 KB file grew past 6.5 GB
    path = _numbered_docx(make_docx, docx_tools, fmt, str(10**12))
    assert "list numbering starts at 1000000000000" in refused(path)


def test_list_values_in_range_are_shown(make_docx, docx_tools):
    path = _numbered_docx(make_docx, docx_tools, "upperRoman", "4")
    assert [p.number for p in read_report(path).paragraphs if p.number] == []  # roman: list items
    assert "IV. The review" in read_report(path).text
    big = _numbered_docx(make_docx, docx_tools, "lowerLetter", "30000")
    # shown as digits, not 1,154 letters
    assert [p.number for p in quick(read_report, big).paragraphs] == ["30000", "30001", "30002"]


def test_long_list_text_is_refused(make_docx, docx_tools):
    path = _numbered_docx(make_docx, docx_tools, "decimal", "1", text="%1" * 5_000)
    assert "list numbering text" in refused(path)


def _zip_like_docx(src: Path, dst: Path, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        for name, data in extra.items():
            zout.writestr(name, data, compresslevel=9)
    return dst


def test_docx_decompression_bomb_is_refused(review_docx, tmp_path):
    # the size limit used to check only the compressed file: 1.4 MB unpacked to 2.1 GB
    xml = _zip_like_docx(review_docx, tmp_path / "xml-bomb.docx", {"word/padding.xml": b"<a>" + b" " * (70 * 1048576) + b"</a>"})
    assert xml.stat().st_size < 2 * 1048576
    assert "MB of XML, over the 64 MB limit" in refused(xml)


def test_docx_declared_sizes_bound_everything(review_docx, tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_MB", 1)
    media = _zip_like_docx(review_docx, tmp_path / "media-bomb.docx", {"word/media/image1.png": b"\0" * (3 * 1048576)})
    assert "MB, over the 1 MB limit for a Word document" in refused(media)


# --- pages and sections -----------------------------------------------------------------------


def test_pdf_page_cap(tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    monkeypatch.setattr("qmark.ingest.pdf.MAX_PAGES", 5)
    path = tmp_path / "long.pdf"
    c = canvas.Canvas(str(path))
    for n in range(6):
        c.drawString(72, 700, f"{n + 1}. The review found that agencies did not share information.")
        c.showPage()
    c.save()
    assert refused(path) == "has 6 pages, over the 5-page limit"


def test_text_page_cap(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("The review found gaps.\f" * (layout.MAX_PAGES + 1))
    assert "over the 2,000-page limit" in refused(path)


def test_many_page_lines_and_sections(tmp_path):
    # 100,000 'Page N of M' lines; assess once recomputed a minimum over sections per section
    lines = tmp_path / "pages.txt"
    lines.write_text("The review found gaps.\n" + "".join(f"Page {i} of 100000\n" for i in range(1, 100_001)))
    quick(read_report, lines)
    heads = tmp_path / "heads.md"
    heads.write_text("".join(f"## Section {i}\n\nThe review found gaps in section {i}.\n\n" for i in range(12_000)))
    report = read_report(heads)
    assert len(report.sections) == 12_000
    quick(assess, report)
