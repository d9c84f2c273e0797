from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qmark.web.reviews import audit, carryover, double, findings, jobs, state, uploads
from qmark.web.reviews.access import get_review_for, member_required, reviews_for
from qmark.web.reviews.forms import NewReviewForm, ReviewForm
from qmark.web.reviews.models import AuditKind, DocumentRole, Judgement, JudgementKind


@member_required()
@require_GET
def review_list(request):
    reviews = list(reviews_for(request.user).select_related("created_by"))
    progress = state.progress_of(reviews)
    rows = [(r, progress[r.pk]) for r in reviews]
    return render(request, "qmark/review_list.html", {"rows": rows})


@member_required("edit")
@require_http_methods(["GET", "POST"])
def review_create(request):
    form = NewReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with uploads.removed_on_error() as written, transaction.atomic():
            review = form.save(commit=False)
            review.organisation = request.membership.organisation
            review.created_by = request.user
            review.save()
            audit.record(request, AuditKind.REVIEW_CREATED, review=review)
            files = [(form.cleaned_data["report"], DocumentRole.REPORT)]
            files += [(f, DocumentRole.WORKING) for f in form.cleaned_data["working"]]
            uploads.add(request, review, files, written)
            jobs.request_assessment(request, review)
        return redirect("review", pk=review.pk)
    return render(request, "qmark/review_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200)


@member_required()
@require_GET
def review_detail(request, pk):
    review = get_review_for(request.user, pk)
    latest, done = state.runs_of(review)
    view = state.for_viewer(review, done, request.user) if done else None
    audit.record(request, AuditKind.REVIEW_VIEWED, review=review)
    return render(
        request,
        "qmark/review_detail.html",
        {
            "review": review,
            "latest": latest,
            "done": done,
            "state": view,
            "p": state.progress_of([review])[review.pk],
            "documents": list(review.documents.all()),
            "runs": review.runs.count(),
            "carry": carryover.summary(done) if done else None,
            "pending": carryover.pending(done) if done else [],
            "moot": carryover.moot(done) if done else [],
            "glance": findings.at_a_glance(done.assessment, review.profile) if done and done.assessment else None,
            "double": double.status(review, view, request.user, request.role) if view else None,
            "can_complete": view is not None and request.role.can_edit and not view.complete,
            "question_ids": [q.id for q in view.questions] if view else [],
        },
    )


@member_required()
@require_GET
def review_progress(request, pk):
    """Polled by the overview page while an assessment runs (never blocks)."""
    review = get_review_for(request.user, pk)
    run = review.runs.only(*state.RUN_SUMMARY_FIELDS).order_by("-created", "-id").first()
    if run is None:
        return JsonResponse({"status": "none"})
    return JsonResponse(
        {"status": run.status, "progress": run.progress, "stage": run.stage, "error": run.error, "url": reverse("review", args=[review.pk])}
    )


@member_required()
@require_http_methods(["GET", "POST"])
def review_edit(request, pk):
    review = get_review_for(request.user, pk, need="edit")
    before = {f: getattr(review, f) for f in ReviewForm.Meta.fields}
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        form.save()
        changed = [f for f in ReviewForm.Meta.fields if getattr(review, f) != before[f]]
        if changed:
            audit.record(request, AuditKind.REVIEW_CHANGED, review=review, detail={"fields": ", ".join(changed)})
            messages.success(request, "The review's details are saved.")
        return redirect("review", pk=review.pk)
    return render(
        request, "qmark/review_form.html", {"form": form, "review": review, "creating": False}, status=400 if form.errors else 200
    )


@member_required()
@require_http_methods(["GET", "POST"])
def review_delete(request, pk):
    review = get_review_for(request.user, pk, need="delete")
    if request.method == "POST":
        title = review.title
        with transaction.atomic():
            audit.record(request, AuditKind.REVIEW_DELETED, review=review, detail={"documents": review.documents.count()})
            review.delete()  # documents' files are removed from disk once this commits
        messages.success(request, f"‘{title}’ and its documents have been deleted.")
        return redirect("reviews")
    return render(request, "qmark/review_delete.html", {"review": review, "documents": list(review.documents.all())})


@member_required()
@require_http_methods(["GET", "POST"])
def review_assess(request, pk):
    """Assess again: a page that says what will happen, then the request itself."""
    review = get_review_for(request.user, pk, need="edit")
    latest, done = state.runs_of(review)
    if review.report is None:
        messages.error(request, "Upload the report before asking for an assessment.")
        return redirect("review", pk=review.pk)
    if latest is not None and latest.is_active:
        messages.info(request, "An assessment of this review is already under way.")
        return redirect("review", pk=review.pk)
    if request.method == "GET":
        audit.record(request, AuditKind.REASSESS_CONFIRMING, review=review)
        kept = carryover.standing(list(done.judgements.all())) if done else []
        counts = {
            "ratings": sum(1 for j in kept if j.kind == JudgementKind.RATING),
            "evidence": sum(1 for j in kept if j.kind in (JudgementKind.EVIDENCE_ACCEPT, JudgementKind.EVIDENCE_REJECT)),
            "added": sum(1 for j in kept if j.kind == JudgementKind.EVIDENCE_ADD),
            "agreed": sum(1 for j in kept if j.kind == JudgementKind.MODERATE),
            "waiting": len(carryover.pending(done)) if done else 0,
        }
        current = state.build(done) if done else None
        return render(
            request,
            "qmark/reassess.html",
            {"review": review, "done": done, "counts": counts, "complete": bool(current and current.complete), "here": "Assess again"},
        )
    jobs.request_assessment(request, review)
    messages.success(
        request,
        "The review will be assessed again. When it has finished, your ratings and evidence choices are carried over to the "
        "new assessment; anything that cannot be matched will be listed on this page.",
    )
    return redirect("review", pk=review.pk)


@member_required()
@require_POST
def review_complete(request, pk):
    review = get_review_for(request.user, pk, need="edit")
    _, done = state.runs_of(review)
    if done is None:
        messages.error(request, "There is nothing to mark complete until qmark has assessed the review.")
        return redirect("review", pk=review.pk)
    current = state.for_viewer(review, done, request.user)
    action = request.POST.get("action")
    if action == "complete" and not current.complete and current.unconfirmed:
        missing = ", ".join(str(q.result.number) for q in current.unconfirmed)
        if review.double_rating:
            messages.error(
                request,
                f"The review cannot be marked complete until every question has an agreed rating. Still to agree: question{'s' if len(current.unconfirmed) > 1 else ''} {missing}.",
            )
        else:
            messages.error(
                request,
                f"The review cannot be marked complete until an assessor has rated every question (agreeing with qmark's suggestion counts). "
                f"Still to rate: question{'s' if len(current.unconfirmed) > 1 else ''} {missing}.",
            )
        return redirect(reverse("review", args=[review.pk]) + "#complete-title")
    if action == "complete" and not current.complete:
        Judgement.objects.create(
            run=done, kind=JudgementKind.COMPLETE, user=request.user, comment=request.POST.get("comment", "").strip()[:5000]
        )
        audit.record(request, AuditKind.REVIEW_COMPLETED, review=review, object=f"assessment {done.pk}")
        messages.success(request, "The review is marked complete. Export its summary below.")
    elif action == "reopen" and current.complete:
        Judgement.objects.create(run=done, kind=JudgementKind.REOPEN, user=request.user)
        audit.record(request, AuditKind.REVIEW_REOPENED, review=review, object=f"assessment {done.pk}")
        messages.success(request, "The review is reopened: you can change ratings and evidence again.")
    review.touch()
    return redirect("review", pk=review.pk)
