"""Agreement between assessors across a chosen set of the organisation's double-rated reviews."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qmark.web.reviews import agreement as stats
from qmark.web.reviews import audit
from qmark.web.reviews.access import member_required
from qmark.web.reviews.models import AuditKind


def _chosen(request):
    available = stats.pairings(request.membership.organisation)
    wanted = {v for v in request.GET.getlist("review") if v.isdigit()}
    chosen = [p for p in available if str(p.review.pk) in wanted] if wanted else available
    return available, chosen, bool(wanted)


@member_required()
@require_GET
def agreement(request):
    available, chosen, filtered = _chosen(request)
    result = stats.compute(chosen)
    audit.record(request, AuditKind.AGREEMENT_VIEWED, detail={"reviews": len(chosen)})
    query = "&".join(f"review={p.review.pk}" for p in chosen) if filtered else ""
    return render(
        request,
        "qmark/agreement.html",
        {
            "available": available,
            "chosen_ids": {p.review.pk for p in chosen},
            "result": result,
            "method": stats.METHOD,
            "resamples": stats.RESAMPLES,
            "query": query,
            "labels": stats.RATING_LABELS,
            "ratings": stats.RATINGS,
        },
    )


@member_required()
@require_GET
def agreement_csv(request):
    _, chosen, _ = _chosen(request)
    result = stats.compute(chosen)
    audit.record(request, AuditKind.AGREEMENT_EXPORTED, detail={"reviews": len(chosen)})
    response = HttpResponse(stats.to_csv(result, request.membership.organisation.name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qmark-agreement-{timezone.now():%Y%m%d-%H%M}.csv"'
    return response
