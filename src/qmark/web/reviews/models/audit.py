from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from qmark.web.reviews.models.appendonly import AppendOnlyModel


class AuditKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_IN_BLOCKED = "sign_in_blocked", "Sign-in blocked (too many attempts)"
    SIGNED_OUT = "signed_out", "Signed out"
    REVIEW_CREATED = "review_created", "Review created"
    REVIEW_VIEWED = "review_viewed", "Review viewed"
    REVIEW_CHANGED = "review_changed", "Review details changed"
    REVIEW_DELETED = "review_deleted", "Review deleted"
    DOCUMENT_UPLOADED = "document_uploaded", "Document uploaded"
    DOCUMENT_DELETED = "document_deleted", "Document deleted"
    ASSESSMENT_QUEUED = "assessment_queued", "Assessment requested"
    ASSESSMENT_DONE = "assessment_done", "Assessment finished"
    ASSESSMENT_FAILED = "assessment_failed", "Assessment failed"
    QUESTION_VIEWED = "question_viewed", "Question viewed"
    JUDGEMENT_RECORDED = "judgement_recorded", "Judgement recorded"
    REVIEW_COMPLETED = "review_completed", "Review marked complete"
    REVIEW_REOPENED = "review_reopened", "Review reopened"
    REVIEW_EXPORTED = "review_exported", "Review exported"
    REASSESS_CONFIRMING = "reassess_confirming", "Asked to assess again (confirmation shown)"
    JUDGEMENTS_CARRIED = "judgements_carried", "Judgements carried over"
    RUNS_VIEWED = "runs_viewed", "Assessment history viewed"
    RUN_VIEWED = "run_viewed", "Earlier assessment viewed"
    JUDGEMENT_SET_ASIDE = "judgement_set_aside", "Earlier judgement set aside"
    DOUBLE_RATING_CHANGED = "double_rating_changed", "Double rating set up or changed"
    RATINGS_SUBMITTED = "ratings_submitted", "Ratings submitted"
    SUBMISSION_WITHDRAWN = "submission_withdrawn", "Submission taken back"
    COMPARISON_VIEWED = "comparison_viewed", "Ratings compared"
    MODERATION_RECORDED = "moderation_recorded", "Agreed rating recorded"
    AGREEMENT_VIEWED = "agreement_viewed", "Agreement figures viewed"
    AGREEMENT_EXPORTED = "agreement_exported", "Agreement figures exported"
    DRAFTS_COMPARED = "drafts_compared", "Drafts compared"
    AUDIT_VIEWED = "audit_viewed", "Audit log viewed"
    AUDIT_EXPORTED = "audit_exported", "Audit log exported"
    USER_ADDED = "user_added", "User added"
    USER_DISABLED = "user_disabled", "User disabled"
    USER_ENABLED = "user_enabled", "User enabled"


class AuditEvent(AppendOnlyModel):
    """Who did what, when. Append-only. Holds names, ids and choices, never report text.

    review_id is a plain number, not a foreign key, so the record of a review outlives it.
    """

    created = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey("reviews.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    review_id = models.BigIntegerField(null=True, blank=True)
    review_title = models.CharField(max_length=200, blank=True)
    object = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created"]),
            models.Index(fields=["kind", "actor_name", "created"]),
            models.Index(fields=["kind", "ip", "created"]),
        ]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name} {self.get_kind_display()} {self.object}".strip()
