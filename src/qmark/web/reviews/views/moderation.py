"""Blind double rating: setting it up, submitting, comparing the two assessors' ratings and
recording the agreed rating with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qmark.assess.records import RATING_LABELS
from qmark.web.reviews import audit, double, state
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.forms import DoubleRatingForm, ModerationForm
from qmark.web.reviews.models import AuditKind, Judgement, JudgementKind, Review


@member_required()
@require_http_methods(["GET", "POST"])
def setup(request, pk):
    review = get_review_for(request.user, pk, need="edit")
    _, done = state.runs_of(review)
    current = state.build(done) if done else None
    started = bool(current and current.submissions)
    initial = {
        "double_rating": "yes" if review.double_rating else "no",
        "first_assessor": review.first_assessor,
        "second_assessor": review.second_assessor,
    }
    form = DoubleRatingForm(request.POST or None, initial=initial, organisation=review.organisation)
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["double_rating"]
        people = [form.cleaned_data.get("first_assessor"), form.cleaned_data.get("second_assessor")] if on else [None, None]
        if started and review.double_rating:
            # someone has submitted: switching off, or replacing them, would reveal or discard blind ratings
            submitted_ids = set(current.submissions) & {review.first_assessor_id, review.second_assessor_id}
            if not on or submitted_ids - {p.pk for p in people if p}:
                form.add_error(
                    None,
                    "An assessor has already submitted their ratings: you can replace only an assessor who has not submitted, "
                    "and you cannot switch double rating off.",
                )
        if form.is_valid():
            with transaction.atomic():
                Review.lock(review.pk)
                review.double_rating = on
                review.first_assessor, review.second_assessor = people
                review.save(update_fields=["double_rating", "first_assessor", "second_assessor", "updated"])
                audit.record(
                    request,
                    AuditKind.DOUBLE_RATING_CHANGED,
                    review=review,
                    detail={"double_rating": on, "assessors": ", ".join(p.get_username() for p in people if p)},
                )
            if on:
                messages.success(
                    request,
                    f"The review is now rated blind by {people[0].get_username()} and {people[1].get_username()}. "
                    "Each sees only their own ratings until both have submitted.",
                )
            else:
                messages.success(request, "The review is rated by one assessor at a time.")
            return redirect("review", pk=review.pk)
    others = []
    if current is not None:
        ids = {getattr(form.initial.get("first_assessor"), "pk", None), getattr(form.initial.get("second_assessor"), "pk", None)}
        others = sorted({j.user.get_username() for q in current.questions for j in q.history if j.user_id not in ids})
    return render(
        request,
        "qmark/double_setup.html",
        {"review": review, "form": form, "started": started, "others": others, "here": "Double rating"},
        status=400 if form.errors else 200,
    )


@member_required()
@require_POST
def submit(request, pk):
    review = get_review_for(request.user, pk, need="edit")
    _, done = state.runs_of(review)
    if done is None or not review.double_rating:
        raise Http404("Nothing to submit")
    if request.user.pk not in [u.pk for u in review.assessors]:
        raise PermissionDenied
    with transaction.atomic():
        Review.lock(review.pk)
        current = state.for_viewer(review, done, request.user)
        action = request.POST.get("action")
        mine = request.user.pk in current.submissions
        if action == "submit" and not mine:
            if current.view != "blind":
                raise PermissionDenied
            if current.rated < len(current.questions):
                left = ", ".join(str(q.result.number) for q in current.questions if q.rating is None)
                messages.error(request, f"Rate every question before you submit. Still to rate: {left}.")
                return redirect("review", pk=review.pk)
            Judgement.objects.create(run=done, kind=JudgementKind.SUBMIT, user=request.user)
            audit.record(request, AuditKind.RATINGS_SUBMITTED, review=review, object=f"assessment {done.pk}")
            both = len(current.submissions) + 1 == 2
            messages.success(
                request,
                "Your ratings are submitted. Both assessors have now submitted: compare the ratings below."
                if both
                else "Your ratings are submitted. They stay hidden until the other assessor has submitted too.",
            )
        elif action == "withdraw" and mine:
            if current.view == "pair":
                messages.error(request, "Both assessors have submitted, so the ratings have been compared: agree them instead.")
                return redirect("review", pk=review.pk)
            Judgement.objects.create(run=done, kind=JudgementKind.UNSUBMIT, user=request.user)
            audit.record(request, AuditKind.SUBMISSION_WITHDRAWN, review=review, object=f"assessment {done.pk}")
            messages.success(request, "Your submission is taken back: you can change your ratings, then submit again.")
        review.touch()
    return redirect("review", pk=review.pk)


def _compare_state(request, review):
    _, done = state.runs_of(review)
    if done is None or not review.double_rating:
        raise Http404("This review is not rated by two assessors")
    current = state.for_viewer(review, done, request.user)
    return done, current


@member_required()
@require_GET
def compare(request, pk):
    review = get_review_for(request.user, pk)
    done, current = _compare_state(request, review)
    if current.view != "pair":
        return render(
            request,
            "qmark/locked.html",
            {
                "review": review,
                "message": "The ratings can be compared once both assessors have submitted: until then each one's ratings are hidden.",
            },
            status=409,
        )
    audit.record(request, AuditKind.COMPARISON_VIEWED, review=review, object=f"assessment {done.pk}")
    return _compare_page(request, review, current)


def _compare_page(request, review, current, forms=None, status=200):
    forms = forms or {}
    may = double.may_moderate(review, current, request.role)
    rows = []
    for q in current.questions:
        form = forms.get(q.id) or (ModerationForm(prefix_id=q.id) if may else None)
        rows.append((q, form, double.sides(q, review.assessors)))
    agreed = sum(1 for q in current.questions if q.agreed)
    return render(
        request,
        "qmark/compare.html",
        {
            "review": review,
            "state": current,
            "rows": rows,
            "assessors": review.assessors,
            "agreed": agreed,
            "may_moderate": may,
            "labels": RATING_LABELS,
            "here": "Compare ratings",
        },
        status=status,
    )


@member_required()
@require_POST
def moderate(request, pk, qid):
    review = get_review_for(request.user, pk, need="edit")
    done, current = _compare_state(request, review)
    question = current.question(qid)
    if question is None:
        raise Http404("No such question")
    if not double.may_moderate(review, current, request.role):
        return render(
            request,
            "qmark/locked.html",
            {"review": review, "message": "An agreed rating can be recorded once both assessors have submitted, while the review is open."},
            status=409,
        )
    form = ModerationForm(request.POST, prefix_id=qid)
    if not form.is_valid():
        return _compare_page(request, review, current, forms={qid: form}, status=400)
    with transaction.atomic():
        Review.lock(review.pk)
        Judgement.objects.create(
            run=done,
            question=qid,
            kind=JudgementKind.MODERATE,
            value=form.cleaned_data["rating"],
            comment=form.cleaned_data["reason"],
            user=request.user,
        )
        audit.record(
            request,
            AuditKind.MODERATION_RECORDED,
            review=review,
            object=f"question {question.result.number}",
            detail={"value": form.cleaned_data["rating"], "differed": not question.agreed},
        )
        review.touch()
    messages.success(
        request, f"The agreed rating for question {question.result.number} is recorded: {RATING_LABELS[form.cleaned_data['rating']]}."
    )
    return redirect(reverse("compare", args=[review.pk]) + f"#{qid}")
