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
    SUBMIT = "submit", "Ratings submitted"
    UNSUBMIT = "unsubmit", "Submission taken back"
    MODERATE = "moderate", "Agreed rating recorded"
    SET_ASIDE = "set_aside", "Earlier judgement set aside"


class Judgement(AppendOnlyModel):
    """A human decision about a suggestion. Never edited: a later judgement supersedes an
    earlier one with the same question, kind family and target (see qmark.web.reviews.state).

    target: for evidence decisions 'for:ID' or 'against:ID' (the engine's evidence id); for
    added evidence 'para:N' (paragraph index in the run's reading); blank otherwise.
    value: the rating for kind=rating or moderate; blank otherwise.
    carried_from: set when the judgement was carried over from an earlier assessment of the
    review (see qmark.web.reviews.carryover); it then keeps the original's time and author.
    """

    run = models.ForeignKey("reviews.AssessmentRun", on_delete=models.CASCADE, related_name="judgements")
    question = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=20, choices=JudgementKind.choices)
    target = models.CharField(max_length=200, blank=True)
    value = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    carried_from = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["run", "question"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.question} {self.target} {self.value}".strip()
