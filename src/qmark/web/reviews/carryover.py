"""Carrying human judgements over when a review is assessed again (a new engine, a new profile
version, a new working document, a new draft of the report).

Judgements point at one run's suggestions. When a newer run finishes, each judgement that still
counts on the previous run (the latest per assessor and thing judged) is matched to the new run
by paragraph: the same text first, then the same printed number with much the same words, then
much the same words anywhere. A match is copied into the new run (keeping its author and time,
and pointing at the original); anything that no longer matches is listed for the assessor on
the review page until they set it aside. Nothing is ever dropped: the earlier runs and their
judgements stay as they were.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property

from django.db import IntegrityError, transaction

from qmark.web.reviews import audit
from qmark.web.reviews.models import AssessmentRun, AuditKind, CarryOver, Judgement, JudgementKind, Review, RunStatus

log = logging.getLogger("qmark.web.carryover")

_WORD = re.compile(r"\w+")
SAME_NUMBER_OVERLAP = 0.5  # a paragraph with the same printed number is the same if half its words are shared
SIMILAR_OVERLAP = 0.8  # any other paragraph only if it shares four words in five

HOW = {
    "text": "same paragraph",
    "number": "same paragraph number; its wording has changed",
    "similar": "the paragraph has moved or been renumbered",
    "added": "qmark no longer suggests this passage, so it is kept as evidence you added",
    "question": "same question",
    "review": "whole review",
}


def normalise(text: str) -> str:
    """A paragraph's words, case-folded, without punctuation or spacing: its text fingerprint."""
    return " ".join(_WORD.findall(text.casefold()))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class Matcher:
    """Finds a paragraph of an earlier reading in a new one."""

    def __init__(self, paragraphs: list[dict]) -> None:
        self.by_text: dict[str, list[int]] = {}
        self.by_number: dict[str, int] = {}
        self.words: dict[int, set[str]] = {}
        for p in paragraphs:
            norm = normalise(p["text"])
            self.by_text.setdefault(norm, []).append(p["index"])
            if (p.get("location") or {}).get("paragraph"):
                self.by_number.setdefault(p["id"], p["index"])
            self.words[p["index"]] = set(norm.split())

    def find(self, para: dict) -> tuple[int, str] | None:
        """(the new paragraph's index, how it was matched), or None."""
        norm = normalise(para["text"])
        same = self.by_text.get(norm)
        if same:
            numbered = self.by_number.get(para.get("id", ""))
            if numbered in same:
                return numbered, "text"
            return min(same, key=lambda i: abs(i - para["index"])), "text"
        words = set(norm.split())
        if (para.get("location") or {}).get("paragraph"):
            i = self.by_number.get(para.get("id", ""))
            if i is not None and _overlap(words, self.words[i]) >= SAME_NUMBER_OVERLAP:
                return i, "number"
        best, score = None, 0.0
        for i, other in self.words.items():
            if abs(len(other) - len(words)) > 0.4 * max(len(words), 1):
                continue
            s = _overlap(words, other)
            if s > score:
                best, score = i, s
        if best is not None and score >= SIMILAR_OVERLAP:
            return best, "similar"
        return None


# ---------------------------------------------------------------- what a judgement was about


@dataclass
class Located:
    """A judgement about a passage, with the passage as that run read it."""

    judgement: Judgement
    side: str  # for, against, added, or "" for question-level judgements
    paragraph: dict | None
    why: str = ""  # why it was not carried over
    question_label: str = ""

    @property
    def label(self) -> str:
        return (self.paragraph or {}).get("location", {}).get("label", "")

    @property
    def excerpt(self) -> str:
        text = (self.paragraph or {}).get("text", "")
        return text if len(text) <= 320 else text[:300].rsplit(" ", 1)[0] + " …"

    @property
    def search_words(self) -> str:
        """A few distinctive words to look the passage up with in the new reading."""
        words = [w for w in _WORD.findall((self.paragraph or {}).get("text", "")) if len(w) > 3]
        return " ".join(words[:5])


class _RunData:
    """One run's assessment and paragraphs, read once."""

    def __init__(self, run: AssessmentRun) -> None:
        self.run = run

    @cached_property
    def paragraphs(self) -> dict[int, dict]:
        return {p["index"]: p for p in self.run.paragraphs}

    @cached_property
    def matcher(self) -> Matcher:
        return Matcher(self.run.paragraphs)

    def question(self, qid: str):
        a = self.run.assessment
        return next((q for q in a.questions if q.question == qid), None) if a else None

    def locate(self, j: Judgement) -> Located:
        side, _, ident = j.target.partition(":")
        if side == "para":
            try:
                return Located(j, "added", self.paragraphs.get(int(ident)))
            except ValueError:
                return Located(j, "added", None)
        if side in ("for", "against"):
            q = self.question(j.question)
            items = (q.evidence if side == "for" else q.counter_evidence) if q else []
            ev = next((e for e in items if e.id == ident), None)
            if ev is None:
                return Located(j, side, None)
            para = self.paragraphs.get(ev.location.paragraph_index) or {
                "index": ev.location.paragraph_index,
                "id": ev.id,
                "location": ev.location.model_dump(),
                "text": ev.paragraph_text,
            }
            return Located(j, side, para)
        return Located(j, "", None)


# ---------------------------------------------------------------- carrying over


_CARRIED_KINDS = (
    JudgementKind.RATING,
    JudgementKind.EVIDENCE_ACCEPT,
    JudgementKind.EVIDENCE_REJECT,
    JudgementKind.EVIDENCE_ADD,
    JudgementKind.EVIDENCE_WITHDRAW,
    JudgementKind.MODERATE,
    JudgementKind.SUBMIT,
    JudgementKind.UNSUBMIT,
)


def standing(judgements: list[Judgement]) -> list[Judgement]:
    """The judgements that still count, in time order: the latest per assessor and thing judged
    (a rating, a passage, a submission), the latest agreed rating per question. Withdrawn
    additions and taken-back submissions count for nothing."""
    latest: dict[tuple, Judgement] = {}
    for j in judgements:
        if j.kind not in _CARRIED_KINDS:
            continue
        if j.kind == JudgementKind.MODERATE:
            key: tuple = ("moderate", j.question)
        elif j.kind in (JudgementKind.SUBMIT, JudgementKind.UNSUBMIT):
            key = ("submit", j.user_id)
        elif j.kind == JudgementKind.RATING:
            key = ("rating", j.user_id, j.question)
        else:
            key = ("evidence", j.user_id, j.question, j.target)
        latest[key] = j
    keep = [j for j in latest.values() if j.kind not in (JudgementKind.EVIDENCE_WITHDRAW, JudgementKind.UNSUBMIT)]
    return sorted(keep, key=lambda j: (j.created, j.pk))


def _previous_done(run: AssessmentRun) -> AssessmentRun | None:
    earlier = AssessmentRun.objects.filter(review_id=run.review_id, status=RunStatus.DONE).exclude(pk=run.pk)
    candidates = [r for r in earlier.order_by("-created", "-id") if (r.created, r.pk) < (run.created, run.pk)]
    return candidates[0] if candidates else None


def pending(run: AssessmentRun) -> list[Located]:
    """Judgements not carried into this run and not yet set aside, located in their own run."""
    co = CarryOver.objects.filter(run=run).first()
    if co is None or not co.unmatched:
        return []
    set_aside = set(run.judgements.filter(kind=JudgementKind.SET_ASIDE).values_list("target", flat=True))
    ids = [u["judgement"] for u in co.unmatched if f"judgement:{u['judgement']}" not in set_aside]
    why = {u["judgement"]: u["why"] for u in co.unmatched}
    found = Judgement.objects.filter(pk__in=ids).select_related("user", "run").order_by("created", "id")
    runs: dict[int, _RunData] = {}
    out = []
    for j in found:
        data = runs.setdefault(j.run_id, _RunData(j.run))
        loc = data.locate(j)
        loc.why = why.get(j.pk, "")
        q = data.question(j.question)
        loc.question_label = f"{q.number}. {q.short}" if q else j.question
        out.append(loc)
    return out


def moot(run: AssessmentRun) -> list[Located]:
    """Rejections of passages that qmark no longer suggests (nothing to carry; listed for information)."""
    co = CarryOver.objects.filter(run=run).first()
    if co is None or not co.moot:
        return []
    found = Judgement.objects.filter(pk__in=[m["judgement"] for m in co.moot]).select_related("user", "run")
    runs: dict[int, _RunData] = {}
    return [runs.setdefault(j.run_id, _RunData(j.run)).locate(j) for j in found]


def _carry_one(j: Judgement, data: _RunData, new: _RunData, same_marker: bool) -> tuple[str, dict]:
    """('carried', {target, how, kind}) or ('unmatched' | 'moot', {why})."""
    if j.kind == JudgementKind.SUBMIT:
        return "carried", {"target": "", "how": "review", "kind": j.kind}
    if not same_marker:
        return "unmatched", {"why": "the review is now assessed against a different quality marker"}
    q_new = new.question(j.question)
    if q_new is None:
        return "unmatched", {"why": "this question is not in the new version of the quality marker"}
    if j.kind in (JudgementKind.RATING, JudgementKind.MODERATE):
        return "carried", {"target": "", "how": "question", "kind": j.kind}
    loc = data.locate(j)
    if loc.paragraph is None:
        return "unmatched", {"why": "the passage could not be found in the earlier assessment"}
    found = new.matcher.find(loc.paragraph)
    if found is None:
        return "unmatched", {"why": "this passage is not in the documents as they are now"}
    index, how = found
    if loc.side == "added":
        return "carried", {"target": f"para:{index}", "how": how, "kind": j.kind}
    items = q_new.evidence if loc.side == "for" else q_new.counter_evidence
    ev = next((e for e in items if e.location.paragraph_index == index), None)
    if ev is not None:
        return "carried", {"target": f"{loc.side}:{ev.id}", "how": how, "kind": j.kind}
    if j.kind == JudgementKind.EVIDENCE_ACCEPT:
        return "carried", {"target": f"para:{index}", "how": "added", "kind": JudgementKind.EVIDENCE_ADD}
    return "moot", {"why": "qmark no longer suggests this passage"}


def carry(run: AssessmentRun, source: AssessmentRun | None) -> CarryOver:
    """Carry the standing judgements of `source` (and what was still waiting on it) into `run`.
    Call inside a transaction that holds the review's lock."""
    if source is None:
        return CarryOver.objects.create(run=run, source=None)
    runs = {source.pk: _RunData(source), run.pk: _RunData(run)}
    new = runs[run.pk]
    todo = standing(list(source.judgements.select_related("user").order_by("created", "id")))
    waiting = pending(source)
    todo += [loc.judgement for loc in waiting]
    marker_new = run.profile_id or (run.assessment.profile.id if run.assessment else "")
    carried: dict[str, dict] = {}
    unmatched: list[dict] = []
    moot_: list[dict] = []
    for j in sorted(todo, key=lambda j: (j.created, j.pk)):
        data = runs.setdefault(j.run_id, _RunData(j.run))
        marker_old = data.run.profile_id or (data.run.assessment.profile.id if data.run.assessment else "")
        outcome, info = _carry_one(j, data, new, same_marker=marker_old == marker_new)
        if outcome == "carried":
            copy = Judgement.objects.create(
                run=run,
                question=j.question,
                kind=info["kind"],
                target=info["target"],
                value=j.value,
                comment=j.comment,
                user=j.user,
                created=j.created,
                carried_from=j,
            )
            carried[str(copy.pk)] = {"from": j.pk, "how": info["how"]}
        elif outcome == "moot":
            moot_.append({"judgement": j.pk, "why": info["why"]})
        else:
            unmatched.append({"judgement": j.pk, "why": info["why"]})
    co = CarryOver.objects.create(run=run, source=source, carried=carried, unmatched=unmatched, moot=moot_)
    if carried or unmatched or moot_:
        audit.record(
            None,
            AuditKind.JUDGEMENTS_CARRIED,
            review=run.review,
            actor_name="qmark",
            object=f"assessment {run.pk}",
            detail={
                "from_assessment": source.pk,
                "carried": len(carried),
                "not_carried": len(unmatched),
                "no_longer_suggested": len(moot_),
            },
        )
    return co


def ensure(review: Review) -> None:
    """Carry judgements into every finished run of the review that has not had them yet, oldest
    first (so judgements stored before carry-over existed are recovered too)."""
    for run_id in (
        AssessmentRun.objects.filter(review_id=review.pk, status=RunStatus.DONE, carry_over__isnull=True)
        .order_by("created", "id")
        .values_list("pk", flat=True)
    ):
        try:
            with transaction.atomic():
                Review.lock(review.pk)
                if CarryOver.objects.filter(run_id=run_id).exists():
                    continue  # another request got there first
                run = AssessmentRun.objects.select_related("review", "review__organisation").get(pk=run_id)
                carry(run, _previous_done(run))
        except IntegrityError:
            continue  # carried by another request at the same moment


def ensure_many(review_ids: list[int]) -> None:
    """ensure() for those of these reviews that need it (one query when none do)."""
    need = set(
        AssessmentRun.objects.filter(review_id__in=review_ids, status=RunStatus.DONE, carry_over__isnull=True).values_list(
            "review_id", flat=True
        )
    )
    for review in Review.objects.filter(pk__in=need).select_related("organisation"):
        ensure(review)


def summary(run: AssessmentRun) -> CarryOver | None:
    return CarryOver.objects.filter(run=run).select_related("source").first()


def carried_how(run: AssessmentRun) -> dict[int, str]:
    """New judgement id -> how it was matched, for the run's carried judgements."""
    co = summary(run)
    return {int(k): v["how"] for k, v in (co.carried if co else {}).items()}
