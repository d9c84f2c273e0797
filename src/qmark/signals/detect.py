"""Apply the cue lists to every sentence of a Report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmark.report import Report
from qmark.signals.annotation import Annotation, Annotations
from qmark.signals.case import case_letters, case_names, letter_refs, name_pattern
from qmark.signals.cues import CueSet, load_cues, lower_text, merge_cues

if TYPE_CHECKING:
    from qmark.assess.pipeline import Analysis
    from qmark.profile import Profile

# Quoted speech: double or curly quotes, and single quotes that are not apostrophes.
_QUOTED = re.compile(r'"[^"]{2,}"|\u201c[^\u201d]{2,}\u201d|(?<![\w\u2019])[\'\u2018][^\'\u2018\u2019]{3,}?[\'\u2019](?!\w)')


@dataclass(frozen=True)
class Hit:
    label: str
    start: int  # within the sentence
    end: int
    reason: str
    score: float


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)]


def label_sentence(text: str, role: str = "analysis", cues: CueSet | None = None) -> list[Hit]:
    """The labels one sentence takes, each with its strongest cue (the engine's shared cue lists
    unless cues are given)."""
    cues = cues or load_cues()
    quoted = _quoted_spans(text)
    low = lower_text(text)  # cue patterns are compiled for lower-cased text (see cues.lower_pattern)
    hits: list[Hit] = []
    found: set[str] = set()
    # Only the cues whose anchors the sentence holds, label by label in the lists' order.
    possible = sorted(cues.candidates(text, low))
    label_of = cues.label_of
    i = 0
    while i < len(possible):
        j = i
        li = label_of[possible[i]]
        while j < len(possible) and label_of[possible[j]] == li:
            j += 1
        ks, i = possible[i:j], j
        label = cues.labels[li]
        if any(u in found for u in label.unless_labels):
            continue
        total, best = 0.0, None
        for k in ks:
            cue = cues.cues[k]
            if role in cue.roles_off or (cue.roles_only and role not in cue.roles_only):
                continue
            subject = text if cue.case_sensitive else low
            first = cue.pattern.search(subject)
            if first is None:
                continue
            if cue.requires is not None and not cue.requires.search(low):
                continue
            if cue.unless is not None and cue.unless.search(low):
                continue
            for m in cue.pattern.finditer(subject, first.start()):
                if any(qs <= m.start() and m.end() <= qe for qs, qe in quoted):
                    continue
                if cue.negatable and cues.negation.search(low[max(0, m.start() - 60) : m.start()]):
                    continue
                total += cue.weight
                if best is None or cue.weight > best[3]:
                    matched = " ".join(m.group(0).split())
                    best = (m.start(), m.end(), cue.reason.replace("{match}", matched), cue.weight)
                break  # one match per cue is enough evidence from that cue
        if best is not None and total >= label.threshold:
            hits.append(Hit(label.name, best[0], best[1], best[2], round(total, 3)))
            found.add(label.name)
    return hits


def annotate(report: Report, cues: CueSet | None = None) -> Annotations:
    cues = cues or load_cues()
    items: list[Annotation] = []
    paragraphs = report.paragraphs
    named = name_pattern(case_names(report))
    letters = case_letters(report)
    for s in report.sentences:
        p = paragraphs[s.paragraph]
        if not p.analysed:
            continue
        text = report.text[s.start : s.end]
        hits = label_sentence(text, p.role, cues)
        for h in hits:
            items.append(Annotation(h.label, s.index, p.index, s.start + h.start, s.start + h.end, h.reason, h.score))
        if (named is not None or letters) and not any(h.label == "case_link" for h in hits):
            ref = _case_reference(text, named, letters)
            if ref is not None:
                start, end, who = ref
                items.append(
                    Annotation(
                        "case_link", s.index, p.index, s.start + start, s.start + end, f"refers to {who}, at the centre of this review", 1.0
                    )
                )
    return Annotations(items)


def _case_reference(text: str, named: re.Pattern[str] | None, letters: list[str]) -> tuple[int, int, str] | None:
    """The first reference in a sentence to a child of the review, by name or by letter."""
    m = named.search(text) if named is not None else None
    found = [(m.start(), m.end(), m.group(1))] if m else []
    found += [(a, b, x) for a, b, x in letter_refs(text, letters)[:1]]
    return min(found) if found else None


# The twelve sentence labels of the design and the labelled corpus (checked against cues.yaml in the tests).
PUBLIC_LABELS: tuple[str, ...] = (
    "description",
    "evaluation",
    "hindsight_judgement",
    "hindsight_mitigation",
    "explanation_systemic",
    "explanation_individual",
    "generalisation",
    "research_citation",
    "method",
    "system_knowledge_source",
    "reviewer_support",
    "working_out",
)


def profile_cues(profile: Profile) -> CueSet:
    """The cue lists a profile uses: its own or the shared ones, plus its extra labels."""
    cues = load_cues(str(profile.cues_path()))
    extra = profile.files.get("cues_extra")
    return merge_cues(cues, load_cues(str(extra))) if extra is not None else cues


class CueDetector:
    """The registered 'cues' detector: the profile's cue lists over every analysed sentence,
    plus references to the people at the centre of the review."""

    def __init__(self, profile: Profile) -> None:
        self.cues = profile_cues(profile)
        self.signals = frozenset(label.name for label in self.cues.labels)

    def detect(self, analysis: Analysis) -> None:
        found = annotate(analysis.report, self.cues)
        analysis.annotations = Annotations(analysis.annotations.items + found.items)
