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
MIN_WORDS = 200  # below this, rates per 1,000 words are too noisy to mean anything


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
    # A report has thousands of hits and a question weighs a few signals: the others are
    # passed over before the loop (this runs twice for every question).
    for h in [h for h in hits if h.label in plain]:
        w = plain[h.label]
        if not w or (h.label, h.sentence, h.paragraph) in seen:
            continue
        seen.add((h.label, h.sentence, h.paragraph))
        factor = factor_of(h.paragraph)
        if factor == 0:
            continue
        ps = by_para.setdefault(h.paragraph, _ParagraphScore(h.paragraph))
        ps.score += w * factor
        ps.hits.append(h)
    conjunctions = [sw for sw in weights if len(sw.parts) != 1]
    if not conjunctions:
        return by_para
    wanted = {part for sw in conjunctions for part in sw.parts}
    first: dict[tuple[int, str], Hit] = {}  # each paragraph's first hit of each part
    for h in hits:
        if h.label in wanted:
            first.setdefault((h.paragraph, h.label), h)
    paragraphs = dict.fromkeys(h.paragraph for h in hits)  # in the order of their first hits
    for sw in conjunctions:
        for para in paragraphs:
            if not all((para, part) in first for part in sw.parts):
                continue
            factor = factor_of(para)
            if factor == 0:
                continue
            ps = by_para.setdefault(para, _ParagraphScore(para))
            ps.score += sw.weight * factor
            ps.hits.extend(first[(para, part)] for part in sw.parts)
    return by_para


def _ranked(by_para: dict[int, _ParagraphScore]) -> list[_ParagraphScore]:
    return sorted(by_para.values(), key=lambda ps: (-ps.score, ps.paragraph))


@dataclass(frozen=True)
class PartFound:
    """One part of a many-part question, and whether the report does it."""

    name: str
    sentences: int  # sentences in the question's sections carrying one of the part's signals
    found: bool
    paragraph: int | None  # the first paragraph where it is done


@dataclass
class Scored:
    """The measured side of a question, before thresholds: what calibration replays."""

    question: str
    support: float
    against: float
    supporting: list[_ParagraphScore]
    countering: list[_ParagraphScore]
    figures: Figures | None = None  # the report-wide figures, for scorers that weigh them
    parts: list[PartFound] = field(default_factory=list)

    @property
    def cap(self) -> str | None:
        """The best rating the parts allow: 'not_evidenced' when none of the parts the marker asks
        for is done, 'partly_met' while any is missing; None when all are done or there are none."""
        if not self.parts or all(pf.found for pf in self.parts):
            return None
        return "partly_met" if self.evidenced else "not_evidenced"

    @property
    def evidenced(self) -> bool:
        """Some part is done, so the report cannot be said to say nothing on the question."""
        return any(pf.found for pf in self.parts)

    @property
    def allowed(self) -> tuple[str, ...] | None:
        """The ratings the parts leave open (None: any), for scorers that choose among ratings."""
        if not self.parts:
            return None
        if self.cap == "not_evidenced":
            return ("not_evidenced",)
        if self.cap == "partly_met":
            return ("not_met", "partly_met")
        return ("not_met", "partly_met", "met")


def _parts(report: Report, hits: list[Hit], question: Question) -> list[PartFound]:
    look_in = set(question.look_in)
    out = []
    for part in question.parts:
        wanted = set(part.signals)
        sents = sorted(
            {
                (h.paragraph, h.sentence)
                for h in hits
                if h.label in wanted and h.sentence is not None and report.paragraphs[h.paragraph].role in look_in
            }
        )
        out.append(PartFound(part.name, len(sents), len(sents) >= part.min, sents[0][0] if sents else None))
    return out


def measure(report: Report, hits: list[Hit], question: Question, framework: Framework, analysis_words: int) -> Scored:
    elsewhere = framework.elsewhere_factor if question.elsewhere is None else question.elsewhere
    sup = _gather(report, hits, question.supports, question, elsewhere)
    ag = _gather(report, hits, question.against, question, elsewhere)
    support = sum(ps.score for ps in sup.values())
    against = sum(ps.score for ps in ag.values())
    words = max(analysis_words, MIN_WORDS)
    per_1000 = 1000 / words
    # A concise report is not rated down for being concise: totals are what they would be at the
    # reference length, at the same rate (never scaled down, so long reports are unchanged).
    short = max(1.0, framework.reference_words / words)
    for side in ("support", "against"):
        factor = per_1000 if side in question.density else short if side in question.length_neutral else 1.0
        if side == "support":
            support *= factor
        else:
            against *= factor
    return Scored(question.id, support, against, _ranked(sup), _ranked(ag), parts=_parts(report, hits, question))


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
    rating, margin = decide(s, a, cuts, scored.cap, scored.evidenced)
    confidence = thresholds.confidence_for(margin, question.id)
    unsure = confidence < thresholds.human_read_below
    return question_result(report, scored, question, number, rating, labels[rating], confidence, unsure, s, a)


def question_result(
    report: Report,
    scored: Scored,
    question: Question,
    number: int,
    rating: str,
    label: str,
    confidence: float,
    unsure: bool,
    support: float,
    against: float,
) -> QuestionResult:
    """A scorer's rating with what every scorer shows beside it: the evidence each way, the
    rationale, and what was not found."""
    evidence, counter = evidence_lists(report, scored)
    return QuestionResult(
        question=question.id,
        number=number,
        short=question.short,
        text=question.text,
        rating=rating,  # type: ignore[arg-type]
        confidence=round(confidence, 2),
        needs_human_read=unsure,
        rationale=rationale(label, rating, question, evidence, counter, scored, unsure, report),
        evidence=evidence,
        counter_evidence=counter,
        not_found=not_found(question, evidence, counter),
        support=round(support, 3),
        against=round(against, 3),
    )


def not_found(question: Question, evidence: list[Evidence], counter: list[Evidence]) -> str | None:
    """What was looked for, shown only when nothing was found for or against (any scorer): beside
    a passage against, 'the report cites no research' would contradict it."""
    return question.not_found if not evidence and not counter else None


def _cite(ev: Evidence) -> str:
    reason = ev.signals[0].reason if ev.signals else ""
    return f"{ev.location.label}: {reason}" if reason else ev.location.label


def _part_places(report: Report, scored: Scored) -> list[tuple[str, str | None]]:
    """Each part of the question with where it is first done (None: not found)."""
    return [
        (pf.name, report.location(report.paragraphs[pf.paragraph]) if pf.found and pf.paragraph is not None else None)
        for pf in scored.parts
    ]


def _parts_sentence(places: list[tuple[str, str | None]]) -> str:
    found = [f"{name} ({where})" for name, where in places if where]
    missing = [name for name, where in places if not where]
    if not missing:
        return f"It does each part the question asks for: {_join(found)}."
    if not found:
        return f"None of the parts the question asks for was found ({_join(missing)})."
    return f"Found: {_join(found)}. Not found: {_join(missing)}, so it cannot be rated met."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _rationale(
    label: str,
    rating: str,
    q: Question,
    evidence: list[Evidence],
    counter: list[Evidence],
    scored: Scored,
    unsure: bool,
    places: list[tuple[str, str | None]] | None = None,
) -> str:
    n_sup, n_ag = len(scored.supporting), len(scored.countering)
    parts: list[str] = []
    if rating == "not_evidenced" and (evidence or counter):
        # Something was found, so 'nothing says...' would contradict the passages shown.
        n = n_sup + n_ag
        first = evidence[0] if evidence else counter[0]
        many = f"{n} passages bear" if n != 1 else "One passage bears"
        parts.append(f"{label}: {many} on this, too little to rate it. Strongest: {_cite(first)}. Read them before deciding.")
    elif rating == "not_evidenced":
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
    if places:
        parts.append(_parts_sentence(places))
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


def rationale(
    label: str,
    rating: str,
    q: Question,
    evidence: list[Evidence],
    counter: list[Evidence],
    scored: Scored,
    unsure: bool,
    report: Report | None = None,
) -> str:
    """The plain-English rationale for a rating (any scorer), naming the evidence shown and, for
    a question in parts, which parts were found and where (given the report)."""
    return _rationale(label, rating, q, evidence, counter, scored, unsure, _part_places(report, scored) if report else None)
