"""The assessors' view of a run: the engine's suggestions with the human judgements laid over
them. Judgements are never edited; for each thing judged, the latest judgement counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from qmark.assess.records import Assessment, Evidence, QuestionResult
from qmark.web.reviews import carryover
from qmark.web.reviews.models import AssessmentRun, Judgement, JudgementKind

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass
class EvidenceItem:
    side: str  # "for", "against" or "added"
    target: str  # what judgements about it name: "for:4.12", "against:#7", "para:31"
    evidence: Evidence | None  # the engine's evidence (None for evidence an assessor added)
    paragraph: dict | None = None  # for added evidence: the paragraph as read
    decision: Judgement | None = None  # the latest accept/reject, or the add
    by: list[Judgement] = field(default_factory=list)  # both assessors' latest decisions, once both have submitted

    @property
    def status(self) -> str | None:
        return _status(self.decision)

    @property
    def by_status(self) -> list[tuple[str, str]]:
        """(assessor, what they decided) for a double-rated review after both submitted."""
        return [(j.user.get_username(), _status(j) or "") for j in self.by]

    @property
    def label(self) -> str:
        if self.evidence:
            return self.evidence.location.label
        assert self.paragraph is not None
        return self.paragraph["location"]["label"]

    @property
    def paragraph_index(self) -> int:
        if self.evidence:
            return self.evidence.location.paragraph_index
        assert self.paragraph is not None
        return int(self.paragraph["index"])

    @property
    def carried(self) -> bool:
        j = self.decision or (self.by[0] if self.by else None)
        return bool(j is not None and j.carried_from_id)

    @property
    def in_context(self) -> tuple[str, str, str]:
        """The paragraph split round the quote: (before, quote, after)."""
        if self.evidence is None:
            assert self.paragraph is not None
            return "", "", self.paragraph["text"]
        a, b = self.evidence.quote_in_paragraph
        t = self.evidence.paragraph_text
        return t[:a], t[a:b], t[b:]


def _status(j: Judgement | None) -> str | None:
    if j is None:
        return None
    return {JudgementKind.EVIDENCE_ACCEPT: ACCEPTED, JudgementKind.EVIDENCE_REJECT: REJECTED, JudgementKind.EVIDENCE_ADD: "added"}.get(
        j.kind
    )


@dataclass
class QuestionState:
    result: QuestionResult
    rating: Judgement | None = None  # the rating that counts for this viewer (single rating, or a blind assessor's own)
    history: list[Judgement] = field(default_factory=list)  # every judgement on this question the viewer may see
    evidence: list[EvidenceItem] = field(default_factory=list)
    counter: list[EvidenceItem] = field(default_factory=list)
    added: list[EvidenceItem] = field(default_factory=list)
    pair: tuple[Judgement | None, Judgement | None] | None = None  # each assessor's rating, once both have submitted
    moderation: Judgement | None = None  # the latest agreed rating recorded by a moderator
    double: bool = False  # the review is rated blind by two assessors

    @property
    def id(self) -> str:
        return self.result.question

    @property
    def suggested(self) -> str:
        return self.result.rating

    @property
    def agreed(self) -> bool:
        """Both assessors gave the same rating (double rating, after both submitted)."""
        return bool(self.pair and self.pair[0] and self.pair[1] and self.pair[0].value == self.pair[1].value)

    @property
    def final(self) -> str | None:
        """The confirmed rating: an assessor's, the two assessors' common one, or a moderator's;
        None while only qmark's suggestion stands."""
        if self.double:
            if self.moderation is not None:
                return self.moderation.value
            if self.agreed:
                assert self.pair and self.pair[0]
                return self.pair[0].value
            return None
        return self.rating.value if self.rating else None

    @property
    def final_source(self) -> str | None:
        if self.double:
            return "moderated" if self.moderation else "agreed" if self.agreed else None
        return "assessor" if self.rating else None

    @property
    def confirmed(self) -> bool:
        return self.final is not None

    @property
    def final_rating(self) -> str:
        """The confirmed rating, else qmark's suggestion (say which with `confirmed`)."""
        return self.final or self.result.rating

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
    submissions: dict[int, Judgement] = field(default_factory=dict)  # user id -> their standing submission
    view: str = "single"  # single, blind (an assessor's own), hidden (someone else while blind), pair (both submitted)
    viewer_id: int | None = None

    @property
    def complete(self) -> bool:
        return self.completion is not None and self.completion.kind == JudgementKind.COMPLETE

    def question(self, qid: str) -> QuestionState | None:
        return next((q for q in self.questions if q.id == qid), None)

    @property
    def rated(self) -> int:
        return sum(1 for q in self.questions if q.rating is not None)

    @property
    def confirmed(self) -> int:
        return sum(1 for q in self.questions if q.confirmed)

    @property
    def unconfirmed(self) -> list[QuestionState]:
        return [q for q in self.questions if not q.confirmed]

    @property
    def differing(self) -> list[QuestionState]:
        """Questions the two assessors rated differently (after both submitted)."""
        return [q for q in self.questions if q.pair and not q.agreed]

    @property
    def submitted_by_viewer(self) -> Judgement | None:
        return self.submissions.get(self.viewer_id) if self.viewer_id is not None else None


def anchor_for(target: str) -> str:
    """The id of an evidence item on the question page, from what judgements about it name."""
    return "ev-" + "".join(c if c.isalnum() else "-" for c in target)


def target_for(side: str, ev: Evidence) -> str:
    return f"{side}:{ev.id}"


_EVIDENCE_KINDS = (
    JudgementKind.EVIDENCE_ACCEPT,
    JudgementKind.EVIDENCE_REJECT,
    JudgementKind.EVIDENCE_ADD,
    JudgementKind.EVIDENCE_WITHDRAW,
)


def submissions_of(judgements: list[Judgement]) -> dict[int, Judgement]:
    """Each user's standing submission (a submit not taken back), from judgements in time order."""
    out: dict[int, Judgement] = {}
    for j in judgements:
        if j.kind == JudgementKind.SUBMIT:
            out[j.user_id] = j
        elif j.kind == JudgementKind.UNSUBMIT:
            out.pop(j.user_id, None)
    return out


def _latest(js: list[Judgement]) -> tuple[Judgement | None, dict[str, Judgement]]:
    """(the latest rating, the latest evidence decision per target), from judgements in time order."""
    rating = None
    latest: dict[str, Judgement] = {}
    for j in js:
        if j.kind == JudgementKind.RATING:
            rating = j
        elif j.kind in _EVIDENCE_KINDS:
            latest[j.target] = j
    return rating, latest


def build(
    run: AssessmentRun,
    judgements: list[Judgement] | None = None,
    *,
    view: str = "single",
    only: int | None = None,
    pair: tuple[int, int] | None = None,
) -> ReviewState:
    """The run's suggestions with its judgements applied (one query).

    view: 'single' (everyone's judgements, the latest counts), 'blind' (only user `only`'s),
    'hidden' (no ratings or evidence choices at all), 'pair' (each of the two assessors in
    `pair`, side by side)."""
    assessment = run.assessment
    if judgements is None:
        judgements = list(run.judgements.select_related("user").order_by("created", "id"))
    paragraphs = {p["index"]: p for p in run.paragraphs}
    by_q: dict[str, list[Judgement]] = {}
    moderation: dict[str, Judgement] = {}
    completion = None
    for j in judgements:
        if j.kind in (JudgementKind.COMPLETE, JudgementKind.REOPEN):
            completion = j
        elif j.kind == JudgementKind.MODERATE:
            moderation[j.question] = j
            by_q.setdefault(j.question, []).append(j)
        elif j.kind in (JudgementKind.RATING, *_EVIDENCE_KINDS):
            if view == "hidden" or (view == "blind" and j.user_id != only) or (view == "pair" and pair and j.user_id not in pair):
                continue
            by_q.setdefault(j.question, []).append(j)
    assert assessment is not None
    double = view != "single"
    questions = []
    for result in assessment.questions:
        js = by_q.get(result.question, [])
        q = QuestionState(result=result, history=js, moderation=moderation.get(result.question), double=double)
        q.evidence = [EvidenceItem("for", target_for("for", e), e) for e in result.evidence]
        q.counter = [EvidenceItem("against", target_for("against", e), e) for e in result.counter_evidence]
        engine_items = q.evidence + q.counter
        if view == "pair" and pair:
            per_user = [_latest([j for j in js if j.user_id == uid]) for uid in pair]
            q.pair = (per_user[0][0], per_user[1][0])
            added: dict[str, list[Judgement]] = {}
            for _, latest in per_user:
                for item in engine_items:
                    decided = latest.get(item.target)
                    if decided is not None:
                        item.by.append(decided)
                for target, decided in latest.items():
                    if decided.kind == JudgementKind.EVIDENCE_ADD:
                        added.setdefault(target, []).append(decided)
            for target, js_added in added.items():
                para = paragraphs.get(int(target.split(":", 1)[1]))
                if para is not None:
                    q.added.append(EvidenceItem("added", target, None, paragraph=para, decision=js_added[0], by=js_added))
        else:
            q.rating, latest = _latest(js)
            for item in engine_items:
                item.decision = latest.get(item.target)
            for target, j in latest.items():
                if j.kind == JudgementKind.EVIDENCE_ADD:
                    para = paragraphs.get(int(target.split(":", 1)[1]))
                    if para is not None:
                        q.added.append(EvidenceItem("added", target, None, paragraph=para, decision=j))
        questions.append(q)
    return ReviewState(
        run=run, assessment=assessment, questions=questions, completion=completion, submissions=submissions_of(judgements), view=view
    )


def for_viewer(review, run: AssessmentRun, user) -> ReviewState:
    """The run as this user may see it. A review rated blind by two assessors shows each of them
    only their own judgements, and everyone else none, until both have submitted; then each
    assessor's side by side."""
    judgements = list(run.judgements.select_related("user").order_by("created", "id"))
    if not review.double_rating:
        st = build(run, judgements)
    else:
        ids = [u.pk for u in review.assessors]
        submitted = submissions_of(judgements)
        if len(ids) == 2 and all(i in submitted for i in ids):
            st = build(run, judgements, view="pair", pair=(ids[0], ids[1]))
        elif user is not None and user.pk in ids:
            st = build(run, judgements, view="blind", only=user.pk)
        else:
            st = build(run, judgements, view="hidden")
    st.viewer_id = user.pk if user is not None else None
    return st


# ---------------------------------------------------------------- where a review has got to

RUN_SUMMARY_FIELDS = ("id", "review_id", "status", "stage", "progress", "error", "created", "finished", "engine_version", "report_date")


def runs_of(review) -> tuple[AssessmentRun | None, AssessmentRun | None]:
    """(the latest run, the latest finished run): they differ while a new run is queued or failed.
    Judgements from earlier runs are carried into the latest finished one first, if not yet."""
    carryover.ensure(review)
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
    """Where each review has got to, for the list page (a handful of queries in all)."""
    ids = [r.pk for r in reviews]
    carryover.ensure_many(ids)
    latest: dict[int, AssessmentRun] = {}
    done: dict[int, AssessmentRun] = {}
    for run in AssessmentRun.objects.filter(review_id__in=ids).only(*RUN_SUMMARY_FIELDS).order_by("review_id", "-created", "-id"):
        latest.setdefault(run.review_id, run)
        if run.is_done:
            done.setdefault(run.review_id, run)
    rated: dict[int, set] = {}
    completion: dict[int, str] = {}
    submitted: dict[int, set] = {}
    for run_id, kind, question, user_id in (
        Judgement.objects.filter(run_id__in=[r.pk for r in done.values()])
        .order_by("created", "id")
        .values_list("run_id", "kind", "question", "user_id")
    ):
        if kind == JudgementKind.RATING:
            rated.setdefault(run_id, set()).add(question)
        elif kind in (JudgementKind.COMPLETE, JudgementKind.REOPEN):
            completion[run_id] = kind
        elif kind == JudgementKind.SUBMIT:
            submitted.setdefault(run_id, set()).add(user_id)
        elif kind == JudgementKind.UNSUBMIT:
            submitted.setdefault(run_id, set()).discard(user_id)
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
            elif r.double_rating:
                ids_ = {r.first_assessor_id, r.second_assessor_id} - {None}
                k = len(submitted.get(finished.pk, set()) & ids_)
                key = "moderating" if k == 2 else "double"
                label = "Both assessors have submitted: to compare and agree" if k == 2 else f"Rated blind: {k} of 2 submitted"
                out[r.pk] = Progress(key, label, rated=k, report_date=date)
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
