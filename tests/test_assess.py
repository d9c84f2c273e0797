"""The whole pipeline on realistic documents: the built-in sample, and the same report as a
generated PDF and Word document."""

import json
import re

import pytest

from helpers import markdown_to_pages, write_docx, write_pdf
from qmark.assess.records import Assessment
from qmark.cli import sample_path
from qmark.engine import assess
from qmark.profile import load_profile
from qmark.render import html, jsonout


@pytest.fixture(scope="module")
def sample_assessment() -> Assessment:
    return assess(sample_path(), [sample_path("child_m_terms_of_reference.md")])


def test_every_question_has_a_result(sample_assessment):
    a = sample_assessment
    assert [q.question for q in a.questions] == [f"q{i}" for i in range(1, 12)]
    for q in a.questions:
        assert q.rating in ("met", "partly_met", "not_met", "not_evidenced")
        assert 0 <= q.confidence <= 1
        assert q.rationale
        if q.evidence:
            assert q.evidence[0].location.label in q.rationale
        else:
            assert q.not_found


def test_evidence_quotes_are_spans_of_the_report(sample_assessment):
    from qmark.ingest import read_report

    report = read_report(sample_path(), [sample_path("child_m_terms_of_reference.md")])
    for q in sample_assessment.questions:
        for ev in q.evidence + q.counter_evidence:
            assert report.text[ev.start : ev.end] == ev.quote
            a, b = ev.quote_in_paragraph
            assert ev.paragraph_text[a:b] == ev.quote
            assert ev.signals and all(s.reason for s in ev.signals)


def test_working_document_supplies_q11(sample_assessment):
    q11 = sample_assessment.result("q11")
    assert q11.rating != "not_evidenced"
    assert q11.evidence[0].location.document == "child_m_terms_of_reference"
    alone = assess(sample_path()).result("q11")
    assert alone.rating == "not_evidenced"
    assert "supervision or peer challenge" in alone.not_found


def test_report_wide_figures(sample_assessment):
    f = sample_assessment.figures
    assert f.analysis_words > 1000
    assert f.hindsight_judgements >= 1
    assert 0 < f.explain_share < 1
    assert f.systemic_explanations > f.individual_explanations
    years = {c.year for c in f.citations}
    assert 2018 in years and 2020 in years
    flags = {fl.kind for fl in sample_assessment.flags}
    assert "hindsight_judgement" in flags


def test_json_round_trip_and_schema(sample_assessment, tmp_path):
    p = tmp_path / "a.json"
    jsonout.write(sample_assessment, p)
    data = json.loads(p.read_text())
    assert data["schema_version"] == "1.2"
    assert data["profile"]["id"] == "analysis" and data["profile"]["hash"] == data["config_hash"]
    assert len(data["questions"]) == 11
    again = jsonout.load(p)
    assert again == sample_assessment
    schema = jsonout.schema()
    assert set(schema["required"]) >= {"schema_version", "questions", "figures", "report"}


def test_html_is_self_contained_and_readable(sample_assessment):
    page = html.render(sample_assessment, load_profile())
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page), "external asset referenced"
    assert "<script" not in page and "<link" not in page
    for q in sample_assessment.questions:
        assert q.text.replace("'", "&#39;") in page or q.text in page
    assert "<mark>" in page
    assert 'lang="en-GB"' in page
    # the guidance for each question sits beside its result
    assert page.count("Guidance for this question") == 11  # on screen; left out of the printout
    assert "What good looks like" in page


def test_same_answer_from_pdf_and_docx(tmp_path):
    md = sample_path().read_text(encoding="utf-8")
    pdf = write_pdf(tmp_path / "child_m.pdf", markdown_to_pages(md), header="OFFICIAL - Ashbourne Vale SCP")
    docx = write_docx(tmp_path / "child_m.docx", md)
    from_md = assess(sample_path())
    from_pdf = assess(pdf)
    from_docx = assess(docx)
    assert from_pdf.report.pages >= 10
    ratings = lambda a: [q.rating for q in a.questions]  # noqa: E731
    # Tables and layout differ between formats; the answer should not, question by question,
    # for nearly all questions.
    same_pdf = sum(x == y for x, y in zip(ratings(from_md), ratings(from_pdf)))
    same_docx = sum(x == y for x, y in zip(ratings(from_md), ratings(from_docx)))
    assert same_pdf >= 9 and same_docx >= 10
    # page numbers reach the evidence for PDFs
    assert any(ev.location.page for q in from_pdf.questions for ev in q.evidence)
    # running headers and footers were kept out
    assert from_pdf.report.noise_removed >= from_pdf.report.pages


def test_report_date_override(tmp_path):
    from datetime import date

    a = assess(sample_path(), report_date=date(2030, 1, 1))
    assert a.report.date == "2030-01-01" and a.report.date_source == "--date"


def test_an_assessment_stored_before_profiles_still_loads(sample_assessment):
    """Runs kept by the web app in schema 1.0 (no profile) are read as the Analysis profile."""
    old = sample_assessment.model_dump()
    old.pop("profile")
    old["schema_version"] = "1.0"
    again = Assessment.model_validate(old)
    assert again.profile.id == "analysis" and again.profile.hash == sample_assessment.config_hash
