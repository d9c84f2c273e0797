"""What changed between two versions of a review's documents (two drafts, or the draft and the
final report), from two finished assessments: per question, the suggested rating and which
passages are still evidence, which are new and which have gone; report-wide, which flagged
passages (hindsight judgements, individual-only explanations, superseded guidance...) were
resolved, which remain and which are new. Paragraphs are matched as carry-over matches them."""

from __future__ import annotations

from dataclasses import dataclass, field

from qmark.assess.records import Evidence, Flag
from qmark.web.reviews.carryover import Matcher, normalise
from qmark.web.reviews.findings import at_a_glance
from qmark.web.reviews.models import AssessmentRun


@dataclass
class Passage:
    label: str
    quote: str
    was: str = ""  # where it was in the earlier version, if it moved


@dataclass
class QuestionChange:
    number: int
    short: str
    qid: str
    before: str | None
    after: str | None
    confidence_before: float | None
    confidence_after: float | None
    kept: list[Passage] = field(default_factory=list)
    new: list[Passage] = field(default_factory=list)
    gone: list[Passage] = field(default_factory=list)
    gone_from_text: int = 0  # of the gone, how many are no longer in the documents at all

    @property
    def rating_changed(self) -> bool:
        return self.before != self.after

    @property
    def changed(self) -> bool:
        return self.rating_changed or bool(self.new or self.gone)


@dataclass
class FlagChange:
    kind: str
    title: str
    resolved: list[Flag] = field(default_factory=list)
    remaining: list[Flag] = field(default_factory=list)
    new: list[Flag] = field(default_factory=list)


@dataclass
class Comparison:
    before: AssessmentRun
    after: AssessmentRun
    questions: list[QuestionChange]
    flags: list[FlagChange]
    figures: list[tuple[str, str, str]]  # caption, before, after

    @property
    def resolved(self) -> int:
        return sum(len(f.resolved) for f in self.flags)

    @property
    def remaining(self) -> int:
        return sum(len(f.remaining) for f in self.flags)

    @property
    def new_flags(self) -> int:
        return sum(len(f.new) for f in self.flags)

    @property
    def ratings_changed(self) -> int:
        return sum(1 for q in self.questions if q.rating_changed)


def _para(run: AssessmentRun, index: int, fallback_text: str = "") -> dict:
    p = next((p for p in run.paragraphs if p["index"] == index), None)
    return p or {"index": index, "id": "", "location": {}, "text": fallback_text}


def _ev_para(run: AssessmentRun, ev: Evidence) -> dict:
    p = _para(run, ev.location.paragraph_index, ev.paragraph_text)
    return p


def compare(before: AssessmentRun, after: AssessmentRun) -> Comparison:
    a, b = before.assessment, after.assessment
    assert a is not None and b is not None
    matcher = Matcher(after.paragraphs)
    where: dict[int, int | None] = {}

    def moved(index: int, text: str) -> int | None:
        if index not in where:
            found = matcher.find(_para(before, index, text))
            where[index] = found[0] if found else None
        return where[index]

    questions = []
    b_by_id = {q.question: q for q in b.questions}
    for qa in a.questions:
        qb = b_by_id.get(qa.question)
        change = QuestionChange(
            number=qa.number,
            short=qa.short,
            qid=qa.question,
            before=qa.rating,
            after=qb.rating if qb else None,
            confidence_before=qa.confidence,
            confidence_after=qb.confidence if qb else None,
        )
        after_items = {e.location.paragraph_index: e for e in (qb.evidence if qb else [])}
        matched_after: set[int] = set()
        for ev in qa.evidence:
            target = moved(ev.location.paragraph_index, ev.paragraph_text)
            if target is not None and target in after_items:
                now = after_items[target]
                matched_after.add(target)
                was = ev.location.label if ev.location.label != now.location.label else ""
                change.kept.append(Passage(now.location.label, now.quote, was))
            else:
                change.gone.append(Passage(ev.location.label, ev.quote))
                change.gone_from_text += target is None
        for index, ev in after_items.items():
            if index not in matched_after:
                change.new.append(Passage(ev.location.label, ev.quote))
        questions.append(change)
    for qb in b.questions:
        if qb.question not in {q.question for q in a.questions}:
            questions.append(
                QuestionChange(
                    qb.number,
                    qb.short,
                    qb.question,
                    None,
                    qb.rating,
                    None,
                    qb.confidence,
                    new=[Passage(e.location.label, e.quote) for e in qb.evidence],
                )
            )

    glance_a, glance_b = at_a_glance(a), at_a_glance(b)
    titles = {g.kind: g.title for g in (glance_a.groups if glance_a else []) + (glance_b.groups if glance_b else [])}
    flags: dict[str, FlagChange] = {}

    def key(f: Flag, run: AssessmentRun, translate: bool) -> tuple:
        index = f.location.paragraph_index if f.location else None
        if translate and index is not None:
            index = moved(index, "")
        return (f.kind, index, normalise(f.quote))

    after_keys: dict[tuple, Flag] = {key(f, after, False): f for f in b.flags}
    after_loose: dict[tuple, list[Flag]] = {}
    for f in b.flags:
        after_loose.setdefault((f.kind, normalise(f.quote)), []).append(f)
    used: set[int] = set()
    for f in a.flags:
        group = flags.setdefault(f.kind, FlagChange(f.kind, titles.get(f.kind, f.kind)))
        hit = after_keys.get(key(f, before, True))
        if hit is None:  # the same words flagged, wherever they now are
            hit = next((g for g in after_loose.get((f.kind, normalise(f.quote)), []) if id(g) not in used), None)
        if hit is not None and id(hit) not in used:
            used.add(id(hit))
            group.remaining.append(hit)
        else:
            group.resolved.append(f)
    for f in b.flags:
        if id(f) not in used:
            flags.setdefault(f.kind, FlagChange(f.kind, titles.get(f.kind, f.kind))).new.append(f)

    figures = []
    if glance_a and glance_b:
        figures = [(cap_b, val_a, val_b) for (val_a, _), (val_b, cap_b) in zip(glance_a.figures, glance_b.figures)]
    return Comparison(before=before, after=after, questions=questions, flags=sorted(flags.values(), key=lambda g: g.title), figures=figures)
