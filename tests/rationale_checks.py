"""What a rationale may say, given what is shown beside it (issue 10): each check returns the
contradictions it finds, as lines a person can read."""

from __future__ import annotations

from qmark.assess.pipeline import Analysis
from qmark.assess.records import Assessment, QuestionResult
from qmark.framework import Question


def question_signals(q: Question) -> set[str]:
    """The signals whose presence anywhere in a report would make 'nothing was found' false
    (a conjunction's parts alone are not the conjunction)."""
    sigs = {sw.signal for sw in (*q.supports, *q.against) if len(sw.parts) == 1}
    return sigs | {s for pt in q.parts for s in pt.signals}


def contradictions(assessment: Assessment, analysis: Analysis, questions: dict[str, Question]) -> list[str]:
    out: list[str] = []
    found_labels = {h.label for h in analysis.all_hits()}
    figures = assessment.figures
    for r in assessment.questions:
        q = questions[r.question]
        out += [f"{r.question}: {m}" for m in _against_evidence(r)]
        if q.not_found and q.not_found in r.rationale:
            if r.evidence or r.counter_evidence:
                out.append(f"{r.question}: says '{q.not_found}' above {len(r.evidence)} passages for and {len(r.counter_evidence)} against")
            present = question_signals(q) & found_labels
            if present:
                out.append(f"{r.question}: says '{q.not_found}' though the report has {sorted(present)}")
        if r.not_found and (r.evidence or r.counter_evidence):
            out.append(f"{r.question}: shows what was not found beside {len(r.evidence) + len(r.counter_evidence)} passages")
        text = r.rationale.lower()
        if "cites no research or guidance" in text and figures.citations:
            out.append(f"{r.question}: says the report cites no research above {len(figures.citations)} citations")
        if ("little hindsight" in text or "nor shows much hindsight" in text) and figures.hindsight_per_1000_words >= 1:
            out.append(f"{r.question}: says little hindsight at {figures.hindsight_per_1000_words} per 1,000 words")
    for fl in assessment.flags:
        if fl.kind == "no_research" and "no research or guidance" in fl.reason and figures.citations:
            out.append(f"flag no_research says no research or guidance above {len(figures.citations)} citations")
    return out


def _against_evidence(r: QuestionResult) -> list[str]:
    out = []
    text = r.rationale
    if "Strongest evidence:" in text and not (r.evidence and r.evidence[0].location.label in text):
        out.append("names a strongest passage that is not the first shown")
    if "No passage was found" in text and r.evidence:
        out.append(f"says no passage was found above {len(r.evidence)} passages")
    if "Nothing was found that counts against it" in text and r.counter_evidence:
        out.append(f"says nothing counts against it above {len(r.counter_evidence)} passages against")
    if "Counting against it:" in text and not (r.counter_evidence and r.counter_evidence[0].location.label in text):
        out.append("names a passage against that is not the first shown")
    if r.rating != "not_evidenced" and r.rationale.split(".")[0].split(":")[0].strip() == "Not evidenced":
        out.append("rationale and rating disagree")
    return out
