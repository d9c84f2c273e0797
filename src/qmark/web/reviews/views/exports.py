from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from qmark.web.reviews import audit, exports, state
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.models import AuditKind

_TYPES = {
    "json": ("application/json; charset=utf-8", ".json", exports.to_json),
    "html": ("text/html; charset=utf-8", ".html", exports.to_html),
}


@member_required()
@require_GET
def export(request, pk, fmt):
    review = get_review_for(request.user, pk)
    _, done = state.runs_of(review)
    if done is None or fmt not in _TYPES:
        raise Http404("Nothing to export yet")
    content_type, suffix, make = _TYPES[fmt]
    body = make(review, state.build(done), request.user)
    audit.record(request, AuditKind.REVIEW_EXPORTED, review=review, object=f"summary ({fmt.upper()})", detail={"assessment": done.pk})
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(review, suffix)}"'
    return response
