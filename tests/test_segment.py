"""Sentences, section roles and the report's date."""

from datetime import date

from qmark.ingest import read_text
from qmark.segment import sentences
from qmark.segment.dating import report_date
from qmark.segment.roles import role_of, section_role


def _split(text):
    return [text[s:e] for s, e in sentences.split(text)]


def test_sentences_keep_report_abbreviations_together():
    text = (
        "As noted at para. 4.12, the S.47 enquiry was closed. Brandon et al. (2020) found the same. "
        "Dr. Shah saw the baby at 10 a.m. on the ward. The case closed."
    )
    got = _split(text)
    assert got[0] == "As noted at para. 4.12, the S.47 enquiry was closed."
    assert got[1] == "Brandon et al. (2020) found the same."
    assert got[-1] == "The case closed."
    assert len(got) == 4


def test_a_note_marker_after_a_full_stop_ends_the_sentence():
    # footnote markers are written '[3]' once read (from Markdown, PDF and Word alike)
    text = (
        "The two trusts use different electronic record systems.[3] Westmarch's summary is a standard form. "
        'Brandon et al.[4] Practitioners said the same. The team closed the case.[12] "Nobody asked," she said.'
    )
    assert _split(text) == [
        "The two trusts use different electronic record systems.[3]",
        "Westmarch's summary is a standard form.",
        "Brandon et al.[4] Practitioners said the same.",
        "The team closed the case.[12]",
        '"Nobody asked," she said.',
    ]
    assert _split("Only one sentence.[2] then more words") == ["Only one sentence.[2] then more words"]


def test_sentence_offsets_point_into_the_text():
    text = "  First one here. Second one there."
    spans = sentences.split(text, base=100)
    assert [(s - 100, e - 100) for s, e in spans] == [(2, 17), (18, 35)]


def test_roles_from_headings():
    assert role_of("4. Analysis") == "analysis"
    assert role_of("Terms of Reference") == "terms_of_reference"
    assert role_of("Key lines of enquiry") == "terms_of_reference"
    assert role_of("3 METHODOLOGY") == "method"
    assert role_of("Issues for the Board") == "recommendations"
    assert role_of("Appendix 2: Chronology") == "chronology"
    assert role_of("Glossary of terms") == "glossary"
    assert role_of("Ms Smith's account") is None


def test_subsections_in_the_body_keep_the_body_role():
    assert section_role("KLOE 1: Recognising exploitation", "analysis") == "analysis"
    assert section_role("Background to the decision", "findings") == "findings"
    assert section_role("Key practice episode 2", "chronology") == "analysis"
    assert section_role("Recommendations", "findings") == "recommendations"
    assert section_role("KLOE 1: Recognising exploitation", "introduction") == "terms_of_reference"


def test_report_date_prefers_a_line_that_says_so():
    front = "Child Q\nThe incident happened on 3 March 2018.\nFinal report: 12 September 2019\nReview period 2016-2018"
    assert report_date(front) == date(2019, 9, 12)
    assert report_date("Published June 2016\nEvents of 2014") == date(2016, 6, 1)
    assert report_date("No date anywhere here.") is None


def test_markdown_report_model():
    md = """# Child X review

Published: March 2021

## 1. Introduction

1.1 This review looks at practice.

## 4. Analysis

4.1 The health visitor visited twice. She weighed the baby.

4.2 The duty team had twelve vacancies, which left no time to read the history.

| Agency | Contacts |
|---|---|
| GP | 4 |
"""
    r = read_text(md)
    assert r.date == "2021-03-01"
    body = [p for p in r.paragraphs if p.kind != "heading"]
    numbered = {p.number: p for p in body if p.number}
    assert set(numbered) == {"1.1", "4.1", "4.2"}
    assert numbered["4.1"].role == "analysis"
    assert numbered["1.1"].role == "introduction"
    assert [r.sentence_text(s) for s in r.sentences_of(numbered["4.1"])] == ["The health visitor visited twice.", "She weighed the baby."]
    assert any(p.kind == "table_row" and "GP | 4" in r.paragraph_text(p) for p in body)
    # offsets: every paragraph and sentence is a span of the canonical text
    for p in r.paragraphs:
        assert r.text[p.start : p.end].strip() == r.text[p.start : p.end]
    assert r.paragraph_at(numbered["4.2"].start + 5) == numbered["4.2"]
    assert r.location(numbered["4.2"]) == "para 4.2 (4. Analysis)"


def test_typography_is_normalised_before_matching():
    from qmark.ingest import read_text
    from qmark.signals import annotate

    plain = read_text("## Analysis\n\n4.1 With hindsight, the social worker should have known that Mother's partner was dangerous.\n")
    curly = read_text(
        "## Analysis\n\n4.1\u00a0With hindsight, the social worker should\u00ad have known that Mother\u2019s "
        "partner was dan\u00adgerous, a \ufb01nding \u201cwe\u201d share.\n"
    )
    text = curly.text
    assert "\u2019" not in text and "\u00a0" not in text and "\u00ad" not in text and "\ufb01" not in text
    assert "Mother's partner was dangerous" in text and '"we"' in text and "finding" in text
    assert [p.number for p in curly.paragraphs if p.number] == ["4.1"]

    def labels(report):
        return {a.label for a in annotate(report).items}

    assert "hindsight_judgement" in labels(plain) and labels(plain) <= labels(curly)


def test_unrecognised_headings_in_the_body_are_not_front_matter_and_are_read_as_analysis():
    """Plain or unusual headings under a title line: the body is the report's analysis (issue 10)."""
    from qmark.ingest import read_text

    report = read_text(
        "# Marlow Fen Safeguarding Adults Board\n\n## Review of the care of Mr D\n\nPublished: 3 May 2022\n\n"
        "## 1. About this review\n\n1.1 The board asked for this review in 2021.\n\n"
        "## 2. Why things went as they did\n\n2.1 The nurses had forty visits a day, which left no time to ask about the house.\n\n"
        "### The last visit\n\n2.2 The form had no place to record what the house was like.\n\n"
        "## 3. Recommendations\n\n3.1 The board should change the form.\n"
    )
    roles = {s.heading: s.role for s in report.sections}
    assert roles["Review of the care of Mr D"] == "front_matter"
    assert roles["1. About this review"] == "introduction"
    assert roles["2. Why things went as they did"] == "analysis" and roles["The last visit"] == "analysis"
    assert roles["3. Recommendations"] == "recommendations"
    by_number = {p.number: p.role for p in report.paragraphs if p.number}
    assert by_number["2.1"] == by_number["2.2"] == "analysis"


def test_a_report_with_named_analysis_keeps_other_sections_as_they_are():
    from qmark.ingest import read_text

    report = read_text(
        "# Child Q review\n\n## 1. Analysis\n\n1.1 Staff were stretched.\n\n## 2. A note on language\n\n2.1 We use plain words.\n"
    )
    roles = {s.heading: s.role for s in report.sections}
    assert roles["1. Analysis"] == "analysis" and roles["2. A note on language"] != "analysis"
