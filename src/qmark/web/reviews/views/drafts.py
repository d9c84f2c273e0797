"""Comparing two versions of a review's documents (for example two drafts) through their assessments."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from qmark.web.reviews import audit, drafts, state
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.models import AuditKind, RunStatus


def _report_hash(run) -> str:
    return next((d.get("sha256", "") for d in run.documents if d.get("role") == "report"), "")


@member_required()
@require_GET
def compare_drafts(request, pk):
    review = get_review_for(request.user, pk)
    state.runs_of(review)
    runs = list(review.runs.filter(status=RunStatus.DONE).order_by("-created", "-id"))
    chosen = {r.pk: r for r in runs}
    after = chosen.get(int(request.GET["to"])) if request.GET.get("to", "").isdigit() else None
    before = chosen.get(int(request.GET["from"])) if request.GET.get("from", "").isdigit() else None
    after = after or (runs[0] if runs else None)
    if before is None and after is not None:
        older = [r for r in runs if (r.created, r.pk) < (after.created, after.pk)]
        before = next((r for r in older if _report_hash(r) != _report_hash(after)), older[0] if older else None)
    comparison = None
    if before is not None and after is not None and before.pk != after.pk:
        if (before.created, before.pk) > (after.created, after.pk):
            before, after = after, before
        comparison = drafts.compare(before, after)
        audit.record(request, AuditKind.DRAFTS_COMPARED, review=review, object=f"assessments {before.pk} and {after.pk}")
    return render(
        request,
        "qmark/drafts.html",
        {"review": review, "runs": runs, "before": before, "after": after, "c": comparison, "here": "Compare versions"},
    )
