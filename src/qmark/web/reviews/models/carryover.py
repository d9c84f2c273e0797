from __future__ import annotations

from django.db import models
from django.utils import timezone

from qmark.web.reviews.models.appendonly import AppendOnlyModel


class CarryOver(AppendOnlyModel):
    """What happened to the human judgements when a review was assessed again: written once,
    when the new assessment (run) first has judgements carried into it.

    carried: {new judgement id: {"from": earlier judgement id, "how": "text" | "number" | "similar" | "question" | "added"}}
    unmatched: [{"judgement": earlier judgement id, "why": "..."}]: not carried, listed for the assessor
    moot: [{"judgement": earlier judgement id, "why": "..."}]: rejections of passages qmark no longer suggests
    """

    run = models.OneToOneField("reviews.AssessmentRun", on_delete=models.CASCADE, related_name="carry_over")
    source = models.ForeignKey("reviews.AssessmentRun", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    carried = models.JSONField(default=dict, blank=True)
    unmatched = models.JSONField(default=list, blank=True)
    moot = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"carry-over into run {self.run_id} from run {self.source_id}"
