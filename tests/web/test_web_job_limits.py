"""Each background assessment runs in a child process with a time and a memory limit: a slow
or memory-hungry document ends in one line, never stalls the web process, is tried once more
and is never tried again after failing the same way twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpers import CORPUS
from qmark.cli import sample_path
from qmark.web.reviews import jobs, uploads
from qmark.web.reviews.models import AssessmentRun, DocumentRole, Review, RunStatus

pytestmark = pytest.mark.django_db(transaction=True)


def review_with(world, name: str, data: bytes) -> Review:
    r = Review.objects.create(organisation=world.org_a, title=f"Review of {name}", created_by=world.users["assessor_a"])
    uploads.store(r, SimpleUploadedFile(name, data), DocumentRole.REPORT, world.users["assessor_a"])
    return r


def long_report() -> bytes:
    """A real report sixty times over: a long document, far beyond what half a second reads."""
    body = (CORPUS / "r02_systems_2016.md").read_text(encoding="utf-8")
    return "\n\n".join([body] * 60).encode("utf-8")


@pytest.fixture
def worker():
    w = jobs.Worker()
    yield w
    w.close()


def test_a_slow_document_is_stopped_tried_once_more_then_failed_for_good(world, settings, worker):
    settings.QMARK_JOB_SECONDS = 0.5
    r = review_with(world, "Very long report.md", long_report())
    run = jobs.enqueue(r, world.users["assessor_a"])
    assert worker.run_once() is True
    run.refresh_from_db()
    assert (run.status, run.failures, run.stage) == (RunStatus.QUEUED, ["timeout"], "Waiting to try again")
    assert worker.run_once() is True
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failures == ["timeout", "timeout"]
    assert run.error.startswith("Very long report.md: the assessment took longer than the 0.5-second limit and was stopped (twice).")
    assert "\n" not in run.error and "QMARK_JOB_SECONDS" in run.error
    assert worker.run_once() is False  # never tried again
    # the same worker goes on to assess an ordinary review
    settings.QMARK_JOB_SECONDS = 120
    ok = review_with(world, "Child M.md", sample_path().read_bytes())
    good = jobs.enqueue(ok, world.users["assessor_a"])
    assert worker.run_once() is True
    good.refresh_from_db()
    assert good.status == RunStatus.DONE and len(good.assessment.questions) == 11


def test_pages_are_served_while_a_slow_document_is_assessed(world, settings, worker):
    settings.QMARK_JOB_SECONDS = 20
    r = review_with(world, "Very long report.md", long_report())
    run = jobs.enqueue(r, world.users["assessor_a"])
    t = threading.Thread(target=lambda: (worker.run_once(), __import__("django.db").db.connections.close_all()))
    t.start()
    try:
        deadline = time.monotonic() + 20
        while AssessmentRun.objects.get(pk=run.pk).status != RunStatus.RUNNING and time.monotonic() < deadline:
            time.sleep(0.02)
        c = Client()
        c.force_login(world.users["assessor_a"])
        p = c.get(reverse("review-progress", args=[r.pk])).json()
        assert p["status"] == "running"  # answered while the engine works in its own process
        assert t.is_alive()
    finally:
        t.join(timeout=60)
    run.refresh_from_db()
    assert run.status in (RunStatus.DONE, RunStatus.QUEUED)


def test_a_memory_hungry_document_ends_in_one_line(world, settings, worker):
    settings.QMARK_JOB_MEMORY_MB = 400
    line = "4.1 The health visitor recorded that the family had moved again and that nobody had asked why. "
    r = review_with(world, "Huge notes.txt", (line * 300_000).encode())  # 29 MB of text
    run = jobs.enqueue(r, world.users["assessor_a"])
    for _ in range(2):
        if worker.run_once():
            run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Huge notes.txt: ") and "memory" in run.error and "\n" not in run.error
    assert worker.run_once() is False


def test_a_run_interrupted_twice_is_not_tried_again(world):
    r = review_with(world, "Child M.md", sample_path().read_bytes())
    run = jobs.enqueue(r, world.users["assessor_a"])
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, failures=["interrupted"], heartbeat=timezone.now() - timedelta(minutes=10)
    )
    assert jobs.requeue_stale() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failures == ["interrupted", "interrupted"]
    assert run.error.startswith("The assessment was interrupted 2 times")


def test_job_limits_come_from_settings_with_sane_bounds(monkeypatch):
    from qmark.web import config

    assert (config.DEFAULT_JOB_SECONDS, config.DEFAULT_JOB_MEMORY_MB) == (300, 2048)
    monkeypatch.setenv("QMARK_JOB_SECONDS", "45")
    monkeypatch.setenv("QMARK_JOB_MEMORY_MB", "1024")
    cfg = config.desktop_config()
    assert (cfg.job_seconds, cfg.job_memory_mb) == (45, 1024)
    monkeypatch.setenv("QMARK_JOB_MEMORY_MB", "lots")
    with pytest.raises(config.ConfigError, match="QMARK_JOB_MEMORY_MB must be a whole number of megabytes, not 'lots'"):
        config.desktop_config()
    monkeypatch.setenv("QMARK_JOB_MEMORY_MB", "100")
    with pytest.raises(config.ConfigError, match="between 256 and 65536"):
        config.desktop_config()
