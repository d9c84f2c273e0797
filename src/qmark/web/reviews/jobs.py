"""Background assessment: a queue kept in the database.

An AssessmentRun row with status 'queued' is a job. Workers (a thread in `qmark serve`, or
`qmark worker` processes in server mode) claim one at a time, run qmark's engine on the
review's documents and store the Assessment as JSON. A running job writes a heartbeat; a run
whose heartbeat has stopped (the server was stopped or crashed) goes back to the queue, so work
survives restarts. Page views never wait for the engine.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from qmark.web.reviews import audit
from qmark.web.reviews.models import AssessmentRun, AuditKind, Document, DocumentRole, Review, RunStatus

log = logging.getLogger("qmark.web.jobs")

# stage -> (progress when it starts, what the page says)
STAGES = {
    "queued": (0, "Waiting to start"),
    "reading": (10, "Reading the documents"),
    "analysing": (35, "Finding evidence and suggesting ratings"),
    "saving": (90, "Saving the results"),
    "done": (100, "Finished"),
}
HEARTBEAT_SECONDS = 5
STALE_AFTER = timedelta(seconds=30)
MAX_ATTEMPTS = 3

_wake = threading.Event()  # set when this process queues a job, so its worker starts at once


def enqueue(review: Review, user) -> AssessmentRun:
    """Queue an assessment of the review's current documents."""
    docs = [{"id": d.pk, "name": d.original_name, "role": d.role, "sha256": d.sha256} for d in review.documents.all()]
    run = AssessmentRun.objects.create(review=review, requested_by=user, stage=STAGES["queued"][1], documents=docs)
    transaction.on_commit(_wake.set)
    return run


def request_assessment(request, review: Review) -> AssessmentRun:
    """Queue an assessment on someone's behalf and record that they asked."""
    run = enqueue(review, request.user)
    audit.record(request, AuditKind.ASSESSMENT_QUEUED, review=review, object=f"assessment {run.pk}")
    return run


def requeue_stale(now=None, *, all_running: bool = False) -> int:
    """Runs left 'running' by a stopped or crashed worker go back to the queue (or fail after
    MAX_ATTEMPTS, in case the document itself brings the worker down). Returns how many.

    A run is left over when its heartbeat has stopped; `all_running` treats every running run
    as left over (a desktop workspace starting when no other is running on its data)."""
    now = now or timezone.now()
    stale = AssessmentRun.objects.filter(status=RunStatus.RUNNING)
    if not all_running:
        stale = stale.filter(Q(heartbeat__lt=now - STALE_AFTER) | Q(heartbeat__isnull=True))
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=RunStatus.FAILED,
        finished=now,
        worker="",
        error=f"The assessment was interrupted {MAX_ATTEMPTS} times before it finished. Try again; if it happens again, the document may be too large.",
    )
    return stale.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=RunStatus.QUEUED, progress=0, worker="", stage="Waiting to start again (qmark was restarted)"
    )


def claim(worker_id: str) -> AssessmentRun | None:
    """Take the oldest queued run, or None. Safe with several workers on one database."""
    now = timezone.now()
    changes = dict(
        status=RunStatus.RUNNING,
        started=now,
        heartbeat=now,
        worker=worker_id,
        attempts=F("attempts") + 1,
        progress=STAGES["reading"][0],
        stage=STAGES["reading"][1],
    )
    queued = AssessmentRun.objects.filter(status=RunStatus.QUEUED).order_by("created", "id")
    pk = None
    if connection.features.has_select_for_update_skip_locked:  # PostgreSQL
        with transaction.atomic():
            pk = queued.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if pk is not None:
                AssessmentRun.objects.filter(pk=pk).update(**changes)
    else:  # SQLite: an atomic conditional update
        for candidate in queued.values_list("pk", flat=True)[:10]:
            if AssessmentRun.objects.filter(pk=candidate, status=RunStatus.QUEUED).update(**changes):
                pk = candidate
                break
    if pk is None:
        return None
    return AssessmentRun.objects.select_related("review", "review__organisation").get(pk=pk)


def _stage(run: AssessmentRun, stage: str) -> None:
    progress, label = STAGES[stage]
    AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(stage=label, progress=progress, heartbeat=timezone.now())


def _fail(run: AssessmentRun, message: str) -> None:
    message = " ".join(message.split())[:300]
    n = AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error=message, finished=timezone.now(), worker=""
    )
    if n:
        audit.record(None, AuditKind.ASSESSMENT_FAILED, review=run.review, actor_name="qmark", object=f"assessment {run.pk}")


class _Heartbeat(threading.Thread):
    def __init__(self, run_id: int) -> None:
        super().__init__(name=f"qmark-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(HEARTBEAT_SECONDS):
                try:
                    AssessmentRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(heartbeat=timezone.now())
                except DatabaseError:
                    pass  # try again at the next beat
        finally:
            connections.close_all()


_UNSAFE = re.compile(r"[^\w .,()&+-]")


def _readable_names(docs: list[Document]) -> dict[str, tuple[Document, str]]:
    """Each document's stored path -> the document, and the names the user gave the files
    (made safe and unique), so evidence says 'Terms of reference: para 3' rather than a random
    stored name. The stored files are read where they are: nothing named after an upload is
    ever written, and there is no temporary folder for a crashed worker to leave behind."""
    out: dict[str, tuple[Document, str]] = {}
    used: set[str] = set()
    for d in docs:
        stem = _UNSAFE.sub("_", Path(d.original_name).stem).strip(" .") or "document"
        name, n = stem, 2
        while name.lower() in used:
            name, n = f"{stem} ({n})", n + 1
        used.add(name.lower())
        out[str(d.path)] = (d, name)
    return out


def _rename(report, names: dict[str, tuple[Document, str]]) -> None:
    """Give the report's documents the names the user knows them by."""
    from dataclasses import replace

    report.documents = [
        replace(doc, name=names[doc.path][1], path=names[doc.path][0].original_name) if doc.path in names else doc
        for doc in report.documents
    ]


def _date(text: str | None):
    from datetime import date

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def paragraph_index(report) -> list[dict]:
    """Every non-heading paragraph as read: where it is and its text, for adding evidence."""
    from qmark.assess.scoring import location

    return [
        {"index": p.index, "id": report.evidence_id(p), "location": location(report, p).model_dump(), "text": report.paragraph_text(p)}
        for p in report.paragraphs
        if p.kind != "heading"
    ]


def process(run: AssessmentRun) -> None:
    """Run the engine for one claimed run and store the result (or a one-line failure)."""
    from qmark.data import DataFileError
    from qmark.engine import Engine
    from qmark.ingest import IngestError, read_report

    docs = list(Document.objects.filter(review_id=run.review_id))
    report_docs = [d for d in docs if d.role == DocumentRole.REPORT]
    if not report_docs:
        _fail(run, "This review has no report to assess: upload the report and try again.")
        return
    working = [d for d in docs if d.role == DocumentRole.WORKING]
    beat = _Heartbeat(run.pk)
    beat.start()
    try:
        names = _readable_names(report_docs[:1] + working)
        paths = list(names)
        try:
            report = read_report(paths[0], list[str | Path](paths[1:]), max_mb=settings.QMARK_MAX_UPLOAD_MB)
            _rename(report, names)
            _stage(run, "analysing")
            assessment = Engine.from_profile(run.review.profile).assess(report, report_date=run.review.report_date)
        except IngestError as exc:
            doc = names.get(exc.path)
            _fail(run, f"{doc[0].original_name if doc else 'A document'}: {exc.reason}")
            return
        except DataFileError as exc:
            _fail(run, f"qmark's own data files could not be loaded ({exc}). Ask whoever installed qmark.")
            return
        _stage(run, "saving")
        paragraphs = paragraph_index(report)
        now = timezone.now()
        n = AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE,
            progress=100,
            stage=STAGES["done"][1],
            finished=now,
            heartbeat=now,
            worker="",
            engine_version=assessment.engine_version,
            config_hash=assessment.config_hash,
            profile_id=assessment.profile.id,
            profile_version=assessment.profile.version,
            report_date=_date(assessment.report.date),
            documents=[{"id": d.pk, "name": d.original_name, "role": d.role, "sha256": d.sha256} for d, _ in names.values()],
            assessment_json=assessment.model_dump_json(),
            paragraphs_json=json.dumps(paragraphs, ensure_ascii=False),
        )
        if n:
            audit.record(
                None,
                AuditKind.ASSESSMENT_DONE,
                review=run.review,
                actor_name="qmark",
                object=f"assessment {run.pk}",
                detail={"engine_version": assessment.engine_version},
            )
    except Exception as exc:  # never let one document stop the worker; never log its text
        log.error("assessment %s stopped: %s", run.pk, type(exc).__name__)
        _fail(run, f"The assessment stopped unexpectedly ({type(exc).__name__}). Try again; if it happens again, ask for help.")
    finally:
        beat.done.set()


class Worker:
    """Claims and runs queued assessments until stopped."""

    def __init__(self, poll_seconds: float = 2.0, sweep_seconds: float = 10.0) -> None:
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds
        self._stop = threading.Event()
        self._last_sweep = 0.0

    def run_once(self) -> bool:
        """Sweep stale runs when due, then run one queued assessment. True if one was run."""
        if time.monotonic() - self._last_sweep >= self.sweep_seconds:
            n = requeue_stale()
            if n:
                log.info("%d interrupted assessment(s) queued again", n)
            self._last_sweep = time.monotonic()
        run = claim(self.id)
        if run is None:
            return False
        process(run)
        return True

    def run_forever(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    worked = self.run_once()
                except DatabaseError as exc:
                    log.warning("worker: database unavailable (%s); retrying", type(exc).__name__)
                    worked = False
                finally:
                    close_old_connections()
                if not worked:
                    _wake.wait(self.poll_seconds)
                    _wake.clear()
        finally:
            connections.close_all()

    def start_thread(self) -> threading.Thread:
        t = threading.Thread(target=self.run_forever, name="qmark-worker", daemon=True)
        t.start()
        return t

    def stop(self) -> None:
        self._stop.set()
        _wake.set()
