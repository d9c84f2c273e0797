from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from qmark.web.reviews.models.appendonly import AppendOnlyModel


class JudgementKind(models.TextChoices):
    RATING = "rating", "Rating"
    EVIDENCE_ACCEPT = "evidence_accept", "Evidence accepted"
    EVIDENCE_REJECT = "evidence_reject", "Evidence rejected"
    EVIDENCE_ADD = "evidence_add", "Evidence added"
    EVIDENCE_WITHDRAW = "evidence_withdraw", "Added evidence withdrawn"
    COMPLETE = "complete", "Review marked complete"
    REOPEN = "reopen", "Review reopened"


class Judgement(AppendOnlyModel):
    """A human decision about a suggestion. Never edited: a later judgement supersedes an
    earlier one with the same question, kind family and target (see qmark.web.reviews.state).

    target: for evidence decisions 'for:ID' or 'against:ID' (the engine's evidence id); for
    added evidence 'para:N' (paragraph index in the run's reading); blank otherwise.
    value: the rating for kind=rating; blank otherwise.
    """

    run = models.ForeignKey("reviews.AssessmentRun", on_delete=models.CASCADE, related_name="judgements")
    question = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=20, choices=JudgementKind.choices)
    target = models.CharField(max_length=200, blank=True)
    value = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["run", "question"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.question} {self.target} {self.value}".strip()
