from __future__ import annotations

from pathlib import Path

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from qmark.render import csvout, pdf
from qmark.web.reviews import audit, exports, state
from qmark.web.reviews.access import get_review_for, member_required, reviews_for
from qmark.web.reviews.models import AuditKind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TYPES = {
    "json": ("application/json; charset=utf-8", ".json", exports.to_json, "summary (JSON)"),
    "html": ("text/html; charset=utf-8", ".html", exports.to_html, "summary (HTML)"),
    "docx": (DOCX, ".docx", exports.to_word, "Word assessment"),
    "pdf": ("application/pdf", ".pdf", exports.to_pdf, "assessment (PDF)"),
    "csv": ("text/csv; charset=utf-8", ".csv", exports.to_csv, "ratings (CSV)"),
}


def _state(review, run, user):
    """What this user may export: nobody's blind ratings until both assessors have submitted
    (an export leaves qmark)."""
    st = state.for_viewer(review, run, user)
    return state.build(run, view="hidden") if st.view == "blind" else st


def _download(body, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@member_required()
@require_GET
def export(request, pk, fmt):
    review = get_review_for(request.user, pk)
    _, done = state.runs_of(review)
    if done is None or fmt not in _TYPES:
        raise Http404("Nothing to export yet")
    content_type, suffix, make, what = _TYPES[fmt]
    try:
        body = make(review, _state(review, done, request.user), request.user)
    except pdf.PdfError as exc:
        return HttpResponse(f"No PDF could be made on this server: {exc}.", status=503, content_type="text/plain; charset=utf-8")
    audit.record(request, AuditKind.REVIEW_EXPORTED, review=review, object=what, detail={"assessment": done.pk})
    return _download(body, content_type, exports.filename(review, suffix))


def _report_file(review, run):
    """The uploaded report this run assessed, if it is a Word file and unchanged since."""
    wanted = next((d for d in run.documents if d.get("role") == "report"), None)
    doc = review.report
    if doc is None or wanted is None or doc.sha256 != wanted.get("sha256") or Path(doc.original_name).suffix.lower() != ".docx":
        return None
    return doc


@member_required()
@require_GET
def commented_draft(request, pk):
    review = get_review_for(request.user, pk)
    _, done = state.runs_of(review)
    doc = _report_file(review, done) if done else None
    if doc is None:
        raise Http404("Comments can be added only to a Word (.docx) report, as it was when it was assessed")
    body, placed = exports.commented_draft(review, _state(review, done, request.user), request.user, doc.path, doc.original_name)
    audit.record(
        request,
        AuditKind.REVIEW_EXPORTED,
        review=review,
        object="draft with comments (Word)",
        detail={"assessment": done.pk, "comments": placed},
    )
    stem = Path(doc.original_name).stem[:60] or "draft"
    return _download(body, DOCX, f"{stem} - qmark comments.docx".replace('"', ""))


@member_required()
@require_GET
def ratings_csv(request):
    """One row per review and question, for every review the user can see that has been
    assessed (or only those named with ?review=ID, repeatable)."""
    reviews = reviews_for(request.user).select_related("organisation")
    wanted = {int(x) for x in request.GET.getlist("review") if x.isdigit()}
    if wanted:
        reviews = reviews.filter(pk__in=wanted)
    contents = []
    for review in reviews:
        _, done = state.runs_of(review)
        if done is not None:
            contents.append(exports.content_of(review, _state(review, done, request.user), request.user))
    audit.record(request, AuditKind.REVIEW_EXPORTED, object=f"ratings of {len(contents)} reviews (CSV)")
    return _download(csvout.to_csv(contents), "text/csv; charset=utf-8", "qmark-ratings.csv")
