"""The built-in sample as people copy and save it: its Markdown saved as .txt, its text
hard-wrapped at 78 columns with no blank lines (copied from a PDF viewer or a web page), and
pdftotext's text of its PDF. Each must read with every printed paragraph number and give the
same evidence as the original."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from qmark.engine import Engine
from qmark.ingest import read_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import forms  # noqa: E402
from helpers import write_pdf  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "qmark" / "samples" / "child_m_lcspr_2022.md"


@lru_cache(maxsize=1)
def engine() -> Engine:
    return Engine.from_profile("analysis")


def evidence(path: Path) -> dict[str, tuple[str, list[str]]]:
    assessment = engine().assess(str(path))
    return {q.question: (q.rating, [e.id for e in q.evidence[:3]]) for q in assessment.questions}


@lru_cache(maxsize=1)
def original() -> tuple[Counter, dict[str, tuple[str, list[str]]]]:
    return Counter(forms.truth(read_report(SAMPLE))), evidence(SAMPLE)


def assert_reads_like_the_original(path: Path) -> None:
    numbers, found = original()
    got = Counter(forms.truth(read_report(path)))
    assert sum((numbers & got).values()) == sum(numbers.values()), sorted((numbers - got).elements())[:10]
    assert evidence(path) == found


def test_markdown_saved_as_text(tmp_path):
    path = tmp_path / "child_m.txt"
    shutil.copy(SAMPLE, path)
    report = read_report(path)
    assert report.title == "Local Child Safeguarding Practice Review: Child M"
    assert [s.role for s in report.sections if s.heading == "6. Analysis"] == ["analysis"]
    assert_reads_like_the_original(path)


def test_text_hard_wrapped_without_blank_lines(tmp_path):
    path = tmp_path / "child_m_copied.txt"
    text = forms.wrapped(forms.outline(read_report(SAMPLE)), 78, blank_lines=False)
    lines = text.splitlines()
    assert "" not in lines and sum(len(line) <= 78 for line in lines) >= 0.95 * len(lines)  # long headings stay whole
    path.write_text(text, encoding="utf-8")
    report = read_report(path)
    # the numbered contents list is set aside, not taken for the headings
    assert [p.role for p in report.paragraphs if report.paragraph_text(p) == "10. References"] == ["contents", "references"]
    assert_reads_like_the_original(path)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("layout", [False, True], ids=["pdftotext", "pdftotext-layout"])
def test_pdftotext_of_the_sample_pdf(tmp_path, layout):
    items = forms.outline(read_report(SAMPLE))
    paras = [("# " + it.text) if it.kind == "heading" else it.text for it in items if it.kind != "row"]
    # one run of text, broken into pages where they are full (paragraphs run over page ends)
    pdf = write_pdf(tmp_path / "child_m.pdf", [paras])
    out = forms.pdftotext(pdf, tmp_path / "child_m.txt", layout)
    assert_reads_like_the_original(out)


@pytest.mark.skipif(forms.soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice or poppler-utils not installed")
def test_libreoffice_pdf_of_the_sample_and_its_text(tmp_path):
    items = forms.outline(read_report(SAMPLE))
    docx = forms.write_docx(tmp_path / "child_m.docx", items, auto=True, title=items[0].text)
    (pdf,) = forms.libreoffice_pdfs([docx], tmp_path)
    assert_reads_like_the_original(pdf)
    report = read_report(pdf)
    assert report.title == "Local Child Safeguarding Practice Review: Child M"
    numbered = {p.number: report.paragraph_text(p) for p in report.paragraphs if p.number}
    source = read_report(SAMPLE)
    # every numbered paragraph whole: not cut after its first line
    for p in source.paragraphs:
        if p.number and p.kind == "paragraph" and p.role != "contents":
            assert numbered[p.number].split()[-3:] == source.paragraph_text(p).split()[-3:], p.number
    plain = forms.pdftotext(pdf, tmp_path / "child_m.txt", layout=False)
    assert_reads_like_the_original(plain)
