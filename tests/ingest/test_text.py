"""Plain text exported from a PDF: form feeds between pages, furniture kept in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from qmark.ingest import read_report

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "r01_overview_2011.txt"


def test_exported_text_with_form_feeds(tmp_path):
    pages = [
        "OFFICIAL\n\nSerious Case Review: Child T\n\n- 1 -\n",
        "Serious Case Review: Child T\n\nCONTENTS\n\nIntroduction 3\nAnalysis 4\n\n- 2 -\n",
        "Serious Case Review: Child T\n\n1. INTRODUCTION\n\n1.1 The board commissioned this review in 2014\n"
        "after the death of Child T, who was two years old.\n\n- 3 -\n",
        "Serious Case Review: Child T\n\n2. ANALYSIS\n\n2.1 The health visitor did not see the child alone\n"
        "and did not ask who else lived in the house.\n\n- 4 -\n",
    ]
    path = tmp_path / "child-t.txt"
    path.write_text("\f".join(pages), encoding="utf-8")
    report = read_report(path)
    assert "Serious Case Review: Child T" not in report.text
    assert "- 3 -" not in report.text and "OFFICIAL" not in report.text
    numbers = {p.number: p for p in report.paragraphs if p.number}
    assert numbers["2.1"].role == "analysis" and numbers["2.1"].page == 4
    assert [report.paragraph_text(p) for p in report.paragraphs if p.role == "contents"] == ["CONTENTS", "Introduction 3", "Analysis 4"]
    assert report.documents[0].pages == 4


@pytest.mark.skipif(not CORPUS.exists(), reason="development corpus not present")
def test_corpus_overview_report():
    report = read_report(CORPUS)
    assert "Page 4 of 12" not in report.text
    assert "RESTRICTED" not in report.text
    assert {n.reason for n in report.noise} == {"classification", "page_number"}
    numbers = {p.number: p for p in report.paragraphs if p.number and p.role != "contents"}
    assert numbers["6.4"].role == "analysis" and numbers["6.4"].page == 8
    assert numbers["9.1"].role == "recommendations"
    # 3.7 runs over the page break into page 5
    assert report.paragraph_text(numbers["3.7"]).endswith("until the trial had concluded.")
    sub = next(p for p in report.paragraphs if report.paragraph_text(p) == "The GP Practice")
    assert sub.kind == "heading" and sub.role == "analysis"
