"""Not a case review? (issue 10). A document that is not the kind the profile assesses (a shopping
list, a chapter of a novel, a council policy, minutes of a parish meeting) gets a clear warning
and every rating marked Check with no confidence, in the terminal, the JSON and the HTML; no
report in the corpus does. The documents in tests/not_reviews are fictional, written for this."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus_runs import corpus_runs
from helpers import markdown_to_pages, write_docx, write_pdf
from qmark.assess.scope import ScopeRules, check, load_scope
from qmark.data import DataFileError
from qmark.engine import Engine
from qmark.ingest import read_text

HERE = Path(__file__).parent
NOT_REVIEWS = sorted((HERE / "not_reviews").iterdir())


def test_no_report_in_the_corpus_is_taken_for_something_else():
    runs = corpus_runs()
    out = [(r.name, r.profile.id, r.analysis.scope.score, r.analysis.scope.missing) for r in runs if not r.analysis.scope.in_scope]
    assert not out
    assert all(not r.assessment.warnings for r in runs)
    # ... and not by a whisker: every report scores well above the line.
    for r in runs:
        assert r.analysis.scope.score >= r.profile.scope.min_score + 0.5, (r.name, r.analysis.scope)


@pytest.mark.parametrize("path", NOT_REVIEWS, ids=[p.name for p in NOT_REVIEWS])
@pytest.mark.parametrize("profile", ["analysis", "sar-analysis"])
def test_documents_that_are_not_reviews_are_flagged_and_every_rating_is_marked_check(path, profile):
    a = Engine.from_profile(profile).assess(path)
    assert [w.kind for w in a.warnings] == ["not_a_review"]
    assert "does not look like a" in a.warnings[0].message and "review" in a.warnings[0].message
    assert all(q.needs_human_read and q.confidence == 0.0 for q in a.questions)
    assert all(q.rationale.startswith(a.warnings[0].message) for q in a.questions)


def test_the_warning_names_what_is_missing():
    a = Engine.from_profile("analysis").assess(HERE / "not_reviews" / "council_policy.md")
    message = a.warnings[0].message
    assert "a review of what happened" in message and "the work of safeguarding agencies" not in message


def test_the_warning_is_on_the_terminal_in_the_json_the_html_and_the_word_assessment(tmp_path):
    out_j, out_h, out_w = tmp_path / "policy.json", tmp_path / "policy.html", tmp_path / "policy.docx"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "qmark.cli",
            "assess",
            str(HERE / "not_reviews" / "parish_minutes.txt"),
            "--json",
            str(out_j),
            "--html",
            str(out_h),
            "--word",
            str(out_w),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    flat = " ".join(r.stdout.split())
    assert "Warning: This document does not look like a child safeguarding case review" in flat
    data = json.loads(out_j.read_text())
    assert data["warnings"][0]["kind"] == "not_a_review"
    assert all(q["needs_human_read"] for q in data["questions"])
    html = out_h.read_text()
    assert 'role="alert"' in html and "does not look like a child safeguarding case review" in html
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out_w)).paragraphs)
    assert "Warning. This document does not look like a child safeguarding case review" in text
    assert "Strengths" in text  # the headings stay, with nothing under them


def test_a_policy_as_pdf_or_word_is_flagged_too(tmp_path):
    md = (HERE / "not_reviews" / "council_policy.md").read_text()
    engine = Engine.from_profile("analysis")
    pdf = write_pdf(tmp_path / "policy.pdf", markdown_to_pages(md), header="OFFICIAL", title="Safeguarding policy")
    docx = write_docx(tmp_path / "policy.docx", md)
    for path in (pdf, docx):
        a = engine.assess(path)
        assert [w.kind for w in a.warnings] == ["not_a_review"], path


def test_a_real_review_in_any_format_is_not_flagged(tmp_path):
    from marker_reports import INTRO, METHOD, QUALITY, RECOMMEND, WHAT_HAPPENED, WHY, WIDER, report

    md = report(
        ("Introduction", INTRO),
        ("How the review was done", METHOD),
        ("Analysis", WHAT_HAPPENED + QUALITY + WHY + WIDER),
        ("Recommendations", RECOMMEND),
    )
    engine = Engine.from_profile("analysis")
    assert not engine.assess(read_text(md)).warnings
    assert not engine.assess(write_docx(tmp_path / "k.docx", md)).warnings


def test_a_short_note_is_too_short_to_be_a_review():
    rules = Engine.from_profile("analysis").profile.scope
    assert rules is not None
    c = check(read_text("The review found that the health visitor did not know about the police call."), rules)
    assert not c.in_scope and c.words < rules.min_words


def test_a_broken_scope_file_is_refused_with_one_line(tmp_path):
    bad = tmp_path / "scope.yaml"
    bad.write_text("kind: a review\nmin_score: 3\nsigns:\n  - {name: words, pattern: '(unclosed', per_1000: 1}\n")
    with pytest.raises(DataFileError) as err:
        load_scope(bad)
    assert str(bad) in str(err.value) and "not a valid regular expression" in str(err.value) and "\n" not in str(err.value)
    too_many = tmp_path / "scope2.yaml"
    too_many.write_text("kind: a review\nmin_score: 3\nsigns:\n  - {name: words, pattern: 'review', per_1000: 1}\n")
    with pytest.raises(DataFileError, match="min_score"):
        load_scope(too_many)
    assert isinstance(load_scope(Engine.from_profile("analysis").profile.files["scope"]), ScopeRules)


@pytest.mark.parametrize("profile", ["analysis", "sar-analysis"])
def test_the_fast_sign_patterns_match_what_the_profile_s_patterns_match(profile):
    rules = Engine.from_profile(profile).profile.scope
    assert rules is not None
    text = " ".join(p.read_text() for p in NOT_REVIEWS) + (
        " SAFEGUARDING Safeguarding sAfEgUaRdInG gps GPs Gp Mrs Smith mrs x MR Y 3rd june 2019 12/4/21 "
        "Child A child a CHILD B the Review THE PANEL Visited VISITS seen"
    )
    for sign in rules.signs:
        assert [m.span() for m in sign.fast.finditer(text)] == [m.span() for m in sign.compiled.finditer(text)], sign.name
    # the case-splitting keeps a part of a pattern that does not ignore case as it is
    case_kept = ScopeRules.model_validate(
        {"kind": "a test", "min_score": 1, "signs": [{"name": "kept", "pattern": "(?-i:(ab|Cd))|(ef|gh)", "per_1000": 1}]}
    )
    sign = case_kept.signs[0]
    sample = "ab AB Cd cd CD ef EF gH"
    assert [m.span() for m in sign.fast.finditer(sample)] == [m.span() for m in sign.compiled.finditer(sample)]
