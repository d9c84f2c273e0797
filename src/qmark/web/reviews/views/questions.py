from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qmark.assess.records import RATING_LABELS
from qmark.web.reviews import audit, double, guidance, state
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.forms import RatingForm
from qmark.web.reviews.models import AuditKind, Judgement, JudgementKind, Review


def _load(request, pk, qid, need):
    review = get_review_for(request.user, pk, need=need)
    _, done = state.runs_of(review)
    if done is None:
        raise Http404("This review has no assessment yet")
    current = state.for_viewer(review, done, request.user)
    question = current.question(qid)
    if question is None:
        raise Http404("No such question")
    return review, current, question


def _locked(request, review, current=None, message=""):
    if current is not None and not current.complete and not message:
        message = double.refusal(review, current, request.user)
    return render(request, "qmark/locked.html", {"review": review, "message": message}, status=409)


def _refused(request, review, current):
    """A response when this user may not judge now, else None."""
    if not double.may_judge(review, current, request.user, request.role):
        return _locked(request, review, current)
    return None


class _Moved(Exception):
    """qmark finished a new assessment of the review after the page was loaded."""


def _record(request, review, current, question, kind, *, target="", value="", comment="", paragraph=None):
    from django.db import transaction

    with transaction.atomic():
        Review.lock(review.pk)  # a judgement never lands on a run whose judgements are being carried over
        if review.runs.filter(status="done", carry_over__isnull=False).order_by("-created", "-id").values_list(
            "pk", flat=True
        ).first() not in (
            None,
            current.run.pk,
        ):
            raise _Moved
        Judgement.objects.create(
            run=current.run, question=question.id, kind=kind, target=target, value=value, comment=comment, user=request.user
        )
        detail = {"kind": kind, "target": target, "value": value, "commented": bool(comment)}
        if paragraph:
            detail["paragraph"] = paragraph  # its printed number, never its text
        audit.record(request, AuditKind.JUDGEMENT_RECORDED, review=review, object=f"question {question.result.number}", detail=detail)
        review.touch()


def _moved(request, review, question):
    messages.error(
        request,
        "qmark finished a new assessment of this review while you were working, so that choice was not saved. "
        "Your earlier judgements have been carried over: check this question again.",
    )
    return redirect("question", pk=review.pk, qid=question.id)


def _carried_how(current) -> dict:
    from qmark.web.reviews import carryover

    if not any(j.carried_from_id for q in current.questions for j in q.history):
        return {}
    return carryover.carried_how(current.run)


def _page(request, review, current, question, form=None, status=200):
    qs = current.questions
    i = qs.index(question)
    return render(
        request,
        "qmark/question.html",
        {
            "review": review,
            "state": current,
            "q": question,
            "form": form
            or RatingForm(  # no rating is pre-chosen until the assessor has chosen one
                suggested=question.suggested, initial={"rating": question.rating.value} if question.rating else {}
            ),
            "guide": guidance.for_question(question.id, review.profile),
            "previous": qs[i - 1] if i else None,
            "next": qs[i + 1] if i + 1 < len(qs) else None,
            "labels": RATING_LABELS,
            "here": f"Question {question.result.number}",
            "can_judge": double.may_judge(review, current, request.user, request.role),
            "double": double.status(review, current, request.user, request.role),
            "carried": _carried_how(current),
        },
        status=status,
    )


@member_required()
@require_GET
def question_detail(request, pk, qid):
    review, current, question = _load(request, pk, qid, "view")
    audit.record(request, AuditKind.QUESTION_VIEWED, review=review, object=f"question {question.result.number}")
    return _page(request, review, current, question)


@member_required()
@require_POST
def question_rate(request, pk, qid):
    review, current, question = _load(request, pk, qid, "edit")
    refused = _refused(request, review, current)
    if refused:
        return refused
    form = RatingForm(request.POST, suggested=question.suggested)
    if not form.is_valid():
        return _page(request, review, current, question, form=form, status=400)
    try:
        _record(
            request,
            review,
            current,
            question,
            JudgementKind.RATING,
            value=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except _Moved:
        return _moved(request, review, question)
    messages.success(request, f"Your rating for question {question.result.number} is saved: {RATING_LABELS[form.cleaned_data['rating']]}.")
    return redirect(reverse("question", args=[review.pk, question.id]) + "#your-rating")


_DECISIONS = {"accept": JudgementKind.EVIDENCE_ACCEPT, "reject": JudgementKind.EVIDENCE_REJECT, "withdraw": JudgementKind.EVIDENCE_WITHDRAW}


@member_required()
@require_POST
def question_evidence(request, pk, qid):
    review, current, question = _load(request, pk, qid, "edit")
    refused = _refused(request, review, current)
    if refused:
        return refused
    target, decision = request.POST.get("target", ""), request.POST.get("decision", "")
    item = question.item(target)
    kind = _DECISIONS.get(decision)
    if str(current.run.pk) != request.POST.get("run", str(current.run.pk)):
        return _moved(request, review, question)
    if item is None or kind is None or (item.side == "added") != (decision == "withdraw"):
        raise Http404("No such evidence")
    try:
        _record(request, review, current, question, kind, target=target)
    except _Moved:
        return _moved(request, review, question)
    words = {"accept": "accepted", "reject": "rejected", "withdraw": "removed"}[decision]
    messages.success(request, f"Evidence at {item.label} {words}.")
    return redirect(reverse("question", args=[review.pk, question.id]) + ("#added" if decision == "withdraw" else f"#{_anchor(target)}"))


_anchor = state.anchor_for


@member_required()
@require_http_methods(["GET", "POST"])
def question_add_evidence(request, pk, qid):
    review, current, question = _load(request, pk, qid, "edit")
    refused = _refused(request, review, current)
    if refused:
        return refused
    paragraphs = current.run.paragraphs
    if request.method == "POST":
        try:
            index = int(request.POST.get("paragraph", ""))
        except ValueError:
            raise Http404("No such paragraph") from None
        para = next((p for p in paragraphs if p["index"] == index), None)
        if para is None:
            raise Http404("No such paragraph")
        target = f"para:{index}"
        if str(current.run.pk) != request.POST.get("run", str(current.run.pk)):
            return _moved(request, review, question)
        if question.item(target) is None:
            try:
                _record(
                    request,
                    review,
                    current,
                    question,
                    JudgementKind.EVIDENCE_ADD,
                    target=target,
                    comment=request.POST.get("comment", "").strip()[:5000],
                    paragraph=para["id"],
                )
            except _Moved:
                return _moved(request, review, question)
        messages.success(request, f"Added {para['location']['label']} as evidence for question {question.result.number}.")
        return redirect(reverse("question", args=[review.pk, question.id]) + f"#{_anchor(target)}")
    words = request.GET.get("q", "").strip()
    found = paragraphs
    if words:
        needles = words.lower().split()
        found = [p for p in paragraphs if all(n in (p["text"] + " " + p["location"]["label"]).lower() for n in needles)]
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    already = {int(i.target.split(":", 1)[1]) for i in question.added}
    return render(
        request,
        "qmark/add_evidence.html",
        {
            "review": review,
            "q": question,
            "here": f"Add evidence to question {question.result.number}",
            "page": page,
            "words": words,
            "total": len(found),
            "already": already,
        },
    )
