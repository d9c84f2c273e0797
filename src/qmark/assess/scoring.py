"""One question: gather its signals by paragraph, weigh them, and suggest a rating."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qmark.assess.records import Evidence, Figures, Location, QuestionResult, Signal
from qmark.assess.signals import Hit
from qmark.framework import Framework, Question, SignalWeight
from qmark.report import Paragraph, Report
from qmark.thresholds import Thresholds, decide, strengths

if TYPE_CHECKING:
    from qmark.profile import Profile

MAX_EVIDENCE = 6
MAX_QUOTE_SENTENCES = 3


@dataclass
class _ParagraphScore:
    paragraph: int
    score: float = 0.0
    hits: list[Hit] = field(default_factory=list)


def location(report: Report, p: Paragraph) -> Location:
    doc = report.documents[p.document] if report.documents else None
    section = report.sections[p.section] if p.section is not None else None
    return Location(
        document=doc.name if doc else "",
        page=p.page,
        paragraph=p.number,
        paragraph_index=p.index,
        section=section.heading if section else None,
        section_role=p.role,
        label=report.location(p),
    )


def _evidence(report: Report, ps: _ParagraphScore, top: float) -> Evidence:
    p = report.paragraphs[ps.paragraph]
    sent_ids = sorted({h.sentence for h in ps.hits if h.sentence is not None})[:MAX_QUOTE_SENTENCES]
    if sent_ids:
        start = report.sentences[sent_ids[0]].start
        end = report.sentences[sent_ids[-1]].end
    else:
        start, end = min(h.start for h in ps.hits), max(h.end for h in ps.hits)
    seen: set[tuple[str, str]] = set()
    signals = []
    for h in sorted(ps.hits, key=lambda h: -h.score):
        if (h.label, h.reason) not in seen:
            seen.add((h.label, h.reason))
            signals.append(Signal(label=h.label, reason=h.reason, start=h.start, end=h.end))
    return Evidence(
        id=report.evidence_id(p),
        location=location(report, p),
        quote=report.text[start:end],
        start=start,
        end=end,
        paragraph_text=report.text[p.start : p.end],
        quote_in_paragraph=(start - p.start, end - p.start),
        signals=signals,
        score=round(ps.score / top, 3) if top else 0.0,
    )


def _gather(
    report: Report, hits: list[Hit], weights: list[SignalWeight], question: Question, elsewhere: float
) -> dict[int, _ParagraphScore]:
    """Score paragraphs for one side of a question. A plain signal counts once per sentence;
    a conjunction ('a+b') counts once per paragraph that has all its parts."""
    look_in = set(question.look_in)
    factor_of = lambda p: 1.0 if report.paragraphs[p].role in look_in else elsewhere  # noqa: E731
    by_para: dict[int, _ParagraphScore] = {}
    plain = {sw.signal: sw.weight for sw in weights if len(sw.parts) == 1}
    seen: set[tuple[str, int | None, int]] = set()
    hits_by_para: dict[int, list[Hit]] = {}
    for h in hits:
        hits_by_para.setdefault(h.paragraph, []).append(h)
        w = plain.get(h.label)
        if not w or (h.label, h.sentence, h.paragraph) in seen:
            continue
        seen.add((h.label, h.sentence, h.paragraph))
        factor = factor_of(h.paragraph)
        if factor == 0:
            continue
        ps = by_para.setdefault(h.paragraph, _ParagraphScore(h.paragraph))
        ps.score += w * factor
        ps.hits.append(h)
    for sw in weights:
        if len(sw.parts) == 1:
            continue
        for para, phits in hits_by_para.items():
            parts = [[h for h in phits if h.label == part] for part in sw.parts]
            factor = factor_of(para)
            if factor == 0 or not all(parts):
                continue
            ps = by_para.setdefault(para, _ParagraphScore(para))
            ps.score += sw.weight * factor
            ps.hits.extend(h for group in parts for h in group[:1])
    return by_para


def _ranked(by_para: dict[int, _ParagraphScore]) -> list[_ParagraphScore]:
    return sorted(by_para.values(), key=lambda ps: (-ps.score, ps.paragraph))


@dataclass
class Scored:
    """The measured side of a question, before thresholds: what calibration replays."""

    question: str
    support: float
    against: float
    supporting: list[_ParagraphScore]
    countering: list[_ParagraphScore]
    figures: Figures | None = None  # the report-wide figures, for scorers that weigh them


def measure(report: Report, hits: list[Hit], question: Question, framework: Framework, analysis_words: int) -> Scored:
    elsewhere = framework.elsewhere_factor if question.elsewhere is None else question.elsewhere
    sup = _gather(report, hits, question.supports, question, elsewhere)
    ag = _gather(report, hits, question.against, question, elsewhere)
    support = sum(ps.score for ps in sup.values())
    against = sum(ps.score for ps in ag.values())
    per_1000 = 1000 / max(analysis_words, 500)
    if "against" in question.density:
        against *= per_1000
    if "support" in question.density:
        support *= per_1000
    return Scored(question.id, support, against, _ranked(sup), _ranked(ag))


class ThresholdScorer:
    """The registered 'thresholds' scorer: support and counter-evidence strengths cut into the
    four ratings by the profile's fitted thresholds (or a file given by the caller)."""

    def __init__(self, profile: Profile, thresholds: Thresholds | None = None) -> None:
        self.profile = profile
        self.thresholds = thresholds or profile.thresholds

    def rate(self, report: Report, scored: Scored, question: Question) -> QuestionResult:
        fw = self.profile.framework
        labels = {k: v.label for k, v in self.profile.words.ratings.items()}
        return rate(report, scored, question, self.thresholds, fw.number(question.id), labels)


def rate(report: Report, scored: Scored, question: Question, thresholds: Thresholds, number: int, labels: dict[str, str]) -> QuestionResult:
    cuts = thresholds.cuts(question.id)
    s, a = strengths(scored.support, scored.against, cuts)
    rating, margin = decide(s, a, cuts)
    confidence = thresholds.confidence_for(margin, question.id)
    top_s = scored.supporting[0].score if scored.supporting else 0.0
    top_a = scored.countering[0].score if scored.countering else 0.0
    evidence = [_evidence(report, ps, top_s) for ps in scored.supporting[:MAX_EVIDENCE]]
    counter = [_evidence(report, ps, top_a) for ps in scored.countering[:MAX_EVIDENCE]]
    not_found = question.not_found if not evidence else None
    return QuestionResult(
        question=question.id,
        number=number,
        short=question.short,
        text=question.text,
        rating=rating,  # type: ignore[arg-type]
        confidence=round(confidence, 2),
        needs_human_read=confidence < thresholds.human_read_below,
        rationale=_rationale(labels[rating], rating, question, evidence, counter, scored, confidence < thresholds.human_read_below),
        evidence=evidence,
        counter_evidence=counter,
        not_found=not_found,
        support=round(s, 3),
        against=round(a, 3),
    )


def _cite(ev: Evidence) -> str:
    reason = ev.signals[0].reason if ev.signals else ""
    return f"{ev.location.label}: {reason}" if reason else ev.location.label


def _rationale(
    label: str, rating: str, q: Question, evidence: list[Evidence], counter: list[Evidence], scored: Scored, unsure: bool
) -> str:
    n_sup, n_ag = len(scored.supporting), len(scored.countering)
    parts: list[str] = []
    if rating == "not_evidenced":
        parts.append(f"{label}: {q.not_found}")
    else:
        if evidence:
            more = f" {n_sup - 1} more passage{'s' if n_sup != 2 else ''} point the same way." if n_sup > 1 else ""
            parts.append(f"{label}. Strongest evidence: {_cite(evidence[0])}.{more}")
        else:
            parts.append(f"{label}. No passage was found that {_lower_first(q.evidence_means).rstrip('.')}.")
        if counter:
            more = f" and {n_ag - 1} other passage{'s' if n_ag != 2 else ''}" if n_ag > 1 else ""
            parts.append(f"Counting against it: {_cite(counter[0])}{more}.")
        elif q.against:
            parts.append("Nothing was found that counts against it.")
    if unsure:
        parts.append("The evidence sits close to the line between two ratings: read the passages before relying on this suggestion.")
    return " ".join(parts)


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s else s


def evidence_lists(report: Report, scored: Scored) -> tuple[list[Evidence], list[Evidence]]:
    """The evidence and counter-evidence shown for a question, strongest first (any scorer)."""
    top_s = scored.supporting[0].score if scored.supporting else 0.0
    top_a = scored.countering[0].score if scored.countering else 0.0
    return (
        [_evidence(report, ps, top_s) for ps in scored.supporting[:MAX_EVIDENCE]],
        [_evidence(report, ps, top_a) for ps in scored.countering[:MAX_EVIDENCE]],
    )


def rationale(label: str, rating: str, q: Question, evidence: list[Evidence], counter: list[Evidence], scored: Scored, unsure: bool) -> str:
    """The plain-English rationale for a rating (any scorer), naming the evidence shown."""
    return _rationale(label, rating, q, evidence, counter, scored, unsure)
