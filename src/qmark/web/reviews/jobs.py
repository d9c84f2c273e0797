"""Background assessment: a queue kept in the database.

An AssessmentRun row with status 'queued' is a job. Workers (a thread in `qmark serve`, or
`qmark worker` processes in server mode) claim one at a time, run qmark's engine on the
review's documents and store the Assessment as JSON. A running job writes a heartbeat; a run
whose heartbeat has stopped (the server was stopped or crashed) goes back to the queue, so work
survives restarts. Page views never wait for the engine.

The engine itself runs in a sandboxed child process (qmark.sandbox) with a wall-time and a
memory limit (QMARK_JOB_SECONDS, QMARK_JOB_MEMORY_MB), so a hostile or pathological document
can never stall the web process or its worker. A run stopped by a limit, a crash or an
interrupted worker is tried once more; a run that fails the same way twice is failed for good,
with a one-line reason, and is never retried again.
"""

from __future__ import annotations

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

from qmark.web.reviews import audit, carryover
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
SAME_FAILURE_LIMIT = 2  # a run that fails the same way this many times is not tried again

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
    """Runs left 'running' by a stopped or crashed worker go back to the queue, unless they were
    interrupted before (or have had MAX_ATTEMPTS tries): then they fail, in case the document
    itself brings the worker down. Returns how many were queued again.

    A run is left over when its heartbeat has stopped; `all_running` treats every running run
    as left over (a desktop workspace starting when no other is running on its data)."""
    now = now or timezone.now()
    stale = AssessmentRun.objects.filter(status=RunStatus.RUNNING)
    if not all_running:
        stale = stale.filter(Q(heartbeat__lt=now - STALE_AFTER) | Q(heartbeat__isnull=True))
    queued = 0
    for run in stale.only("pk", "attempts", "failures"):
        failures = [*run.failures, "interrupted"]
        if run.attempts >= MAX_ATTEMPTS or failures.count("interrupted") >= SAME_FAILURE_LIMIT:
            times = max(run.attempts, failures.count("interrupted"))
            AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED,
                finished=now,
                worker="",
                failures=failures,
                error=f"The assessment was interrupted {times} times before it finished. Try again; if it happens again, the document may be too large.",
            )
        else:
            queued += AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.QUEUED, progress=0, worker="", failures=failures, stage="Waiting to start again (qmark was restarted)"
            )
    return queued


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


def _date(text: str | None):
    from datetime import date

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _limits():
    from qmark.limits import Limits

    return Limits(seconds=float(settings.QMARK_JOB_SECONDS), memory_mb=int(settings.QMARK_JOB_MEMORY_MB))


# What a run stopped by the sandbox tells the user, by kind of failure.
_LIMIT_MESSAGES = {
    "timeout": "{name}: the assessment took longer than the {seconds:g}-second limit and was stopped ({times}). "
    "The document may be very long or unusual: try a Word or text version, or ask whoever runs qmark to raise QMARK_JOB_SECONDS.",
    "memory": "{name}: the assessment needed more than the {memory:,} MB memory limit and was stopped ({times}). "
    "Try a Word or text version, or ask whoever runs qmark to raise QMARK_JOB_MEMORY_MB.",
    "crash": "{name}: the process reading the documents stopped ({reason}; {times}). The file may be damaged: try another version of it.",
    "error": "The assessment stopped unexpectedly ({error_type}; {times}). Try again; if it happens again, ask for help.",
}


def _limit_failure(run: AssessmentRun, exc, report_name: str) -> None:
    """A run stopped by its sandbox: tried once more, unless it has already failed this way
    (or had MAX_ATTEMPTS tries), in which case it fails for good with a one-line reason."""
    key = exc.kind if exc.kind != "error" else f"error:{exc.error_type}"
    failures = [*run.failures, key]
    n = failures.count(key)
    if n < SAME_FAILURE_LIMIT and run.attempts < MAX_ATTEMPTS:
        AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.QUEUED, progress=0, worker="", failures=failures, stage="Waiting to try again"
        )
        log.warning("assessment %s stopped (%s); queued to try once more", run.pk, key)
        return
    limits = _limits()
    message = _LIMIT_MESSAGES[exc.kind].format(
        name=report_name,
        seconds=limits.seconds,
        memory=limits.memory_mb,
        reason=exc.reason,
        error_type=exc.error_type or "error",
        times="twice" if n == 2 else f"{n} times" if n > 1 else "once",
    )
    AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(failures=failures)
    log.warning("assessment %s failed for good (%s)", run.pk, key)
    _fail(run, message)


def process(run: AssessmentRun, sandbox=None) -> None:
    """Run the engine for one claimed run, in a sandboxed child process, and store the result
    (or a one-line failure). `sandbox` is the worker's own (one is made for this run if None)."""
    from qmark.sandbox import Failed, Sandbox
    from qmark.web.reviews.assessing import read_and_assess

    docs = list(Document.objects.filter(review_id=run.review_id))
    report_docs = [d for d in docs if d.role == DocumentRole.REPORT]
    if not report_docs:
        _fail(run, "This review has no report to assess: upload the report and try again.")
        return
    working = [d for d in docs if d.role == DocumentRole.WORKING]
    beat = _Heartbeat(run.pk)
    beat.start()
    own = sandbox is None
    box = sandbox or Sandbox(_limits(), preload=("qmark.engine",))
    try:
        names = _readable_names(report_docs[:1] + working)
        paths = list(names)
        _stage(run, "analysing")
        review = run.review
        try:
            result = box.call(
                read_and_assess,
                paths,
                [names[p][1] for p in paths],
                [names[p][0].original_name for p in paths],
                review.profile,
                review.report_date.isoformat() if review.report_date else None,
                settings.QMARK_MAX_UPLOAD_MB,
                limits=_limits(),
            )
        except Failed as exc:
            _limit_failure(run, exc, report_docs[0].original_name)
            return
        if not result["ok"]:
            if result["kind"] == "unreadable":
                doc = names.get(result["path"])
                _fail(run, f"{doc[0].original_name if doc else 'A document'}: {result['reason']}")
            else:
                _fail(run, f"qmark's own data files could not be loaded ({result['reason']}). Ask whoever installed qmark.")
            return
        _stage(run, "saving")
        from qmark.assess.records import Assessment

        assessment = Assessment.model_validate_json(result["assessment"])
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
            assessment_json=result["assessment"],
            paragraphs_json=result["paragraphs"],
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
            try:  # the assessors' judgements move to the new run now (else on the next page view)
                carryover.ensure(run.review)
            except DatabaseError as exc:
                log.warning("assessment %s: carry-over postponed (%s)", run.pk, type(exc).__name__)
    except Exception as exc:  # never let one document stop the worker; never log its text
        log.error("assessment %s stopped: %s", run.pk, type(exc).__name__)
        _fail(run, f"The assessment stopped unexpectedly ({type(exc).__name__}). Try again; if it happens again, ask for help.")
    finally:
        beat.done.set()
        if own:
            box.close()


class Worker:
    """Claims and runs queued assessments until stopped."""

    def __init__(self, poll_seconds: float = 2.0, sweep_seconds: float = 10.0) -> None:
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds
        self._stop = threading.Event()
        self._last_sweep = 0.0
        self._sandbox = None  # the child process assessments run in, started on the first run

    def sandbox(self):
        from qmark.sandbox import Sandbox

        limits = _limits()
        if self._sandbox is None or self._sandbox.limits != limits:
            if self._sandbox is not None:
                self._sandbox.close()
            # A fresh child now and then keeps a long-running worker's memory from creeping up.
            self._sandbox = Sandbox(limits, preload=("qmark.engine",), recycle_after=50)
        return self._sandbox

    def close(self) -> None:
        """Stop the worker's child process (it also stops by itself when this process ends)."""
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

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
        process(run, self.sandbox())
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
            self.close()
            connections.close_all()

    def start_thread(self) -> threading.Thread:
        t = threading.Thread(target=self.run_forever, name="qmark-worker", daemon=True)
        t.start()
        return t

    def stop(self) -> None:
        self._stop.set()
        _wake.set()
