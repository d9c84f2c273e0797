"""The background queue: runs are claimed once, processed off the request, survive restarts,
and fail with a one-line reason naming the user's file."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qmark.cli import sample_path
from qmark.web.reviews import jobs, uploads
from qmark.web.reviews.models import AssessmentRun, AuditEvent, AuditKind, DocumentRole, Review, RunStatus

pytestmark = pytest.mark.django_db(transaction=True)  # the worker and heartbeat use their own connections


@pytest.fixture
def fresh_review(world):
    r = Review.objects.create(organisation=world.org_a, title="Child M (queued)", created_by=world.users["assessor_a"])
    uploads.store(r, SimpleUploadedFile("Child M final.md", sample_path().read_bytes()), DocumentRole.REPORT, world.users["assessor_a"])
    uploads.store(
        r,
        SimpleUploadedFile("Terms of reference.md", sample_path("child_m_terms_of_reference.md").read_bytes()),
        DocumentRole.WORKING,
        world.users["assessor_a"],
    )
    return r


def test_worker_runs_a_queued_assessment(fresh_review, world):
    run = jobs.enqueue(fresh_review, world.users["assessor_a"])
    assert run.status == RunStatus.QUEUED
    assert jobs.Worker().run_once() is True
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    a = run.assessment
    assert len(a.questions) == 11 and run.engine_version == a.engine_version
    # documents are read under the names the user gave them, not the random stored names
    assert [d.name for d in a.report.documents] == ["Child M final", "Terms of reference"]
    assert any(p["location"]["document"] == "Terms of reference" for p in run.paragraphs)
    assert [d["name"] for d in run.documents] == ["Child M final.md", "Terms of reference.md"]
    assert AuditEvent.objects.filter(kind=AuditKind.ASSESSMENT_DONE, review_id=fresh_review.pk).exists()
    assert jobs.Worker().run_once() is False  # nothing left


def test_a_run_is_claimed_by_one_worker_only(fresh_review, world):
    jobs.enqueue(fresh_review, world.users["assessor_a"])
    claimed = []

    def grab():
        from django.db import connections

        try:
            claimed.append(jobs.claim("w"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grab) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([c for c in claimed if c is not None]) == 1


def test_run_left_running_by_a_crash_is_finished_after_restart(fresh_review, world):
    run = jobs.enqueue(fresh_review, world.users["assessor_a"])
    long_ago = timezone.now() - timedelta(minutes=10)
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, heartbeat=long_ago, started=long_ago, worker="crashed", progress=35
    )
    assert jobs.Worker().run_once() is True  # a new worker sweeps, re-queues and runs it
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2


def test_live_run_is_not_taken_from_its_worker(fresh_review, world):
    run = jobs.enqueue(fresh_review, world.users["assessor_a"])
    AssessmentRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat=timezone.now(), worker="alive")
    assert jobs.requeue_stale() == 0
    # a desktop workspace starting up knows no other worker is alive: it carries on at once
    assert jobs.requeue_stale(all_running=True) == 1


def test_run_that_keeps_crashing_fails_in_the_end(fresh_review, world):
    run = jobs.enqueue(fresh_review, world.users["assessor_a"])
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=jobs.MAX_ATTEMPTS, heartbeat=timezone.now() - timedelta(minutes=10)
    )
    jobs.requeue_stale()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "interrupted" in run.error


def test_unreadable_report_fails_with_a_one_line_reason(world):
    r = Review.objects.create(organisation=world.org_a, title="Broken")
    uploads.store(r, SimpleUploadedFile("Scanned report.pdf", b"%PDF-1.4\n%broken beyond repair\n"), DocumentRole.REPORT, None)
    run = jobs.enqueue(r, None)
    jobs.Worker().run_once()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Scanned report.pdf: ") and "\n" not in run.error
    assert r.documents.get().stored_name not in run.error


def test_assessment_does_not_block_pages(fresh_review, world):
    """Creating a review returns at once with the run queued; the page polls progress."""
    c = Client()
    c.force_login(world.users["assessor_a"])
    r = c.post(
        reverse("review-create"),
        {"title": "Child M again", "review_type": "lcspr", "report": SimpleUploadedFile("m.md", sample_path().read_bytes())},
    )
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "data-progress-url" in page and "<progress" in page and 'http-equiv="refresh"' in page
    review = Review.objects.get(title="Child M again")
    p = c.get(reverse("review-progress", args=[review.pk])).json()
    assert p["status"] == "queued" and p["progress"] == 0
    jobs.Worker().run_once()
    assert c.get(reverse("review-progress", args=[review.pk])).json()["status"] == "done"
    assert "The questions" in c.get(r["Location"]).content.decode()


def test_worker_thread_stops(world):
    w = jobs.Worker(poll_seconds=0.05)
    t = w.start_thread()
    w.stop()
    t.join(timeout=5)
    assert not t.is_alive()


SAR_TEXT = (
    "# Safeguarding Adults Review: Mr D\n\nPublished: 3 May 2022\n\n## 4. Analysis\n\n"
    "4.1 The district nurses had forty visits a day, which left no time to ask about the state of the house.\n\n"
    "4.2 What helped was that the same social worker stayed with Mr D for two years, which allowed trust to build.\n"
)


@pytest.mark.parametrize(
    "review_type, chosen, expected",
    [("sar", "", "sar-analysis"), ("lcspr", "", "analysis"), ("sar", "analysis", "analysis"), ("other", "", "analysis")],
)
def test_a_review_is_assessed_against_the_marker_for_its_type_unless_another_is_chosen(world, review_type, chosen, expected):
    c = Client()
    c.force_login(world.users["assessor_a"])
    r = c.post(
        reverse("review-create"),
        {"title": "Mr D", "review_type": review_type, "profile": chosen, "report": SimpleUploadedFile("d.md", SAR_TEXT.encode())},
    )
    assert r.status_code == 302
    review = Review.objects.get(title="Mr D")
    assert review.profile == expected
    jobs.Worker().run_once()
    run = AssessmentRun.objects.get(review=review)
    assert run.profile_id == expected
    ids = [q.question for q in run.assessment.questions]
    assert ids == ([f"s{i}" for i in range(1, 9)] if expected == "sar-analysis" else [f"q{i}" for i in range(1, 12)])
    # Editing the details later never changes the marker behind the stored runs.
    c.post(reverse("review-edit", args=[review.pk]), {"title": "Mr D (edited)", "review_type": "other"})
    review.refresh_from_db()
    assert review.title == "Mr D (edited)" and review.profile == expected
