"""Is the research and guidance a report uses up to date? (q4)

Judged at the report's own date, never today's: a 2011 report citing Working Together 2010 was
current when written. Thresholds live in data/currency.yaml.

What is flagged:
- superseded_guidance: an edition of Working Together presented as current guidance when a later
  edition was in force at the report's date. An old edition named in a historical context ("the
  guidance in force at the time") is not flagged: the period reviewed often precedes the report.
  Nor is the previous edition while the 2018 transition ran, or within a few months of a new one.
- no_recent_research / old_research: nothing cited from the last few years, and the much older
  works relied on instead (classic, "foundational" works excepted).
- no_research: no research cited at all.
- no_date: the report's date is unknown, so currency cannot be judged.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qmark.knowledge.base import CurrencyRules, KnowledgeBase, Research, name_key
from qmark.knowledge.citations import Citation, is_research
from qmark.report import Report
from qmark.segment.numbering import normalise

FINDING_KINDS = ("superseded_guidance", "old_research", "no_recent_research", "no_research", "no_date")


@dataclass(frozen=True)
class CurrencyFinding:
    kind: str
    paragraph: int | None  # Paragraph.index, None for findings about the whole report
    start: int | None
    end: int | None
    message: str


@dataclass(frozen=True)
class ResearchCitation:
    text: str
    entry_id: str | None
    year: int
    age: int | None  # years before the report's date; None without a date
    paragraph: int
    start: int
    end: int
    exempt: bool  # a foundational work, never flagged for age
    work: str  # identifies the work: several citations of one work share it


@dataclass(frozen=True)
class CurrencyFigures:
    report_date: str | None
    citations: int
    research: list[ResearchCitation]
    research_works: int  # distinct works among the research citations
    newest_research_year: int | None
    median_age: float | None  # over distinct works, at the report's date
    editions_cited: list[str]  # knowledge-base ids, oldest first
    editions_as_current: list[str]


@dataclass
class Currency:
    findings: list[CurrencyFinding] = field(default_factory=list)
    figures: CurrencyFigures | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [asdict(f) for f in self.findings], "figures": asdict(self.figures) if self.figures else None}


def check_currency(
    report: Report, citations: list[Citation], report_date: dt.date | None, kb: KnowledgeBase, rules: CurrencyRules
) -> Currency:
    """Findings and figures on how current the report's research and guidance were at its date.

    report_date is the date to judge at (from --date); when None, the date read from the
    report's front page is used, and when there is none a no_date finding says so.
    """
    when = report_date or _parse(report.date)
    findings: list[CurrencyFinding] = []
    if when is None:
        findings.append(CurrencyFinding("no_date", None, None, None, _no_date_message(report)))

    research = _research(citations, when, kb, rules)
    if when is not None:
        findings += _superseded(report, citations, when, kb, rules)
    findings += _research_findings(report, research, citations, when, kb, rules)

    works = _distinct(research)
    ages = [r.age for r in works if r.age is not None]
    editions = {c.entry_id for c in citations if c.entry_id and kb.edition(c.entry_id)}
    current = {c.entry_id for c in citations if c.entry_id and kb.edition(c.entry_id) and c.as_current}
    order = [e.id for e in kb.editions]
    figures = CurrencyFigures(
        report_date=when.isoformat() if when else None,
        citations=len(citations),
        research=research,
        research_works=len(works),
        newest_research_year=max((r.year for r in research), default=None),
        median_age=float(statistics.median(ages)) if ages else None,
        editions_cited=[e for e in order if e in editions],
        editions_as_current=[e for e in order if e in current],
    )
    return Currency(findings, figures)


# ---------------------------------------------------------------- guidance


def _superseded(report: Report, citations: list[Citation], when: dt.date, kb: KnowledgeBase, rules: CurrencyRules) -> list[CurrencyFinding]:
    in_force = kb.edition_in_force(when)
    if in_force is None:
        return []
    # A report signed off just after a new edition appeared was written under the old one.
    effective = kb.edition_in_force(_add_months(when, -rules.guidance.grace_months)) or in_force
    in_transition = in_force.transition_until is not None and when <= in_force.transition_until
    out: list[CurrencyFinding] = []
    seen: set[tuple[int, str]] = set()
    for c in citations:
        ed = kb.edition(c.entry_id) if c.entry_id else None
        if ed is None or not c.as_current or (c.paragraph, ed.id) in seen:
            continue
        if ed.in_force_from >= effective.in_force_from:
            continue
        if in_transition and kb.previous_edition(in_force) == ed:
            continue  # the previous edition's review arrangements still applied
        seen.add((c.paragraph, ed.id))
        out.append(
            CurrencyFinding(
                "superseded_guidance",
                c.paragraph,
                c.start,
                c.end,
                f"{_where(report, c.paragraph)} cites {ed.label} as current guidance; at the report's date "
                f"({when:%B %Y}) the {in_force.year} edition was in force.",
            )
        )
    return out


# ---------------------------------------------------------------- research


def _research(citations: list[Citation], when: dt.date | None, kb: KnowledgeBase, rules: CurrencyRules) -> list[ResearchCitation]:
    exempt_tags = set(rules.research.exempt_tags)
    out = []
    for c in citations:
        if c.year is None or not is_research(c, kb):
            continue
        entry = kb.entry(c.entry_id) if c.entry_id else None
        exempt = isinstance(entry, Research) and bool(exempt_tags & set(entry.tags))
        work = c.entry_id or f"{name_key(c.author or c.text)}|{c.year}"
        out.append(
            ResearchCitation(c.text, c.entry_id, c.year, when.year - c.year if when else None, c.paragraph, c.start, c.end, exempt, work)
        )
    return out


def _distinct(research: list[ResearchCitation]) -> list[ResearchCitation]:
    # One work cited ten times should not weigh ten times in the median.
    seen: dict[str, ResearchCitation] = {}
    for r in research:
        seen.setdefault(r.work, r)
    return list(seen.values())


def _research_findings(
    report: Report,
    research: list[ResearchCitation],
    citations: list[Citation],
    when: dt.date | None,
    kb: KnowledgeBase,
    rules: CurrencyRules,
) -> list[CurrencyFinding]:
    if not research:
        guidance = any(c.kind == "guidance" or (c.entry_id and not kb.is_research(c.entry_id)) for c in citations)
        what = "cites guidance but no research" if guidance else "cites no research or guidance"
        return [
            CurrencyFinding(
                "no_research",
                None,
                None,
                None,
                f"The report {what}: it does not show what evidence about good practice its analysis draws on.",
            )
        ]
    if when is None:
        return []
    recent, old = rules.research.recent_years, rules.research.old_years
    newest = max(r.year for r in research)
    if when.year - newest <= recent:
        return []  # older work alongside recent evidence is fine
    out = [
        CurrencyFinding(
            "no_recent_research",
            None,
            None,
            None,
            f"The newest research cited is from {newest}, {when.year - newest} years before the report's date "
            f"({when:%B %Y}); nothing cited is from the last {recent} years.",
        )
    ]
    for r in _distinct(research):
        if r.exempt or r.age is None or r.age <= old:
            continue
        entry = kb.entry(r.entry_id) if r.entry_id else None
        name = entry.label if entry else r.text
        out.append(
            CurrencyFinding(
                "old_research",
                r.paragraph,
                r.start,
                r.end,
                f"{_where(report, r.paragraph)} cites {name}, {r.age} years before the report's date "
                f"({when:%B %Y}), and the report cites no research from the last {recent} years; "
                "check whether more recent evidence updates it.",
            )
        )
    return out


# ---------------------------------------------------------------- wording


def _where(report: Report, index: int) -> str:
    """How a reader finds the paragraph: its printed number, or its opening words."""
    p = report.paragraphs[index]
    if p.number:
        return f"Para {normalise(p.number)}"
    start = p.number_span[1] if p.number_span else p.start
    words = report.text[start : p.end].split()
    opening = " ".join(words[:6]) + ("..." if len(words) > 6 else "")
    kind = "The footnote" if p.kind == "footnote" else "The paragraph"
    return f'{kind} beginning "{opening}"'


def _no_date_message(report: Report) -> str:
    main = next((d for d in report.documents if d.is_main), None)
    name = Path(main.path).name if main and Path(main.path).suffix else "report.pdf"
    if " " in name:
        name = f'"{name}"'
    return (
        "The report's date could not be read from its front page, so qmark cannot tell whether "
        "the research and guidance it cites were up to date when it was written. Give the date "
        f"the report was finalised with --date, for example: qmark assess {name} --date 2019-09-12"
    )


def _parse(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(d.day, 28))


__all__ = ["Currency", "CurrencyFinding", "CurrencyFigures", "ResearchCitation", "FINDING_KINDS", "check_currency"]
