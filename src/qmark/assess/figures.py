"""Report-wide figures: how much of the analysis explains rather than describes or judges,
how hindsight-laden it is, what kind of explanations it gives, and what it cites."""

from __future__ import annotations

from qmark.assess.records import Citation, Figures, Flag
from qmark.assess.scoring import location
from qmark.knowledge.currency import FINDING_KINDS
from qmark.report import Paragraph, Report
from qmark.signals import Annotations

ANALYSIS_ROLES = ("analysis", "findings")
WIDER_ANALYSIS_ROLES = ("analysis", "findings", "chronology", "conclusions")
NOT_ANALYSIS = (
    "front_matter",
    "contents",
    "introduction",
    "terms_of_reference",
    "method",
    "recommendations",
    "references",
    "glossary",
    "appendix",
    "family_involvement",
)


def analysis_paragraphs(report: Report) -> list[Paragraph]:
    """Where the analysis is: analysis and findings sections; failing that, the wider set; failing
    that (a report without recognisable headings), everything but the framing sections."""
    main = [p for p in report.paragraphs if p.kind != "heading" and report.documents[p.document].is_main]
    for roles in (ANALYSIS_ROLES, WIDER_ANALYSIS_ROLES):
        chosen = [p for p in main if p.role in roles]
        if report.word_count(chosen) >= 300:
            return chosen
    return [p for p in main if p.analysed and p.role not in NOT_ANALYSIS]


# Every kind of flag an assessment can carry: the sentence and paragraph flags below and the knowledge check's.
FLAG_KINDS = ("hindsight_judgement", "individual_explanation", "description_only", *FINDING_KINDS)

EXPLAINING = {"explanation_systemic", "explanation_individual"}
DESCRIBING_OR_JUDGING = {"description", "evaluation", "hindsight_judgement"}
# A paragraph of analysis with at least this many sentences that describe or judge practice and
# none that explains it (or considers how things looked at the time) is flagged as description
# without explanation: the commonest weakness national panels name ("what, not why").
DESCRIPTION_ONLY_MIN = 2
NOT_DESCRIPTION_ONLY = EXPLAINING | {"hindsight_mitigation"}


def compute(report: Report, annotations: Annotations, currency=None) -> tuple[Figures, list[Flag]]:
    paras = analysis_paragraphs(report)
    para_ids = {p.index for p in paras}
    words = report.word_count(paras)
    sentences = [s for s in report.sentences if s.paragraph in para_ids]
    explaining = describing = 0
    for s in sentences:
        labels = annotations.labels_of(s.index)
        if labels & EXPLAINING:
            explaining += 1
        elif labels & DESCRIBING_OR_JUDGING:
            describing += 1
    in_analysis = lambda label: [a for a in annotations.with_label(label) if a.paragraph in para_ids]  # noqa: E731
    hindsight = in_analysis("hindsight_judgement")
    flags: list[Flag] = []
    for a in annotations.with_label("hindsight_judgement"):
        p = report.paragraphs[a.paragraph]
        s = report.sentences[a.sentence]
        flags.append(Flag(kind="hindsight_judgement", location=location(report, p), quote=report.text[s.start : s.end], reason=a.reason))
    for a in annotations.with_label("explanation_individual"):
        p = report.paragraphs[a.paragraph]
        s = report.sentences[a.sentence]
        flags.append(Flag(kind="individual_explanation", location=location(report, p), quote=report.text[s.start : s.end], reason=a.reason))
    flags += _description_only(report, annotations, [p for p in paras if p.role in ANALYSIS_ROLES])
    citations: list[Citation] = []
    newest = med = None
    if currency is not None:
        for c in currency.citations:
            cp = report.paragraphs[c.paragraph] if c.paragraph is not None else None
            citations.append(
                Citation(
                    text=c.text,
                    kind=c.kind,
                    year=c.year,
                    age_at_report=c.age,
                    entry=c.entry_id,
                    location=location(report, cp) if cp else None,
                )
            )
        for f in currency.findings:
            fp = report.paragraphs[f.paragraph] if f.paragraph is not None else None
            quote = report.text[f.start : f.end] if f.start is not None and f.end is not None else ""
            flags.append(Flag(kind=f.kind, location=location(report, fp) if fp else None, quote=quote, reason=f.message))
        # The knowledge check's own figures: each cited work counted once.
        newest, med = currency.newest_year, currency.median_age
    judged = explaining + describing
    figures = Figures(
        words=report.word_count([p for p in report.paragraphs if p.analysed and p.kind != "heading"]),
        analysis_words=words,
        analysis_sections=_top_headings(report, paras),
        hindsight_judgements=len(hindsight),
        hindsight_per_1000_words=round(len(hindsight) * 1000 / words, 2) if words else 0.0,
        hindsight_mitigations=len(in_analysis("hindsight_mitigation")),
        analysis_sentences=len(sentences),
        explaining_sentences=explaining,
        describing_or_judging_sentences=describing,
        explain_share=round(explaining / judged, 3) if judged else 0.0,
        systemic_explanations=len(in_analysis("explanation_systemic")),
        individual_explanations=len(in_analysis("explanation_individual")),
        citations=citations,
        newest_research_year=newest,
        median_research_age=med,
    )
    return figures, flags


def _description_only(report: Report, annotations: Annotations, paras: list[Paragraph]) -> list[Flag]:
    """Sections of the analysis that describe or judge practice in several sentences and nowhere
    say why. A section, not a paragraph: a paragraph of what happened followed by one explaining
    it is how good analysis is written."""
    by_para: dict[int, list] = {}
    for s in report.sentences:
        by_para.setdefault(s.paragraph, []).append(s)
    sections: dict[int | None, list[Paragraph]] = {}
    for p in paras:
        sections.setdefault(p.section, []).append(p)
    flags = []
    for members in sections.values():
        sentences = [s for p in members for s in by_para.get(p.index, [])]
        labels = [annotations.labels_of(s.index) for s in sentences]
        if any(ls & NOT_DESCRIPTION_ONLY for ls in labels):
            continue
        describing = [s for s, ls in zip(sentences, labels) if ls & {"description", "evaluation"}]
        if len(describing) < DESCRIPTION_ONLY_MIN:
            continue
        first = describing[0]
        where = "paragraph" if len(members) == 1 else f"section ({len(members)} paragraphs)"
        flags.append(
            Flag(
                kind="description_only",
                location=location(report, report.paragraphs[first.paragraph]),
                quote=report.text[first.start : first.end],
                reason=f"{len(describing)} sentences in this {where} describe or judge practice; none says why it happened",
            )
        )
    return flags


def _top_headings(report: Report, paras: list[Paragraph]) -> list[str]:
    """The outermost headings the analysis sits under ('6. Analysis', '7. Findings')."""
    seen: dict[str, None] = {}
    for p in paras:
        if p.section is None:
            continue
        sec = report.sections[p.section]
        top = next(
            (
                report.sections[i]
                for i in range(sec.index, -1, -1)
                if report.sections[i].document == sec.document and report.sections[i].heading == sec.path[0]
            ),
            sec,
        )
        seen.setdefault(top.heading if top.role != "front_matter" else sec.heading, None)
    return list(seen)
