"""The bridge between the knowledge checks and the assessment: citations and currency findings,
in the shape the scoring and the figures use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qmark.assess.signals import Hit
from qmark.knowledge.base import CurrencyRules, KnowledgeBase
from qmark.knowledge.citations import find_citations, is_research
from qmark.knowledge.currency import CurrencyFinding, check_currency
from qmark.report import Report

if TYPE_CHECKING:
    from qmark.assess.pipeline import Analysis
    from qmark.profile import Profile

KNOWLEDGE_SIGNALS = frozenset({"current_citation", "superseded_guidance", "old_research", "cited_work"})


@dataclass(frozen=True)
class CitationView:
    text: str
    kind: str
    year: int | None
    age: int | None
    entry_id: str | None
    paragraph: int
    start: int
    end: int
    research: bool


@dataclass
class KnowledgeView:
    citations: list[CitationView] = field(default_factory=list)
    findings: list[CurrencyFinding] = field(default_factory=list)
    median_age: float | None = None  # over distinct works, as the currency check counts them
    newest_year: int | None = None
    current: list[CitationView] = field(default_factory=list)  # current at the report's date


def _date(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def assess_currency(report: Report, kb: KnowledgeBase, rules: CurrencyRules) -> KnowledgeView:
    when = _date(report.date)
    citations = find_citations(report, kb)
    currency = check_currency(report, citations, when, kb, rules)
    in_force = kb.edition_in_force(when) if when else None
    figs = currency.figures
    view = KnowledgeView(
        findings=list(currency.findings),
        median_age=figs.median_age if figs else None,
        newest_year=figs.newest_research_year if figs else None,
    )
    for c in citations:
        research = is_research(c, kb)
        age = when.year - c.year if (when and c.year) else None
        cv = CitationView(c.text, c.kind, c.year, age, c.entry_id, c.paragraph, c.start, c.end, research)
        view.citations.append(cv)
        if kb.edition(c.entry_id or "") is not None:
            if in_force is not None and c.entry_id == in_force.id:
                view.current.append(cv)
        elif research and age is not None and 0 <= age <= rules.research.recent_years:
            view.current.append(cv)
    return view


def _sentence_at(report: Report, offset: int) -> int | None:
    p = report.paragraph_at(offset)
    if p is None:
        return None
    for s in report.sentences_of(p):
        if s.start <= offset < s.end:
            return s.index
    return None


def knowledge_hits(report: Report, view: KnowledgeView) -> list[Hit]:
    out: list[Hit] = []
    for f in view.findings:
        if f.kind in ("superseded_guidance", "old_research") and f.paragraph is not None:
            start = f.start if f.start is not None else report.paragraphs[f.paragraph].start
            end = f.end if f.end is not None else report.paragraphs[f.paragraph].end
            out.append(Hit(f.kind, f.paragraph, _sentence_at(report, start), start, end, f.message, 1.0))
    judged = {h.paragraph for h in out} | {c.paragraph for c in view.current}
    for c in view.citations:
        # A work the checks above say nothing about (a statute, a local policy, a work of middling
        # age): still cited, so a question about the evidence base never says 'cites nothing'.
        if c.paragraph in judged:
            continue
        when = f" ({c.year})" if c.year else ""
        out.append(Hit("cited_work", c.paragraph, _sentence_at(report, c.start), c.start, c.end, f"cites {c.text}{when}", 1.0))
    for c in view.current:
        out.append(
            Hit(
                "current_citation",
                c.paragraph,
                _sentence_at(report, c.start),
                c.start,
                c.end,
                f"cites {c.text} ({c.year}), current at the report's date",
                1.0,
            )
        )
    return out


class KnowledgeDetector:
    """The registered 'knowledge' detector: citations checked against the profile's knowledge
    base at the report's own date."""

    signals = KNOWLEDGE_SIGNALS

    def __init__(self, profile: Profile) -> None:
        self.kb = profile.knowledge_base
        self.rules = profile.currency

    def detect(self, analysis: Analysis) -> None:
        view = assess_currency(analysis.report, self.kb, self.rules)
        analysis.knowledge = view
        analysis.hits.extend(knowledge_hits(analysis.report, view))
