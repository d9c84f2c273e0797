"""The content every output shows, built once from the records and the profile's words: the
one-page summary, strengths, numbered areas for development, the question-by-question detail,
flagged passages and the figures. The Word assessment, the HTML report (and so the PDF) and the
CSV all read a Content, so they say the same thing in the same words, from the command line or
the web app."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from qmark.assess.records import Assessment, Evidence, Flag, Location, QuestionResult
from qmark.data import load_yaml
from qmark.knowledge.guide import statutory_label
from qmark.profile import Profile
from qmark.render import figure_lines, nice_date
from qmark.render.assessor import AddedEvidence, AssessorJudgements, AssessorRating

# Areas for development come in this order: what the documents get wrong first, then what they
# do only in part, then what they never show.
AREA_ORDER = {"not_met": 0, "partly_met": 1, "not_evidenced": 2}
MAX_REFS = 6  # paragraph references listed for one area before "and N more"
# Passages quoted per question in the Word assessment and the report (the strongest first): enough
# to show the reasoning while keeping a typical review's printout to a few pages. The rest are in
# the JSON and the web workspace.
SHOWN_FOR, SHOWN_AGAINST = 2, 1


@dataclass
class EvidenceView:
    ref: str  # 'para 4.12, p. 9'
    label: str  # 'para 4.12, p. 9 (Analysis)'
    quote: str
    before: str  # the paragraph round the quote, for reading it in context
    after: str
    reasons: list[str]
    status: str | None = None  # 'accepted' | 'rejected' by an assessor
    loc: Location | None = None
    key: str = ""  # the sentence of the quote with the strongest signal, for short outputs


@dataclass
class FlagView:
    kind: str
    title: str
    ref: str
    label: str
    quote: str
    reason: str
    question: QuestionView | None = None
    advice: str = ""
    loc: Location | None = None


@dataclass
class QuestionView:
    id: str
    number: int
    short: str
    text: str
    suggested: str
    suggested_label: str
    confidence: int  # percent
    check: bool
    rationale: str
    not_found: str | None
    assessor: AssessorRating | None
    assessor_label: str
    final: str
    final_label: str
    strength: str
    develop: str
    evidence: list[EvidenceView] = field(default_factory=list)
    counter: list[EvidenceView] = field(default_factory=list)
    added: list[AddedEvidence] = field(default_factory=list)
    flags: list[FlagView] = field(default_factory=list)
    guidance: dict | None = None  # what good and weak look like, obstacles, statutory links (screen only)

    @property
    def confirmed(self) -> bool:
        return self.assessor is not None

    @property
    def differs(self) -> bool:
        return self.assessor is not None and self.assessor.rating != self.suggested

    @property
    def status(self) -> str:
        """Plainly whose rating this is."""
        if self.assessor is None:
            return "qmark's suggestion only (not confirmed)"
        who = "agreed by assessors" if self.assessor.kind == "agreed" else "confirmed by the assessor"
        return f"{who[0].upper()}{who[1:]}" + (" (differs from qmark)" if self.differs else "")

    @property
    def shown_evidence(self) -> list[EvidenceView]:
        return self.evidence[:SHOWN_FOR]

    @property
    def shown_counter(self) -> list[EvidenceView]:
        return self.counter[:SHOWN_AGAINST]

    @property
    def kept_evidence(self) -> list[EvidenceView]:
        return [e for e in self.evidence if e.status != "rejected"]

    @property
    def kept_counter(self) -> list[EvidenceView]:
        return [e for e in self.counter if e.status != "rejected"]


@dataclass
class Point:
    """A strength or an area for development, tied to a question and to paragraphs."""

    question: QuestionView
    text: str
    refs: str  # 'paragraphs 4.12, 5.3 and 6.1' or ''


@dataclass
class FigureView:
    value: str
    caption: str
    comparison: str


@dataclass
class Content:
    title: str
    marker: str
    profile_title: str
    quality_statement: str
    questions_phrase: str
    report_date: str | None
    report_date_iso: str | None
    date_given: bool
    documents: list[str]
    made: str  # 'qmark 0.1.0 on 3 May 2025'
    questions: list[QuestionView]
    strengths: list[Point]
    areas: list[Point]
    figures: list[FigureView]
    analysis_words: int
    analysis_sections: list[str]
    flag_groups: list[tuple[str, str, list[FlagView]]]  # (kind, title, flags)
    open_flags: list[str]
    ratings_key: list[tuple[str, str, str]]  # (rating, label, meaning)
    confidence_meaning: str
    technical: str
    judgements: AssessorJudgements | None = None
    glossary: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # shown first: e.g. the document is not a review

    @property
    def confirmed(self) -> int:
        return sum(q.confirmed for q in self.questions)

    @property
    def status(self) -> str:
        """Plainly which ratings are confirmed and which are only suggestions."""
        n, total = self.confirmed, len(self.questions)
        if n == 0:
            return f"No assessor has confirmed these ratings: all {total} are qmark's suggestions, to be checked against the evidence."
        if n == total:
            return f"All {total} ratings have been confirmed by an assessor."
        return (
            f"{n} of {total} ratings have been confirmed by an assessor; "
            f"the other {total - n} are qmark's suggestions only, not yet confirmed."
        )

    @property
    def subject(self) -> str:
        j = self.judgements
        return (j.review_title if j and j.review_title else "") or self.title


def _ref(loc: Location) -> str:
    """A location without its section: 'para 4.12, p. 9'."""
    return loc.label.split(" (", 1)[0]


def refs(locations: list[Location]) -> str:
    """'paragraphs 4.12, 5.3 and 6.1' (or the locations as labelled when not all are numbered)."""
    seen: dict[str, Location] = {}
    for loc in sorted(locations, key=lambda x: x.paragraph_index):
        seen.setdefault(_ref(loc), loc)
    if not seen:
        return ""
    items = list(seen.values())
    more = len(items) - MAX_REFS
    items = items[:MAX_REFS]
    numbered = all(loc.paragraph and not loc.label.startswith(loc.document + ",") for loc in items)
    names = [loc.paragraph or "" for loc in items] if numbered else [_ref(loc) for loc in items]
    if more > 0:
        names.append(f"{more} more")
    text = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    if numbered:
        return ("paragraph " if len(items) == 1 and more <= 0 else "paragraphs ") + text
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")


def key_sentence(ev: Evidence) -> str:
    """The sentence of a quote holding its strongest signal, marked with an ellipsis where the
    quote goes on: a quote may run to several sentences, and the summary outputs quote one."""
    at = ev.signals[0].start - ev.start if ev.signals else 0
    pos = 0
    parts = []
    for m in _SENTENCE_END.finditer(ev.quote):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, len(ev.quote)))
    if len(parts) == 1:
        return ev.quote
    a, b = next(((a, b) for a, b in parts if a <= at < b + 1), parts[0])
    return ("\u2026 " if a > 0 else "") + ev.quote[a:b].strip() + (" \u2026" if b < len(ev.quote) else "")


def _evidence(ev: Evidence, status: str | None) -> EvidenceView:
    a, b = ev.quote_in_paragraph
    t = ev.paragraph_text
    reasons = list(dict.fromkeys(s.reason for s in ev.signals))[:3]
    return EvidenceView(_ref(ev.location), ev.location.label, ev.quote, t[:a], t[b:], reasons, status, ev.location, key_sentence(ev))


def _question(q: QuestionResult, profile: Profile, j: AssessorJudgements | None) -> QuestionView:
    words = profile.words
    labels = {k: v.label for k, v in words.ratings.items()}
    qw = words.questions.get(q.question)
    fq = next((x for x in profile.framework.questions if x.id == q.question), None)
    g = next((x for x in profile.guidance.questions if x.id == q.question), None)
    fallback = (g.good[0] if g and g.good else "") or (fq.evidence_means if fq else "")
    assessor = j.ratings.get(q.question) if j else None
    final = assessor.rating if assessor else q.rating
    return QuestionView(
        id=q.question,
        number=q.number,
        short=q.short,
        text=q.text,
        suggested=q.rating,
        suggested_label=labels[q.rating],
        confidence=round(q.confidence * 100),
        check=q.needs_human_read,
        rationale=q.rationale,
        not_found=q.not_found,
        assessor=assessor,
        assessor_label=labels.get(assessor.rating, assessor.rating) if assessor else "",
        final=final,
        final_label=labels.get(final, final),
        strength=qw.strength if qw else fallback,
        develop=qw.develop if qw else fallback,
        evidence=[_evidence(e, j.decision("for", e.id) if j else None) for e in q.evidence],
        counter=[_evidence(e, j.decision("against", e.id) if j else None) for e in q.counter_evidence],
        added=list(j.added.get(q.question, [])) if j else [],
        guidance=(
            {
                "good": g.good,
                "weak": g.weak,
                "obstacles": g.obstacles,
                "inspection": g.inspection,
                "statutory": [statutory_label(link, profile.knowledge_base) for link in g.statutory],
            }
            if g
            else None
        ),
    )


def _flag(f: Flag, profile: Profile, by_id: dict[str, QuestionView]) -> FlagView:
    advice = profile.words.flag_advice.get(f.kind)
    return FlagView(
        kind=f.kind,
        title=profile.words.flag_title(f.kind),
        ref=_ref(f.location) if f.location else "",
        label=f.location.label if f.location else "",
        quote=f.quote,
        reason=f.reason,
        question=by_id.get(advice.question) if advice else None,
        advice=advice.advice if advice else "",
        loc=f.location,
    )


def build(assessment: Assessment, profile: Profile, judgements: AssessorJudgements | None = None) -> Content:
    """Everything the outputs show, from one assessment (and what assessors decided, if anything)."""
    words = profile.words
    questions = [_question(q, profile, judgements) for q in assessment.questions]
    by_id = {q.id: q for q in questions}
    groups: dict[str, list[FlagView]] = {}
    for flag in assessment.flags:
        fv = _flag(flag, profile, by_id)
        groups.setdefault(flag.kind, []).append(fv)
        if fv.question is not None and flag.location is not None:
            fv.question.flags.append(fv)
    # Flag groups in the order the profile's words list them, so the outputs agree on it.
    order = list(words.flags)
    flag_groups = [(k, words.flag_title(k), groups[k]) for k in sorted(groups, key=lambda k: (order.index(k) if k in order else 99, k))]

    strengths = []
    areas = []
    # A document that is not a review has no strengths or areas for development to speak of.
    out_of_scope = any(w.kind == "not_a_review" for w in assessment.warnings)
    for q in [] if out_of_scope else questions:
        if q.final == "met":
            locs = [e.loc for e in q.kept_evidence[:3]]
            strengths.append(Point(q, q.strength, refs([x for x in locs if x])))
        elif q.final in AREA_ORDER:
            locs = [fl.loc for fl in q.flags] + [e.loc for e in q.kept_counter]
            areas.append(Point(q, q.develop, refs([x for x in locs if x])))
    areas.sort(key=lambda p: (AREA_ORDER[p.question.final], p.question.number))

    f = assessment.figures
    comparisons = [words.comparisons.get(k, "") for k in ("explain_share", "hindsight", "explanations", "citations")]
    figures = [FigureView(v, c, comparisons[i]) for i, (v, c) in enumerate(figure_lines(f, words))]
    r = assessment.report
    made_on = nice_date(assessment.created[:10])
    content = Content(
        title=r.title or (r.documents[0].name if r.documents else "Assessment"),
        marker=profile.framework.marker or profile.title,
        profile_title=profile.title,
        quality_statement=profile.framework.quality_statement,
        questions_phrase=words.questions_phrase,
        report_date=nice_date(r.date) if r.date else None,
        report_date_iso=r.date,
        date_given=r.date_source == "--date",
        documents=[
            f"{d.name} ({d.format.upper()}{f', {d.pages} pages' if d.pages else ''}{', working document' if d.role == 'working_document' else ''})"
            for d in r.documents
        ],
        made=f"qmark {assessment.engine_version} on {made_on}",
        questions=questions,
        strengths=strengths,
        areas=areas,
        figures=figures,
        analysis_words=f.analysis_words,
        analysis_sections=f.analysis_sections,
        flag_groups=flag_groups,
        open_flags=list(words.open_flags),
        ratings_key=[(k, words.ratings[k].label, words.ratings[k].meaning) for k in ("met", "partly_met", "not_met", "not_evidenced")],
        confidence_meaning=words.confidence,
        technical=(
            f"qmark {assessment.engine_version}; quality marker {assessment.profile.id} version {assessment.profile.version}; "
            f"settings {assessment.config_hash}; documents {assessment.fingerprint[:16]}; record format {assessment.schema_version}"
        ),
        judgements=judgements,
        warnings=[w.message for w in assessment.warnings],
    )
    content.glossary = glossary_for(_all_text(content))
    return content


def _all_text(c: Content) -> str:
    bits = [c.title, c.marker, c.quality_statement, c.confidence_meaning, *c.analysis_sections]
    for q in c.questions:
        bits += [q.short, q.text, q.rationale, q.not_found or "", q.strength, q.develop]
        for e in q.evidence + q.counter:
            bits += [e.label, e.before, e.quote, e.after, *e.reasons]
        bits += [a.text for a in q.added]
        if q.assessor:
            bits.append(q.assessor.comment)
    for _, _, flags in c.flag_groups:
        for fl in flags:
            bits += [fl.label, fl.quote, fl.reason, fl.advice]
    for fg in c.figures:
        bits += [fg.caption, fg.comparison]
    return "\n".join(bits)


@lru_cache(maxsize=1)
def _terms() -> dict[str, str]:
    data = load_yaml("glossary.yaml")
    return {str(k): str(v) for k, v in (data.get("terms") or {}).items()}


def glossary_for(text: str) -> list[tuple[str, str]]:
    """The abbreviations used in the text, with what they stand for, in alphabetical order."""
    found = []
    for abbr, meaning in _terms().items():
        if re.search(rf"(?<![\w&]){re.escape(abbr)}(?![\w&])", text):
            found.append((abbr, meaning))
    return sorted(found, key=lambda t: t[0].lower())
