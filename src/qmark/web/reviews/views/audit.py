from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qmark.web.reviews import audit
from qmark.web.reviews.access import member_required
from qmark.web.reviews.models import AuditEvent, AuditKind


def _events(request):
    events = AuditEvent.objects.filter(organisation=request.membership.organisation)
    kind = request.GET.get("kind", "")
    if kind in AuditKind.values:
        events = events.filter(kind=kind)
    return events, kind


@member_required("admin")
@require_GET
def audit_log(request):
    events, kind = _events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = audit.mark_blind(page.object_list, request.user)
    audit.record(request, AuditKind.AUDIT_VIEWED)
    return render(request, "qmark/audit.html", {"page": page, "kind": kind, "kinds": AuditKind.choices})


@member_required("admin")
@require_GET
def audit_csv(request):
    events, kind = _events(request)
    body = audit.to_csv(audit.mark_blind(events.order_by("created", "id"), request.user))
    audit.record(request, AuditKind.AUDIT_EXPORTED, detail={"kind": kind} if kind else None)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="qmark-audit-{stamp}.csv"'
    return response
