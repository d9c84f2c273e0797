"""Every assessment of a review, each one's suggestions and judgements as they were, and setting
aside an earlier judgement that could not be carried over."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from qmark.web.reviews import audit, carryover, state
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.models import AuditKind, CarryOver, Judgement, JudgementKind, Review, RunStatus


@member_required()
@require_GET
def runs(request, pk):
    review = get_review_for(request.user, pk)
    _, done = state.runs_of(review)
    all_runs = list(review.runs.select_related("requested_by").defer("assessment_json", "paragraphs_json").order_by("-created", "-id"))
    carries = {c.run_id: c for c in CarryOver.objects.filter(run__review=review)}
    counts: dict[int, int] = {}
    for run_id in Judgement.objects.filter(run__review=review).values_list("run_id", flat=True):
        counts[run_id] = counts.get(run_id, 0) + 1
    rows = [(r, carries.get(r.pk), counts.get(r.pk, 0)) for r in all_runs]
    audit.record(request, AuditKind.RUNS_VIEWED, review=review)
    return render(
        request,
        "qmark/runs.html",
        {"review": review, "rows": rows, "done": done, "here": "Assessment history", "done_count": sum(1 for r in all_runs if r.is_done)},
    )


@member_required()
@require_GET
def run_detail(request, pk, run_pk):
    review = get_review_for(request.user, pk)
    _, done = state.runs_of(review)
    run = review.runs.filter(pk=run_pk, status=RunStatus.DONE).first()
    if run is None:
        raise Http404("No such assessment")
    view = state.for_viewer(review, run, request.user)
    audit.record(request, AuditKind.RUN_VIEWED, review=review, object=f"assessment {run.pk}")
    return render(
        request,
        "qmark/run_detail.html",
        {
            "review": review,
            "run": run,
            "state": view,
            "current": done,
            "carry": carryover.summary(run),
            "here": f"Assessment of {run.finished:%-d %b %Y, %H:%M}" if run.finished else "Assessment",
        },
    )


@member_required()
@require_POST
def set_aside(request, pk):
    """The assessor has dealt with an earlier judgement that could not be carried over."""
    review = get_review_for(request.user, pk, need="edit")
    _, done = state.runs_of(review)
    if done is None:
        raise Http404("Nothing to set aside")
    waiting = {str(loc.judgement.pk): loc for loc in carryover.pending(done)}
    loc = waiting.get(request.POST.get("judgement", ""))
    if loc is None:
        raise Http404("No such judgement waiting")
    with transaction.atomic():
        Review.lock(review.pk)
        Judgement.objects.create(
            run=done,
            question=loc.judgement.question,
            kind=JudgementKind.SET_ASIDE,
            target=f"judgement:{loc.judgement.pk}",
            user=request.user,
        )
        audit.record(
            request,
            AuditKind.JUDGEMENT_SET_ASIDE,
            review=review,
            object=f"question {loc.question_label.split('.')[0]}",
            detail={"judgement": loc.judgement.pk, "kind": loc.judgement.kind},
        )
        review.touch()
    messages.success(request, f"The earlier judgement on question {loc.question_label} is set aside. It stays in the assessment history.")
    return redirect(reverse("review", args=[review.pk]) + "#carried-over")
