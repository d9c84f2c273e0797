"""The bridge between the knowledge checks and the assessment: citations and currency findings,
in the shape the scoring and the figures use."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qmark.knowledge.base import load_currency_rules, load_knowledge_base
from qmark.knowledge.citations import find_citations, is_research
from qmark.knowledge.currency import CurrencyFinding, check_currency
from qmark.report import Report


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
    current: list[CitationView] = field(default_factory=list)   # current at the report's date


def _date(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def assess_currency(report: Report) -> KnowledgeView:
    kb = load_knowledge_base()
    rules = load_currency_rules()
    when = _date(report.date)
    citations = find_citations(report, kb)
    currency = check_currency(report, citations, when, kb, rules)
    in_force = kb.edition_in_force(when) if when else None
    view = KnowledgeView(findings=list(currency.findings))
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
