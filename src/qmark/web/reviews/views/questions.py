from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qmark.assess.records import RATING_LABELS
from qmark.web.reviews import audit, guidance, state
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.forms import RatingForm
from qmark.web.reviews.models import AuditKind, Judgement, JudgementKind


def _load(request, pk, qid, need):
    review = get_review_for(request.user, pk, need=need)
    _, done = state.runs_of(review)
    if done is None:
        raise Http404("This review has no assessment yet")
    current = state.build(done)
    question = current.question(qid)
    if question is None:
        raise Http404("No such question")
    return review, current, question


def _locked(request, review):
    return render(request, "qmark/locked.html", {"review": review}, status=409)


def _record(request, review, current, question, kind, *, target="", value="", comment="", paragraph=None):
    Judgement.objects.create(
        run=current.run, question=question.id, kind=kind, target=target, value=value, comment=comment, user=request.user
    )
    detail = {"kind": kind, "target": target, "value": value, "commented": bool(comment)}
    if paragraph:
        detail["paragraph"] = paragraph  # its printed number, never its text
    audit.record(request, AuditKind.JUDGEMENT_RECORDED, review=review, object=f"question {question.result.number}", detail=detail)
    review.touch()


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
            "can_judge": request.role.can_edit and not current.complete,
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
    if current.complete:
        return _locked(request, review)
    form = RatingForm(request.POST, suggested=question.suggested)
    if not form.is_valid():
        return _page(request, review, current, question, form=form, status=400)
    _record(
        request, review, current, question, JudgementKind.RATING, value=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
    )
    messages.success(request, f"Your rating for question {question.result.number} is saved: {RATING_LABELS[form.cleaned_data['rating']]}.")
    return redirect(reverse("question", args=[review.pk, question.id]) + "#your-rating")


_DECISIONS = {"accept": JudgementKind.EVIDENCE_ACCEPT, "reject": JudgementKind.EVIDENCE_REJECT, "withdraw": JudgementKind.EVIDENCE_WITHDRAW}


@member_required()
@require_POST
def question_evidence(request, pk, qid):
    review, current, question = _load(request, pk, qid, "edit")
    if current.complete:
        return _locked(request, review)
    target, decision = request.POST.get("target", ""), request.POST.get("decision", "")
    item = question.item(target)
    kind = _DECISIONS.get(decision)
    if item is None or kind is None or (item.side == "added") != (decision == "withdraw"):
        raise Http404("No such evidence")
    _record(request, review, current, question, kind, target=target)
    words = {"accept": "accepted", "reject": "rejected", "withdraw": "removed"}[decision]
    messages.success(request, f"Evidence at {item.label} {words}.")
    return redirect(reverse("question", args=[review.pk, question.id]) + f"#{_anchor(target)}")


def _anchor(target: str) -> str:
    return "ev-" + "".join(c if c.isalnum() else "-" for c in target)


@member_required()
@require_http_methods(["GET", "POST"])
def question_add_evidence(request, pk, qid):
    review, current, question = _load(request, pk, qid, "edit")
    if current.complete:
        return _locked(request, review)
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
        if question.item(target) is None:
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
        messages.success(request, f"Added {para['location']['label']} as evidence for question {question.result.number}.")
        return redirect(reverse("question", args=[review.pk, question.id]) + "#added")
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
