"""Not a case review? (issue 10): in the workspace, a document that is not a review is assessed,
and the review page, each question and the exported summary say so plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qmark.web.reviews import jobs, uploads
from qmark.web.reviews.models import DocumentRole, Review, RunStatus

pytestmark = pytest.mark.django_db(transaction=True)  # the worker uses its own connection

POLICY = Path(__file__).resolve().parents[1] / "not_reviews" / "council_policy.md"


def test_a_policy_uploaded_as_a_review_is_flagged_on_every_page(world, tmp_path):
    from helpers import write_docx

    docx = write_docx(tmp_path / "Safeguarding policy.docx", POLICY.read_text())
    r = Review.objects.create(organisation=world.org_a, title="Uploaded by mistake", created_by=world.users["assessor_a"])
    uploads.store(r, SimpleUploadedFile(docx.name, docx.read_bytes()), DocumentRole.REPORT, world.users["assessor_a"])
    run = jobs.enqueue(r, world.users["assessor_a"])
    assert jobs.Worker().run_once() is True
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert [w.kind for w in run.assessment.warnings] == ["not_a_review"]

    c = Client()
    c.force_login(world.users["assessor_a"])
    page = c.get(reverse("review", args=[r.pk])).content.decode()
    assert "This may not be a case review" in page and "does not look like a child safeguarding case review" in page
    assert page.count('<span class="check">Check</span>') == 11 + 1  # every question, and the key below the table
    question = c.get(reverse("question", args=[r.pk, "q5"])).content.decode()
    assert "does not look like a child safeguarding case review" in question
    exported = json.loads(c.get(reverse("review-export", args=[r.pk, "json"])).content)
    assert exported["assessment"]["warnings"][0]["kind"] == "not_a_review"
    assert "does not look like" in c.get(reverse("review-export", args=[r.pk, "html"])).content.decode()


def test_a_real_review_has_no_warning(world):
    c = Client()
    c.force_login(world.users["assessor_a"])
    page = c.get(reverse("review", args=[world.review.pk])).content.decode()
    assert "This may not be a case review" not in page
