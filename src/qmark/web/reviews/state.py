"""The assessors' view of a run: the engine's suggestions with the human judgements laid over
them. Judgements are never edited; for each thing judged, the latest judgement counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from qmark.assess.records import Assessment, Evidence, QuestionResult
from qmark.web.reviews.models import AssessmentRun, Judgement, JudgementKind

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass
class EvidenceItem:
    side: str  # "for", "against" or "added"
    target: str  # what judgements about it name: "for:4.12", "against:#7", "para:31"
    evidence: Evidence | None  # the engine's evidence (None for evidence an assessor added)
    paragraph: dict | None = None  # for added evidence: the paragraph as read
    decision: Judgement | None = None  # the latest accept/reject, or the add

    @property
    def status(self) -> str | None:
        if self.decision is None:
            return None
        return {JudgementKind.EVIDENCE_ACCEPT: ACCEPTED, JudgementKind.EVIDENCE_REJECT: REJECTED, JudgementKind.EVIDENCE_ADD: "added"}.get(
            self.decision.kind
        )

    @property
    def label(self) -> str:
        if self.evidence:
            return self.evidence.location.label
        assert self.paragraph is not None
        return self.paragraph["location"]["label"]

    @property
    def in_context(self) -> tuple[str, str, str]:
        """The paragraph split round the quote: (before, quote, after)."""
        if self.evidence is None:
            assert self.paragraph is not None
            return "", "", self.paragraph["text"]
        a, b = self.evidence.quote_in_paragraph
        t = self.evidence.paragraph_text
        return t[:a], t[a:b], t[b:]


@dataclass
class QuestionState:
    result: QuestionResult
    rating: Judgement | None = None  # the assessor's current rating
    history: list[Judgement] = field(default_factory=list)  # every judgement on this question
    evidence: list[EvidenceItem] = field(default_factory=list)
    counter: list[EvidenceItem] = field(default_factory=list)
    added: list[EvidenceItem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.result.question

    @property
    def suggested(self) -> str:
        return self.result.rating

    @property
    def final_rating(self) -> str:
        return self.rating.value if self.rating else self.result.rating

    @property
    def differs(self) -> bool:
        return self.rating is not None and self.rating.value != self.result.rating

    @property
    def items(self) -> list[EvidenceItem]:
        return self.evidence + self.counter + self.added

    def item(self, target: str) -> EvidenceItem | None:
        return next((i for i in self.items if i.target == target), None)

    @property
    def decided(self) -> int:
        return sum(1 for i in self.evidence + self.counter if i.decision is not None)


@dataclass
class ReviewState:
    run: AssessmentRun
    assessment: Assessment
    questions: list[QuestionState]
    completion: Judgement | None  # the latest complete/reopen judgement

    @property
    def complete(self) -> bool:
        return self.completion is not None and self.completion.kind == JudgementKind.COMPLETE

    def question(self, qid: str) -> QuestionState | None:
        return next((q for q in self.questions if q.id == qid), None)

    @property
    def rated(self) -> int:
        return sum(1 for q in self.questions if q.rating is not None)


def target_for(side: str, ev: Evidence) -> str:
    return f"{side}:{ev.id}"


def build(run: AssessmentRun, judgements: list[Judgement] | None = None) -> ReviewState:
    """The run's suggestions with its judgements applied (one query)."""
    assessment = run.assessment
    if judgements is None:
        judgements = list(run.judgements.select_related("user").order_by("created", "id"))
    paragraphs = {p["index"]: p for p in run.paragraphs}
    by_q: dict[str, list[Judgement]] = {}
    completion = None
    for j in judgements:
        if j.kind in (JudgementKind.COMPLETE, JudgementKind.REOPEN):
            completion = j
        else:
            by_q.setdefault(j.question, []).append(j)
    assert assessment is not None
    questions = []
    for result in assessment.questions:
        js = by_q.get(result.question, [])
        q = QuestionState(result=result, history=js)
        latest: dict[str, Judgement] = {}
        for j in js:  # in time order: later ones win
            if j.kind == JudgementKind.RATING:
                q.rating = j
            else:
                latest[j.target] = j
        q.evidence = [EvidenceItem("for", target_for("for", e), e) for e in result.evidence]
        q.counter = [EvidenceItem("against", target_for("against", e), e) for e in result.counter_evidence]
        for item in q.evidence + q.counter:
            item.decision = latest.get(item.target)
        for target, j in latest.items():
            if j.kind == JudgementKind.EVIDENCE_ADD:
                para = paragraphs.get(int(target.split(":", 1)[1]))
                if para is not None:
                    q.added.append(EvidenceItem("added", target, None, paragraph=para, decision=j))
        questions.append(q)
    return ReviewState(run=run, assessment=assessment, questions=questions, completion=completion)


# ---------------------------------------------------------------- where a review has got to

RUN_SUMMARY_FIELDS = ("id", "review_id", "status", "stage", "progress", "error", "created", "finished", "engine_version", "report_date")


def runs_of(review) -> tuple[AssessmentRun | None, AssessmentRun | None]:
    """(the latest run, the latest finished run): they differ while a new run is queued or failed."""
    latest = review.runs.order_by("-created", "-id").first()
    if latest is None or latest.is_done:
        return latest, latest
    return latest, review.runs.filter(status="done").order_by("-created", "-id").first()


@dataclass
class Progress:
    key: str  # no_report, queued, running, failed, ready, in_review, complete
    label: str
    rated: int = 0
    progress: int = 0
    report_date: object = None  # as read from the report by the latest finished run


def progress_of(reviews) -> dict[int, Progress]:
    """Where each review has got to, for the list page (three queries in all)."""
    ids = [r.pk for r in reviews]
    latest: dict[int, AssessmentRun] = {}
    done: dict[int, AssessmentRun] = {}
    for run in AssessmentRun.objects.filter(review_id__in=ids).only(*RUN_SUMMARY_FIELDS).order_by("review_id", "-created", "-id"):
        latest.setdefault(run.review_id, run)
        if run.is_done:
            done.setdefault(run.review_id, run)
    rated: dict[int, set] = {}
    completion: dict[int, str] = {}
    for run_id, kind, question in (
        Judgement.objects.filter(run_id__in=[r.pk for r in done.values()])
        .order_by("created", "id")
        .values_list("run_id", "kind", "question")
    ):
        if kind == JudgementKind.RATING:
            rated.setdefault(run_id, set()).add(question)
        elif kind in (JudgementKind.COMPLETE, JudgementKind.REOPEN):
            completion[run_id] = kind
    out: dict[int, Progress] = {}
    for r in reviews:
        run, finished = latest.get(r.pk), done.get(r.pk)
        if run is None:
            out[r.pk] = Progress("no_report", "No assessment yet")
        elif run.status == "queued":
            out[r.pk] = Progress("queued", "Waiting to be assessed")
        elif run.status == "running":
            out[r.pk] = Progress("running", f"Assessing ({run.progress}%)", progress=run.progress)
        elif run.status == "failed" and finished is None:
            out[r.pk] = Progress("failed", "Could not be assessed")
        else:
            assert finished is not None
            n = len(rated.get(finished.pk, ()))
            date = finished.report_date
            if completion.get(finished.pk) == JudgementKind.COMPLETE:
                out[r.pk] = Progress("complete", "Complete", rated=n, report_date=date)
            elif n:
                out[r.pk] = Progress("in_review", f"In review: {n} of {_question_count(r.profile)} rated", rated=n, report_date=date)
            else:
                out[r.pk] = Progress("ready", "Ready to review", report_date=date)
    return out


def _question_count(profile_id: str) -> int | str:
    from qmark.data import DataFileError
    from qmark.profile import load_profile

    try:
        return len(load_profile(profile_id).question_ids)
    except DataFileError:
        return "?"
