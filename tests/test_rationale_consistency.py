"""Every rationale agrees with what is shown beside it (issue 10), on every corpus report: the
evidence, the evidence against, and the report-wide figures. Each report is assessed once for
the session (tests/corpus_runs.py)."""

from __future__ import annotations

from corpus_runs import corpus_runs
from qmark.assess.records import Evidence, Location
from rationale_checks import contradictions


def test_every_rationale_on_the_corpus_agrees_with_its_evidence_and_figures():
    runs = corpus_runs()
    assert len(runs) >= 90  # dev and test, both profiles
    problems = []
    for run in runs:
        questions = {q.id: q for q in run.profile.framework.questions}
        problems += [f"{run.name}: {c}" for c in contradictions(run.assessment, run.analysis, questions)]
    assert not problems, "\n".join(problems[:40])


def test_the_checks_catch_the_contradictions_the_issue_reported():
    """The checks themselves can fail: each kind of contradiction, made on purpose, is caught."""
    run = next(r for r in corpus_runs() if r.profile.id == "analysis" and r.assessment.figures.citations)
    questions = {q.id: q for q in run.profile.framework.questions}
    bad = run.assessment.model_copy(deep=True)
    q9 = bad.result("q9")
    fake = Evidence(
        id="4.2",
        location=Location(document="x", paragraph="4.2", paragraph_index=0, section_role="analysis", label="para 4.2 (Analysis)"),
        quote="Practitioners told the review that this happens every week.",
        start=0,
        end=10,
        paragraph_text="Practitioners told the review that this happens every week.",
        quote_in_paragraph=(0, 10),
        signals=[],
        score=1.0,
    )
    q9.evidence = [fake]
    q9.rationale = f"Not evidenced: {questions['q9'].not_found}"
    q4 = bad.result("q4")
    q4.rationale = f"Not evidenced: {questions['q4'].not_found}"
    q4.evidence, q4.counter_evidence = [], []
    q6 = bad.result("q6")
    q6.rationale = "Not evidenced: the report shows little hindsight."
    bad.figures.hindsight_per_1000_words = 32.0
    q7 = bad.result("q7")
    q7.rationale = "Met. No passage was found that shows reasoning."
    q7.evidence = [fake]
    found = "\n".join(contradictions(bad, run.analysis, questions))
    assert "q9: says 'The report does not say where its knowledge" in found
    assert "q4: says the report cites no research above" in found
    assert "q6: says little hindsight at 32.0 per 1,000 words" in found
    assert "q7: says no passage was found above 1 passages" in found
