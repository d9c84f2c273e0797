"""`qmark inspect`: how a document was read, for a person and as JSON."""

from __future__ import annotations

import json
from datetime import date

from tests.helpers import CORPUS

from qmark.cli import main, sample_path
from qmark.inspect import inspect
from qmark.segment.dating import find_report_date, report_date


def test_inspect_structure_for_the_sample():
    data = inspect(sample_path())
    assert {"title", "date", "date_source", "sections", "paragraphs", "noise"} <= set(data)
    assert data["title"] == "Local Child Safeguarding Practice Review: Child M"
    assert data["date"] == "2022-10-18" and "Final report, 18 October 2022" in data["date_source"]
    roles = {s["heading"]: s["role"] for s in data["sections"]}
    assert roles["6. Analysis"] == "analysis" and roles["Contents"] == "contents"
    p = next(p for p in data["paragraphs"] if p["number"] == "6.1")
    assert set(p) >= {"number", "page", "section", "role", "text"}
    assert p["role"] == "analysis" and p["text"].startswith("6.1")
    assert any(n["reason"] == "contents" for n in data["noise"])


def test_inspect_shows_furniture_set_aside():
    data = inspect(CORPUS / "r01_overview_2011.txt")
    reasons = {n["reason"] for n in data["noise"]}
    assert {"classification", "page_number", "contents"} <= reasons
    assert all(p["page"] for p in data["paragraphs"])


def test_inspect_command_prints_and_writes_json(tmp_path, capsys):
    out = tmp_path / "reading.json"
    assert main(["inspect", str(sample_path()), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Sections (" in printed and "[analysis]" in printed and "Set aside" in printed
    data = json.loads(out.read_text())
    assert data["paragraphs"] and data["schema"] == "qmark-inspect/1"
    assert main(["inspect", str(sample_path()), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == data["title"]


def test_inspect_of_an_unreadable_file_is_one_line(tmp_path, capsys):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    assert main(["inspect", str(bad)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_date_comes_from_the_title_block_not_footnotes_or_events():
    text = (
        "Serious Case Review: Child K\n\nKestrel Vale LSCB\n\nMarch 2016\n\n"
        "1.1 On 14 September 2018 the health visitor visited the family.\n\n"
        "[1] Working Together to Safeguard Children, HM Government, July 2018."
    )
    found = find_report_date(text)
    assert found == (date(2016, 3, 1), "March 2016")
    events_only = "1.1 On 14 September 2018 the health visitor visited the family.\n\n[2] Guidance of May 2019."
    assert report_date(events_only) is None
    published = "Child K\n\nThe review began in January 2015.\n\nPublished: 2 June 2016"
    assert report_date(published) == date(2016, 6, 2)


def test_markdown_and_html_contents_lists_are_set_aside(tmp_path):
    from qmark.ingest import read_report, read_text

    md = read_text(
        "# Review of Child A\n\n## Contents\n\n1. Introduction\n2. Analysis\n\n# 1. Introduction\n\n"
        "1.1 The review began.\n\n# 2. Analysis\n\n2.1 Agencies did not share information.\n"
    )
    assert [p.number for p in md.paragraphs if p.number] == ["1.1", "2.1"]
    assert {p.role for p in md.paragraphs if "Introduction" in md.paragraph_text(p) and p.kind != "heading"} == {"contents"}
    page = tmp_path / "r.html"
    page.write_text(
        "<h1>Review of Child A</h1><h2>Contents</h2><ol><li>Introduction</li><li>Analysis</li></ol>"
        "<h2>1. Introduction</h2><p>1.1 The review began.</p><h2>2. Analysis</h2>"
        "<p>2.1 Agencies did not share information.</p>"
    )
    html = read_report(page)
    assert [p.number for p in html.paragraphs if p.number] == ["1.1", "2.1"]
