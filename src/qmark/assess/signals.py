"""Everything a question's evidence can draw on, in one shape: the detectors' annotations plus
the knowledge checks (citations current at the report's date, superseded guidance, old research)."""
from __future__ import annotations

from dataclasses import dataclass

from qmark.report import Report
from qmark.signals import Annotations
from qmark.signals.cues import load_cues

KNOWLEDGE_SIGNALS = ("current_citation", "superseded_guidance", "old_research")


def known_signals() -> set[str]:
    return {label.name for label in load_cues().labels} | set(KNOWLEDGE_SIGNALS)


@dataclass(frozen=True)
class Hit:
    label: str
    paragraph: int
    sentence: int | None
    start: int
    end: int
    reason: str
    score: float


def collect(report: Report, annotations: Annotations, currency=None) -> list[Hit]:
    hits = [Hit(a.label, a.paragraph, a.sentence, a.start, a.end, a.reason, a.score) for a in annotations.items]
    if currency is not None:
        hits.extend(_knowledge_hits(report, currency))
    return hits


def _sentence_at(report: Report, offset: int) -> int | None:
    p = report.paragraph_at(offset)
    if p is None:
        return None
    for s in report.sentences_of(p):
        if s.start <= offset < s.end:
            return s.index
    return None


def _knowledge_hits(report: Report, currency) -> list[Hit]:
    out: list[Hit] = []
    for f in currency.findings:
        if f.kind in ("superseded_guidance", "old_research") and f.paragraph is not None:
            start = f.start if f.start is not None else report.paragraphs[f.paragraph].start
            end = f.end if f.end is not None else report.paragraphs[f.paragraph].end
            out.append(Hit(f.kind, f.paragraph, _sentence_at(report, start), start, end, f.message, 1.0))
    for c in currency.current:
        out.append(Hit("current_citation", c.paragraph, _sentence_at(report, c.start), c.start, c.end,
                       f"cites {c.text} ({c.year}), current at the report's date", 1.0))
    return out
