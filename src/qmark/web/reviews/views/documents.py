from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qmark.web.reviews import audit, jobs, uploads
from qmark.web.reviews.access import get_review_for, member_required
from qmark.web.reviews.forms import UploadForm
from qmark.web.reviews.models import AssessmentRun, AuditKind, DocumentRole, RunStatus


@member_required()
@require_http_methods(["GET", "POST"])
def documents(request, pk):
    review = get_review_for(request.user, pk, need="edit")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        new_report = form.cleaned_data["report"]
        with uploads.removed_on_error() as written, transaction.atomic():
            if new_report:
                for old in review.documents.filter(role=DocumentRole.REPORT):
                    audit.record(
                        request,
                        AuditKind.DOCUMENT_DELETED,
                        review=review,
                        object=f"report ‘{old.original_name}’",
                        detail={"replaced": True},
                    )
                    old.delete()
                files = [(new_report, DocumentRole.REPORT)]
            else:
                files = []
            files += [(f, DocumentRole.WORKING) for f in form.cleaned_data["working"]]
            uploads.add(request, review, files, written)
            queued = review.runs.filter(status=RunStatus.QUEUED).first()
            if review.report is not None and queued is None:
                queued = jobs.request_assessment(request, review)
            if queued is not None and form.cleaned_data["note"]:
                AssessmentRun.objects.filter(pk=queued.pk).update(note=form.cleaned_data["note"])
            review.touch()
        messages.success(
            request,
            "Uploaded. qmark is assessing the review again with these documents. Your ratings and evidence choices will be "
            "carried over to the new assessment; anything that cannot be matched will be listed on this page.",
        )
        return redirect("review", pk=review.pk)
    return render(
        request,
        "qmark/documents.html",
        {"review": review, "form": form, "documents": list(review.documents.all())},
        status=400 if form.errors else 200,
    )


@member_required()
@require_POST
def document_delete(request, pk, doc_pk):
    review = get_review_for(request.user, pk, need="edit")
    doc = review.documents.filter(pk=doc_pk, role=DocumentRole.WORKING).first()
    if doc is None:
        raise Http404("No such working document")
    with transaction.atomic():
        audit.record(request, AuditKind.DOCUMENT_DELETED, review=review, object=f"working document ‘{doc.original_name}’")
        doc.delete()  # the file is removed from disk once this commits
    messages.success(request, f"‘{doc.original_name}’ is deleted. Assess the review again to leave it out of the results.")
    return redirect("documents", pk=review.pk)
