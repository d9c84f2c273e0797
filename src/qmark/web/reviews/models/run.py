from __future__ import annotations

import json
from functools import cached_property

from django.conf import settings
from django.db import models

from qmark.assess.records import Assessment


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Assessing"
    DONE = "done", "Assessed"
    FAILED = "failed", "Could not be assessed"


class AssessmentRun(models.Model):
    """One run of qmark's engine over a review's documents. The Assessment is stored exactly as
    the engine made it (engine version recorded); human judgements point at the run."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    stage = models.CharField(max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    engine_version = models.CharField(max_length=40, blank=True)
    report_date = models.DateField(null=True, blank=True, help_text="The report's date as the engine read it (or as given).")
    config_hash = models.CharField(max_length=40, blank=True)
    profile_id = models.CharField(max_length=60, blank=True)
    profile_version = models.CharField(max_length=40, blank=True)
    assessment_json = models.TextField(blank=True)
    paragraphs_json = models.TextField(blank=True, help_text="Every paragraph of the documents as read, so an assessor can add evidence.")
    documents = models.JSONField(default=list, help_text="The documents assessed: id, name, role, sha256.")
    note = models.CharField(max_length=120, blank=True, help_text="What this version of the documents is, e.g. 'Second draft'.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failures = models.JSONField(
        default=list,
        blank=True,
        help_text="How earlier tries stopped (timeout, memory, crash, interrupted); a run that stops the same way twice is not tried again.",
    )
    worker = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        return f"run {self.pk} of review {self.review_id} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @cached_property
    def assessment(self) -> Assessment | None:
        if not self.assessment_json:
            return None
        return Assessment.model_validate_json(self.assessment_json)

    @cached_property
    def paragraphs(self) -> list[dict]:
        return json.loads(self.paragraphs_json) if self.paragraphs_json else []
